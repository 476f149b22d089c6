"""Cross-cycle follow-up: suggested repeats, editors' decisions, confirmed histories and where they show."""

import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from recommendations import followup
from recommendations.imports import import_recommendations
from recommendations.models import Recommendation, RepeatLink, SuggestionStatus
from states.models import State
from tests.recommendations.conftest import upr_info_csv, upr_info_row
from tests.recommendations.editor_helpers import form_inputs
from tests.site_data import D, assess, recommendation, review

pytestmark = pytest.mark.django_db

SUGGESTED, CONFIRMED, DISMISSED = SuggestionStatus.SUGGESTED, SuggestionStatus.CONFIRMED, SuggestionStatus.DISMISSED
CRPD = ("Disabilities", "International instruments")
CHANGELIST = reverse("admin:recommendations_repeatlink_changelist")


@pytest.fixture
def kaz_2010():
    return review("KAZ", 7)


@pytest.fixture
def kaz_2014():
    return review("KAZ", 20)


@pytest.fixture
def kaz_2019():
    return review("KAZ", 34)


@pytest.fixture
def world(kaz_2010, kaz_2014):
    """Kazakhstan's 2010 and 2014 reviews: one ask repeated in other words, and recommendations on other subjects."""
    return {
        "crpd_2010": recommendation(
            kaz_2010, "Ratify the Convention on the Rights of Persons with Disabilities", themes=CRPD
        ),
        "torture_2010": recommendation(
            kaz_2010,
            "Establish an independent mechanism to investigate allegations of torture",
            themes=("Torture and other CID treatment",),
        ),
        "press_2010": recommendation(kaz_2010, "Decriminalise defamation and libel", themes=("Freedom of the press",)),
        "crpd_2014": recommendation(
            kaz_2014,
            "Finalize the ratification of the Convention on the Rights of Persons with Disabilities",
            themes=CRPD,
        ),
        "water_2014": recommendation(
            kaz_2014, "Guarantee access to safe drinking water in rural areas", themes=("Right to water",)
        ),
    }


def links() -> set[tuple[int, int, str]]:
    return set(RepeatLink.objects.values_list("earlier_id", "later_id", "status"))


def link_of(earlier, later) -> RepeatLink:
    return RepeatLink.objects.get(earlier=earlier, later=later)


# Suggestions --------------------------------------------------------------------------------------


def test_reworded_repeat_in_a_later_review_is_suggested_with_its_score_and_shared_themes(world, kaz_2014):
    result = followup.suggest_repeats(reviews=[kaz_2014])

    assert links() == {(world["crpd_2010"].pk, world["crpd_2014"].pk, SUGGESTED)}
    link = link_of(world["crpd_2010"], world["crpd_2014"])
    assert followup.THRESHOLD <= link.score <= 1
    assert link.shared_themes == 2
    assert (result.suggested, result.kept, result.removed, result.states) == (1, 0, 0, 1)


def test_importing_the_earlier_review_afterwards_suggests_the_same_pair_earlier_first(world, kaz_2010):
    followup.suggest_repeats(reviews=[kaz_2010])

    assert links() == {(world["crpd_2010"].pk, world["crpd_2014"].pk, SUGGESTED)}


def test_similar_words_under_a_disjoint_theme_are_not_suggested(world, kaz_2014):
    # Nearly the 2010 text, but classified under another theme of the same scheme: a different subject.
    decoy = recommendation(
        kaz_2014, "Ratify the Convention on the Rights of Persons with Disabilities", themes=("Death penalty",)
    )
    followup.suggest_repeats(reviews=[kaz_2014])

    assert decoy.pk not in {later for _, later, _ in links()}


def test_without_themes_on_one_side_only_a_clearly_alike_text_is_suggested(world, kaz_2014):
    same_words = recommendation(kaz_2014, "Ratify the Convention on the Rights of Persons with Disabilities")
    reworded = "Finalise ratifying the disabilities convention soon"  # scores 0.40: enough only with a theme
    reworded_untagged = recommendation(kaz_2014, reworded)
    reworded_tagged = recommendation(kaz_2014, reworded, by=("FRA",), themes=CRPD)
    followup.suggest_repeats(reviews=[kaz_2014])

    later_ids = {later for _, later, _ in links()}
    assert same_words.pk in later_ids and reworded_tagged.pk in later_ids
    assert reworded_untagged.pk not in later_ids
    assert link_of(world["crpd_2010"], same_words).shared_themes == 0
    assert followup.THRESHOLD <= link_of(world["crpd_2010"], reworded_tagged).score < followup.THRESHOLD_UNCLASSIFIED


def test_another_states_identical_recommendation_is_never_linked(world, kaz_2014):
    other_state = recommendation(
        review("UZB", 16), "Ratify the Convention on the Rights of Persons with Disabilities", themes=CRPD
    )
    followup.suggest_repeats()

    assert other_state.pk not in {pk for pair in links() for pk in pair[:2]}


def test_two_recommendations_of_the_same_review_are_never_linked(world, kaz_2014):
    twin = recommendation(kaz_2014, world["crpd_2014"].text, by=("FRA",), themes=CRPD)
    followup.suggest_repeats()

    assert (world["crpd_2014"].pk, twin.pk) not in {pair[:2] for pair in links()}
    assert (twin.pk, world["crpd_2014"].pk) not in {pair[:2] for pair in links()}
    assert {later for _, later, _ in links()} == {world["crpd_2014"].pk, twin.pk}


def test_a_later_recommendation_keeps_only_the_best_three_per_earlier_review(world, kaz_2010, kaz_2014):
    for state in ("NOR", "FRA", "CAN", "SWE"):
        recommendation(kaz_2010, "Abolish the death penalty for all crimes", by=(state,), themes=("Death penalty",))
    later = recommendation(kaz_2014, "Abolish the death penalty for all crimes", themes=("Death penalty",))
    followup.suggest_repeats(reviews=[kaz_2014])

    assert RepeatLink.objects.filter(later=later).count() == followup.PER_REVIEW == 3


def test_rerunning_keeps_suggestions_and_writes_nothing_new(world, kaz_2014):
    followup.suggest_repeats(reviews=[kaz_2014])
    history = RepeatLink.history.count()

    result = followup.suggest_repeats(reviews=[kaz_2014])

    assert (result.suggested, result.kept, result.removed) == (0, 1, 0)
    assert RepeatLink.history.count() == history


def test_dismissed_pair_stays_dismissed_after_rerunning(world, kaz_2014, editor_a):
    followup.suggest_repeats(reviews=[kaz_2014])
    followup.dismiss_repeat(link=link_of(world["crpd_2010"], world["crpd_2014"]), user=editor_a)

    result = followup.suggest_repeats()

    assert links() == {(world["crpd_2010"].pk, world["crpd_2014"].pk, DISMISSED)}
    assert (result.suggested, result.kept, result.removed) == (0, 0, 0)


def test_suggestion_that_no_longer_passes_is_removed_but_a_confirmed_one_is_kept(world, kaz_2010, kaz_2014, editor_a):
    confirmed_later = recommendation(kaz_2014, "Abolish the death penalty for all crimes", themes=("Death penalty",))
    confirmed_earlier = recommendation(kaz_2010, "Abolish the death penalty for all crimes", themes=("Death penalty",))
    followup.suggest_repeats(reviews=[kaz_2014])
    followup.confirm_repeat(link=link_of(confirmed_earlier, confirmed_later), user=editor_a)
    # Both later texts corrected to something else entirely (the search vector follows: a generated column).
    Recommendation.objects.filter(pk__in=[world["crpd_2014"].pk, confirmed_later.pk]).update(
        text="Guarantee the independence of lawyers"
    )

    result = followup.suggest_repeats(reviews=[kaz_2014])

    assert links() == {(confirmed_earlier.pk, confirmed_later.pk, CONFIRMED)}
    assert (result.suggested, result.removed) == (0, 1)
    assert RepeatLink.history.filter(history_type="-").count() == 1


def test_suggestions_are_audited_with_the_reason(world, kaz_2014):
    followup.suggest_repeats(reviews=[kaz_2014])

    record = RepeatLink.history.get()
    assert (record.history_type, record.history_change_reason, record.status) == ("+", "suggest_repeats", SUGGESTED)


# Decisions ----------------------------------------------------------------------------------------


@pytest.fixture
def suggested(world, kaz_2014) -> RepeatLink:
    followup.suggest_repeats(reviews=[kaz_2014])
    return link_of(world["crpd_2010"], world["crpd_2014"])


def test_confirming_records_who_and_when_in_the_link_and_its_history(suggested, editor_a):
    followup.confirm_repeat(link=suggested, user=editor_a)

    suggested.refresh_from_db()
    assert (suggested.status, suggested.decided_by) == (CONFIRMED, editor_a)
    assert suggested.decided_at is not None
    latest = suggested.history.first()
    assert (latest.history_type, latest.status, latest.history_user) == ("~", CONFIRMED, editor_a)


def test_dismissing_records_who_decided(suggested, staff_admin):
    followup.dismiss_repeat(link=suggested, user=staff_admin)

    suggested.refresh_from_db()
    assert (suggested.status, suggested.decided_by) == (DISMISSED, staff_admin)


def test_staff_without_an_organisation_may_not_decide(suggested, django_user_model):
    clerk = django_user_model.objects.create_user(username="clerk", password="correct horse battery", is_staff=True)

    with pytest.raises(PermissionDenied):
        followup.confirm_repeat(link=suggested, user=clerk)
    assert RepeatLink.objects.get().status == SUGGESTED


def test_a_link_pointing_back_in_time_is_refused(world, editor_a):
    backwards = RepeatLink.objects.create(earlier=world["crpd_2014"], later=world["crpd_2010"], score=0.9)

    with pytest.raises(ValidationError):
        followup.confirm_repeat(link=backwards, user=editor_a)


def test_editor_links_a_repeat_the_app_missed(world, editor_a):
    link = followup.link_repeat(earlier=world["press_2010"], later=world["water_2014"], user=editor_a)

    assert (link.status, link.decided_by, link.shared_themes) == (CONFIRMED, editor_a, 0)
    assert 0 <= link.score < followup.THRESHOLD


def test_linking_across_states_is_refused(world, editor_a):
    uzbek = recommendation(review("UZB", 16), "Decriminalise defamation and libel", themes=("Freedom of the press",))

    with pytest.raises(ValidationError):
        followup.link_repeat(earlier=world["press_2010"], later=uzbek, user=editor_a)


# Confirmed histories ------------------------------------------------------------------------------


@pytest.fixture
def chain(kaz_2010, kaz_2014, kaz_2019, editor_a):
    """2019 repeats 2014 repeats 2010, the latest assessed as not implemented; a suggestion hangs off 2014."""
    asks = [
        recommendation(
            kaz_2010, "Adopt a law on peaceful assembly", themes=("Freedom of association and peaceful assembly",)
        ),
        recommendation(kaz_2014, "Remove obstacles to peaceful assembly", paragraph="123.4"),
        recommendation(kaz_2019, "Bring the law on assemblies in line with international standards"),
    ]
    followup.link_repeat(earlier=asks[0], later=asks[1], user=editor_a)
    followup.link_repeat(earlier=asks[1], later=asks[2], user=editor_a)
    pending = recommendation(kaz_2019, "Stop detaining peaceful protesters")
    RepeatLink.objects.create(earlier=asks[1], later=pending, score=0.5)
    assess(asks[2], "not_implemented", D(2021, 3, 1))
    return [*asks, pending]


def test_history_follows_confirmed_links_across_three_reviews_with_its_sentence(chain):
    first, second, third, pending = chain

    histories = followup.repeat_histories([first.pk, third.pk, pending.pk])

    assert set(histories) == {first.pk, third.pk}  # the pending suggestion is not a repeat yet
    history = histories[third.pk]
    assert history == histories[first.pk]
    assert [step.recommendation_id for step in history.steps] == [first.pk, second.pk, third.pk]
    assert history.years == (2010, 2014, 2019)
    assert history.sessions == (7, 20, 34)
    assert history.steps[1].url == f"/recommendations/{second.pk}/"
    assert history.steps[1].label == "20th session (2014)"
    assert history.sentence == "First recommended in 2010, repeated in 2014 and 2019; not implemented"
    assert [step.recommendation_id for step in history.others(second.pk)] == [first.pk, third.pk]


def test_history_of_an_unassessed_chain_says_so(world, editor_a):
    followup.link_repeat(earlier=world["crpd_2010"], later=world["crpd_2014"], user=editor_a)

    history = followup.repeat_histories([world["crpd_2014"].pk])[world["crpd_2014"].pk]

    assert history.sentence == "First recommended in 2010, repeated in 2014; no assessment yet"


def test_histories_take_one_query_however_many_ids(chain, world, django_assert_num_queries):
    ids = [r.pk for r in chain] + [r.pk for r in world.values()]
    # 1 the recursive walk over confirmed links, joined to the recommendations' sessions.
    with django_assert_num_queries(1):
        histories = followup.repeat_histories(ids)
    assert len(histories) == 3
    with django_assert_num_queries(1):
        followup.repeat_histories(ids[:1])


# The public page ------------------------------------------------------------------------------------


def test_public_page_shows_the_confirmed_history_with_links_and_hides_suggestions(client, chain):
    first, second, third, pending = chain

    html = client.get(reverse("recommendations:detail", args=[second.pk])).content.decode()

    assert "First recommended in 2010, repeated in 2014 and 2019; not implemented." in html
    assert f'href="/recommendations/{first.pk}/">7th session (2010)</a>' in html
    assert f'href="/recommendations/{third.pk}/">34th session (2019)</a>' in html
    assert "20th session (2014) · 123.4</strong>" in html
    assert f'href="/recommendations/{pending.pk}/"' not in html


def test_public_page_of_a_merely_suggested_repeat_shows_no_history(client, suggested):
    html = client.get(reverse("recommendations:detail", args=[suggested.later_id])).content.decode()

    assert "Asked in more than one review" not in html
    assert "First recommended" not in html


# Admin ------------------------------------------------------------------------------------------------


def action(client, name: str, *links: RepeatLink):
    return client.post(CHANGELIST, {"action": name, "_selected_action": [link.pk for link in links]})


def test_editor_confirms_and_dismisses_from_the_list(client, editor_a, suggested, world, kaz_2014):
    second = RepeatLink.objects.create(earlier=world["press_2010"], later=world["water_2014"], score=0.4)
    client.force_login(editor_a)

    assert action(client, "confirm", suggested).status_code == 302
    assert action(client, "dismiss", second).status_code == 302

    assert {(link.pk, link.status, link.decided_by) for link in RepeatLink.objects.all()} == {
        (suggested.pk, CONFIRMED, editor_a),
        (second.pk, DISMISSED, editor_a),
    }


def test_staff_administrator_confirms_from_the_list(client, staff_admin, suggested):
    client.force_login(staff_admin)
    action(client, "confirm", suggested)

    assert RepeatLink.objects.get().status == CONFIRMED


def test_staff_without_an_organisation_sees_the_queue_but_cannot_decide(client, suggested, django_user_model):
    clerk = django_user_model.objects.create_user(username="clerk", password="correct horse battery", is_staff=True)
    client.force_login(clerk)

    page = client.get(CHANGELIST)
    assert page.status_code == 200
    assert page.context["action_form"] is None  # no action offered
    action(client, "confirm", suggested)

    assert RepeatLink.objects.get().status == SUGGESTED


def test_anonymous_visitor_is_sent_to_the_login_page(client, suggested):
    response = action(client, "confirm", suggested)

    assert response.status_code == 302 and "/login/" in response["Location"]
    assert client.get(CHANGELIST).status_code == 302
    assert RepeatLink.objects.get().status == SUGGESTED


def test_list_query_count_does_not_grow_with_the_links(client, editor_a, kaz_2010, kaz_2014, django_assert_num_queries):
    client.force_login(editor_a)
    for n in range(6):
        earlier = recommendation(kaz_2010, f"Earlier ask number {n}")
        later = recommendation(kaz_2014, f"Later ask number {n}")
        RepeatLink.objects.create(earlier=earlier, later=later, score=0.5)
        if n == 1:
            # 1 session, 2 user, 3 their two-factor devices, 4 staff-administrator group, 5 memberships (may they
            # decide), 6 the States (State filter), 7 count of the links listed, 8-9 the
            # user's and their groups' model permissions (admin menu), 10 the page of links with both
            # sides' reviews and sessions and the State.
            with django_assert_num_queries(10):
                assert client.get(CHANGELIST).status_code == 200
    with django_assert_num_queries(10):
        response = client.get(CHANGELIST)
    assert len(response.context["cl"].result_list) == 6


def test_list_shows_both_texts_side_by_side_with_their_years(client, editor_a, suggested):
    client.force_login(editor_a)

    html = client.get(CHANGELIST).content.decode()

    assert "Ratify the Convention on the Rights of Persons with Disabilities" in html
    assert "Finalize the ratification of the Convention on the Rights of Persons with Disabilities" in html
    assert "<strong>2010</strong>" in html and "<strong>2014</strong>" in html


def test_link_page_shows_both_full_texts_read_only(client, editor_a, suggested):
    client.force_login(editor_a)

    response = client.get(reverse("admin:recommendations_repeatlink_change", args=[suggested.pk]))

    html = response.content.decode()
    assert response.status_code == 200
    assert "Finalize the ratification of the Convention on the Rights of Persons with Disabilities" in html
    assert 'name="_save"' not in html  # decisions go through the actions


def test_editor_adds_a_repeat_the_app_missed_and_it_is_saved_confirmed(client, editor_a, world):
    client.force_login(editor_a)
    add = reverse("admin:recommendations_repeatlink_add")

    response = client.post(add, {"earlier": world["press_2010"].pk, "later": world["water_2014"].pk})

    assert response.status_code == 302
    link = RepeatLink.objects.get()
    assert (link.earlier, link.later, link.status, link.decided_by) == (
        world["press_2010"],
        world["water_2014"],
        CONFIRMED,
        editor_a,
    )


def test_adding_a_link_across_states_shows_the_error_and_saves_nothing(client, editor_a, world):
    uzbek = recommendation(review("UZB", 16), "Decriminalise defamation and libel", themes=("Freedom of the press",))
    client.force_login(editor_a)

    response = client.post(
        reverse("admin:recommendations_repeatlink_add"), {"earlier": world["press_2010"].pk, "later": uzbek.pk}
    )

    assert response.status_code == 200
    assert "A repeat links two recommendations to the same State under review." in response.content.decode()
    assert not RepeatLink.objects.exists()


def test_editor_confirms_on_the_recommendations_change_page(client, editor_a, suggested):
    client.force_login(editor_a)
    url = reverse("admin:recommendations_recommendation_change", args=[suggested.later_id])
    page = client.get(url).content.decode()
    assert "Ratify the Convention on the Rights of Persons with Disabilities" in page  # the earlier one, in the inline
    data = form_inputs(page)

    response = client.post(url, {**data, "repeats-0-decision": "confirm"})

    assert response.status_code == 302
    suggested.refresh_from_db()
    assert (suggested.status, suggested.decided_by) == (CONFIRMED, editor_a)


def test_staff_without_an_organisation_sees_the_inline_without_decisions(client, suggested, django_user_model):
    clerk = django_user_model.objects.create_user(username="clerk", password="correct horse battery", is_staff=True)
    client.force_login(clerk)

    page = client.get(reverse("admin:recommendations_recommendation_change", args=[suggested.later_id]))

    html = page.content.decode()
    assert "Ratify the Convention on the Rights of Persons with Disabilities" in html
    assert "repeats-0-decision" not in html


# Demo -------------------------------------------------------------------------------------------------


def test_demo_repeats_are_confirmed_by_the_demo_editor_and_a_second_run_changes_nothing():
    from recommendations import demo
    from recommendations.demo.followup import REPEATS, add_demo_repeats

    demo.load_demo()
    add_demo_repeats()
    before = sorted(RepeatLink.objects.values_list("pk", "status", "updated_at"))
    history = RepeatLink.history.count()

    add_demo_repeats()

    assert sorted(RepeatLink.objects.values_list("pk", "status", "updated_at")) == before
    assert RepeatLink.history.count() == history
    confirmed = RepeatLink.objects.filter(status=CONFIRMED).select_related("decided_by", "later")
    assert len(confirmed) == len(REPEATS) == 4
    assert {link.decided_by.username for link in confirmed} == {demo.EDITOR_USERNAME}
    assert {link.later.review.session.number for link in confirmed} == {20}
    defamation = next(link.later for link in confirmed if link.later.text.startswith("Implement the previous cycle"))
    history_of = followup.repeat_histories([defamation.pk])[defamation.pk]
    # The 2014 follow-up is not assessed yet: the 2010 assessments say how far the ask got.
    assert history_of.sentence == "First recommended in 2010, repeated in 2014; not implemented (as assessed for 2010)"
    assert len(history_of.steps) == 3  # two 2010 asks to decriminalise defamation, one 2014 follow-up


def _import(tmp_path, name: str, row: list[str]) -> str:
    path = tmp_path / name
    path.write_bytes(upr_info_csv([row]).getvalue())
    out = io.StringIO()
    call_command("import_recommendations", str(path), stdout=out, stderr=io.StringIO())
    return out.getvalue()


def test_an_import_suggests_the_repeats_of_its_reviews_by_itself(tmp_path):
    ask = "Ratify the Optional Protocol to the Convention against Torture"
    _import(tmp_path, "2010.csv", upr_info_row(ask, source="France", session="7"))
    output = _import(tmp_path, "2014.csv", upr_info_row(f"{ask} promptly", session="20"))

    link = RepeatLink.objects.select_related("earlier__review__session", "later__review__session").get()
    assert (link.earlier.review.session.number, link.later.review.session.number) == (7, 20)
    assert link.status == SuggestionStatus.SUGGESTED
    assert "1 new likely repeats across cycles, 0 new matches for advocacy asks" in output


def test_the_suggestions_after_an_import_cost_the_same_whatever_the_rows():
    senders = list(State.objects.exclude(iso3="KAZ").order_by("iso3").values_list("name", flat=True)[:150])

    def row(n: int) -> list[str]:
        # Pairs: the same ask (its own place name) in 2010 and, a little reworded, in 2014.
        place = "".join(chr(ord("a") + int(digit)) for digit in str(n // 2)) + "ville"
        text = f"Return the land taken from the people of {place} and compensate them"
        session = ("7", "20")[n % 2]
        return upr_info_row(text + (" promptly" if session == "20" else ""), source=senders[n // 2], session=session)

    import_recommendations(file=upr_info_csv([row(n) for n in range(4)]))  # the reviews exist from now on
    Recommendation.objects.all().delete()
    queries = []
    for rows in (4, 200):
        with CaptureQueriesContext(connection) as captured:
            result = import_recommendations(file=upr_info_csv([row(n) for n in range(rows)]))
        assert result.suggested_repeats == rows // 2  # each 2014 text repeats its 2010 one
        # The larger import also refreshes the planner's statistics of the tables it grew (the table's
        # estimate, one ANALYZE per table, statistics_upkeep.py): not a cost per row, nor the suggestions'.
        upkeep = [query for query in captured if query["sql"].startswith("ANALYZE") or "FROM pg_class" in query["sql"]]
        queries.append(len(captured) - len(upkeep))
        Recommendation.objects.all().delete()
    assert queries[0] == queries[1]
