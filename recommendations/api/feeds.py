"""Atom feed of newly recorded implementation assessments: /api/v1/feeds/assessments.atom.

Filter with ?state_under_review=KAZ and ?theme=<slug or scheme:slug> (repeatable, as in the API).
XML 1.0 cannot carry most control characters; stored texts may hold them (the API keeps them),
so the feed leaves them out.
"""

from django.contrib.syndication.views import Feed
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.formats import date_format
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_safe

from core.xml_text import xml_text
from recommendations import permissions
from recommendations.models import ImplementationAssessment
from recommendations.search.list_filters import AssessmentFeedFilterSet

FEED_SIZE = 50


class AssessmentFeed(Feed):
    feed_type = Atom1Feed
    title = gettext_lazy("UPR Tracker: new implementation assessments")
    subtitle = gettext_lazy("Assessments of how far UPR recommendations have been implemented, newest first.")

    def get_object(self, request: HttpRequest) -> AssessmentFeedFilterSet:
        return request.feed_filterset

    def link(self) -> str:
        return reverse("recommendations:home")

    def feed_url(self, obj: AssessmentFeedFilterSet) -> str:
        query = obj.data.urlencode()
        return reverse("api:assessments-feed") + (f"?{query}" if query else "")

    def items(self, obj: AssessmentFeedFilterSet) -> QuerySet:
        """One query: the newest assessments with what their titles need."""
        related = ("recommendation__review__state", "recommendation__review__session", "organisation")
        return obj.qs.select_related(*related).order_by("-created_at", "-id")[:FEED_SIZE]

    def item_title(self, item: ImplementationAssessment) -> str:
        recommendation = item.recommendation
        label = recommendation.paragraph or f"#{recommendation.pk}"
        title = _("%(status)s: %(state)s, recommendation %(paragraph)s") % {
            "status": item.get_status_display(),
            "state": recommendation.review.state.localized_name,
            "paragraph": label,
        }
        return xml_text(title)

    def item_description(self, item: ImplementationAssessment) -> str:
        text = Truncator(item.recommendation.text).chars(300)
        description = _("%(organisation)s, %(date)s. %(narrative)s\n\nRecommendation: %(text)s") % {
            "organisation": item.organisation.name,
            "date": date_format(item.assessed_on, "d F Y"),
            "narrative": item.narrative,
            "text": text,
        }
        return xml_text(description)

    def item_link(self, item: ImplementationAssessment) -> str:
        return reverse("api:assessment-detail", args=[item.pk])

    def item_author_name(self, item: ImplementationAssessment) -> str:
        return xml_text(item.organisation.name)

    def item_pubdate(self, item: ImplementationAssessment):
        return item.created_at

    def item_updateddate(self, item: ImplementationAssessment):
        return item.updated_at


@require_safe
def assessments_feed(request: HttpRequest) -> HttpResponse:
    """Check the parameters first: a bad one is a 400 in the API's error shape, not an empty feed."""
    filterset = AssessmentFeedFilterSet(
        request.GET, queryset=permissions.public(ImplementationAssessment.objects.all())
    )
    if not filterset.is_valid():
        return JsonResponse({"errors": filterset.errors}, status=400)
    request.feed_filterset = filterset
    return AssessmentFeed()(request)
