"""The workspace: my drafts, what awaits review (counted for reviewers), what was sent back and why, colleagues'
activity, the follow-up list; what the organisation follows, chosen by its reviewers; nothing of another
organisation."""

import datetime

import pytest
from django.urls import reverse

from recommendations import services
from recommendations.models import Membership, Publication
from tests.site_data import theme

pytestmark = pytest.mark.django_db
D = datetime.date
URL = "/workspace/"


@pytest.fixture
def made(review_kaz_2010, make_recommendation):
    return make_recommendation(review_kaz_2010, "Protect human rights defenders", paragraph="93.1")


def _record(made, organisation, user, state, narrative):
    return services.record_assessment(
        recommendation=made,
        status="not_implemented",
        assessed_on=D(2014, 1, 1),
        organisation=organisation,
        recorded_by=user,
        narrative=narrative,
        state=state,
    )


def test_the_workspace_url_and_sign_in(client):
    assert reverse("recommendations:workspace") == URL
    response = client.get(URL)
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_an_account_without_organisation_has_no_workspace(client, django_user_model):
    client.force_login(django_user_model.objects.create_user(username="someone", password="x"))
    assert client.get(URL).status_code == 403


def test_the_admin_offers_the_workspace_only_to_who_has_one(client, django_user_model, editor_a):
    staff = django_user_model.objects.create_user(username="staff-only", password="x", is_staff=True)
    client.force_login(staff)
    assert 'id="workspace-link"' not in client.get("/admin/").content.decode()
    assert client.get(URL).status_code == 403
    client.force_login(editor_a)
    assert 'id="workspace-link"' in client.get("/admin/").content.decode()
    assert client.get(URL).status_code == 200


def test_an_editor_sees_drafts_submissions_sent_back_and_activity(
    client, editor_a, reviewer_a, org_a, org_b, editor_b, made
):
    mine = _record(made, org_a, editor_a, Publication.DRAFT, "My draft")
    _record(made, org_a, reviewer_a, Publication.DRAFT, "Reviewer's own draft")
    waiting = _record(made, org_a, editor_a, Publication.SUBMITTED, "Waiting")
    returned = _record(made, org_a, editor_a, Publication.SUBMITTED, "Returned")
    services.send_back(assessment=returned, comment="Add the page number.", user=reviewer_a)
    _record(made, org_b, editor_b, Publication.DRAFT, "B's secret draft")
    client.force_login(editor_a)
    response = client.get(URL)
    context = response.context
    assert [a.pk for a in context["my_drafts"]] == [mine.pk]
    assert [a.pk for a in context["submitted"]] == [waiting.pk] and context["submitted_count"] == 1
    assert [(a.pk, a.comment, a.comment_by) for a in context["sent_back"]] == [
        (returned.pk, "Add the page number.", "reviewer-a")
    ]
    assert {row.history_user.username for row in context["activity"]} == {"reviewer-a"}
    assert not context["is_reviewer"]
    html = response.content.decode()
    assert "Add the page number." in html and "Submitted, awaiting review" in html
    assert "B's secret draft" not in html and "Assembly Monitor" not in html
    assert reverse("recommendations:review", args=[waiting.pk]) not in html  # editors do not review


def test_a_reviewer_sees_the_count_and_review_links(client, editor_a, reviewer_a, org_a, made):
    waiting = [_record(made, org_a, editor_a, Publication.SUBMITTED, f"Waiting {i}") for i in range(2)]
    client.force_login(reviewer_a)
    response = client.get(URL)
    assert response.context["is_reviewer"] and response.context["submitted_count"] == 2
    html = response.content.decode()
    assert "Awaiting your review" in html
    assert all(reverse("recommendations:review", args=[a.pk]) in html for a in waiting)


def test_another_organisations_workspace_is_not_found(client, editor_b, editor_a, org_a, made):
    _record(made, org_a, editor_a, Publication.SUBMITTED, "A's submission")
    client.force_login(editor_b)
    response = client.get(URL, {"organisation": org_a.slug})
    assert response.status_code == 404
    assert "A's submission" not in response.content.decode()


def test_a_member_of_two_organisations_switches(client, editor_a, org_b, editor_b, made):
    Membership.objects.create(user=editor_a, organisation=org_b)
    _record(made, org_b, editor_a, Publication.DRAFT, "Draft for B")
    client.force_login(editor_a)
    assert client.get(URL).context["organisation"].name == "Assembly Monitor"  # the first by name
    other = client.get(URL, {"organisation": "defenders-watch"})
    assert other.context["organisation"].name == "Defenders Watch" and other.context["my_drafts"] == []


def test_reviewers_choose_what_the_organisation_follows(client, reviewer_a, org_a, kazakhstan):
    defenders = theme("Human rights defenders")
    client.force_login(reviewer_a)
    url = reverse("recommendations:following")
    assert client.get(url).status_code == 200
    response = client.post(url, {"states": [kazakhstan.pk], "themes": [defenders.pk]}, follow=True)
    assert [str(m) for m in response.context["messages"]] == [
        "Saved: the follow-up list watches these States and themes."
    ]
    assert list(org_a.followed_states.all()) == [kazakhstan]
    assert list(org_a.followed_themes.all()) == [defenders]
    assert org_a.history.first().history_user == reviewer_a


def test_editors_cannot_change_what_the_organisation_follows(client, editor_a, org_a, kazakhstan):
    client.force_login(editor_a)
    url = reverse("recommendations:following")
    assert client.get(url).status_code == 403
    assert client.post(url, {"states": [kazakhstan.pk]}).status_code == 403
    assert not org_a.followed_states.exists()


def test_the_follow_up_list_is_on_the_workspace(client, editor_a, org_a, kazakhstan, made):
    org_a.followed_states.set([kazakhstan])
    client.force_login(editor_a)
    response = client.get(URL)
    assert [row.pk for row in response.context["due"].rows] == [made.pk]
    assert reverse("recommendations:assess", args=[made.pk]) in response.content.decode()


def test_the_admin_header_links_to_the_workspace(client, editor_a):
    client.force_login(editor_a)
    assert f'href="{URL}"' in client.get(reverse("admin:index")).content.decode()


def test_the_workspace_costs_the_same_whatever_it_lists(client, editor_a, reviewer_a, org_a, kazakhstan, made):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    org_a.followed_states.set([kazakhstan])
    client.force_login(reviewer_a)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(URL).status_code == 200
        return len(captured)

    _record(made, org_a, editor_a, Publication.SUBMITTED, "One")
    few = queries()
    for state in (Publication.SUBMITTED, Publication.DRAFT, Publication.SUBMITTED):
        sent = _record(made, org_a, editor_a, state, "More")
    services.send_back(assessment=sent, comment="Again", user=reviewer_a)
    _record(made, org_a, reviewer_a, Publication.DRAFT, "Mine")
    assert queries() == few
