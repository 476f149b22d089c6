"""manage.py suggest_matches: suggest the recommendations that take up the asks of some reviews, or of all."""

import io
import re

import pytest
from django.core.management import CommandError, call_command

from recommendations import advocacy
from recommendations.models import AskMatch
from tests.recommendations.advocacy_data import ask, build_world
from tests.site_data import recommendation

pytestmark = pytest.mark.django_db

SUMMARY = re.compile(
    r"^(\d+) asks: (\d+) suggestions created, (\d+) updated, (\d+) removed; (\d+) open suggestions \(\d+\.\d\ds\)\.\n$"
)


@pytest.fixture
def world(org_a):
    world = build_world(org_a)
    other = world.elsewhere["uzb_2014"].review
    world.asks["uzbekistan"] = ask(other, "Ensure that human rights defenders suffer no reprisals", org_a)
    return world


def run(*args) -> tuple[int, ...]:
    out = io.StringIO()
    call_command("suggest_matches", *map(str, args), stdout=out)
    found = SUMMARY.match(out.getvalue())
    assert found, out.getvalue()
    return tuple(int(n) for n in found.groups())


def test_review_option_matches_that_reviews_asks_only(world):
    asks, created, updated, removed, open_ = run("--review", world.review.pk)

    assert (asks, updated, removed) == (3, 0, 0)
    assert created == open_ == AskMatch.objects.count() > 3
    assert not AskMatch.objects.filter(proposal=world.asks["uzbekistan"]).exists()


def test_review_option_repeats(world):
    asks, created, *_ = run("--review", world.review.pk, "--review", world.asks["uzbekistan"].review_id)
    assert asks == 4
    assert AskMatch.objects.filter(proposal=world.asks["uzbekistan"]).exists()


def test_all_then_again_changes_nothing(world):
    asks, created, _, _, open_ = run("--all")
    assert asks == 4 and created == open_ > 0

    assert run("--all") == (4, 0, 0, 0, open_)


def test_counts_updates_and_removals(world, editor_a):
    run("--all")
    top = AskMatch.objects.get(proposal=world.asks["libel"], rank=1)
    advocacy.confirm_match(match=top, user=editor_a)
    newcomer = recommendation(world.review, "Repeal criminal libel and decriminalise defamation of public officials")

    _, created, updated, removed, _ = run("--review", world.review.pk)

    assert AskMatch.objects.get(proposal=world.asks["libel"], recommendation=newcomer).rank == 1
    assert created >= 1 and updated >= 1  # the newcomer ranks first: the others move down
    assert AskMatch.objects.get(pk=top.pk).status == "confirmed"
    assert removed == AskMatch.history.filter(history_type="-").count()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ((), "one of the arguments --review --all is required"),
        (("--all", "--review", "1"), "not allowed with argument"),
        (("--review", "abc"), "invalid review_id value"),
        (("--review", "0"), "invalid review_id value"),
        (("--review", "99999999999999999999"), "invalid review_id value"),
        (("--review", "987654321"), "No review with id 987654321."),
    ],
)
def test_bad_arguments_are_refused(world, args, message):
    with pytest.raises(CommandError, match=re.escape(message)):
        call_command("suggest_matches", *args, stdout=io.StringIO())
    assert not AskMatch.objects.exists()
