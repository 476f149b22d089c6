"""Every public page and every editor's screen passes axe-core's WCAG 2.1 A and AA rules, at desktop and at
phone width.

The pages are read from the URL resolver, not listed by hand: a new public page fails
`test_every_public_page_is_audited` until this module says how to build its address; the editors' admin
screens are every list, add and change page the admin lets the demo editor open. axe-core comes
with axe-playwright-python (its own copy of axe.min.js, injected by Playwright: nothing from the
network, the app's Content-Security-Policy stays on).
"""

import datetime
from collections.abc import Callable

import pytest
from django.contrib.auth import get_user_model
from django.urls import URLPattern, URLResolver, get_resolver

from recommendations import demo
from recommendations.demo.advocacy import add_demo_asks
from recommendations.demo.briefing import add_demo_briefing
from recommendations.demo.followup import add_demo_repeats
from recommendations.models import (
    ImplementationAssessment,
    Organisation,
    Recommendation,
    Watch,
    Webhook,
    WebhookDelivery,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

WIDTHS = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 320, "height": 640}}
# WCAG 2.1 A and AA, and three of axe's "best practices" screen reader users rely on to find their way: one
# main region, a first-level heading, no empty table headers. One run per page (injecting axe costs more than
# running it).
AUDIT = {
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
    "rules": {rule: {"enabled": True} for rule in ("landmark-one-main", "page-has-heading-one", "empty-table-header")},
}
# Public namespaces; the admin and the API are not pages (the editors' screens have their own audit).
PUBLIC = ("recommendations", "states")
# Answers that are not HTML pages, or pages only editors reach.
NOT_PAGES = {
    "recommendations:evidence-document": "a file download",
    "recommendations:evidence-search": "a fragment of the assess screen (htmx), audited inside it",
    "states:briefing-pdf": "a PDF",
    "recommendations:confirm-sign-up": "reached by an emailed signed link (tests/watches/test_accounts.py)",
    "recommendations:sign-out": "a POST only",
    "recommendations:watch-new": "a POST only (the Watch buttons)",
    "recommendations:watch-update": "a POST only (My watches)",
    "recommendations:watch-delete": "a POST only (My watches)",
    "recommendations:watch-feed-key": "a POST only (My watches)",
    "recommendations:webhook-new": "a POST only (My watches); its answer shows the secret once",
    "recommendations:webhook-delete": "a POST only (the webhook's page)",
    "recommendations:watch-feed": "an Atom feed",
}
# The site's pages for signed-in editors: audited with the admin's screens, as the demo editor (a reviewer).
EDITOR_PAGES: dict[str, Callable[[dict], str]] = {
    "recommendations:workspace": lambda d: "/workspace/",
    "recommendations:following": lambda d: "/workspace/following/",
    "recommendations:assess": lambda d: f"/recommendations/{d['assessed']}/assess/?q=report",
    "recommendations:assess-edit": lambda d: f"/workspace/assessments/{d['submitted']}/",
    "recommendations:review": lambda d: f"/workspace/assessments/{d['submitted']}/review/",
    "states:briefing-edit": lambda d: "/states/KAZ/briefing/edit/",
    "recommendations:my-watches": lambda d: "/watches/",
    "recommendations:webhook-log": lambda d: f"/watches/webhooks/{d['webhook']}/",
}

PAGES: dict[str, Callable[[dict], str]] = {
    "recommendations:home": lambda d: "/",
    "recommendations:search": lambda d: "/recommendations/?q=defenders&state_under_review=KAZ",
    "recommendations:detail": lambda d: f"/recommendations/{d['assessed']}/",
    "recommendations:submit-assessment": lambda d: f"/recommendations/{d['assessed']}/submit-assessment/",
    "recommendations:themes": lambda d: "/themes/",
    "recommendations:theme": lambda d: f"/themes/{d['theme']}/",
    "recommendations:advocacy": lambda d: f"/advocacy/{d['organisation']}/",
    "states:index": lambda d: "/states/",
    "states:profile": lambda d: "/states/KAZ/",
    "states:briefing": lambda d: "/states/KAZ/briefing/",
    "states:compare": lambda d: "/compare/?state=KAZ&state=UZB",
    "embed-recommendations": lambda d: "/embed/recommendations/?state_under_review=KAZ",
    "recommendations:sign-up": lambda d: "/accounts/sign-up/",
    "recommendations:sign-in": lambda d: "/accounts/sign-in/",
}
# API answers that are pages in a browser: the API index's links (recommendations/api/root.py).
API_PAGES: dict[str, Callable[[dict], str]] = {
    "api:api-root": lambda d: "/api/v1/",
}


def public_url_names(patterns=None, namespace: str = "") -> list[str]:
    names = []
    for entry in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(entry, URLResolver) and entry.namespace is None:  # i18n_patterns: the pages in every language
            names += public_url_names(entry.url_patterns, namespace)
        elif isinstance(entry, URLResolver):
            inner = f"{namespace}:{entry.namespace}" if namespace and entry.namespace else entry.namespace
            if entry.namespace in PUBLIC or (inner or "").startswith(PUBLIC):
                names += public_url_names(entry.url_patterns, inner or namespace)
        elif isinstance(entry, URLPattern) and entry.name:
            if namespace or entry.name.startswith("embed"):
                names.append(f"{namespace}:{entry.name}" if namespace else entry.name)
    return names


@pytest.fixture
def demo_site() -> dict:
    demo.load_demo()
    add_demo_repeats()
    add_demo_asks()
    add_demo_briefing()
    assessed = Recommendation.objects.filter(assessments__state="published", assessments__citations__isnull=False)
    recommendation = assessed.first()
    theme = recommendation.themes.select_related("scheme").first()
    submitted = ImplementationAssessment.objects.create(
        recommendation=recommendation,
        organisation=recommendation.assessments.first().organisation,
        status="partially_implemented",
        assessed_on=datetime.date(2024, 5, 1),
        narrative="A draft law was tabled.",
        state="submitted",
    )
    # The demo editor watches Kazakhstan, with a webhook: My watches and the delivery log have rows.
    editor = get_user_model().objects.get(username=demo.EDITOR_USERNAME)
    watch = Watch.objects.create(owner=editor, kind="state", state=recommendation.review.state)
    webhook = Webhook.objects.create(watch=watch, url="https://hooks.example.org/upr")
    WebhookDelivery.objects.create(webhook=webhook, payload="{}", changes=2, attempts=1, last_response="200 OK")
    return {
        "webhook": webhook.pk,
        "submitted": submitted.pk,
        "assessed": recommendation.pk,
        "theme": f"{theme.scheme.slug}/{theme.slug}",
        "organisation": Organisation.objects.get(name=demo.ORGANISATION["name"]).slug,
    }


def test_every_public_page_is_audited():
    names = set(public_url_names())
    audited = set(PAGES) | set(EDITOR_PAGES)
    assert names - audited - set(NOT_PAGES) == set(), "Add these pages to PAGES or EDITOR_PAGES (or NOT_PAGES)"
    assert audited <= names


def report(found: dict[str, list[str]]) -> str:
    lines = [f"{url}\n    " + "\n    ".join(rules) for url, rules in found.items()]
    return "WCAG 2.1 A/AA violations:\n" + "\n".join(lines)


def violations(page) -> list[str]:
    from axe_playwright_python.sync_playwright import Axe

    found = Axe().run(page, options=AUDIT).response["violations"]
    return [
        f"{rule['id']} ({rule['impact']}): {rule['help']} — {[node['target'] for node in rule['nodes'][:4]]}"
        for rule in found
    ]


@pytest.mark.parametrize("width", sorted(WIDTHS))
def test_public_pages_pass_wcag_21_aa(live_server, new_page, demo_site, width):
    page = new_page(viewport=WIDTHS[width])
    found = {}
    for build in [*PAGES.values(), *API_PAGES.values()]:
        url = build(demo_site)
        response = page.goto(live_server.url + url)
        assert response.status == 200, url
        problems = violations(page)
        overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        if overflow > 0:  # WCAG 1.4.10 Reflow: no sideways scrolling at 320 CSS pixels
            problems.append(f"the page scrolls sideways by {overflow} px")
        if problems:
            found[url] = problems
    assert not found, report(found)


@pytest.mark.parametrize("width", sorted(WIDTHS))
def test_the_public_form_with_errors_passes_wcag_21_aa(live_server, new_page, screenshot, demo_site, width):
    page = new_page(viewport=WIDTHS[width])
    page.goto(live_server.url + PAGES["recommendations:submit-assessment"](demo_site))
    page.get_by_label("Date the assessment describes").fill("2999-01-01")
    page.get_by_role("button", name="Send for review").click()
    page.wait_for_load_state()
    summary = page.locator(".error-summary[role=alert]")
    assert summary.count() == 1, "the form showed no error summary"
    # Each message in the summary links to its field, which names the message as its description.
    date = page.get_by_label("Date the assessment describes")
    assert date.get_attribute("aria-invalid") == "true"
    assert "today" in page.locator(f"#{date.get_attribute('aria-describedby').split()[-1]}").inner_text()
    screenshot(page, f"submit-assessment-errors-{width}")
    assert violations(page) == []


# Editors' screens ----------------------------------------------------------------------------------------------


def editor_screens(data: dict) -> list[str]:
    """Every admin page the demo editor may open: each registered admin's list, add form and one object's change
    form, as the admin itself decides (has_*_permission), so a new admin is audited the day it is registered."""
    from django.contrib import admin
    from django.contrib.auth import get_user_model
    from django.test import RequestFactory
    from django.urls import NoReverseMatch, reverse

    request = RequestFactory().get("/admin/")
    request.user = get_user_model().objects.get(username=demo.EDITOR_USERNAME)
    urls = ["/admin/", *(build(data) for build in EDITOR_PAGES.values())]
    for model, model_admin in admin.site._registry.items():
        info = (model._meta.app_label, model._meta.model_name)
        try:
            if model_admin.has_view_permission(request):
                urls.append(reverse("admin:{}_{}_changelist".format(*info)))
                obj = model_admin.get_queryset(request).order_by("pk").first()
                if obj is not None:
                    urls.append(reverse("admin:{}_{}_change".format(*info), args=[obj.pk]))
            if model_admin.has_add_permission(request):
                urls.append(reverse("admin:{}_{}_add".format(*info)))
        except NoReverseMatch:
            continue
    return urls


@pytest.mark.parametrize("width", sorted(WIDTHS))
def test_editor_screens_pass_wcag_21_aa(live_server, new_page, demo_site, width):
    urls = editor_screens(demo_site)
    page = new_page(viewport=WIDTHS[width])
    page.goto(f"{live_server.url}/admin/login/?next=/admin/")
    page.fill("#id_username", demo.EDITOR_USERNAME)
    page.fill("#id_password", demo.EDITOR_PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url(f"{live_server.url}/admin/")
    found = {}
    for url in urls:
        response = page.goto(live_server.url + url)
        assert response.status == 200, url
        problems = violations(page)
        if problems:
            found[url] = problems
    assert not found, report(found)
