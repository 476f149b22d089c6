"""An organisation's uptake page (/advocacy/<slug>/): public asks for everyone, private ones for its members."""

import pytest
from django.urls import reverse

from recommendations import advocacy
from recommendations.models import AskMatch
from tests.recommendations.advocacy_data import HRD, ask, build_world
from tests.site_data import review

pytestmark = pytest.mark.django_db

PRIVATE_TEXT = "Release the detained defenders before the review"


@pytest.fixture
def world(org_a, editor_a):
    """Organisation A: three public asks (two taken up) and a private one, for Kazakhstan's 2014 review."""
    world = build_world(org_a)
    world.asks["private"] = ask(world.review, PRIVATE_TEXT, org_a, public=False)
    advocacy.suggest_matches(reviews=[world.review])
    for key in ("libel", "reprisals"):
        top = AskMatch.objects.get(proposal=world.asks[key], recommendation=world.recommendations[key])
        advocacy.confirm_match(match=top, user=editor_a)
    return world


def page(client, organisation, query: str = ""):
    return client.get(reverse("recommendations:advocacy", args=[organisation.slug]) + query)


def test_anonymous_visitor_sees_public_asks_and_their_uptake(client, world, org_a):
    response = page(client, org_a)

    assert response.status_code == 200
    html = response.content.decode()
    assert PRIVATE_TEXT not in html
    for key in ("libel", "assembly", "reprisals"):
        assert world.asks[key].text in html
    [entry] = response.context["reviews"]
    assert (entry.made, entry.taken_up) == (3, 2)
    assert "<dd>67%</dd>" in html
    assert world.recommendations["libel"].text in html
    assert f'href="{reverse("recommendations:detail", args=[world.recommendations["libel"].pk])}"' in html
    assert '<span class="badge response-noted">Noted</span>' in html  # the libel recommendation's response
    assert "Lobbied, did not make it</dt><dd>United Kingdom" in html


def test_members_see_their_private_asks_and_others_do_not(client, world, org_a, editor_a, editor_b, staff_admin):
    for user, sees in ((editor_a, True), (staff_admin, True), (editor_b, False)):
        client.force_login(user)
        html = page(client, org_a).content.decode()
        assert (PRIVATE_TEXT in html) is sees, user
        assert ("Private: your organisation only" in html) is sees, user


def test_private_asks_do_not_count_in_the_public_figures(client, world, org_a, editor_a):
    assert page(client, org_a).context["reviews"][0].made == 3
    client.force_login(editor_a)
    assert page(client, org_a).context["reviews"][0].made == 4


def test_anonymous_page_query_count_is_constant(client, world, org_a, django_assert_num_queries):
    for n in range(5):
        ask(world.review, f"Protect defenders, ask {n}", org_a, lobbied=("NOR", "SWE"), themes=(HRD,))
    advocacy.suggest_matches(reviews=[world.review])
    # The organisation; the filter options; the asks with their review; confirmed matches with their
    # recommendations; those recommendations' States; lobbied States; themes with their scheme.
    with django_assert_num_queries(7):
        response = page(client, org_a)
    assert response.context["reviews"][0].made == 8


def test_member_page_query_count_is_constant(client, world, org_a, editor_a, django_assert_num_queries):
    for n in range(5):
        ask(world.review, f"Protect defenders, ask {n}", org_a, public=False, lobbied=("NOR",), themes=(HRD,))
    client.force_login(editor_a)
    # The session and the user; the organisation; whether the user (staff) is a staff administrator;
    # the user's memberships; then as for a visitor.
    with django_assert_num_queries(11):
        response = page(client, org_a)
    assert response.context["reviews"][0].made == 9


def test_filters_choose_a_review_or_a_state(client, world, org_a):
    older = ask(world.elsewhere["kaz_2010"].review, "Adopt a national action plan", org_a)
    other_state = ask(world.elsewhere["uzb_2014"].review, "Free the imprisoned journalists", org_a)

    everything = page(client, org_a)
    assert [e.review for e in everything.context["reviews"]] == [world.review, other_state.review, older.review]
    by_review = page(client, org_a, f"?review={older.review.pk}")
    assert [e.review for e in by_review.context["reviews"]] == [older.review]
    by_state = page(client, org_a, "?state=kaz")
    assert [e.review for e in by_state.context["reviews"]] == [world.review, older.review]


@pytest.mark.parametrize(
    "query",
    [
        "?review=abc",
        "?review=-1",
        "?review=99999999999999999999999999",
        "?review=%00",
        "?review=%C2%B2",
        "?state=XXX",
        "?state=%E2%80%AE",
        "?state=" + "K" * 5000,
    ],
)
def test_bad_filter_values_are_a_400(client, world, org_a, query):
    response = page(client, org_a, query)
    assert response.status_code == 400
    assert "Please check the filters" in response.content.decode()


def test_a_review_with_only_private_asks_is_not_a_choice_for_visitors(client, world, org_a):
    secret = ask(review("KAZ", 34), "A private ask", org_a, public=False)
    assert page(client, org_a, f"?review={secret.review.pk}").status_code == 400


def test_unknown_organisation_is_a_404(client, world):
    assert client.get("/advocacy/nobody/").status_code == 404
    assert client.get("/advocacy/%E2%80%AE/").status_code == 404


def test_organisation_without_public_asks_says_so(client, org_b):
    response = page(client, org_b)
    assert response.status_code == 200
    assert "has not published any advocacy ask yet" in response.content.decode()
