"""A bounded load test behind `make load`: the mixed diplomat/partner workload, with locust, on loopback.

    make load                                            # 50 clients for 60 s on upr_bench (1,000,000 rows)
    LOAD_CLIENTS=10 LOAD_SECONDS=15 make load            # a short trial
    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/upr_bench make load

VACUUMs (ANALYZE) the database as make bench does, starts the app under gunicorn with production
settings on a free 127.0.0.1 port (bench/suite.py's
helpers; the rate limits are raised out of the way through API_ANON_RATE, API_USER_RATE,
SITE_ANON_RATE and EXPORT_ANON_RATE, as every client comes from 127.0.0.1, so a 429 would be a real
error), picks States, themes, regional groups, cycles and recommendation ids from the data, warms
up, then runs bench/locustfile.py headless: LOAD_CLIENTS users (about 3 diplomats on the public
pages for 2 partner scripts on the API), all started at once, for LOAD_SECONDS. Prints requests,
requests/second, errors and p50/p95/p99 per request type and overall; exits non-zero on any error
(any answer other than 2xx, 429 included, or a failed connection).

Environment:
  BENCH_DATABASE_URL  database to load (as bench/suite.py: default the scratch database upr_bench on the
                      server in use, built with BENCH_ROWS synthetic recommendations when missing)
  LOAD_CLIENTS        concurrent clients (default 50)
  LOAD_SECONDS        duration (default 60)
  LOAD_WRITERS        false: readers only. Otherwise two editors write through the services meanwhile
                      (bench/writers.py): one publishes an assessment every LOAD_PUBLISH_EVERY s (5), one
                      imports a LOAD_IMPORT_ROWS-row (250) UPR Info review every LOAD_IMPORT_EVERY s (120);
                      their writes, failures and times are printed after the readers' (a failure is an error)
  LOAD_THINK          scale of the clients' pauses between requests (default 1: diplomats 1-3 s,
                      partners 0.2-1 s; 0: back to back, a saturation test)
The app's GUNICORN_* variables apply (default gunicorn.conf.py: a worker per core, 4 threads each).
Only loopback servers are started and queried; the database must be local too.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import time
import urllib.parse
from collections import Counter, defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import psycopg  # noqa: E402
import suite  # noqa: E402

ROOT = suite.ROOT
WORK = ROOT / "var" / "load"
LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1", ""}


def require_local(database_url: str) -> None:
    host = urllib.parse.unquote(urllib.parse.urlsplit(database_url).hostname or "")
    if host not in LOCAL_HOSTS and not host.startswith("/"):
        sys.exit(f"Refusing {host}: the load test runs against a database on this machine only.")


def workload_params(database_url: str, api: str) -> dict:
    """Values that exist in the data, so every request finds something (no 404s, few empty pages)."""
    names = ["state_under_review", "theme", "regional_group", "cycle"]
    facets = suite.api_bench.get_json(f"{api}/recommendations/facets/?{'&'.join(f'facet={n}' for n in names)}")
    values = {name: [row["value"] for row in facets["facets"][name]] for name in names}
    with psycopg.connect(database_url) as connection:
        ids = [
            row[0]
            for row in connection.execute(
                "SELECT id FROM recommendations_recommendation TABLESAMPLE SYSTEM (1) REPEATABLE (1) LIMIT 2000"
            )
        ]
    return {
        "states": values["state_under_review"][:60],
        "themes": values["theme"][:25],
        "regional_groups": values["regional_group"],
        "cycles": [str(value) for value in values["cycle"]],
        "ids": ids,
    }


def warm_up(base: str, params: dict) -> int:
    """One request of each kind, so the measured minute does not start on a cold worker (twice: two workers)."""
    state, theme, cycle, pk = params["states"][0], params["themes"][0], params["cycles"][0], params["ids"][0]
    scheme, slug = theme.split(":")
    paths = [
        "/",
        "/recommendations/",
        f"/recommendations/?state_under_review={state}&theme={theme}",
        f"/states/{state}/",
        f"/recommendations/{pk}/",
        f"/themes/{scheme}/{slug}/",
        f"/api/v1/recommendations/?state_under_review={state}&page_size=50",
        f"/api/v1/recommendations/{pk}/",
        f"/api/v1/recommendations/facets/?facet=theme&state_under_review={state}",
        f"/api/v1/recommendations/export.csv?state_under_review={state}&theme={theme}&cycle={cycle}",
    ]
    for _ in range(2):
        for path in paths:
            status, body = suite.api_bench.get(base + path)
            if status != 200:
                sys.exit(f"warm-up: {path} answered {status}: {body[:300]!r}")
    return 2 * len(paths)


def run_locust(base: str, params_path: Path, results_path: Path, clients: int, seconds: int) -> int:
    command = [
        str(Path(suite.PYTHON).with_name("locust")),
        *("-f", str(ROOT / "bench" / "locustfile.py"), "--headless", "--only-summary"),
        *("--users", str(clients), "--spawn-rate", str(clients), "--run-time", f"{seconds}s"),
        *("--stop-timeout", "30", "--host", base, "--exit-code-on-error", "0"),
    ]
    env = {**os.environ, "LOAD_PARAMS": str(params_path), "LOAD_RESULTS": str(results_path)}
    with (WORK / "locust.log").open("wb") as log:
        completed = subprocess.run(
            command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, timeout=seconds + 180
        )
    return completed.returncode


WRITERS = {  # kind: (what the report calls it, LOAD_* variable of its period, default seconds)
    "publish": ("editor: publishes an assessment", "LOAD_PUBLISH_EVERY", 5),
    "import": ("editor: imports a review", "LOAD_IMPORT_EVERY", 120),
}


def start_writers(database_url: str, seconds: int) -> dict[str, tuple[subprocess.Popen, Path]]:
    """The editors (bench/writers.py), each a process of its own writing through the services for the
    duration of the run; none with LOAD_WRITERS=false."""
    if os.environ.get("LOAD_WRITERS", "true").lower() == "false":
        return {}
    rows = str(suite.env_int("LOAD_IMPORT_ROWS", 250))
    started = {}
    for kind, (_label, variable, default) in WRITERS.items():
        out = WORK / f"writer-{kind}.json"
        out.unlink(missing_ok=True)
        command = [
            suite.PYTHON,
            str(ROOT / "bench" / "writers.py"),
            kind,
            "--every",
            str(suite.env_int(variable, default)),
        ]
        command += ["--seconds", str(seconds), "--rows", rows, "--out", str(out)]
        with (WORK / f"writer-{kind}.log").open("wb") as log:
            process = subprocess.Popen(command, cwd=ROOT, env=suite.app_env(database_url), stdout=log, stderr=log)
        started[kind] = (process, out)
    return started


def stop_writers(editors: dict[str, tuple[subprocess.Popen, Path]]) -> None:
    """Let a write in progress finish (an import may take a while), then stop."""
    for process, _out in editors.values():
        try:
            process.wait(300)
        except subprocess.TimeoutExpired:
            process.terminate()
            process.wait(30)


def report_writers(editors: dict[str, tuple[subprocess.Popen, Path]]) -> int:
    """Each editor's writes: how many, how many failed, and how long they took; returns the failures."""
    if not editors:
        return 0
    rows = suite.env_int("LOAD_IMPORT_ROWS", 250)
    print(f"\n{'writer (during the run)':<48} {'writes':>6} {'failed':>6} {'p50 ms':>7} {'p95 ms':>7} {'max ms':>7}")
    failures = 0
    for kind, (_process, out) in editors.items():
        label, variable, default = WRITERS[kind]
        label += f" every {suite.env_int(variable, default)} s" + (f" ({rows} rows)" if kind == "import" else "")
        writes = json.loads(out.read_text()) if out.exists() else []
        times = [1000 * write["seconds"] for write in writes]
        failed = [write for write in writes if not write["ok"]]
        failures += len(failed) + (0 if writes else 1)
        print(
            f"{label:<48} {len(writes):>6} {len(failed):>6} {percentile(times, 0.5):>7.0f} "
            f"{percentile(times, 0.95):>7.0f} {max(times, default=float('nan')):>7.0f}"
        )
        for write in failed[:3]:
            print(f"  failed: {write['outcome']}")
        if not writes:
            print(f"  no write recorded: see {WORK / f'writer-{kind}.log'}")
    return failures


def percentile(values: list[float], fraction: float) -> float:
    return suite.api_bench.percentile(values, fraction) if values else float("nan")


def report(results: list, seconds: int) -> int:
    by_name: dict[str, list[float]] = defaultdict(list)
    errors: dict[str, int] = Counter()
    failed: dict[str, int] = Counter()
    for name, milliseconds, error, _start in results:
        by_name[name].append(milliseconds)
        if error:
            failed[name] += 1
            errors[f"{name}: {error}"] += 1
    everything = [ms for _name, ms, _error, _start in results]
    # Requests are sent during the run; those in flight at its end are let finish and counted.
    starts = [start for *_rest, start in results]
    span = max(starts, default=0) - min(starts, default=0) or float(seconds)
    print(
        f"\n{'request type':<44} {'requests':>8} {'errors':>6} {'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7} {'max ms':>7}"
    )
    rows = sorted(by_name.items(), key=lambda item: item[0])
    rows.append(("all", everything))
    for name, times in rows:
        print(
            f"{name:<44} {len(times):>8,} {failed[name] if name != 'all' else sum(failed.values()):>6} "
            f"{percentile(times, 0.5):>7.0f} {percentile(times, 0.95):>7.0f} {percentile(times, 0.99):>7.0f} "
            f"{max(times, default=float('nan')):>7.0f}"
        )
    total_errors = sum(failed.values())
    mean = statistics.fmean(everything) if everything else float("nan")
    print(
        f"\n{len(everything):,} requests sent over {span:.1f} s = {len(everything) / span:.1f} requests/s; "
        f"{total_errors} errors; overall p50 {percentile(everything, 0.5):.0f} ms, p95 "
        f"{percentile(everything, 0.95):.0f} ms, p99 {percentile(everything, 0.99):.0f} ms (mean {mean:.0f} ms)."
    )
    for message, count in errors.most_common(10):
        print(f"  {count} × {message}")
    return total_errors


def main() -> None:
    clients, seconds = suite.env_int("LOAD_CLIENTS", 50), suite.env_int("LOAD_SECONDS", 60)
    WORK.mkdir(parents=True, exist_ok=True)
    database_url, how = suite.prepare_database(suite.env_int("BENCH_ROWS", 1_000_000))
    require_local(database_url)
    suite.vacuum(database_url)  # as autovacuum would have on a server, and as make bench does
    port = suite.free_port()
    base = f"http://127.0.0.1:{port}"
    app = suite.start_gunicorn(database_url, port, WORK / "gunicorn.log")
    try:
        api = f"{base}/api/v1"
        total = suite.api_bench.get_json(f"{api}/recommendations/?page_size=1&include_total=true")["total"]
        params = workload_params(database_url, api)
        params_path, results_path = WORK / "params.json", WORK / "results.json"
        params_path.write_text(json.dumps(params))
        results_path.unlink(missing_ok=True)
        warmed = warm_up(base, params)
        workers = os.environ.get("GUNICORN_WORKERS") or max(2, os.cpu_count() or 1)
        rates = ", ".join(f"{k}={v}" for k, v in suite.app_env(database_url).items() if k.endswith("_RATE"))
        print(
            f"{total:,} recommendations ({how}); {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}; "
            f"{os.cpu_count()} cores; gunicorn {workers} workers × {os.environ.get('GUNICORN_THREADS') or 4} threads "
            f"on {base}, rate limits raised ({rates}); "
            f"{warmed} warm-up requests; locust: {clients} clients for {seconds} s, think time × "
            f"{os.environ.get('LOAD_THINK') or 1}; {len(params['states'])} States, {len(params['themes'])} themes, "
            f"{len(params['ids']):,} recommendation ids from the data",
            flush=True,
        )
        editors = start_writers(database_url, seconds)
        run_locust(base, params_path, results_path, clients, seconds)
        stop_writers(editors)
    finally:
        app.terminate()
        app.wait(30)
    if not results_path.exists():
        sys.exit(f"locust wrote no results; see {WORK / 'locust.log'}")
    errors = report(json.loads(results_path.read_text()), seconds)
    errors += report_writers(editors)
    if errors:
        sys.exit(f"{errors} errors (details in {WORK / 'locust.log'} and {WORK / 'gunicorn.log'})")


if __name__ == "__main__":
    main()
