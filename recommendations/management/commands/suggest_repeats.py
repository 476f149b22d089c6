import random
import sys
import time

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection, transaction
from tqdm import tqdm

from recommendations import followup
from recommendations.models import RepeatLink, Review, SuggestionStatus
from states.models import State

EXCERPT = 300


class Command(BaseCommand):
    help = (
        "Suggest likely repeats: recommendations of the given reviews that repeat (or are repeated by) one "
        "the same State received in another review. Confirmed and dismissed links are never changed. "
        "With --sample N, print a random sample of the current suggestions instead (to judge precision)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        scope = parser.add_mutually_exclusive_group()
        scope.add_argument("--review", type=int, nargs="+", metavar="ID", help="Review ids (after an import).")
        scope.add_argument("--state", metavar="ISO3", help="Every review of one State under review.")
        scope.add_argument("--all", action="store_true", help="Every State, one transaction each.")
        parser.add_argument("--sample", type=int, metavar="N", help="Print N random suggestions; compute nothing.")
        parser.add_argument("--seed", type=int, default=1, help="Seed of --sample (default 1).")

    def handle(self, *args, **options) -> None:
        if options["sample"] is not None:
            return self._print_sample(options)
        started = time.monotonic()
        if options["all"]:
            result = self._suggest_all(options["verbosity"])
        elif options["review"] or options["state"]:
            result = _suggest(self._reviews(options))
        else:
            raise CommandError("Say which reviews: --review ID …, --state ISO3 or --all.")
        result.seconds = time.monotonic() - started
        self.stdout.write(f"{result.summary()}.")

    def _reviews(self, options) -> list[int]:
        if options["state"]:
            state = State.objects.filter(iso3__iexact=options["state"]).first()
            if state is None:
                raise CommandError(f"Unknown State: {options['state']} (give its ISO 3166 alpha-3 code).")
            return list(Review.objects.filter(state=state).values_list("pk", flat=True))
        found = set(Review.objects.filter(pk__in=options["review"]).values_list("pk", flat=True))
        missing = sorted(set(options["review"]) - found)
        if missing:
            raise CommandError(f"No review with id {', '.join(map(str, missing))}.")
        return sorted(found)

    def _suggest_all(self, verbosity: int) -> followup.SuggestResult:
        """State by State, each committed on its own: an interrupted run keeps the States it finished."""
        total = followup.SuggestResult()
        states = followup.states_to_process(None)
        with tqdm(total=len(states), unit=" States", disable=verbosity == 0, file=sys.stderr) as bar:
            for review_ids in states.values():
                total.add(_suggest(review_ids))
                bar.update(1)
        with connection.cursor() as cursor:
            # Fresh statistics for the next runs' plans, rather than waiting for autovacuum after a bulk change.
            cursor.execute(f"ANALYZE {RepeatLink._meta.db_table}")
        return total

    def _print_sample(self, options) -> None:
        links = RepeatLink.objects.filter(status=SuggestionStatus.SUGGESTED).order_by("earlier_id", "later_id")
        if options["state"]:
            links = links.filter(later__state_under_review__iso3__iexact=options["state"])
        ids = list(links.values_list("pk", flat=True))
        chosen = sorted(random.Random(options["seed"]).sample(ids, min(options["sample"], len(ids))))
        sample = RepeatLink.objects.filter(pk__in=chosen).select_related(
            "earlier__review__session", "later__review__session"
        )
        self.stdout.write(f"{len(chosen)} of {len(ids)} suggestions (seed {options['seed']}):")
        for link in sample.order_by("pk"):
            self.stdout.write(
                f"\n#{link.pk} score {link.score:.3f}, {link.shared_themes} shared theme(s)\n"
                f"  earlier {link.earlier_id} ({link.earlier.review.session.year}): {link.earlier.text[:EXCERPT]}\n"
                f"  later   {link.later_id} ({link.later.review.session.year}): {link.later.text[:EXCERPT]}"
            )


@transaction.atomic
def _suggest(review_ids: list[int]) -> followup.SuggestResult:
    with connection.cursor() as cursor:
        # A large State's pairs take longer than the web requests' statement timeout allows.
        cursor.execute("SET LOCAL statement_timeout = 0")
    return followup.suggest_repeats(reviews=review_ids)
