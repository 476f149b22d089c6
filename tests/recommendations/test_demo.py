"""The demo data: loads idempotently, matches ISHR's briefing, and gives a working editor login."""

import csv
import datetime
import html
import io
import re
from io import StringIO

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from recommendations import demo
from recommendations.models import (
    Citation,
    EvidenceSource,
    ImplementationAssessment,
    Recommendation,
    Response,
    Review,
)

pytestmark = pytest.mark.django_db

HRD = "Human rights defenders"


def snapshot() -> dict:
    """Row counts of every table (many-to-many tables included) and every updated_at value."""
    state = {}
    for model in apps.get_models(include_auto_created=True):
        label = model._meta.label
        state[label] = model.objects.count()
        if any(f.name == "updated_at" for f in model._meta.concrete_fields):
            state[f"{label}.updated_at"] = sorted(model.objects.values_list("pk", "updated_at"))
    state["editor password"] = get_user_model().objects.get(username=demo.EDITOR_USERNAME).password
    return state


def kaz_review(session: int) -> Review:
    return Review.objects.get(state__iso3="KAZ", session__number=session)


def test_loading_twice_creates_and_changes_nothing_the_second_time():
    first = demo.load_demo()
    before = snapshot()

    second = demo.load_demo()

    assert sum(first.created.values()) > 0
    assert sum(second.created.values()) == 0
    assert second.unchanged == first.created
    assert snapshot() == before


def test_session_7_review_has_the_briefing_recommendations_all_with_a_response():
    demo.load_demo()
    review = kaz_review(7)

    assert (review.review_date.isoformat(), review.report_symbol, review.addendum_symbol) == (
        "2010-02-10",
        "A/HRC/14/10",
        "A/HRC/14/10/Add.1",
    )
    recommendations = review.recommendations.all()
    assert recommendations.count() == 13
    assert recommendations.filter(response=Response.SUPPORTED).count() == 12
    assert recommendations.filter(response=Response.NOTED).count() == 1
    assert not recommendations.filter(response="").exists()
    assert set(recommendations.values_list("response_date", flat=True)) == {datetime.date(2010, 6, 10)}


def test_seven_supported_recommendations_concern_defenders_as_the_briefing_counts():
    demo.load_demo()
    recommendations = kaz_review(7).recommendations.all()

    on_defenders = recommendations.filter(affected_groups__name=HRD)
    assert on_defenders.count() == 7
    assert on_defenders.filter(response=Response.SUPPORTED).count() == 7
    # UPR Info tags one of them with the issue itself; the demo keeps UPR Info's tagging.
    assert recommendations.filter(themes__scheme__slug="upr-info", themes__name=HRD).count() == 1
    # The briefing finds none of the seven implemented.
    assert set(on_defenders.values_list("current_status", flat=True)) == {"not_implemented"}


def test_session_20_review_repeats_earlier_asks_with_supported_and_noted_responses():
    demo.load_demo()
    review = kaz_review(20)

    assert (review.review_date.isoformat(), review.report_symbol) == ("2014-10-30", "A/HRC/28/10")
    assert sorted(review.recommendations.values_list("response", flat=True)) == ["noted", "supported", "supported"]


def test_every_assessment_cites_at_least_one_evidence_source_with_a_url():
    demo.load_demo()

    assert ImplementationAssessment.objects.count() == 12
    assert not ImplementationAssessment.objects.filter(citations=None).exists()
    assert Citation.objects.count() == 18
    assert not EvidenceSource.objects.filter(url="").exists()


def test_current_status_of_each_assessed_recommendation_is_its_latest_assessment():
    demo.load_demo()
    assessed = Recommendation.objects.exclude(assessments=None)

    assert assessed.count() == 11
    for recommendation in assessed:
        latest = recommendation.assessments.order_by("-assessed_on", "-id").first()
        assert (recommendation.current_status, recommendation.current_status_date) == (
            latest.status,
            latest.assessed_on,
        )


def test_texts_are_marked_as_summaries():
    demo.load_demo()

    assert all(text.endswith(f" {demo.SUMMARY_MARK}") for text in Recommendation.objects.values_list("text", flat=True))
    assert all(e.startswith("Summary: ") for e in Citation.objects.values_list("excerpt", flat=True))
    assert all(n.endswith(demo.DEMO_NOTE) for n in ImplementationAssessment.objects.values_list("narrative", flat=True))
    notes = kaz_review(7).notes.splitlines()
    assert notes[0] == "Civil society proposals for the next review (ISHR briefing, 2014) — summarised:"
    assert [line.split(".")[0] for line in notes[1:]] == [str(n) for n in range(1, 13)]


@pytest.mark.samples
def test_no_recommendation_text_copies_a_run_of_seven_words_from_the_upr_info_sample(samples_dir):
    raw = (samples_dir / "upr-info" / "upr-info-kazakhstan-sessions-07-20.csv").read_bytes().decode("mac_roman")
    rows = csv.DictReader(io.StringIO(raw.replace("\r\n", "\n").replace("\r", "\n")))
    sample_runs = set().union(*(word_runs(html.unescape(row["Text"]), 7) for row in rows))

    copied = {rec.key: word_runs(rec.text, 7) & sample_runs for data in demo.REVIEWS for rec in data["recommendations"]}

    assert {key: runs for key, runs in copied.items() if runs} == {}


def word_runs(text: str, length: int) -> set[tuple[str, ...]]:
    words = re.findall(r"[a-z0-9']+", text.lower())
    return {tuple(words[i : i + length]) for i in range(len(words) - length + 1)}


def test_demo_editor_can_log_in_and_edit_in_the_admin(client):
    demo.load_demo()

    assert client.login(username=demo.EDITOR_USERNAME, password=demo.EDITOR_PASSWORD)
    assert client.get("/admin/").status_code == 200
    assert client.get("/admin/recommendations/recommendation/").status_code == 200
    assert client.get("/admin/recommendations/implementationassessment/add/").status_code == 200
    assessment = ImplementationAssessment.objects.first()
    assert client.get(f"/admin/recommendations/implementationassessment/{assessment.pk}/change/").status_code == 200
    assert (
        client.get(f"/admin/recommendations/recommendation/{assessment.recommendation_id}/change/").status_code == 200
    )
    # Reviews are reference data for editors: they see them (autocomplete) but cannot add them.
    assert client.get("/admin/recommendations/review/").status_code == 200
    assert client.get("/admin/recommendations/review/add/").status_code == 403


def test_command_prints_the_login_then_keeps_a_changed_password(settings):
    settings.DEBUG = True
    first = StringIO()
    call_command("load_demo", stdout=first)
    editor = get_user_model().objects.get(username=demo.EDITOR_USERNAME)
    editor.set_password("a passphrase the editor chose")
    editor.save()

    second = StringIO()
    call_command("load_demo", stdout=second)

    assert "http://127.0.0.1:8000/admin/" in first.getvalue()
    assert f"username: {demo.EDITOR_USERNAME}\n" in first.getvalue()
    assert f"password: {demo.EDITOR_PASSWORD}\n" in first.getvalue()
    assert "recommendations: 16 created, 0 unchanged" in first.getvalue()
    assert "recommendations: 0 created, 16 unchanged" in second.getvalue()
    assert "password: unchanged, the existing password was kept\n" in second.getvalue()
    editor.refresh_from_db()
    assert editor.check_password("a passphrase the editor chose")


def test_command_refuses_to_create_the_public_login_without_debug(settings):
    settings.DEBUG = False

    with pytest.raises(CommandError, match="DEBUG off"):
        call_command("load_demo", stdout=StringIO())

    assert not get_user_model().objects.filter(username=demo.EDITOR_USERNAME).exists()
