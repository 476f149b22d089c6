"""What one client can make the briefing PDF cost: renders shared by anonymous readers until the data changes,
a per-address rate for anonymous clients, and a bounded number of renders at once per process.

The caching tests commit for real (transaction=True): the data version moves when a writing transaction
commits (migration 0010), which a test wrapped in one transaction never does.
"""

import pytest
from django.core.cache import cache
from django.db import transaction

from core import counts
from recommendations import briefings
from recommendations.models import ImplementationAssessment, Recommendation
from recommendations.site import briefings as briefing_views
from tests.site_data import D, assess, evidence, organisation, recommendation, review

PDF = "/states/KAZ/briefing.pdf"
HRD_CYCLE_1 = "?affected_group=human-rights-defenders&cycle=1"
SAME_QUERY_REORDERED = "?cycle=1&affected_group=human-rights-defenders&unknown=ignored"

committed = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture(autouse=True)
def _fresh_cache(settings, monkeypatch):
    settings.RESPONSE_CACHE_VERSION_MS = 0
    monkeypatch.setattr(counts, "_reused", None)
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def renders(monkeypatch):
    """The HTML of each PDF the server lays out (render_pdf wrapped: the real PDF is still made)."""
    try:
        from recommendations.briefings import pdf as briefing_pdf
    except OSError as error:
        pytest.skip(f"WeasyPrint cannot load its system libraries: {error}")
    made, real = [], briefing_pdf.render_pdf

    def counting(html: str, **kwargs) -> bytes:
        made.append(html)
        return real(html, **kwargs)

    monkeypatch.setattr(briefing_pdf, "render_pdf", counting)
    return made


@pytest.fixture
def defenders():
    """A recommendation on human rights defenders in Kazakhstan's 2010 review, with a published assessment."""
    made = recommendation(
        review("KAZ", 7), "Protect defenders", groups=("Human rights defenders",), response="supported"
    )
    report = evidence("Public report", url="https://example.org/public")
    watch = organisation("Rights Monitor")
    assess(made, "not_implemented", D(2013, 6, 1), by=watch, narrative="Published finding.", cites=[(report, "", "")])
    return made


def pdf(client, query: str = HRD_CYCLE_1, **extra):
    response = client.get(PDF + query, **extra)
    assert response.status_code == 200, response.content[:300]
    assert response.content.startswith(b"%PDF-")
    return response


# Shared renders ----------------------------------------------------------------------------------------------


@committed
def test_a_second_anonymous_request_for_the_same_briefing_renders_nothing(client, defenders, renders):
    first = pdf(client)
    again = pdf(client, SAME_QUERY_REORDERED)
    assert len(renders) == 1
    assert again.content == first.content
    assert again["Content-Disposition"] == first["Content-Disposition"]


@committed
def test_another_filter_or_state_is_another_render(client, defenders, renders):
    pdf(client)
    pdf(client, "?cycle=1")
    assert client.get("/states/FRA/briefing.pdf").status_code == 200
    assert len(renders) == 3


@committed
def test_published_texts_written_after_a_render_are_in_the_next_pdf(client, defenders, kazakhstan, org_a, renders):
    pdf(client, "")
    pdf(client, "")
    briefings.write_briefing(
        organisation=org_a, state=kazakhstan, texts={"en": {"introduction": "A new introduction."}}, published=True
    )
    pdf(client, "")
    assert len(renders) == 2
    assert "A new introduction." in renders[-1] and "A new introduction." not in renders[0]


@committed
def test_a_changed_recommendation_is_in_the_next_pdf(client, defenders, renders):
    pdf(client)
    Recommendation.objects.filter(pk=defenders.pk).update(text="Protect defenders and journalists")
    pdf(client)
    assert len(renders) == 2
    assert "Protect defenders and journalists" in renders[-1]


@committed
def test_a_members_render_shows_their_drafts_and_is_never_shared(client, defenders, editor_a, org_a, renders):
    draft = assess(defenders, "partially_implemented", D(2014, 2, 1), by=org_a, narrative="Draft finding.")
    ImplementationAssessment.objects.filter(pk=draft.pk).update(state=ImplementationAssessment.Publication.DRAFT)
    pdf(client)
    client.force_login(editor_a)
    pdf(client)
    pdf(client)
    client.logout()
    pdf(client)
    assert len(renders) == 3
    assert "Draft finding." not in renders[0]
    assert all("Draft finding." in html for html in renders[1:])


@committed
def test_nothing_is_shared_when_caching_is_off(client, defenders, renders, settings):
    settings.RESPONSE_CACHE_SECONDS = 0
    pdf(client)
    pdf(client)
    assert len(renders) == 2


@pytest.mark.django_db
def test_reads_inside_a_transaction_that_wrote_are_never_shared(client, defenders, renders):
    with transaction.atomic():
        Recommendation.objects.filter(pk=defenders.pk).update(text="Not committed yet")
        pdf(client)
        pdf(client)
    assert len(renders) == 2


# Anonymous rate ----------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_an_anonymous_client_over_the_pdf_rate_gets_a_429_with_retry_after(client, defenders, renders, settings):
    settings.BRIEFING_PDF_ANON_RATE = "2/hour"
    pdf(client, REMOTE_ADDR="10.0.0.1")
    pdf(client, "?cycle=1", REMOTE_ADDR="10.0.0.1")
    refused = client.get(PDF, REMOTE_ADDR="10.0.0.1")
    assert refused.status_code == 429
    assert 3500 < int(refused["Retry-After"]) <= 3600
    assert "Too many requests" in refused.content.decode()
    assert len(renders) == 2
    pdf(client, REMOTE_ADDR="10.0.0.2")  # another address has its own count
    assert client.get("/states/KAZ/briefing/", REMOTE_ADDR="10.0.0.1").status_code == 200  # the page is not limited


@pytest.mark.django_db
def test_signed_in_users_are_not_held_to_the_anonymous_pdf_rate(client, defenders, editor_a, renders, settings):
    settings.BRIEFING_PDF_ANON_RATE = "1/hour"
    client.force_login(editor_a)
    for _ in range(3):
        pdf(client)


# Renders at once ---------------------------------------------------------------------------------------------


@pytest.fixture
def all_slots_taken(settings):
    """Every render slot of this process held, as by concurrent renders."""
    settings.BRIEFING_PDF_CONCURRENCY = 2
    slots = briefing_views.render_slots(2)
    assert slots.acquire(blocking=False) and slots.acquire(blocking=False)
    yield
    slots.release()
    slots.release()


@pytest.mark.django_db
def test_while_every_render_slot_is_taken_a_pdf_is_a_503_with_retry_after(client, defenders, renders, all_slots_taken):
    busy = client.get(PDF + HRD_CYCLE_1)
    assert busy.status_code == 503
    assert int(busy["Retry-After"]) > 0
    assert "Too many PDF files are being made" in busy.content.decode()
    assert renders == []
    assert client.get("/api/v1/cycles/").status_code == 200
    assert client.get("/states/KAZ/briefing/" + HRD_CYCLE_1).status_code == 200


@pytest.mark.django_db
def test_a_slot_is_given_back_after_each_render_even_a_failed_one(client, defenders, renders, settings, monkeypatch):
    settings.BRIEFING_PDF_CONCURRENCY = 1
    from recommendations.briefings import pdf as briefing_pdf

    monkeypatch.setattr(briefing_pdf, "render_pdf", lambda html, **kwargs: 1 / 0)
    with pytest.raises(ZeroDivisionError):
        client.get(PDF)
    assert briefing_views.render_slots(1).acquire(blocking=False)
    briefing_views.render_slots(1).release()


@committed
def test_a_stored_pdf_needs_no_render_slot(client, defenders, renders, settings):
    settings.BRIEFING_PDF_CONCURRENCY = 1
    pdf(client)
    slots = briefing_views.render_slots(1)
    assert slots.acquire(blocking=False)
    try:
        pdf(client)
    finally:
        slots.release()
    assert len(renders) == 1
