"""The search page's template time alone: recommendations/search.html rendered for a built page, no queries timed.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/upr_bench .venv/bin/python bench/render_search.py [query ...]

Each query string (default: the bare page, which shows every facet with the most values) is built once by
recommendations.site.search.run, its lazy parts read, then the template is rendered `--times` times. Printed, in
milliseconds: the median wall-clock time (and CPU time, which other processes disturb less), minimum and maximum;
then the page's facets, their values, its size and the queries rendering made. The session is read-only: the bench
database is never written.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "upr_tracker.settings")


def built_page(query: str):
    from django.contrib.auth.models import AnonymousUser
    from django.http import QueryDict
    from django.template.loader import get_template
    from django.test import RequestFactory

    from recommendations.site import search

    request = RequestFactory().get("/recommendations/", QueryDict(query), HTTP_HOST="localhost")
    request.user = AnonymousUser()
    page = search.run(request.GET)
    template = get_template("recommendations/search.html")
    template.render({"search": page}, request)  # reads the lazy parts (prefetches, reference tables) once
    return template, page, request


def timed(query: str, times: int) -> None:
    from django.db import connection

    template, page, request = built_page(query)
    queries = len(connection.queries)
    durations, cpu = [], []
    for _ in range(times):
        start, start_cpu = time.perf_counter(), time.thread_time()
        html = template.render({"search": page}, request)
        durations.append((time.perf_counter() - start) * 1000)
        cpu.append((time.thread_time() - start_cpu) * 1000)
    values = sum(len(facet.options) for facet in page.facets)
    print(
        f"{query or '(bare page)':36} median {statistics.median(durations):6.1f} ms (CPU {statistics.median(cpu):6.1f})"
        f"  min {min(durations):6.1f}  max {max(durations):6.1f}  | {len(page.facets)} facets, {values} values,"
        f" {len(html):,} characters, {len(connection.queries) - queries} queries while rendering"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("queries", nargs="*", default=[""], help="query strings, e.g. 'q=water&cycle=3'")
    parser.add_argument("--times", type=int, default=20)
    arguments = parser.parse_args()

    import django
    from django.db import connection
    from django.utils import translation

    django.setup()
    connection.force_debug_cursor = True  # counts the queries a render makes, which must be none
    with connection.cursor() as cursor:
        cursor.execute("SET default_transaction_read_only = on")
    translation.activate("en")
    for query in arguments.queries:
        timed(query, arguments.times)


if __name__ == "__main__":
    main()
