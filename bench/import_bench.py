"""Import speed and memory: the real UPR Info sample and a generated 100,000-row export.

    .venv/bin/python bench/import_bench.py [--rows 100000] [--keep-file PATH]

Creates a scratch database (upr_bench_import) on the server in use (DATABASE_URL,
or the embedded development server), migrates it, imports each file twice (the
second run must change nothing), prints rows per second and peak memory, and
drops the scratch database. Each import runs in a fresh child process so its
peak resident memory is its own; another child first measures the peak Python
heap of the import with tracemalloc, in a dry run (tracemalloc slows Python
down, so that run is not timed).
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT.parent / "shared" / "samples" / "upr-info" / "upr-info-sessions-01-05.csv"
SCRATCH_DB = "upr_bench_import"

sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "upr_tracker.settings")
os.environ.setdefault("DEBUG", "true")  # the embedded server needs it when DATABASE_URL is unset


def setup_django() -> None:
    import django
    from django.conf import settings

    django.setup()
    # DEBUG keeps the SQL of every query in memory: that is not what production pays.
    settings.DEBUG = False


def use_scratch_database() -> None:
    from django.db import connection

    connection.close()
    connection.settings_dict["NAME"] = SCRATCH_DB


# Child: one import -----------------------------------------------------------------------------------


def child(path: Path, trace: bool) -> None:
    """Import once and print a JSON report; with `trace`, a dry run under tracemalloc (not timed)."""
    started = time.perf_counter()
    setup_django()
    use_scratch_database()
    from recommendations.imports import import_recommendations

    if trace:
        tracemalloc.start()
    with path.open("rb") as file:
        import_started = time.perf_counter()
        result = import_recommendations(file=file, dry_run=trace, suggest=False)
        import_seconds = time.perf_counter() - import_started
    # What `import_recommendations` does next by default, timed on its own: suggestions for editors
    # (repeats across cycles, matches for advocacy asks) for the reviews in the file.
    suggest_seconds = 0.0
    if result.written and (result.created or result.updated):
        from django.db import transaction

        from recommendations import advocacy, followup
        from recommendations.models import Review

        suggest_started = time.perf_counter()
        reviews = list(Review.objects.values_list("id", flat=True))  # the scratch database holds this file only
        with transaction.atomic():
            followup.suggest_repeats(reviews=reviews)
            advocacy.run_suggestions(reviews=reviews)
        suggest_seconds = time.perf_counter() - suggest_started
    report = {
        "counts": result.counts(),
        "errors": len(result.errors),
        "import_seconds": import_seconds,
        "suggest_seconds": suggest_seconds,
        "process_seconds": time.perf_counter() - started,
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }
    if trace:
        report["peak_heap_mb"] = tracemalloc.get_traced_memory()[1] / 2**20
    print(json.dumps(report))


def run_child(path: Path, *, trace: bool = False) -> dict:
    command = [sys.executable, __file__, "--child", str(path)] + (["--trace"] if trace else [])
    started = time.perf_counter()
    completed = subprocess.run(command, capture_output=True, text=True, check=False)
    if completed.returncode:
        sys.exit(f"child failed:\n{completed.stderr}")
    report = json.loads(completed.stdout.strip().splitlines()[-1])
    report["wall_seconds"] = time.perf_counter() - started
    return report


# Parent: scratch database, files, report ------------------------------------------------------------


def create_scratch_database() -> None:
    from django.core.management import call_command
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{SCRATCH_DB}"')
        cursor.execute(f'CREATE DATABASE "{SCRATCH_DB}"')
    use_scratch_database()
    call_command("migrate", verbosity=0)


def drop_scratch_database(original_name: str) -> None:
    from django.db import connection

    connection.close()
    connection.settings_dict["NAME"] = original_name
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{SCRATCH_DB}" WITH (FORCE)')


def generate_export(path: Path, rows: int) -> None:
    """A UPR Info-format file like the real ones (Mac Roman, CR endings, grouped by review) with distinct rows.

    A real review has 100 to 300 recommendations; rows come in blocks of about 170 per review.
    """
    from recommendations.imports import upr_info
    from recommendations.models import Session, Theme
    from states.models import State

    rng = random.Random(2008)
    states = list(State.objects.order_by("iso3").values_list("name", flat=True))
    issues = list(Theme.objects.filter(scheme__slug="upr-info").order_by("name").values_list("name", flat=True))
    sessions = list(Session.objects.order_by("number").values_list("number", flat=True))
    reviews = [(state, session) for session in sessions for state in states]
    rng.shuffle(reviews)
    verbs = ["Ratify", "Consider ratifying", "Continue efforts to implement", "Ensure", "Strengthen", "Adopt"]
    objects = ["the Convention against Torture", "a law on the Ombudsman’s Office", "measures for Roma children"]
    with path.open("w", encoding="mac_roman", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\r")
        writer.writerow(upr_info.COLUMNS)
        for number in range(rows):
            state, session = reviews[number // 170]
            text = f"{rng.choice(verbs)} {rng.choice(objects)} – Résolution {number}, période {2008 + number % 15}"
            writer.writerow(
                [
                    state,
                    "WEOG",
                    "EU",
                    text,
                    rng.choice(states),
                    "Africa",
                    "AU, OIF",
                    rng.choice(["Accepted", "Noted"]),
                    rng.randint(1, 5),
                    ",".join(rng.sample(issues, rng.randint(1, 3))),
                    session,
                ]
            )


def measure(label: str, path: Path) -> None:
    traced = run_child(path, trace=True)  # a dry run of the first import: every row created, then rolled back
    first = run_child(path)
    again = run_child(path)
    rows = first["counts"]["rows"]
    print(f"\n{label}: {rows:,} rows")
    for name, report in (("first import", first), ("same file again", again)):
        counts = ", ".join(f"{value:,} {key}" for key, value in report["counts"].items() if key != "rows")
        print(
            f"  {name:16} {report['import_seconds']:6.2f} s import, {rows / report['import_seconds']:8,.0f} rows/s; "
            f"then {report['suggest_seconds']:.2f} s of suggestions; {report['wall_seconds']:5.2f} s end to end; "
            f"peak RSS {report['peak_rss_mb']:.0f} MB; {counts}"
        )
    print(f"  peak Python heap of a first import (tracemalloc, dry run): {traced['peak_heap_mb']:.1f} MB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--keep-file", type=Path, help="Keep the generated file at this path.")
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--trace", action="store_true", help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.child:
        return child(options.child, options.trace)

    setup_django()
    from django.db import connection

    original_name = connection.settings_dict["NAME"]
    print(f"Scratch database {SCRATCH_DB} on {connection.settings_dict['HOST'] or 'localhost'}")
    create_scratch_database()
    try:
        with tempfile.TemporaryDirectory() as directory:
            generated = options.keep_file or Path(directory) / "generated.csv"
            started = time.perf_counter()
            generate_export(generated, options.rows)
            print(
                f"Generated {options.rows:,} rows ({generated.stat().st_size / 2**20:.1f} MB) in "
                f"{time.perf_counter() - started:.1f} s"
            )
            if SAMPLE.exists():
                measure("UPR Info sample, sessions 1–5", SAMPLE)
            else:
                print(f"(no sample at {SAMPLE})")
            measure("Generated UPR Info export", generated)
    finally:
        drop_scratch_database(original_name)
        print(f"\nDropped {SCRATCH_DB}.")


if __name__ == "__main__":
    main()
