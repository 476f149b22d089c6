import time

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from core import planner as statistics_upkeep
from recommendations.synthetic import RealDataError, generate, load_profile
from recommendations.synthetic.generate import LOADED


class Command(BaseCommand):
    help = (
        "Replace the recommendations, reviews, assessments and evidence with N synthetic recommendations "
        "whose distributions are learned from ../shared/samples/upr-info/*.csv (or built-in tables). "
        "Refuses when the database holds real recommendations, unless --force."
    )

    def add_arguments(self, parser):
        parser.add_argument("--recommendations", type=int, default=100_000, help="How many (default 100,000).")
        parser.add_argument("--seed", type=int, default=0, help="Random seed: the same seed gives the same data.")
        parser.add_argument("--force", action="store_true", help="Replace real recommendations too.")
        parser.add_argument("--no-progress", action="store_true", help="No progress bar.")

    def handle(self, *args, recommendations: int, seed: int, force: bool, no_progress: bool, **options):
        if recommendations < 1:
            raise CommandError("--recommendations must be at least 1.")
        started = time.perf_counter()
        profile = load_profile()
        self.stdout.write(f"Distributions from {profile.source}.")
        with tqdm(total=recommendations, unit="rec", disable=no_progress, file=self.stderr) as bar:
            try:
                counts = generate(profile, recommendations, seed=seed, force=force, progress=bar.update)
            except RealDataError as error:
                raise CommandError(str(error)) from None
        for table, count in counts.items():
            self.stdout.write(f"  {table}: {count:,}")
        vacuumed = statistics_upkeep.vacuum(model._meta.db_table for model in LOADED)
        if vacuumed:
            self.stdout.write(f"Vacuumed {len(vacuumed)} tables (visibility map for index-only scans).")
        self.stdout.write(f"Done in {time.perf_counter() - started:.1f} s.")
