"""Search quality on the real samples: recall and precision of each query of bench/search_battery.py.

    .venv/bin/python bench/search_quality.py [--keep]

Creates a scratch database (upr_search_quality) on the server in use (DATABASE_URL, or the embedded
development server), migrates it, imports the samples in ../shared/samples (the UPR Info exports, and the
OHCHR list of Slovenia's 34th session), then runs each query of the battery through the app's search (the
API's RecommendationFilterSet, so the page, the API and the exports find the same) and compares its hits
with the battery's reference rule, evaluated in Python over every recommendation's text (lower case,
diacritics removed) and labels. Prints one row per query: hits, reference, recall, precision. Drops the
scratch database unless --keep. Skips, saying so, when the samples are absent.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import unicodedata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT.parent / "shared" / "samples"
IMPORTS = [
    ["upr-info/upr-info-sessions-01-05.csv"],
    ["upr-info/upr-info-kazakhstan-sessions-07-20.csv"],
    ["ohchr/UPR34_Slovenia_Thematic_list_of_Recommendations.docx", "--state", "SVN", "--session", "34"],
]
SCRATCH_DB = "upr_search_quality"

sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "upr_tracker.settings")
os.environ.setdefault("DEBUG", "true")  # the embedded server needs it when DATABASE_URL is unset


def plain(text: str) -> str:
    """Lower case without diacritics: what the reference's regular expressions read."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def prepare_database() -> None:
    """The scratch database, migrated, with the samples imported (each command in its own process)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(f"DROP DATABASE IF EXISTS {SCRATCH_DB}")
        cursor.execute(f"CREATE DATABASE {SCRATCH_DB}")
    env = {**os.environ, "UPR_DATABASE_NAME_OVERRIDE": SCRATCH_DB}
    manage = [sys.executable, str(ROOT / "bench" / "search_quality.py"), "--manage"]
    subprocess.run([*manage, "migrate", "-v0"], check=True, env=env)
    for path, *options in IMPORTS:
        subprocess.run([*manage, "import_recommendations", str(SAMPLES / path), *options], check=True, env=env)


def use_scratch_database() -> None:
    from django.db import connection

    connection.close()
    connection.settings_dict["NAME"] = SCRATCH_DB


def corpus() -> dict[int, tuple[str, frozenset[str]]]:
    """Every recommendation's plain text and the English names of its labels."""
    from recommendations.models import Recommendation

    rows = Recommendation.objects.prefetch_related("themes", "affected_groups", "sdgs")
    return {
        row.pk: (
            plain(row.text),
            frozenset(
                [*(t.name for t in row.themes.all()), *(g.name for g in row.affected_groups.all())]
                + [s.name for s in row.sdgs.all()]
            ),
        )
        for row in rows
    }


def hits(query: str) -> set[int]:
    from recommendations.models import Recommendation
    from recommendations.search.filters import RecommendationFilterSet

    filterset = RecommendationFilterSet({"q": query}, queryset=Recommendation.objects.all())
    if not filterset.is_valid():
        raise SystemExit(f"{query!r} was refused: {filterset.form.errors.as_json()}")
    return set(filterset.qs.values_list("pk", flat=True))


def table() -> list[tuple]:
    from bench.search_battery import BATTERY

    texts = corpus()
    rows = []
    for category, query, rule in BATTERY:
        found = hits(query)
        reference = {pk for pk, (text, labels) in texts.items() if rule(text, labels)}
        both = len(found & reference)
        recall = both / len(reference) if reference else 1.0
        precision = both / len(found) if found else 1.0
        rows.append((category, query, len(found), len(reference), recall, precision))
    return rows


def report(rows: list[tuple], total: int) -> None:
    print(f"{total} recommendations (the samples in {SAMPLES})")
    print(f"| {'category':<11} | {'query':<40} | {'hits':>5} | {'reference':>9} | {'recall':>6} | {'precision':>9} |")
    print(f"|{'-' * 13}|{'-' * 42}|{'-' * 7}|{'-' * 11}|{'-' * 8}|{'-' * 11}|")
    for category, query, found, reference, recall, precision in rows:
        print(f"| {category:<11} | {query:<40} | {found:>5} | {reference:>9} | {recall:>6.1%} | {precision:>9.1%} |")
    recall, precision = (sum(row[column] for row in rows) / len(rows) for column in (4, 5))
    print(f"mean recall {recall:.1%}, mean precision {precision:.1%}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keep", action="store_true", help="keep the scratch database")
    parser.add_argument("--manage", nargs=argparse.REMAINDER, help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.manage is not None:
        return manage(options.manage)
    if not all((SAMPLES / path).exists() for path, *_options in IMPORTS):
        print(f"Skipped: the samples are not in {SAMPLES}.")
        return
    import django

    django.setup()
    prepare_database()
    use_scratch_database()
    from recommendations.models import Recommendation

    try:
        report(table(), Recommendation.objects.count())
    finally:
        if not options.keep:
            from django.db import connection

            connection.close()
            connection.settings_dict["NAME"] = "postgres"
            with connection.cursor() as cursor:
                cursor.execute(f"DROP DATABASE IF EXISTS {SCRATCH_DB}")


def manage(arguments: list[str]) -> None:
    """manage.py on the scratch database (a child process: the settings read the database from the environment)."""
    import django
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    django.setup()
    settings.DATABASES["default"]["NAME"] = os.environ["UPR_DATABASE_NAME_OVERRIDE"]
    connection.settings_dict["NAME"] = os.environ["UPR_DATABASE_NAME_OVERRIDE"]
    call_command(*arguments)


if __name__ == "__main__":
    main()
