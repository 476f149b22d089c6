"""The benchmark suite behind `make bench`: the app under gunicorn, the raw-SQL floor and Datasette, side by side.

    make bench                                   # 1,000,000 synthetic rows in a scratch database upr_bench
    BENCH_ROWS=100000 make bench                 # a quicker run
    BENCH_DATABASE_URL=postgres://… make bench   # an existing database, used as it is

Environment:
  BENCH_DATABASE_URL  database to measure; default a scratch database BENCH_DB_NAME (upr_bench) created on the
                      server of DATABASE_URL (or the embedded server) and filled by generate_synthetic
  BENCH_ROWS          synthetic recommendations (default 1000000); the scratch database is rebuilt when it was
                      built with another number or has fewer, or when BENCH_REBUILD=true
  BENCH_REQUESTS      sequential requests per query for p50/p95 (default 200; fewer when 20 s run out): with
                      30, the p95 was the second slowest request and moved by 2× between runs on this VM
  BENCH_CLIENTS       concurrent clients for requests/second (default 4), during BENCH_SECONDS (default 5)
  BENCH_IMPORT        false skips the import benchmark (bench/import_bench.py)
  BENCH_COLD          filter combinations of the cold column (default 200; 0 skips it), BENCH_COLD_SEED (18):
                      each asked once, before and after one write (bench/cold.py)
  BENCH_WARM          false skips the warm tables (only the cold column and the import)
The database is VACUUMed (ANALYZE) first, as autovacuum would have done on a server. "app" columns are
anonymous requests, answered from the response cache after the first; "uncached" ones the same app with
RESPONSE_CACHE_SECONDS=0 (every request built, counts still cached); "queries" are per request, miss/hit.
Cold facets are timed last, with no cache at all.
Only loopback servers are started and queried. Nothing here runs in `make test`.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import api_bench  # noqa: E402
import cold  # noqa: E402
import datasette_side  # noqa: E402
import floor  # noqa: E402
import psycopg  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / "var" / "bench"
PYTHON = sys.executable
SECRET = "bench-only-secret-key-" + "x" * 40
QUERY_NAMES = {
    "state": "1 recommendations to one State (page of 50)",
    "theme_response": "2 theme + response=supported, with total",
    "fulltext": '3 full text "freedom of assembly", ranked, total',
    "facets": "4 counts by theme for one State (facets)",
    "one": "5 one recommendation",
    "deep": "6 deep page (row 20,001 on, by session)",
    "export": "7 CSV export of one theme",
}


def env_int(name: str, default: int) -> int:
    return int(os.environ.get(name) or default)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def run(command: list[str], env: dict | None = None) -> str:
    completed = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, check=False)
    if completed.returncode:
        sys.exit(f"{' '.join(command)} failed:\n{completed.stdout}\n{completed.stderr}")
    return completed.stdout


# The database -------------------------------------------------------------------------------------------


def server_url() -> str:
    """The PostgreSQL server in use, as a URL (DATABASE_URL, or the embedded development server)."""
    if os.environ.get("DATABASE_URL"):
        return os.environ["DATABASE_URL"]
    code = (
        "import django,json;django.setup();from django.db import connection as c;c.ensure_connection();"
        "s=c.settings_dict;print(json.dumps([s['USER'],s['HOST'],s['PORT'],s['NAME']]))"
    )
    env = {**os.environ, "DEBUG": "true", "DJANGO_SETTINGS_MODULE": "upr_tracker.settings"}
    user, host, port, name = json.loads(run([PYTHON, "-c", code], env).strip().splitlines()[-1])
    return f"postgres://{user}@{urllib.parse.quote(host, safe='')}:{port or 5432}/{name}"


def with_database(url: str, name: str) -> str:
    return urllib.parse.urlunsplit(urllib.parse.urlsplit(url)._replace(path=f"/{name}"))


def app_env(database_url: str) -> dict:
    return {
        **os.environ,
        "DATABASE_URL": database_url,
        "DEBUG": "false",
        "SECRET_KEY": SECRET,
        "ALLOWED_HOSTS": "127.0.0.1,testserver",
        "SECURE_SSL_REDIRECT": "false",
        "SECURE_HSTS_SECONDS": "0",
        # Every rate limit out of the way: the clients all come from 127.0.0.1. The API's per second: DRF
        # keeps each request's time for the whole period and reads them all back on every request, so a
        # per-minute limit at hundreds of requests a second would make each request load thousands.
        "API_ANON_RATE": "1000000/s",
        "API_USER_RATE": "1000000/s",
        "EXPORT_ANON_MAX_ROWS": "100000000",
        "SITE_ANON_RATE": "100000000/min",
        "EXPORT_ANON_RATE": "100000000/min",
        "DJANGO_SETTINGS_MODULE": "upr_tracker.settings",
        "GUNICORN_ACCESSLOG": "",
    }


def prepare_database(rows: int) -> tuple[str, str]:
    """The database URL to measure and how it was built."""
    if os.environ.get("BENCH_DATABASE_URL"):
        return os.environ["BENCH_DATABASE_URL"], "given by BENCH_DATABASE_URL"
    name = os.environ.get("BENCH_DB_NAME", "upr_bench")
    server = server_url()
    url = with_database(server, name)
    with psycopg.connect(server, autocommit=True) as connection:
        if not connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            connection.execute(f'CREATE DATABASE "{name}"')
    env = app_env(url)
    run([PYTHON, "manage.py", "migrate", "--no-input", "-v0"], env)
    record = WORK / f"{name}.json"
    with psycopg.connect(url) as connection:
        count = connection.execute("SELECT count(*) FROM recommendations_recommendation").fetchone()[0]
    built = json.loads(record.read_text()) if record.exists() else {}
    # Reused while it holds the rows it was built with, plus those make load's editors imported since.
    if built.get("rows") == rows and count >= rows and os.environ.get("BENCH_REBUILD", "").lower() != "true":
        added = f", {count - rows:,} imported since by make load" if count > rows else ""
        return url, f"reused; built {built['date']} in {built['seconds']:.0f} s{added}"
    print(f"Generating {rows:,} synthetic recommendations in {name} …", flush=True)
    started = time.perf_counter()
    run([PYTHON, "manage.py", "generate_synthetic", "--recommendations", str(rows), "--no-progress"], env)
    seconds = time.perf_counter() - started
    WORK.mkdir(parents=True, exist_ok=True)
    record.write_text(json.dumps({"rows": rows, "seconds": seconds, "date": time.strftime("%Y-%m-%d %H:%M UTC")}))
    (WORK / f"{name}.sqlite").unlink(missing_ok=True)
    return url, f"built now in {seconds:.0f} s (generate_synthetic, indexes and ANALYZE included)"


def vacuum(database_url: str) -> float:
    """VACUUM (ANALYZE) the database, as autovacuum does on a server soon after a bulk load: the
    visibility map lets PostgreSQL answer from indexes alone. Quick when nothing changed since."""
    started = time.perf_counter()
    with psycopg.connect(database_url, autocommit=True) as connection:
        connection.execute("SET statement_timeout = 0")
        connection.execute("VACUUM (ANALYZE)")
    return time.perf_counter() - started


# Servers ------------------------------------------------------------------------------------------------


def wait_for(url: str, process: subprocess.Popen, seconds: float = 60) -> None:
    deadline = time.time() + seconds
    while time.time() < deadline:
        if process.poll() is not None:
            sys.exit(f"server exited with {process.returncode}")
        try:
            status, _ = api_bench.get(url)
            if status < 500:
                return
        except OSError:
            pass
        time.sleep(0.3)
    sys.exit(f"{url} did not answer within {seconds} s")


def start_gunicorn(database_url: str, port: int, log: Path | None = None, **settings: str) -> subprocess.Popen:
    """The app under gunicorn on 127.0.0.1:port, with `settings` as extra environment; its output goes to
    `log` when given, else nowhere."""
    env = {**app_env(database_url), "GUNICORN_BIND": f"127.0.0.1:{port}", **settings}
    run([PYTHON, "manage.py", "collectstatic", "--no-input", "-v0"], env)
    gunicorn = Path(PYTHON).with_name("gunicorn")
    command = [str(gunicorn), "-c", str(ROOT / "gunicorn.conf.py"), "upr_tracker.wsgi"]
    with log.open("ab") if log else open(os.devnull, "wb") as output:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT)
    wait_for(f"http://127.0.0.1:{port}/api/v1/", process)
    return process


def worker_pids(master: int) -> list[int]:
    try:
        children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    except OSError:
        return []
    return [int(pid) for pid in children]


def rss_mb(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


class RssSampler(threading.Thread):
    """Peak resident memory of the gunicorn workers while a request runs."""

    def __init__(self, master: int):
        super().__init__(daemon=True)
        self.master = master
        self.before = max((rss_mb(pid) for pid in worker_pids(master)), default=0.0)
        self.peak = self.before
        self.stopped = threading.Event()

    def run(self) -> None:
        while not self.stopped.wait(0.05):
            self.peak = max([self.peak, *(rss_mb(pid) for pid in worker_pids(self.master))])


# Measuring ----------------------------------------------------------------------------------------------


def http_call(url: str):
    def call() -> None:
        status, _body = api_bench.get(url)
        if status != 200:
            raise SystemExit(f"{url} answered {status}")

    return call


def measure_call(call, requests: int, clients: int, seconds: float) -> dict:
    # Warm up every worker process (each has its own cache without REDIS_URL): steady state is measured;
    # the "uncached" columns and the cold facets show what a first request costs.
    api_bench.run_load(call, clients=clients, requests=4 * clients, seconds=seconds)
    latency = api_bench.run_load(call, clients=1, requests=requests, seconds=max(20.0, seconds))
    load = api_bench.run_load(call, clients=clients, requests=10**9, seconds=seconds)
    return {"p50": latency["p50_ms"], "p95": latency["p95_ms"], "rps": load["rps"]}


def timed_download(url: str) -> tuple[int, float]:
    started = time.perf_counter()
    status, body = api_bench.get(url)
    if status != 200:
        raise SystemExit(f"{url} answered {status}: {body[:200]!r}")
    return body.count(b"\n") - 1, time.perf_counter() - started


def query_counts(database_url: str, paths: dict[str, str]) -> dict[str, str]:
    """SQL queries per request, from a Django test client run (CaptureQueriesContext) in a child process:
    "miss/hit", for the first request (response and count caches cold) and the same request again."""
    code = (
        "import django,json,sys;django.setup();from django.test import Client;from django.core.cache import cache;"
        "from django.db import connection;from django.test.utils import CaptureQueriesContext;"
        "c=Client();out={};cache.clear()\n"
        "for k,p in json.loads(sys.argv[1]).items():\n"
        " n=[]\n"
        " for _ in range(2):\n"
        "  with CaptureQueriesContext(connection) as q:\n"
        "   r=c.get(p);b=b''.join(r.streaming_content) if r.streaming else r.content\n"
        "  n.append(str(len(q)) if r.status_code==200 else str(-r.status_code))\n"
        " out[k]='/'.join(n)\n"
        "print(json.dumps(out))"
    )
    # The data version read by every request (not reused for RESPONSE_CACHE_VERSION_MS), as the tests pin them.
    output = run([PYTHON, "-c", code, json.dumps(paths)], {**app_env(database_url), "RESPONSE_CACHE_VERSION_MS": "0"})
    return json.loads(output.strip().splitlines()[-1])


# Run in a child process with Django set up: each facet computed with no cache (version UNCACHEABLE).
_COLD_FACETS = """
import json, sys, time
import django
django.setup()
from django.http import QueryDict
from core.counts import UNCACHEABLE
from recommendations.search.facets import facet_counts
from recommendations.search.filters import RecommendationFilterSet
from recommendations.models import Recommendation
out = []
for query, names in json.loads(sys.argv[1]):
    filterset = RecommendationFilterSet(data=QueryDict(query), queryset=Recommendation.objects.all())
    assert filterset.is_valid(), filterset.errors
    for name in names:
        started = time.perf_counter()
        facet_counts(filterset, [name], version=UNCACHEABLE)
        out.append((query, name, time.perf_counter() - started))
print(json.dumps(out))
"""
PAGE_FACETS = (
    "response theme state_under_review status recommending_state cycle session year action_category "
    "affected_group sdg regional_group recommending_regional_group bloc"
).split()


def cold_facets(database_url: str, state: str) -> str:
    """The search page's facets with no filter, and query 4's facet, each computed with no cache: what
    the first request after a write pays at most (a facet over every recommendation stays cached while
    the tables it reads are not written, recommendations/search/facets.py)."""
    queries = [["", PAGE_FACETS], [f"state_under_review={state}", ["theme"]]]
    output = run([PYTHON, "-c", _COLD_FACETS, json.dumps(queries)], app_env(database_url))
    timings = json.loads(output.strip().splitlines()[-1])
    lines = []
    for query in dict.fromkeys(query for query, _name, _seconds in timings):
        row = [(name, seconds) for q, name, seconds in timings if q == query]
        each = ", ".join(f"{name} {seconds * 1000:,.0f}" for name, seconds in row)
        lines.append(f"  {query or 'no filter'}: {sum(s for _n, s in row) * 1000:,.0f} ms in all ({each})")
    return "\n".join(lines)


def fmt(value: float) -> str:
    return "—" if value != value else (f"{value:.0f}" if value >= 100 else f"{value:.1f}")


def main() -> None:
    rows = env_int("BENCH_ROWS", 1_000_000)
    requests, clients = env_int("BENCH_REQUESTS", 200), env_int("BENCH_CLIENTS", 4)
    seconds = env_int("BENCH_SECONDS", 5)
    WORK.mkdir(parents=True, exist_ok=True)
    database_url, how = prepare_database(rows)
    print(f"(VACUUM (ANALYZE) in {vacuum(database_url):.0f} s)", flush=True)
    name = urllib.parse.urlsplit(database_url).path.lstrip("/")
    sqlite_path = WORK / f"{name}.sqlite"
    if not sqlite_path.exists():
        print("Exporting to SQLite for Datasette …", flush=True)
        print(f"(SQLite export with FTS5 built in {datasette_side.build(database_url, sqlite_path):.0f} s)")
    app_port, uncached_port, ds_port = free_port(), free_port(), free_port()
    app = start_gunicorn(database_url, app_port)
    # The same app without its response cache: what a request costs while its answer is not stored
    # (after a write, or for a URL asked for the first time). Counts stay cached, as between two writes.
    uncached = start_gunicorn(database_url, uncached_port, RESPONSE_CACHE_SECONDS="0")
    datasette = datasette_side.serve(sqlite_path, ds_port)
    try:
        wait_for(f"http://127.0.0.1:{ds_port}/-/versions.json", datasette)
        if os.environ.get("BENCH_WARM", "true").lower() != "false":
            report(database_url, how, app, (app_port, uncached_port), ds_port, requests, clients, seconds)
        if env_int("BENCH_COLD", 200) > 0:
            cold.run(
                database_url,
                f"http://127.0.0.1:{ds_port}",
                cold_harness(database_url),
                env_int("BENCH_COLD", 200),
                env_int("BENCH_COLD_SEED", 18),
                WORK,
            )
    finally:
        for process in (app, uncached, datasette):
            process.terminate()
            process.wait(30)
    if os.environ.get("BENCH_IMPORT", "true").lower() != "false":
        print("\nImport (bench/import_bench.py, 6,094-row UPR Info sample and 100,000 generated rows):", flush=True)
        env = {**os.environ, "DATABASE_URL": server_url(), "DEBUG": "true"}
        print(run([PYTHON, "bench/import_bench.py", "--rows", "100000"], env))


def cold_harness(database_url: str) -> dict:
    """What bench/cold.py needs of the suite: a freshly started app (cold caches) and a child Django."""

    def start_app() -> tuple[subprocess.Popen, str]:
        port = free_port()
        return start_gunicorn(database_url, port), f"http://127.0.0.1:{port}"

    def stop_app(process: subprocess.Popen) -> None:
        process.terminate()
        process.wait(30)

    return {
        "start_app": start_app,
        "stop_app": stop_app,
        "get": api_bench.get,
        "run": run,
        "python": PYTHON,
        "env": app_env(database_url),
    }


def report(database_url, how, app, ports, ds_port, requests, clients, seconds) -> None:
    base, uncached_base = (f"http://127.0.0.1:{port}" for port in ports)
    api = f"{base}/api/v1"
    total = api_bench.get_json(f"{api}/recommendations/?page_size=1&include_total=true")["total"]
    urls = dict(zip(QUERY_NAMES, (url for _label, url in api_bench.standard_queries(api)), strict=True))
    facets = api_bench.get_json(f"{api}/recommendations/facets/?facet=state_under_review&facet=theme")["facets"]
    state, theme = facets["state_under_review"][0]["value"], facets["theme"][0]["value"]
    params = floor.parameters(database_url, state, theme)
    raw = floor.Floor(database_url, params)
    ds_urls = datasette_side.queries(
        f"http://127.0.0.1:{ds_port}",
        Path(urllib.parse.urlsplit(database_url).path).name,
        {**params, "state_iso3": state, "theme_slug": theme},
    )
    pages = {
        "page: State": f"/recommendations/?state_under_review={state}",
        "page: theme + response": f"/recommendations/?theme={urllib.parse.quote(theme)}&response=supported",
        "page: full text": "/recommendations/?q=freedom+of+assembly",
        "page: all, with facets": "/recommendations/",
        "page: one recommendation": f"/recommendations/{params['id']}/",
    }
    counts = query_counts(database_url, {**{k: u.removeprefix(base) for k, u in urls.items()}, **pages})
    print(
        f"\n{total:,} recommendations ({how}); {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}; "
        f"{os.cpu_count()} cores; State {state}, theme {theme}; p50/p95 from up to {requests} sequential requests "
        "(20 s at most), "
        f'req/s from {clients} clients for {seconds} s. "app": anonymous requests, answered from the response '
        'cache after the first; "uncached": the same app with RESPONSE_CACHE_SECONDS=0; queries: miss/hit\n'
    )
    head = f"{'query':<46} {'app p50':>7} {'p95':>6} {'req/s':>6} | {'uncached p50':>12} {'p95':>6} {'req/s':>6} | "
    head += f"{'SQL p50':>7} {'p95':>6} {'req/s':>6} | {'DS p50':>7} {'p95':>6} {'req/s':>6} | "
    print(head + f"{'app/SQL p95':>11} {'app/DS p50':>10} {'queries':>7}")
    for key, label in QUERY_NAMES.items():
        if key == "export":
            continue
        a = measure_call(http_call(urls[key]), requests, clients, seconds)
        u = measure_call(http_call(urls[key].replace(base, uncached_base)), requests, clients, seconds)
        s = measure_call(raw.call(key), requests, clients, seconds)
        d = measure_call(http_call(ds_urls[key]), requests, clients, seconds)
        print(
            f"{label:<46} {fmt(a['p50']):>7} {fmt(a['p95']):>6} {fmt(a['rps']):>6} | {fmt(u['p50']):>12} "
            f"{fmt(u['p95']):>6} {fmt(u['rps']):>6} | {fmt(s['p50']):>7} {fmt(s['p95']):>6} {fmt(s['rps']):>6} | "
            f"{fmt(d['p50']):>7} {fmt(d['p95']):>6} {fmt(d['rps']):>6} | "
            f"{a['p95'] / s['p95']:>10.1f}× {a['p50'] / d['p50']:>9.2f}× {counts[key]:>7}",
            flush=True,
        )
    sampler = RssSampler(app.pid)
    sampler.start()
    app_rows, app_seconds = timed_download(urls["export"])
    sampler.stopped.set()
    sampler.join()
    raw_rows, raw_seconds = raw.export()
    ds_rows, ds_seconds = timed_download(ds_urls["export"])
    print(
        f"{QUERY_NAMES['export']:<46} app {app_rows:,} rows in {app_seconds:.1f} s = {app_rows / app_seconds:,.0f} "
        f"rows/s (worker RSS {sampler.before:.0f} → peak {sampler.peak:.0f} MB; {counts['export']} queries) | "
        f"SQL COPY {raw_rows / raw_seconds:,.0f} rows/s | Datasette {ds_rows / ds_seconds:,.0f} rows/s"
    )
    print(
        f"\n{'public page':<46} {'p50':>7} {'p95':>6} {'req/s':>6} | {'uncached p50':>12} {'p95':>6} {'req/s':>6} | "
        f"{'queries':>8}"
    )
    for label, path in pages.items():
        a = measure_call(http_call(base + path), requests, clients, seconds)
        u = measure_call(http_call(uncached_base + path), requests, clients, seconds)
        print(
            f"{label:<46} {fmt(a['p50']):>7} {fmt(a['p95']):>6} {fmt(a['rps']):>6} | {fmt(u['p50']):>12} "
            f"{fmt(u['p95']):>6} {fmt(u['rps']):>6} | {counts[label]:>8}",
            flush=True,
        )
    print(f"\nCold facets, ms (no cache at all):\n{cold_facets(database_url, state)}")


if __name__ == "__main__":
    main()
