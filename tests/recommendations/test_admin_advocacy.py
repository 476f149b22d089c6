"""Editors in the admin: their organisations' asks only, deciding matches on the ask's page and in the list."""

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from recommendations import advocacy
from recommendations.advocacy import matching as advocacy_matching
from recommendations.models import AskMatch, ProposedRecommendation, SuggestionStatus
from tests.recommendations.advocacy_data import FOE, ask, build_world
from tests.recommendations.editor_helpers import form_inputs
from tests.site_data import theme

pytestmark = pytest.mark.django_db

ASKS = reverse("admin:recommendations_proposedrecommendation_changelist")
ADD_ASK = reverse("admin:recommendations_proposedrecommendation_add")
MATCHES = reverse("admin:recommendations_askmatch_changelist")
ADD_MATCH = reverse("admin:recommendations_askmatch_add")
CONFIRMED, SUGGESTED, DISMISSED = SuggestionStatus.CONFIRMED, SuggestionStatus.SUGGESTED, SuggestionStatus.DISMISSED


@pytest.fixture
def world(org_a):
    """Organisation A's three public asks with their suggestions, and one private ask."""
    world = build_world(org_a)
    world.asks["private"] = ask(world.review, "Release the detained defenders", org_a, public=False)
    advocacy.suggest_matches(reviews=[world.review])
    return world


def ask_url(proposal) -> str:
    return reverse("admin:recommendations_proposedrecommendation_change", args=[proposal.pk])


def match_url(match) -> str:
    return reverse("admin:recommendations_askmatch_change", args=[match.pk])


def top_match(proposal) -> AskMatch:
    return AskMatch.objects.get(proposal=proposal, rank=1)


def ask_form_data(client, proposal, decisions: dict[int, str]) -> dict:
    """What the ask's change form posts, with a decision ("confirm"/"dismiss") for some match ids."""
    data = form_inputs(client.get(ask_url(proposal)).content.decode())
    data.update(
        organisation=proposal.organisation_id,
        review=proposal.review_id,
        text=proposal.text,
        themes=[t.pk for t in proposal.themes.all()],
        lobbied_states=[s.pk for s in proposal.lobbied_states.all()],
        notes=proposal.notes,
    )
    if proposal.public:
        data["public"] = "on"
    rows = {int(value): name[: -len("-id")] for name, value in data.items() if name.endswith("-id") and value}
    for match_id, decision in decisions.items():
        data[f"{rows[match_id]}-decision"] = decision
    return data


def action(client, url, name, objects):
    return client.post(url, {"action": name, ACTION_CHECKBOX_NAME: [o.pk for o in objects]})


def test_editors_see_their_organisations_asks_only(client, world, org_b, editor_b, staff_admin):
    of_b = ask(world.review, "Adopt a law on assemblies", org_b, public=False)

    client.force_login(editor_b)
    assert list(client.get(ASKS).context["cl"].result_list) == [of_b]
    assert client.get(ask_url(world.asks["private"])).status_code == 302  # "does not exist"
    assert list(client.get(MATCHES).context["cl"].result_list) == []
    assert client.get(match_url(top_match(world.asks["libel"]))).status_code == 302

    client.force_login(staff_admin)
    assert set(client.get(ASKS).context["cl"].result_list) == {*world.asks.values(), of_b}


def test_editor_confirms_and_dismisses_on_the_asks_page(client, world, editor_a):
    proposal = world.asks["libel"]
    best, second = AskMatch.objects.filter(proposal=proposal).order_by("rank")[:2]
    client.force_login(editor_a)
    page = client.get(ask_url(proposal)).content.decode()
    assert world.recommendations["libel"].text[:60] in page and "Ireland, United States of America" in page

    response = client.post(
        ask_url(proposal), ask_form_data(client, proposal, {best.pk: "confirm", second.pk: "dismiss"})
    )

    assert response.status_code == 302
    best.refresh_from_db()
    second.refresh_from_db()
    assert (best.status, best.decided_by, second.status, second.decided_by) == (
        CONFIRMED,
        editor_a,
        DISMISSED,
        editor_a,
    )
    assert best.history.first().history_user == editor_a


def test_editor_of_another_organisation_cannot_decide_its_matches(client, world, editor_a, editor_b):
    suggestion = top_match(world.asks["libel"])
    client.force_login(editor_a)
    as_sent_by_a = ask_form_data(client, suggestion.proposal, {suggestion.pk: "confirm"}) | {"text": "Changed"}
    client.force_login(editor_b)

    action(client, MATCHES, "confirm", [suggestion])
    client.post(match_url(suggestion), {"status": CONFIRMED})
    assert client.post(ask_url(suggestion.proposal), as_sent_by_a).status_code in (302, 403)

    suggestion.refresh_from_db()
    assert (suggestion.status, suggestion.decided_by) == (SUGGESTED, None)
    assert ProposedRecommendation.objects.get(pk=suggestion.proposal_id).text != "Changed"


@pytest.mark.parametrize("who", ["editor_a", "staff_admin"])
def test_members_and_staff_decide_in_the_match_list(request, client, world, who):
    user = request.getfixturevalue(who)
    confirm, dismiss = top_match(world.asks["libel"]), top_match(world.asks["assembly"])
    client.force_login(user)

    assert action(client, MATCHES, "confirm", [confirm]).status_code == 302
    assert action(client, MATCHES, "dismiss", [dismiss]).status_code == 302

    confirm.refresh_from_db()
    dismiss.refresh_from_db()
    assert (confirm.status, confirm.decided_by, dismiss.status, dismiss.decided_by) == (
        CONFIRMED,
        user,
        DISMISSED,
        user,
    )


def test_editor_decides_on_the_matchs_own_page(client, world, editor_a):
    suggestion = top_match(world.asks["reprisals"])
    client.force_login(editor_a)

    assert client.post(match_url(suggestion), {"status": DISMISSED}).status_code == 302

    suggestion.refresh_from_db()
    assert (suggestion.status, suggestion.decided_by) == (DISMISSED, editor_a)
    assert client.get(match_url(suggestion)).context["adminform"].form.fields["status"].choices == [
        (CONFIRMED, "Confirmed"),
        (DISMISSED, "Dismissed"),
    ]


def test_editor_adds_an_ask_for_their_organisation_and_gets_suggestions(client, world, org_a, org_b, editor_a):
    client.force_login(editor_a)
    data = {
        **form_inputs(client.get(ADD_ASK).content.decode()),
        "review": world.review.pk,
        "text": "Repeal criminal libel",
        "themes": [theme(FOE).pk],
        "notes": "Ask Ireland first",
    }

    refused = client.post(ADD_ASK, {**data, "organisation": org_b.pk})
    assert refused.status_code == 200 and "organisation" in refused.context["adminform"].form.errors
    assert client.post(ADD_ASK, {**data, "organisation": org_a.pk}).status_code == 302

    made = ProposedRecommendation.objects.get(text="Repeal criminal libel")
    assert (made.organisation, made.created_by, made.public) == (org_a, editor_a, False)
    assert top_match(made).recommendation == world.recommendations["libel"]
    assert made.history.first().history_user == editor_a


def test_editor_deletes_an_ask_with_its_matches(client, world, editor_a, editor_b):
    proposal = world.asks["libel"]
    advocacy.dismiss_match(match=top_match(proposal), user=editor_a)
    delete_url = reverse("admin:recommendations_proposedrecommendation_delete", args=[proposal.pk])
    client.force_login(editor_b)
    assert client.post(delete_url, {"post": "yes"}).status_code == 302  # "does not exist"
    assert ProposedRecommendation.objects.filter(pk=proposal.pk).exists()

    client.force_login(editor_a)
    assert client.post(delete_url, {"post": "yes"}).status_code == 302

    assert not ProposedRecommendation.objects.filter(pk=proposal.pk).exists()
    assert not AskMatch.objects.filter(proposal_id=proposal.pk).exists()
    actions = [name for name, _ in client.get(MATCHES).context["action_form"].fields["action"].choices]
    assert "confirm" in actions and "delete_selected" not in actions  # no bulk delete of decisions


def test_suggest_matches_now_action(client, world, editor_a):
    AskMatch.objects.all().delete()
    client.force_login(editor_a)

    action(client, ASKS, "suggest_matches_now", [world.asks["libel"]])

    assert set(AskMatch.objects.values_list("proposal", flat=True)) == {world.asks["libel"].pk}


def test_editor_confirms_a_recommendation_the_app_did_not_suggest(client, world, editor_a, editor_b):
    proposal, children = world.asks["libel"], world.recommendations["children"]
    client.force_login(editor_a)

    other_review = client.post(ADD_MATCH, {"proposal": proposal.pk, "recommendation": world.elsewhere["kaz_2010"].pk})
    assert other_review.status_code == 200 and other_review.context["adminform"].form.errors
    assert client.post(ADD_MATCH, {"proposal": proposal.pk, "recommendation": children.pk}).status_code == 302

    made = AskMatch.objects.get(proposal=proposal, recommendation=children)
    assert (made.status, made.decided_by) == (CONFIRMED, editor_a)
    client.force_login(editor_b)
    refused = client.post(ADD_MATCH, {"proposal": proposal.pk, "recommendation": world.recommendations["officials"].pk})
    assert refused.status_code == 200 and "proposal" in refused.context["adminform"].form.errors


def changelist_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.parametrize("url", [ASKS, MATCHES])
def test_changelist_query_count_does_not_grow_with_rows(client, world, org_a, editor_a, url):
    client.force_login(editor_a)
    few = changelist_queries(client, url)
    for n in range(8):
        ask(world.review, f"Protect defenders and journalists, ask {n}", org_a, lobbied=("NOR",), themes=(FOE,))
    advocacy.suggest_matches(reviews=[world.review])
    assert AskMatch.objects.count() > 20
    assert changelist_queries(client, url) == few


def test_ask_page_query_count_does_not_grow_with_matches(client, world, org_a, editor_a):
    client.force_login(editor_a)
    proposal = ask(world.review, "Protect defenders", org_a)
    advocacy.suggest_matches(proposals=[proposal])
    few = changelist_queries(client, ask_url(proposal))
    proposal.text = "Protect human rights defenders, journalists and critics from violence and reprisals"
    proposal.save()
    advocacy.suggest_matches(proposals=[proposal])
    assert AskMatch.objects.filter(proposal=proposal).count() == advocacy_matching.TOP
    assert changelist_queries(client, ask_url(proposal)) == few
