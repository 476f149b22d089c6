"""Latency and throughput of the partner API's standard queries, against a running server.

    .venv/bin/python bench/api_bench.py http://127.0.0.1:8101 [--requests 40] [--clients 4]
    .venv/bin/python bench/api_bench.py --scale 30 --database-url postgres://postgres@127.0.0.1/upr_api_scratch

The first form runs each query of the standard set `--requests` times from
`--clients` threads and prints p50/p95 latency and requests per second. Start
the server with rate limits out of the way, e.g. API_ANON_RATE=1000000/min.
Only loopback servers are accepted.

The second form makes the data bigger first: it copies the recommendations
already in a SCRATCH database (name must contain "scratch" or "bench") N
times into reviews of other sessions, with their recommending States,
themes, affected groups and SDGs, using INSERT … SELECT. It is a crude
multiplier for benchmarks, not a realistic generator.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import threading
import time
import urllib.parse
import urllib.request

LOOPBACK = {"127.0.0.1", "localhost", "::1"}
DEEP_ROWS = 20_000


def get(url: str) -> tuple[int, bytes]:
    request = urllib.request.Request(url, headers={"Accept": "*/*"})
    try:
        with urllib.request.urlopen(request, timeout=120) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def get_json(url: str) -> dict:
    status, body = get(url)
    if status != 200:
        raise SystemExit(f"{url} answered {status}: {body[:300]!r}")
    return json.loads(body)


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]


def measure(name: str, url: str, requests: int, clients: int) -> dict:
    """`requests` GETs of `url` from `clients` threads: p50/p95 latency and requests per second."""
    statuses: dict[int, int] = {}
    lock = threading.Lock()

    def one() -> None:
        status, _body = get(url)
        with lock:
            statuses[status] = statuses.get(status, 0) + 1

    result = run_load(one, clients=clients, requests=requests, seconds=3600)
    return {"query": name, **result, "statuses": statuses}


def run_load(call, *, clients: int, requests: int, seconds: float) -> dict:
    """Call `call()` from `clients` threads until `requests` calls are done or `seconds` have passed.

    Returns p50/p95 latency in milliseconds, requests per second and the number of calls.
    """
    latencies: list[float] = []
    lock = threading.Lock()
    deadline = time.perf_counter() + seconds
    remaining = [requests]

    def worker() -> None:
        while time.perf_counter() < deadline:
            with lock:
                if remaining[0] <= 0:
                    return
                remaining[0] -= 1
            started = time.perf_counter()
            call()
            elapsed = time.perf_counter() - started
            with lock:
                latencies.append(elapsed)

    started = time.perf_counter()
    threads = [threading.Thread(target=worker) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - started
    return {
        "p50_ms": 1000 * statistics.median(latencies) if latencies else float("nan"),
        "p95_ms": 1000 * percentile(latencies, 0.95) if latencies else float("nan"),
        "rps": len(latencies) / wall if wall else 0.0,
        "count": len(latencies),
    }


def deep_cursor(api: str) -> tuple[str, float, int]:
    """Follow `next` links to row DEEP_ROWS (pages of 500, ordered by session as the floor's and Datasette's
    deep page are); returns that URL, the walk's time, rows walked."""
    url, rows, started = f"{api}/recommendations/?ordering=session&page_size=500", 0, time.perf_counter()
    while rows < DEEP_ROWS - 50:
        body = get_json(url)
        rows += len(body["results"])
        if not body["next"]:
            break
        url = body["next"]
    next_url = url.replace("page_size=500", "page_size=50")
    return next_url, time.perf_counter() - started, rows


def standard_queries(api: str) -> list[tuple[str, str]]:
    """The standard set, with a busy State and theme picked from the data."""
    facets = get_json(f"{api}/recommendations/facets/?facet=state_under_review&facet=theme")["facets"]
    state = facets["state_under_review"][0]["value"]
    theme = facets["theme"][0]["value"]
    first = get_json(f"{api}/recommendations/?page_size=1")["results"][0]["id"]
    quoted_theme = urllib.parse.quote(theme)
    deep_url, walk_seconds, walked = deep_cursor(api)
    print(f"(walked {walked:,} rows by cursor in pages of 500 in {walk_seconds:.1f} s to reach the deep page)")
    return [
        (f"recommendations to {state} (page of 50)", f"{api}/recommendations/?state_under_review={state}&page_size=50"),
        (
            f"theme {theme} + response=supported, with total",
            f"{api}/recommendations/?theme={quoted_theme}&response=supported&include_total=true",
        ),
        (
            'full text "freedom of assembly", with total',
            f"{api}/recommendations/?q=freedom+of+assembly&include_total=true",
        ),
        (f"facet counts by theme for {state}", f"{api}/recommendations/facets/?facet=theme&state_under_review={state}"),
        ("one recommendation", f"{api}/recommendations/{first}/"),
        (f"deep page by session (cursor at row ~{walked:,})", deep_url),
        (f"CSV export of theme {theme}", f"{api}/recommendations/export.csv?theme={quoted_theme}"),
    ]


def run_bench(base_url: str, requests: int, clients: int, export_requests: int) -> None:
    host = urllib.parse.urlsplit(base_url).hostname
    if host not in LOOPBACK:
        raise SystemExit(f"Refusing {base_url}: benchmarks run against a loopback server only.")
    api = base_url.rstrip("/") + "/api/v1"
    total = get_json(f"{api}/recommendations/?page_size=1&include_total=true")["total"]
    print(f"{total:,} recommendations at {api}; {requests} requests per query from {clients} clients\n")
    print(f"{'query':<58} {'p50 ms':>8} {'p95 ms':>8} {'req/s':>8}  statuses")
    # Each query's requests run back to back from the clients; the CSV export runs --export-requests times.
    for name, url in standard_queries(api):
        count = export_requests if "export" in url else requests
        result = measure(name, url, count, clients)
        print(
            f"{name[:58]:<58} {result['p50_ms']:>8.1f} {result['p95_ms']:>8.1f} {result['rps']:>8.1f}  "
            f"{result['statuses']}"
        )
        if 429 in result["statuses"]:
            print("  (429: start the server with a higher API_ANON_RATE)")


# Scaling ----------------------------------------------------------------------------------------------

_REVIEWS_SQL = """
INSERT INTO recommendations_review (state_id, session_id, report_symbol, addendum_symbol, notes, created_at, updated_at)
SELECT DISTINCT r.state_id, s2.id, '', '', '', now(), now()
  FROM recommendations_review r
  JOIN recommendations_session s ON s.id = r.session_id
  JOIN recommendations_session s2 ON s2.number = ((s.number - 1 + %(shift)s) %% 54) + 1
 WHERE r.id <= %(max_review)s
ON CONFLICT (state_id, session_id) DO NOTHING
"""

_RECOMMENDATIONS_SQL = """
INSERT INTO recommendations_recommendation
       (id, review_id, state_under_review_id, paragraph, text, kind, action_category, response, response_source,
        response_date, current_status, current_status_date, import_key, created_at, updated_at)
SELECT rec.id + %(offset)s, r2.id, r2.state_id, rec.paragraph, rec.text, rec.kind, rec.action_category, rec.response,
       rec.response_source, rec.response_date, rec.current_status, rec.current_status_date,
       CASE WHEN rec.import_key = '' THEN '' ELSE md5(rec.import_key || %(copy)s::text) END,
       rec.created_at, now() - (random() * interval '700 days')
  FROM recommendations_recommendation rec
  JOIN recommendations_review r ON r.id = rec.review_id
  JOIN recommendations_session s ON s.id = r.session_id
  JOIN recommendations_session s2 ON s2.number = ((s.number - 1 + %(shift)s) %% 54) + 1
  JOIN recommendations_review r2 ON r2.state_id = r.state_id AND r2.session_id = s2.id
 WHERE rec.id <= %(max_id)s
ON CONFLICT DO NOTHING
"""

_THROUGH = {
    "recommendations_recommendation_recommending_states": "state_id",
    "recommendations_recommendation_themes": "theme_id",
    "recommendations_recommendation_affected_groups": "affectedgroup_id",
    "recommendations_recommendation_sdgs": "sdg_id",
}


def scale(database_url: str, copies: int) -> None:
    import psycopg

    name = urllib.parse.urlsplit(database_url).path.lstrip("/")
    if "scratch" not in name and "bench" not in name:
        raise SystemExit(f"Refusing to scale {name!r}: use a scratch database (name containing scratch or bench).")
    with psycopg.connect(database_url, autocommit=False) as connection, connection.cursor() as cursor:
        cursor.execute("SELECT max(id) FROM recommendations_recommendation")
        max_id = cursor.fetchone()[0] or 0
        cursor.execute("SELECT max(id) FROM recommendations_review")
        max_review = cursor.fetchone()[0] or 0
        if not max_id:
            raise SystemExit("No recommendations to copy: import some first.")
        for copy in range(1, copies + 1):
            started = time.perf_counter()
            params = {"shift": 7 * copy, "max_review": max_review, "max_id": max_id, "offset": max_id * copy}
            cursor.execute(_REVIEWS_SQL, params)
            cursor.execute(_RECOMMENDATIONS_SQL, {**params, "copy": copy})
            for table, column in _THROUGH.items():
                cursor.execute(
                    f"INSERT INTO {table} (recommendation_id, {column}) "
                    f"SELECT t.recommendation_id + %(offset)s, t.{column} FROM {table} t "
                    f"JOIN recommendations_recommendation rec ON rec.id = t.recommendation_id + %(offset)s "
                    f"WHERE t.recommendation_id <= %(max_id)s ON CONFLICT DO NOTHING",
                    params,
                )
            connection.commit()
            print(f"copy {copy}/{copies} in {time.perf_counter() - started:.1f} s", flush=True)
        cursor.execute(
            "SELECT setval(pg_get_serial_sequence('recommendations_recommendation', 'id'), "
            "(SELECT max(id) FROM recommendations_recommendation))"
        )
        connection.commit()
    with psycopg.connect(database_url, autocommit=True) as connection:
        connection.execute("ANALYZE")
        count = connection.execute("SELECT count(*) FROM recommendations_recommendation").fetchone()[0]
    print(f"{count:,} recommendations now.")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("base_url", nargs="?", help="e.g. http://127.0.0.1:8101")
    parser.add_argument("--requests", type=int, default=40, help="requests per query (default 40)")
    parser.add_argument("--clients", type=int, default=4, help="concurrent client threads (default 4)")
    parser.add_argument("--export-requests", type=int, default=4, help="requests for the CSV export (default 4)")
    parser.add_argument("--scale", type=int, default=0, help="first copy the recommendations N times")
    parser.add_argument("--database-url", help="scratch database to scale (required with --scale)")
    args = parser.parse_args(argv)
    if args.scale:
        if not args.database_url:
            parser.error("--scale needs --database-url")
        scale(args.database_url, args.scale)
    if args.base_url:
        run_bench(args.base_url, max(1, args.requests), max(1, args.clients), max(1, args.export_requests))
    elif not args.scale:
        parser.error("give a server URL, --scale, or both")


if __name__ == "__main__":
    main(sys.argv[1:])
