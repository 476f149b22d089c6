"""The public site's pages. Those about one State keep the "states" URL namespace (`states:profile` …):
project urls include `state_patterns` under it."""

from django.contrib.auth.views import LogoutView
from django.urls import path, register_converter

from core.locale import in_the_language_of_its_url
from core.throttling import BriefingPdfThrottle, SignUpThrottle, throttled
from recommendations.site import (
    accounts,
    advocacy,
    assess,
    briefings,
    embed,
    evidence_files,
    reviews,
    states,
    submissions,
    views,
    watches,
    webhooks,
    workspace,
)


class IdConverter:
    """A primary key that fits PostgreSQL's bigint: longer numbers are a 404, not a database error."""

    regex = "[0-9]{1,18}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value: int) -> str:
        return str(value)


class Iso3Converter:
    """Three letters in any case; the view looks the code up in upper case."""

    regex = "[A-Za-z]{3}"

    def to_python(self, value: str) -> str:
        return value.upper()

    def to_url(self, value: str) -> str:
        return value.upper()


register_converter(IdConverter, "id")
register_converter(Iso3Converter, "iso3")

app_name = "recommendations"

urlpatterns = [
    path("", views.home, name="home"),
    path("recommendations/", throttled(views.recommendation_search), name="search"),
    path("recommendations/<id:pk>/", views.recommendation_detail, name="detail"),
    path("recommendations/<id:pk>/submit-assessment/", submissions.submit_assessment, name="submit-assessment"),
    path("recommendations/<id:pk>/assess/", assess.assess_new, name="assess"),
    path("workspace/", workspace.workspace, name="workspace"),
    path("workspace/assessments/<id:pk>/", assess.assess_edit, name="assess-edit"),
    path("workspace/assessments/<id:pk>/review/", reviews.review, name="review"),
    path("workspace/following/", workspace.following, name="following"),
    path("workspace/evidence/", assess.evidence_search, name="evidence-search"),
    path("evidence/<id:pk>/document/", evidence_files.download, name="evidence-document"),
    path("themes/", views.theme_index, name="themes"),
    path("themes/<slug:scheme>/<slug:slug>/", views.theme_detail, name="theme"),
    path("advocacy/<slug:slug>/", advocacy.organisation_uptake, name="advocacy"),
    path("accounts/sign-up/", throttled(accounts.sign_up, SignUpThrottle), name="sign-up"),
    path("accounts/confirm/<str:token>/", accounts.confirm_sign_up, name="confirm-sign-up"),
    path("accounts/sign-in/", accounts.sign_in, name="sign-in"),
    path("accounts/sign-out/", LogoutView.as_view(next_page="recommendations:home"), name="sign-out"),
    path("watches/", watches.my_watches, name="my-watches"),
    path("watches/new/", watches.watch_new, name="watch-new"),
    path("watches/<id:pk>/", watches.watch_update, name="watch-update"),
    path("watches/<id:pk>/delete/", watches.watch_delete, name="watch-delete"),
    path("watches/<id:pk>/feed-key/", watches.watch_feed_key, name="watch-feed-key"),
    path("watches/feed/<slug:token>.atom", watches.watch_feed, name="watch-feed"),
    path("watches/<id:pk>/webhooks/", webhooks.webhook_new, name="webhook-new"),
    path("watches/webhooks/<id:pk>/", webhooks.webhook_log, name="webhook-log"),
    path("watches/webhooks/<id:pk>/delete/", webhooks.webhook_delete, name="webhook-delete"),
]

state_patterns = [
    path("states/", states.state_index, name="index"),
    path("states/<iso3:iso3>/", states.state_profile, name="profile"),
    path("states/<iso3:iso3>/briefing/", briefings.briefing_page, name="briefing"),
    path(
        "states/<iso3:iso3>/briefing.pdf",
        throttled(briefings.briefing_pdf, BriefingPdfThrottle),
        name="briefing-pdf",
    ),
    path("states/<iso3:iso3>/briefing/edit/", briefings.briefing_edit, name="briefing-edit"),
    path("compare/", states.compare, name="compare"),
]

embed_patterns = [
    path(
        "embed/recommendations/",
        in_the_language_of_its_url(throttled(embed.embed_recommendations, embed_csp=embed.EMBED_CSP)),
        name="embed-recommendations",
    ),
]
