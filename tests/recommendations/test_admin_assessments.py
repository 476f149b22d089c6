"""Editors in the admin: their organisation's assessments only, no lost edits, quick and bulk entry, history."""

import datetime

import pytest
from django.urls import reverse

from recommendations import services
from recommendations.models import Citation, EvidenceSource, ImplementationAssessment, Recommendation
from tests.recommendations.editor_helpers import form_inputs

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:recommendations_implementationassessment_changelist")


@pytest.fixture
def recommendation(review_kaz_2010, make_recommendation, norway):
    return make_recommendation(review_kaz_2010, states=[norway])


@pytest.fixture
def report(org_a):
    return EvidenceSource.objects.create(
        title="World Report 2014", url="https://www.hrw.org/world-report/2014", organisation=org_a
    )


def record(recommendation, organisation, *, state="published", status="not_implemented", user=None):
    return services.record_assessment(
        recommendation=recommendation,
        status=status,
        assessed_on=datetime.date(2013, 1, 1),
        organisation=organisation,
        recorded_by=user,
        state=state,
    )


def change_url(assessment) -> str:
    return reverse("admin:recommendations_implementationassessment_change", args=[assessment.pk])


def change_data(client, assessment, **changes) -> dict:
    """What the change form posts when the editor changes `changes`, based on the page they opened."""
    page = client.get(change_url(assessment)).content.decode()
    data = form_inputs(page)
    data.update(
        recommendation=assessment.recommendation_id,
        status=assessment.status,
        assessed_on=assessment.assessed_on.isoformat(),
        organisation=assessment.organisation_id,
        assessor_kind=assessment.assessor_kind,
        narrative=assessment.narrative,
        submitter="",
    )
    data.update(changes)
    return data


def test_editor_sees_own_drafts_and_everyones_published_but_not_other_drafts(
    client, editor_a, recommendation, org_a, org_b
):
    own_draft = record(recommendation, org_a, state="draft")
    other_draft = record(recommendation, org_b, state="draft")
    other_published = record(recommendation, org_b)
    client.force_login(editor_a)
    shown = client.get(CHANGELIST).context["cl"].result_list
    assert set(shown) == {own_draft, other_published}
    assert client.get(change_url(other_draft)).status_code == 302  # "does not exist", back to the admin index


def test_editor_cannot_change_other_org_assessment(client, editor_a, recommendation, org_b):
    other = record(recommendation, org_b)
    client.force_login(editor_a)
    page = client.get(change_url(other))
    assert page.status_code == 200
    assert page.context["has_change_permission"] is False  # read-only view
    response = client.post(change_url(other), change_data(client, other, status="fully_implemented"))
    assert response.status_code == 403
    other.refresh_from_db()
    assert other.status == "not_implemented"


def test_organisation_field_offers_only_the_editors_organisations(client, editor_a, org_a, org_b):
    client.force_login(editor_a)
    form = client.get(reverse("admin:recommendations_implementationassessment_add")).context["adminform"].form
    assert list(form.fields["organisation"].queryset) == [org_a]


def test_new_assessment_from_the_admin_is_a_draft_and_does_not_change_the_status(
    client, editor_a, recommendation, org_a
):
    client.force_login(editor_a)
    data = {
        "recommendation": recommendation.pk,
        "status": "partially_implemented",
        "assessed_on": "2014-01-21",
        "organisation": org_a.pk,
        "assessor_kind": "civil_society",
        "narrative": "Some defenders were released.",
        "citations-TOTAL_FORMS": "0",
        "citations-INITIAL_FORMS": "0",
    }
    response = client.post(reverse("admin:recommendations_implementationassessment_add"), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    assessment = ImplementationAssessment.objects.get()
    assert (assessment.state, assessment.recorded_by, assessment.version) == ("draft", editor_a, 1)
    assert Recommendation.objects.get().current_status == ""


def test_second_of_two_concurrent_saves_is_refused_with_the_other_change(
    client, editor_a, django_user_model, recommendation, org_a
):
    colleague = django_user_model.objects.create_user(username="colleague-a", password="x" * 12, is_staff=True)
    colleague.memberships.create(organisation=org_a, role="editor")
    assessment = record(recommendation, org_a, state="draft")
    client.force_login(editor_a)
    first_page = change_data(client, assessment, narrative="Mine")  # editor A opens the page (version 1)

    from django.test import Client

    other = Client()
    other.force_login(colleague)
    saved = other.post(change_url(assessment), change_data(other, assessment, narrative="The colleague's words"))
    assert saved.status_code == 302

    refused = client.post(change_url(assessment), first_page)
    assert refused.status_code == 200
    message = " ".join(refused.context["adminform"].form.non_field_errors())
    assert "colleague-a saved this assessment after you opened it" in message
    assert "The colleague's words" in message
    assessment.refresh_from_db()
    assert (assessment.narrative, assessment.version) == ("The colleague's words", 2)


def test_reviewer_publishes_and_the_status_follows(client, reviewer_a, recommendation, org_a):
    draft = record(recommendation, org_a, state="draft", status="fully_implemented")
    client.force_login(reviewer_a)
    response = client.post(CHANGELIST, {"action": "publish", "_selected_action": [draft.pk]})
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.state == "published"
    assert Recommendation.objects.get().current_status == "fully_implemented"

    client.post(CHANGELIST, {"action": "unpublish", "_selected_action": [draft.pk]})
    assert Recommendation.objects.get().current_status == ""


def test_editor_cannot_publish(client, editor_a, recommendation, org_a):
    draft = record(recommendation, org_a, state="draft")
    client.force_login(editor_a)
    client.post(CHANGELIST, {"action": "publish", "_selected_action": [draft.pk]})
    draft.refresh_from_db()
    assert draft.state == "draft"


def test_moderation_queue_lists_submissions_and_reviewer_rejects(client, reviewer_a, recommendation, org_a, org_b):
    submitted = record(recommendation, org_a, state="submitted")
    record(recommendation, org_a, state="draft")
    record(recommendation, org_b, state="submitted")
    client.force_login(reviewer_a)
    queue = reverse("admin:recommendations_moderationqueue_changelist")
    assert [a.pk for a in client.get(queue).context["cl"].result_list] == [submitted.pk]
    client.post(queue, {"action": "reject", "_selected_action": [submitted.pk]})
    submitted.refresh_from_db()
    assert submitted.state == "rejected"
    assert Recommendation.objects.get().current_status == ""


def test_quick_entry_on_the_recommendation_page_records_assessment_with_evidence(
    client, editor_a, recommendation, org_a, report
):
    client.force_login(editor_a)
    url = reverse("admin:recommendations_recommendation_change", args=[recommendation.pk])
    data = form_inputs(client.get(url).content.decode())
    data.update(
        {
            "assessments-2-0-status": "not_implemented",
            "assessments-2-0-assessed_on": "2014-03-01",
            "assessments-2-0-organisation": org_a.pk,
            "assessments-2-0-narrative": "Defenders still jailed.",
            "assessments-2-0-evidence_sources": [report.pk],
        }
    )
    response = client.post(url, data)
    assert response.status_code == 302, response.context and response.context.get("errors")
    assessment = ImplementationAssessment.objects.get()
    assert (assessment.organisation, assessment.state, assessment.recorded_by) == (org_a, "draft", editor_a)
    assert list(Citation.objects.values_list("evidence", flat=True)) == [report.pk]
    recommendation.refresh_from_db()
    assert recommendation.text == "Protect human rights defenders from reprisals"  # read-only for editors


def test_bulk_action_records_one_assessment_per_recommendation_in_one_go(
    client, editor_a, review_kaz_2010, make_recommendation, org_a, org_b, report
):
    recommendations = [make_recommendation(review_kaz_2010, f"Recommendation {n}") for n in range(3)]
    client.force_login(editor_a)
    changelist = reverse("admin:recommendations_recommendation_changelist")
    ids = [r.pk for r in recommendations]
    page = client.post(changelist, {"action": "record_assessment_action", "_selected_action": ids})
    assert page.status_code == 200
    assert list(page.context["form"].fields["organisation"].queryset) == [org_a]
    response = client.post(
        changelist,
        {
            "action": "record_assessment_action",
            "_selected_action": ids,
            "apply": "1",
            "status": "partially_implemented",
            "assessed_on": "2015-06-01",
            "organisation": org_a.pk,
            "narrative": "Mid-term assessment.",
            "evidence": [report.pk],
        },
    )
    assert response.status_code == 302
    assessments = ImplementationAssessment.objects.order_by("recommendation_id")
    assert [(a.recommendation_id, a.state, a.organisation_id) for a in assessments] == [
        (pk, "draft", org_a.pk) for pk in ids
    ]
    assert Citation.objects.filter(evidence=report).count() == 3
    assert all(a.history.get().history_user == editor_a for a in assessments)


def test_bulk_action_refuses_another_organisation(client, editor_a, recommendation, org_b):
    client.force_login(editor_a)
    changelist = reverse("admin:recommendations_recommendation_changelist")
    data = {
        "action": "record_assessment_action",
        "_selected_action": [recommendation.pk],
        "apply": "1",
        "status": "fully_implemented",
        "assessed_on": "2015-06-01",
        "organisation": org_b.pk,
    }
    response = client.post(changelist, data)
    assert response.status_code == 200
    assert "organisation" in response.context["form"].errors
    assert not ImplementationAssessment.objects.exists()


def test_history_names_the_user_and_the_changed_fields_and_restores(client, editor_a, recommendation, org_a):
    assessment = record(recommendation, org_a, state="draft", user=editor_a)
    client.force_login(editor_a)
    client.post(
        change_url(assessment), change_data(client, assessment, narrative="Changed", status="fully_implemented")
    )
    latest, first = assessment.history.order_by("-history_id")[:2]
    assert latest.history_user == editor_a
    assert first.history_user == editor_a
    changed = {change.field for change in latest.diff_against(first).changes}
    assert {"narrative", "status"} <= changed

    history_page = client.get(reverse("admin:recommendations_implementationassessment_history", args=[assessment.pk]))
    assert history_page.status_code == 200
    revert_url = reverse(
        "admin:recommendations_implementationassessment_simple_history", args=[assessment.pk, first.history_id]
    )
    data = form_inputs(client.get(revert_url).content.decode())
    data.update(
        recommendation=recommendation.pk,
        status="not_implemented",
        assessed_on="2013-01-01",
        organisation=org_a.pk,
        assessor_kind="civil_society",
        narrative="",
        submitter="",
    )
    response = client.post(revert_url, data)
    assert response.status_code == 302
    assessment.refresh_from_db()
    assert (assessment.narrative, assessment.status, assessment.version) == ("", "not_implemented", 3)


def test_changelist_search_uses_the_text_search_vector(client, staff_admin, review_kaz_2010, make_recommendation):
    make_recommendation(review_kaz_2010, "Release the journalists detained in Almaty")
    make_recommendation(review_kaz_2010, "Ratify the Optional Protocol")
    client.force_login(staff_admin)
    changelist = reverse("admin:recommendations_recommendation_changelist")
    shown = client.get(changelist, {"q": "journalist"}).context["cl"].result_list
    assert [r.text for r in shown] == ["Release the journalists detained in Almaty"]


def test_no_assessment_from_my_organisation_filter(
    client, editor_a, review_kaz_2010, make_recommendation, org_a, org_b
):
    mine, theirs, none = (make_recommendation(review_kaz_2010, text) for text in ("Mine", "Theirs", "None"))
    record(mine, org_a)
    record(theirs, org_b)
    client.force_login(editor_a)
    changelist = reverse("admin:recommendations_recommendation_changelist")
    shown = client.get(changelist, {"mine": "none"}).context["cl"].result_list
    assert {r.text for r in shown} == {"Theirs", "None"}


def test_last_assessed_filter(client, editor_a, review_kaz_2010, make_recommendation, org_a):
    old, recent = make_recommendation(review_kaz_2010, "Old"), make_recommendation(review_kaz_2010, "Recent")
    record(old, org_a)
    services.record_assessment(
        recommendation=recent, status="not_implemented", assessed_on=datetime.date.today(), organisation=org_a
    )
    client.force_login(editor_a)
    changelist = reverse("admin:recommendations_recommendation_changelist")
    shown = client.get(changelist, {"stale": "12"}).context["cl"].result_list
    assert [r.text for r in shown] == ["Old"]


def test_assessment_changelist_query_count_for_an_editor(
    client, editor_a, recommendation, org_a, django_assert_num_queries
):
    for _ in range(5):
        record(recommendation, org_a, state="draft")
    client.force_login(editor_a)
    # session, user, the "Staff administrators" group check and the user's memberships
    # (permissions.py, once per request), the organisation filter's choices, count (filtered),
    # count (total), the user's and groups' model permissions (Django, once), the page of rows with joins,
    # and whether the user has a two-factor device (once).
    with django_assert_num_queries(11):
        response = client.get(CHANGELIST)
    assert response.status_code == 200


def test_admin_pages_an_editor_uses_load(client, reviewer_a, recommendation, org_a):
    submitted = record(recommendation, org_a, state="submitted")
    client.force_login(reviewer_a)
    assert client.get(reverse("admin:index")).status_code == 200
    assert client.get(reverse("admin:recommendations_moderationqueue_change", args=[submitted.pk])).status_code == 200
    # The queue's "History" is the assessment's.
    history = client.get(reverse("admin:recommendations_moderationqueue_history", args=[submitted.pk]))
    assert history["Location"] == reverse("admin:recommendations_implementationassessment_history", args=[submitted.pk])
    for name in ("history", "change"):
        url = reverse(f"admin:recommendations_recommendation_{name}", args=[recommendation.pk])
        assert client.get(url).status_code == 200
    assert client.get(reverse("admin:recommendations_evidencesource_add")).status_code == 200


def test_recommendation_page_query_count_for_an_editor(
    client, editor_a, recommendation, org_a, org_b, django_assert_num_queries
):
    for organisation in (org_a, org_a, org_b):
        record(recommendation, organisation)
    client.force_login(editor_a)
    url = reverse("admin:recommendations_recommendation_change", args=[recommendation.pk])
    # session, user, two-factor device, the recommendation, staff-administrator group, model permissions
    # (user, groups), memberships; positions; the timeline with organisations (one query, however
    # long); the read-only fields' review, its State and session, recommending States, themes, groups
    # and SDGs; the entry form's organisation choices (select and its empty form); the two repeat-link
    # inlines (repeats of earlier recommendations, repeated later), one query each; the proposed corrections
    # the editor may see (one query). A first page reads the content types of the editable classification
    # widgets' related-object links too, which Django caches for the process: whether they are cached
    # depends on the tests run before, so one page is asked first.
    client.get(url)
    with django_assert_num_queries(22):
        assert client.get(url).status_code == 200
    for organisation in (org_a, org_b, org_b):
        record(recommendation, organisation)
    with django_assert_num_queries(22):
        assert client.get(url).status_code == 200


def test_evidence_edited_by_two_editors_keeps_the_first_save(client, editor_a, reviewer_a, report):
    url = reverse("admin:recommendations_evidencesource_change", args=[report.pk])
    client.force_login(editor_a)
    opened = form_inputs(client.get(url).content.decode())
    from django.test import Client

    other = Client()
    other.force_login(reviewer_a)
    data = {"title": "Renamed by the reviewer", "kind": "ngo_report", "url": report.url}
    assert other.post(url, {**form_inputs(other.get(url).content.decode()), **data}).status_code == 302
    refused = client.post(url, {**opened, "title": "Renamed by the editor", "kind": "ngo_report", "url": report.url})
    assert refused.status_code == 200
    message = " ".join(refused.context["adminform"].form.non_field_errors())
    assert message.startswith("reviewer-a saved this evidence source after you opened it")
    report.refresh_from_db()
    assert (report.title, report.version) == ("Renamed by the reviewer", 2)


def test_a_link_already_in_the_library_says_to_cite_that_source(client, editor_a, org_a, report):
    client.force_login(editor_a)
    data = {"organisation": org_a.pk, "title": "The same report again", "kind": "ngo_report", "url": report.url}
    response = client.post(reverse("admin:recommendations_evidencesource_add"), data)
    assert response.status_code == 200
    assert "already has a source with this link: cite that one instead" in response.content.decode()
    assert "evidence_unique_organisation_url" not in response.content.decode()
