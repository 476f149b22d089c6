"""The reviewer's page: a submission beside what is published now, Publish, Send back with a comment (stored, with
history, shown to the editors), and who may do either."""

import datetime

import pytest
from django.urls import reverse

from recommendations import services
from recommendations.models import ImplementationAssessment, Publication, ReviewComment
from recommendations.site.reviews import narrative_changes
from tests.site_data import evidence

pytestmark = pytest.mark.django_db
D = datetime.date


@pytest.fixture
def made(review_kaz_2010, make_recommendation):
    return make_recommendation(review_kaz_2010, "Protect human rights defenders", paragraph="93.1")


@pytest.fixture
def published(made, org_a, editor_a):
    report = evidence("World Report 2013", url="https://www.hrw.org/wr2013", organisation=org_a)
    return services.record_assessment(
        recommendation=made,
        status="not_implemented",
        assessed_on=D(2013, 1, 1),
        organisation=org_a,
        narrative="Defenders were jailed.",
        citations=[(report, "", "")],
    )


@pytest.fixture
def submitted(made, org_a, editor_a, published):
    report = evidence("World Report 2014", url="https://www.hrw.org/wr2014", organisation=org_a)
    return services.record_assessment(
        recommendation=made,
        status="partially_implemented",
        assessed_on=D(2014, 3, 1),
        organisation=org_a,
        narrative="Two defenders were released.",
        recorded_by=editor_a,
        state=Publication.SUBMITTED,
        citations=[(report, "", "p. 3")],
    )


def _url(assessment) -> str:
    return reverse("recommendations:review", args=[assessment.pk])


def test_the_review_shows_what_changed_beside_what_is_published(client, reviewer_a, submitted):
    client.force_login(reviewer_a)
    response = client.get(_url(submitted))
    assert response.status_code == 200
    changes = response.context["changes"]
    assert response.context["previous"].narrative == "Defenders were jailed."
    assert changes["status"] and changes["assessed_on"]
    assert [c.evidence.title for c in changes["added"]] == ["World Report 2014"]
    assert [c.evidence.title for c in changes["removed"]] == ["World Report 2013"]
    assert changes["changed"] == []
    html = response.content.decode()
    assert "<del>jailed.</del>" in html or "<del>Defenders were jailed.</del>" in html
    assert ">Publish</button>" in html and "Send back with a comment" in html


def test_a_new_page_of_the_same_source_is_a_changed_citation(client, reviewer_a, published, made, org_a):
    report = published.citations.get().evidence
    revision = services.propose_revision(assessment=published, citations=[(report, "Quoted", "p. 9")])
    client.force_login(reviewer_a)
    changes = client.get(_url(revision)).context["changes"]
    assert (changes["added"], changes["removed"], changes["kept"]) == ([], [], [])
    assert [(now.page, before.page) for now, before in changes["changed"]] == [("p. 9", "")]


def test_narrative_changes_word_by_word():
    assert narrative_changes("Two were jailed.", "Two were released.") == [
        ("same", "Two were "),
        ("removed", "jailed."),
        ("added", "released."),
    ]


def test_publish_from_the_review(client, reviewer_a, submitted, made):
    client.force_login(reviewer_a)
    response = client.post(_url(submitted), {"action": "publish", "opened_version": submitted.version}, follow=True)
    assert [str(m) for m in response.context["messages"]] == ["Published: it is public now."]
    submitted.refresh_from_db()
    assert submitted.state == Publication.PUBLISHED
    made.refresh_from_db()
    assert made.current_status == "partially_implemented"


def test_send_back_stores_the_comment_and_the_editor_sees_it(client, reviewer_a, editor_a, submitted):
    client.force_login(reviewer_a)
    data = {"action": "send_back", "comment": "Cite the page of the report.", "opened_version": submitted.version}
    response = client.post(_url(submitted), data, follow=True)
    assert [str(m) for m in response.context["messages"]] == [
        "Sent back: the editors of Defenders Watch see it as a draft with your comment."
    ]
    submitted.refresh_from_db()
    assert submitted.state == Publication.DRAFT
    comment = ReviewComment.objects.get()
    assert (comment.assessment, comment.author, comment.text) == (submitted, reviewer_a, "Cite the page of the report.")
    assert comment.history.get().history_user == reviewer_a
    client.force_login(editor_a)
    page = client.get(reverse("recommendations:assess-edit", args=[submitted.pk])).content.decode()
    assert "Cite the page of the report." in page and "Sent back by reviewer-a" in page


def test_send_back_needs_a_comment(client, reviewer_a, submitted):
    client.force_login(reviewer_a)
    response = client.post(
        _url(submitted), {"action": "send_back", "comment": " ", "opened_version": submitted.version}
    )
    assert response.status_code == 400
    submitted.refresh_from_db()
    assert submitted.state == Publication.SUBMITTED and not ReviewComment.objects.exists()


def test_a_stale_decision_is_refused(client, reviewer_a, submitted):
    client.force_login(reviewer_a)
    response = client.post(_url(submitted), {"action": "publish", "opened_version": submitted.version + 1})
    assert response.status_code == 409
    submitted.refresh_from_db()
    assert submitted.state == Publication.SUBMITTED


@pytest.mark.parametrize("who", ["editor_a", "editor_b"])
def test_only_the_organisations_reviewers_review(client, request, who, submitted):
    client.force_login(request.getfixturevalue(who))
    expected = 403 if who == "editor_a" else 404  # B does not even see A's submission
    assert client.get(_url(submitted)).status_code == expected
    data = {"action": "publish", "opened_version": submitted.version}
    assert client.post(_url(submitted), data).status_code == expected
    submitted.refresh_from_db()
    assert submitted.state == Publication.SUBMITTED


def test_a_reviewer_of_another_organisation_cannot_publish(client, django_user_model, org_b, submitted):
    from recommendations.models import Membership

    reviewer_b = django_user_model.objects.create_user(username="reviewer-b", password="x", is_staff=True)
    Membership.objects.create(user=reviewer_b, organisation=org_b, role=Membership.Role.REVIEWER)
    client.force_login(reviewer_b)
    response = client.post(_url(submitted), {"action": "publish", "opened_version": submitted.version})
    assert response.status_code == 404
    assert ImplementationAssessment.objects.get(pk=submitted.pk).state == Publication.SUBMITTED
