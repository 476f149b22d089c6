"""Advocacy asks: suggesting the recommendations that take them up, deciding, and the uptake figures."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError

from recommendations import advocacy, demo
from recommendations.advocacy import matching as advocacy_matching
from recommendations.demo import advocacy as demo_advocacy
from recommendations.demo import reviews as demo_reviews
from recommendations.models import AskMatch, ProposedRecommendation, Recommendation, Review, SuggestionStatus
from tests.recommendations.advocacy_data import FOA, HRD, ask, build_world
from tests.site_data import recommendation, review

pytestmark = pytest.mark.django_db

CONFIRMED, SUGGESTED, DISMISSED = SuggestionStatus.CONFIRMED, SuggestionStatus.SUGGESTED, SuggestionStatus.DISMISSED


@pytest.fixture
def world(org_a):
    return build_world(org_a)


def suggestions(proposal) -> list[tuple[int, int]]:
    """(recommendation id, rank) of the ask's open suggestions, best first."""
    matches = AskMatch.objects.filter(proposal=proposal, status=SUGGESTED).order_by("rank")
    return list(matches.values_list("recommendation_id", "rank"))


def match(world, ask_key: str, recommendation_key: str) -> AskMatch:
    return AskMatch.objects.get(proposal=world.asks[ask_key], recommendation=world.recommendations[recommendation_key])


def table_state() -> list[tuple]:
    return sorted(AskMatch.objects.values_list("pk", "recommendation_id", "rank", "score", "status", "updated_at"))


# Suggesting -----------------------------------------------------------------------


def test_true_match_ranks_first_above_near_decoys(world):
    advocacy.suggest_matches(reviews=[world.review])

    for key, proposal in world.asks.items():
        ranked = suggestions(proposal)
        assert ranked[0] == (world.recommendations[key].pk, 1), key
        assert len(ranked) > 1, f"{key}: the decoys share words with the ask and should be candidates"
        assert [rank for _, rank in ranked] == list(range(1, len(ranked) + 1))
        assert len(ranked) <= advocacy_matching.TOP
    scores = AskMatch.objects.values_list("score", flat=True)
    assert all(0 < score <= 1 for score in scores)


def test_recommendations_of_another_review_or_state_are_never_suggested(world):
    advocacy.suggest_matches()

    suggested = set(AskMatch.objects.values_list("recommendation_id", flat=True))
    assert suggested <= {r.pk for r in world.recommendations.values()}
    assert not suggested & {r.pk for r in world.elsewhere.values()}


def test_recommendation_made_by_several_states_is_one_suggestion(world):
    advocacy.suggest_matches(reviews=[world.review])

    libel = world.recommendations["libel"]
    assert libel.recommending_states.count() == 2
    assert AskMatch.objects.filter(proposal=world.asks["libel"], recommendation=libel).count() == 1


def test_voluntary_pledges_are_not_suggested(world):
    pledge = recommendation(world.review, world.asks["libel"].text, by=(), kind=Recommendation.Kind.VOLUNTARY_PLEDGE)
    advocacy.suggest_matches(reviews=[world.review])
    assert not AskMatch.objects.filter(recommendation=pledge).exists()


def test_rerun_keeps_confirmed_and_dismissed_and_writes_nothing(world, editor_a):
    advocacy.suggest_matches(reviews=[world.review])
    confirmed = advocacy.confirm_match(match=match(world, "libel", "libel"), user=editor_a)
    dismissed = advocacy.dismiss_match(match=match(world, "assembly", "assembly"), user=editor_a)
    before, history = table_state(), AskMatch.history.count()

    run = advocacy.run_suggestions(reviews=[world.review])

    assert (run.created, run.updated, run.removed) == (0, 0, 0)
    assert table_state() == before
    assert AskMatch.history.count() == history
    confirmed.refresh_from_db()
    dismissed.refresh_from_db()
    assert (confirmed.status, confirmed.decided_by, confirmed.rank) == (CONFIRMED, editor_a, 1)
    assert (dismissed.status, dismissed.decided_by) == (DISMISSED, editor_a)
    assert world.recommendations["assembly"].pk not in dict(suggestions(world.asks["assembly"]))


def test_decisions_do_not_move_the_other_suggestions(world, editor_a):
    advocacy.suggest_matches(reviews=[world.review])
    before = suggestions(world.asks["assembly"])[1:]
    advocacy.dismiss_match(match=match(world, "assembly", "assembly"), user=editor_a)

    advocacy.suggest_matches(reviews=[world.review])

    assert suggestions(world.asks["assembly"])[: len(before)] == before


def test_stale_suggestions_are_removed_and_audited_when_the_ask_changes(world, editor_a):
    advocacy.suggest_matches(reviews=[world.review])
    advocacy.confirm_match(match=match(world, "libel", "libel"), user=editor_a)
    proposal = world.asks["libel"]
    proposal.text = "Protect children from violence in schools"
    proposal.save()
    proposal.themes.clear()

    run = advocacy.run_suggestions(proposals=[proposal])

    assert suggestions(proposal)[0] == (world.recommendations["children"].pk, 1)
    assert world.recommendations["officials"].pk not in dict(suggestions(proposal))
    assert match(world, "libel", "libel").status == CONFIRMED  # a decision outlives a change of text
    assert run.removed >= 1
    removed = AskMatch.history.filter(history_type="-", proposal_id=proposal.pk)
    assert removed.count() == run.removed
    assert set(removed.values_list("history_change_reason", flat=True)) == {advocacy_matching.REMOVED_REASON}


def test_suggestions_are_recorded_in_history_without_a_user(world):
    count = advocacy.suggest_matches(reviews=[world.review])

    created = AskMatch.history.filter(history_type="+")
    assert count == AskMatch.objects.count() == created.count()
    assert set(created.values_list("history_user", "history_change_reason")) == {
        (None, advocacy_matching.SUGGESTED_REASON)
    }


def test_only_the_asks_of_the_given_reviews_are_matched(world, org_a):
    other = ask(review("FRA", 2), "Protect human rights defenders from reprisals", org_a)
    recommendation(other.review, "Protect human rights defenders and journalists from reprisals", by=("NOR",))

    advocacy.suggest_matches(reviews=[world.review.pk])

    assert not AskMatch.objects.filter(proposal=other).exists()
    assert advocacy.suggest_matches(proposals=[other]) == 1


def test_shared_themes_order_alike_texts(org_a):
    on = review("KAZ", 20)
    plain = recommendation(on, "Protect women human rights defenders", by=("NOR",))
    themed = recommendation(on, "Protect women human rights defenders", by=("SWE",), themes=(HRD,))
    unrelated_theme = recommendation(on, "Protect women human rights defenders", by=("FIN",), themes=(FOA,))
    proposal = ask(on, "Protect women human rights defenders", org_a, themes=(HRD,))

    advocacy.suggest_matches(proposals=[proposal])

    scores = dict(AskMatch.objects.filter(proposal=proposal).values_list("recommendation_id", "score"))
    assert suggestions(proposal)[0] == (themed.pk, 1)
    assert scores[themed.pk] == pytest.approx(min(1.0, scores[plain.pk] + advocacy_matching.THEME_BOOST))
    assert scores[unrelated_theme.pk] == pytest.approx(scores[plain.pk])


@pytest.mark.parametrize(
    "text",
    [
        "The and of it",  # stop words only: no full-text query at all
        "Article 317-1 'insult' of O'Brien & co | !(x) :* \\ back\\slash",
    ],
)
def test_ask_text_is_never_read_as_query_syntax(org_a, text):
    on = review("KAZ", 20)
    recommendation(on, "Repeal Article 317-1 on insult of the President", by=("IRL",))
    proposal = ask(on, text, org_a)

    advocacy.suggest_matches(proposals=[proposal])  # no error; whatever it finds scores 0..1

    assert all(0 <= m.score <= 1 for m in AskMatch.objects.filter(proposal=proposal))


def test_batches_of_whole_reviews_give_the_same_suggestions(world, org_a, monkeypatch):
    other = ask(world.elsewhere["uzb_2014"].review, "Ensure that defenders suffer no reprisals", org_a)
    advocacy.suggest_matches()
    expected = table_state()
    AskMatch.objects.all().delete()
    monkeypatch.setattr(advocacy_matching, "BATCH", 1)

    run = advocacy.run_suggestions()

    assert [row[1:5] for row in table_state()] == [row[1:5] for row in expected]
    assert (run.asks, run.created) == (4, len(expected))
    assert list(advocacy_matching._batches([(1, 10), (1, 11), (2, 12), (3, 13), (3, 14)])) == [[10, 11], [12], [13, 14]]
    assert AskMatch.objects.filter(proposal=other).exists()


def test_nothing_to_match_is_a_no_op(world):
    assert advocacy.run_suggestions(reviews=[]) == advocacy.SuggestionRun(0, 0, 0, 0, 0)
    assert not AskMatch.objects.exists()


# Deciding -------------------------------------------------------------------------

USERS = ["anonymous", "editor_a", "reviewer_a", "editor_b", "staff_admin"]
MAY_DECIDE = {"editor_a", "reviewer_a", "staff_admin"}


def user_named(request, name):
    return AnonymousUser() if name == "anonymous" else request.getfixturevalue(name)


@pytest.mark.parametrize("decide", [advocacy.confirm_match, advocacy.dismiss_match])
@pytest.mark.parametrize("who", USERS)
def test_only_the_asks_organisation_and_staff_decide(request, world, org_b, decide, who):
    advocacy.suggest_matches(reviews=[world.review])
    suggestion = match(world, "libel", "libel")
    user = user_named(request, who)

    if who in MAY_DECIDE:
        decide(match=suggestion, user=user)
        suggestion.refresh_from_db()
        assert suggestion.status == (CONFIRMED if decide is advocacy.confirm_match else DISMISSED)
        assert suggestion.decided_by == user and suggestion.decided_at is not None
    else:
        with pytest.raises(PermissionDenied):
            decide(match=suggestion, user=user)
        suggestion.refresh_from_db()
        assert (suggestion.status, suggestion.decided_by, suggestion.decided_at) == (SUGGESTED, None, None)


def test_decision_is_audited_with_its_author(world, editor_a):
    advocacy.suggest_matches(reviews=[world.review])
    suggestion = match(world, "libel", "libel")

    advocacy.confirm_match(match=suggestion, user=editor_a)

    latest = suggestion.history.order_by("-history_id").first()
    assert (latest.history_type, latest.status, latest.history_user) == ("~", CONFIRMED, editor_a)
    assert latest.decided_by == editor_a


def test_confirming_a_recommendation_the_app_did_not_suggest(world, editor_a, editor_b):
    proposal, children = world.asks["libel"], world.recommendations["children"]
    advocacy.suggest_matches(reviews=[world.review])
    assert not AskMatch.objects.filter(proposal=proposal, recommendation=children).exists()

    with pytest.raises(PermissionDenied):
        advocacy.confirm_recommendation(proposal=proposal, recommendation=children, user=editor_b)
    with pytest.raises(ValidationError):
        advocacy.confirm_recommendation(proposal=proposal, recommendation=world.elsewhere["kaz_2010"], user=editor_a)
    made = advocacy.confirm_recommendation(proposal=proposal, recommendation=children, user=editor_a)

    assert (made.status, made.decided_by) == (CONFIRMED, editor_a)
    assert 0 <= made.score <= 1
    assert made.rank == AskMatch.objects.filter(proposal=proposal).count()
    advocacy.suggest_matches(reviews=[world.review])
    assert AskMatch.objects.get(pk=made.pk).status == CONFIRMED


# Uptake ---------------------------------------------------------------------------


@pytest.fixture
def decided(world, editor_a):
    """Libel taken up by IRL+USA (IRL and GBR lobbied); reprisals by CZE+NLD (CZE lobbied); assembly not."""
    advocacy.suggest_matches(reviews=[world.review])
    advocacy.confirm_match(match=match(world, "libel", "libel"), user=editor_a)
    advocacy.confirm_match(match=match(world, "reprisals", "reprisals"), user=editor_a)
    advocacy.dismiss_match(match=match(world, "assembly", "assembly"), user=editor_a)
    return world


def names(states) -> list[str]:
    return [state.iso3 for state in states]


def test_uptake_figures_states_and_responses(decided, org_a):
    [entry] = advocacy.uptake(organisation=org_a)

    assert entry.review == decided.review and entry.held
    assert (entry.made, entry.taken_up, entry.rate) == (3, 2, pytest.approx(2 / 3))
    by_text = {item.proposal.pk: item for item in entry.asks}
    libel = by_text[decided.asks["libel"].pk]
    assert libel.taken_up
    [made] = libel.recommendations
    assert made == decided.recommendations["libel"]
    assert (made.response, made.current_status) == ("noted", "")
    assert sorted(names(made.recommending_states.all())) == ["IRL", "USA"]
    assert names(libel.lobbied_made) == ["IRL"]
    assert names(libel.lobbied_not_made) == ["GBR"]
    assert names(libel.others_made) == ["USA"]
    reprisals = by_text[decided.asks["reprisals"].pk]
    assert (names(reprisals.lobbied_made), reprisals.lobbied_not_made, names(reprisals.others_made)) == (
        ["CZE"],
        [],
        ["NLD"],
    )
    assembly = by_text[decided.asks["assembly"].pk]
    assert not assembly.taken_up and assembly.recommendations == []
    assert sorted(names(assembly.lobbied_not_made)) == ["NOR", "SWE"]


def test_uptake_before_the_reviews_recommendations_are_in(org_a):
    coming = review("KAZ", 34)
    ask(coming, "Protect human rights defenders", org_a, lobbied=("NOR",))

    [entry] = advocacy.uptake(organisation=org_a)

    assert (entry.held, entry.made, entry.taken_up, entry.rate) == (False, 1, 0, None)
    assert entry.asks[0].lobbied_not_made == []  # nobody failed to make it yet


def test_uptake_shows_private_asks_to_their_organisation_only(decided, org_a, org_b, editor_a, editor_b, staff_admin):
    private = ask(decided.review, "Release the detained defender", org_a, public=False)
    public_of_b = ask(decided.review, "Adopt a law on assemblies", org_b)

    def shown(user):
        return {item.proposal for entry in advocacy.uptake(user=user) for item in entry.asks}

    public = set(decided.asks.values()) | {public_of_b}
    assert shown(None) == public
    assert shown(AnonymousUser()) == public
    assert shown(editor_b) == public
    assert shown(editor_a) == public | {private}
    assert shown(staff_admin) == public | {private}


def test_uptake_runs_five_queries_whatever_the_number_of_asks(decided, org_a, editor_a, django_assert_num_queries):
    for n in range(6):
        extra = ask(decided.review, f"Ask number {n} on defenders", org_a, lobbied=("NOR", "FRA"), themes=(HRD,))
        if n % 2:
            ombudsman = decided.recommendations["ombudsman"]
            advocacy.confirm_recommendation(proposal=extra, recommendation=ombudsman, user=editor_a)
    # Asks with review, organisation and "review held"; confirmed matches with their recommendations;
    # those recommendations' States; lobbied States; themes with their scheme.
    with django_assert_num_queries(5):
        entries = advocacy.uptake(organisation=org_a)
        shown = [
            (state.name, theme.scheme.slug)
            for entry in entries
            for item in entry.asks
            for recommendation in item.recommendations
            for state in recommendation.recommending_states.all()
            for theme in item.proposal.themes.all()
        ]
    assert shown
    assert (entries[0].made, entries[0].taken_up) == (9, 5)


def test_uptake_by_review_and_state(decided, org_a):
    other = ask(review("FRA", 2), "Protect human rights defenders", org_a)

    assert [e.review for e in advocacy.uptake(review=other.review)] == [other.review]
    assert [e.review for e in advocacy.uptake(state=decided.review.state)] == [decided.review]
    assert [e.review for e in advocacy.uptake(organisation=org_a)] == [decided.review, other.review]


# Briefing -------------------------------------------------------------------------


def test_proposals_for_briefing_are_the_asks_for_the_next_review(decided, org_a, editor_a, editor_b):
    kaz_2010 = Review.objects.get(state__iso3="KAZ", session__number=7)
    private = ask(decided.review, "Release the detained defender", org_a, public=False)
    kazakhstan = kaz_2010.state

    public = advocacy.proposals_for_briefing(state=kazakhstan, after_review=kaz_2010)
    mine = advocacy.proposals_for_briefing(state=kazakhstan, after_review=kaz_2010, user=editor_a)

    assert {item.proposal for item in public} == set(decided.asks.values())
    assert {item.proposal for item in mine} == set(decided.asks.values()) | {private}
    assert {item.proposal for item in advocacy.proposals_for_briefing(state=kazakhstan, user=editor_b)} == set(
        decided.asks.values()
    )
    assert all(item.held for item in public)
    assert sum(item.taken_up for item in public) == 2
    assert advocacy.proposals_for_briefing(state=kazakhstan, after_review=decided.review) == []


def test_proposals_for_briefing_refuses_another_states_review(decided):
    uzbekistan_2014 = decided.elsewhere["uzb_2014"].review
    with pytest.raises(ValueError):
        advocacy.proposals_for_briefing(state=decided.review.state, after_review=uzbekistan_2014)


def test_proposals_for_briefing_query_count(decided, editor_a, django_assert_num_queries):
    kaz_2010 = Review.objects.get(state__iso3="KAZ", session__number=7)
    # The next review; the user's memberships; asks; confirmed matches; their States; lobbied States; themes.
    with django_assert_num_queries(7):
        items = advocacy.proposals_for_briefing(state=kaz_2010.state, after_review=kaz_2010, user=editor_a)
    assert len(items) == 3


# Demo -----------------------------------------------------------------------------


def demo_state() -> list:
    return [
        sorted(ProposedRecommendation.objects.values_list("pk", "text", "public", "updated_at")),
        table_state(),
        AskMatch.history.count(),
        ProposedRecommendation.history.count(),
    ]


def test_demo_asks_are_public_matched_and_idempotent():
    demo.load_demo()
    demo_advocacy.add_demo_asks()
    first = demo_state()

    demo_advocacy.add_demo_asks()

    assert demo_state() == first
    asks = ProposedRecommendation.objects.filter(review__state__iso3="KAZ", review__session__number=20)
    assert asks.count() == len(demo_reviews.SESSION_7_NOTES.splitlines()) - 1 == 12
    assert all(a.public and a.text.endswith(demo.SUMMARY_MARK) for a in asks)
    assert all(a.organisation.name == demo.ORGANISATION["name"] for a in asks)
    confirmed = AskMatch.objects.filter(status=CONFIRMED)
    assert confirmed.count() == 4
    assert {m.rank for m in confirmed} == {1}  # each true match was the matcher's first suggestion
    assert {m.decided_by.username for m in confirmed} == {demo.EDITOR_USERNAME}
    [entry] = advocacy.uptake()
    assert (entry.made, entry.taken_up) == (12, 4)
    assert sum(len(item.lobbied_made) for item in entry.asks) == 4
