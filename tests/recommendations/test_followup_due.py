"""The follow-up list: followed recommendations the organisation has not assessed, or not in the last N months, the
States reviewed soonest first (expected about 4.5 years after the last review, or the session a loaded review is
scheduled in)."""

import datetime

import pytest

from recommendations import services
from recommendations.followup import due
from recommendations.models import Publication, Review, Session
from tests.site_data import theme

pytestmark = pytest.mark.django_db
D = datetime.date
TODAY = D(2011, 6, 1)


@pytest.fixture
def kaz(review_kaz_2010, make_recommendation):
    return make_recommendation(review_kaz_2010, "Protect human rights defenders", paragraph="93.1")


@pytest.fixture
def fra(review_fra_2008, make_recommendation):
    return make_recommendation(review_fra_2008, "Combat discrimination against Roma", paragraph="60.2")


def _assess(made, organisation, on, state=Publication.PUBLISHED):
    services.record_assessment(
        recommendation=made, status="not_implemented", assessed_on=on, organisation=organisation, state=state
    )


def _rows(organisation, **options):
    return [row.paragraph for row in due.due(organisation, today=TODAY, **options).rows]


def test_nothing_followed_nothing_listed(org_a, kaz):
    assert _rows(org_a) == []


def test_the_state_expected_soonest_comes_first(org_a, kaz, fra, kazakhstan, france):
    org_a.followed_states.set([kazakhstan, france])
    listed = due.due(org_a, today=TODAY)
    assert [row.paragraph for row in listed.rows] == ["60.2", "93.1"]  # France: 2012; Kazakhstan: 2014
    france_next, kazakhstan_next = (row.next_review for row in listed.rows)
    assert (france_next.session.number, france_next.scheduled) == (14, False)
    assert (kazakhstan_next.session.number, kazakhstan_next.scheduled) == (20, False)
    assert listed.total == 2


def test_a_loaded_review_replaces_the_expectation(org_a, kaz, fra, kazakhstan, france):
    org_a.followed_states.set([kazakhstan, france])
    Review.objects.create(state=kazakhstan, session=Session.objects.get(number=13))
    listed = due.due(org_a, today=TODAY)
    assert [row.paragraph for row in listed.rows] == ["93.1", "60.2"]
    assert (listed.rows[0].next_review.session.number, listed.rows[0].next_review.scheduled) == (13, True)


def test_recently_assessed_ones_leave_the_list(org_a, org_b, kaz, fra, kazakhstan, france):
    org_a.followed_states.set([kazakhstan, france])
    _assess(kaz, org_a, D(2011, 1, 1))  # within 12 months of TODAY
    _assess(fra, org_b, D(2011, 1, 1))  # another organisation's does not count
    assert _rows(org_a) == ["60.2"]
    assert _rows(org_a, months=3) == ["60.2", "93.1"]  # January is more than 3 months before June


def test_drafts_count_rejected_ones_do_not_and_the_last_date_is_shown(org_a, kaz, kazakhstan):
    org_a.followed_states.set([kazakhstan])
    _assess(kaz, org_a, D(2011, 2, 1), state=Publication.REJECTED)
    _assess(kaz, org_a, D(2009, 5, 1))
    (row,) = due.due(org_a, today=TODAY).rows
    assert row.last_assessed == D(2009, 5, 1)
    _assess(kaz, org_a, D(2011, 3, 1), state=Publication.DRAFT)
    assert _rows(org_a) == []


def test_themes_narrow_the_followed_states(org_a, kaz, fra, make_recommendation, review_kaz_2010, kazakhstan):
    defenders = theme("Human rights defenders")
    kaz.themes.add(defenders)
    fra.themes.add(defenders)
    make_recommendation(review_kaz_2010, "Ratify the Convention", paragraph="93.2")
    org_a.followed_themes.set([defenders])
    assert sorted(_rows(org_a)) == ["60.2", "93.1"]  # themes only: every State's
    org_a.followed_states.set([kazakhstan])
    assert _rows(org_a) == ["93.1"]  # both: the State's recommendations on the theme


def test_the_list_is_bounded_and_counts_the_rest(org_a, kaz, make_recommendation, review_kaz_2010, kazakhstan):
    for n in range(2, 5):
        make_recommendation(review_kaz_2010, f"Recommendation {n}", paragraph=f"93.{n}")
    org_a.followed_states.set([kazakhstan])
    listed = due.due(org_a, today=TODAY, limit=2)
    assert (len(listed.rows), listed.total) == (2, 4)


def test_the_list_costs_the_same_whatever_its_length(
    org_a, kaz, fra, kazakhstan, france, django_assert_num_queries, make_recommendation, review_kaz_2010
):
    org_a.followed_states.set([kazakhstan, france])
    for n in range(2, 12):
        make_recommendation(review_kaz_2010, f"Recommendation {n}", paragraph=f"93.{n}")
    # followed States, followed themes, the States listed, their reviews, the sessions, the page
    with django_assert_num_queries(6):
        due.due(org_a, today=TODAY)


def test_an_expected_date_already_past_moves_on_by_cycles(org_a, kaz, kazakhstan):
    org_a.followed_states.set([kazakhstan])
    (row,) = due.due(org_a, today=D(2026, 12, 7)).rows  # last loaded review: February 2010
    assert (row.next_review.session, row.next_review.scheduled) == (None, False)  # after the last loaded session
    assert row.next_review.on.year == 2028 and row.next_review.on > D(2026, 12, 7)
    (row,) = due.due(org_a, today=D(2018, 6, 1)).rows
    assert row.next_review.session.number == 32  # February 2010 + 9 years: the session of January 2019
