import time

from django.core.management.base import BaseCommand, CommandError

from recommendations.advocacy import run_suggestions
from recommendations.models import Review

BIGINT_MAX = 2**63 - 1


def review_id(value: str) -> int:
    """A positive id that fits PostgreSQL's bigint (argparse turns the ValueError into a usage error)."""
    number = int(value)
    if not 1 <= number <= BIGINT_MAX:
        raise ValueError(value)
    return number


class Command(BaseCommand):
    help = (
        "Suggest which recommendations take up the advocacy asks of the given reviews (or of every review). "
        "Confirmed and dismissed matches are kept; a second run with no new data changes nothing."
    )

    def add_arguments(self, parser):
        which = parser.add_mutually_exclusive_group(required=True)
        which.add_argument(
            "--review",
            type=review_id,
            action="append",
            dest="reviews",
            metavar="ID",
            help="A review id; repeat for more.",
        )
        which.add_argument("--all", action="store_true", help="Every ask of every review.")

    def handle(self, *args, reviews: list[int] | None = None, all: bool = False, **options):
        if reviews is not None:
            found = set(Review.objects.filter(pk__in=reviews).values_list("pk", flat=True))
            missing = sorted(set(reviews) - found)
            if missing:
                raise CommandError(f"No review with id {', '.join(map(str, missing))}.")
        started = time.monotonic()
        run = run_suggestions(reviews=None if all else reviews)
        elapsed = time.monotonic() - started
        self.stdout.write(
            f"{run.asks} asks: {run.created} suggestions created, {run.updated} updated, {run.removed} removed; "
            f"{run.open} open suggestions ({elapsed:.2f}s)."
        )
