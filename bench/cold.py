"""The cold column of `make bench`: filter combinations drawn from the data, each asked once.

A repeated URL is answered by the response cache after its first request, so the suite's warm figures
say nothing of a diplomat's first click. Here BENCH_COLD combinations (default 200) are drawn with a
fixed seed (BENCH_COLD_SEED) from the facet values found in the database being measured (States under
review, recommending States, themes and affected groups in use, responses, statuses, cycles, sessions,
action categories, regional groups), one to three filters, about a third with `q` (a frequent word of
the data's texts, or a phrase). Each surface is measured on a freshly started app (its per-process
caches empty), each combination asked once; then an editor publishes one assessment through
recommendations.services.assessments.record_assessment (its status is copied onto the recommendation)
and THE SAME combinations are asked once more: the "after write" column. Datasette answers the same
combinations through its table view with its facets on; a combination with a filter Datasette's copy
cannot express (affected group) is left out of its side and counted.
"""

from __future__ import annotations

import json
import random
import time
import urllib.parse
from pathlib import Path

import psycopg

WORDS_SQL = """
SELECT word FROM ts_stat($$SELECT to_tsvector('simple', text) FROM recommendations_recommendation
                          TABLESAMPLE SYSTEM (1) REPEATABLE (18)$$)
 WHERE length(word) >= 5 AND word ~ '^[a-z]+$' AND numnode(plainto_tsquery('english', word)) > 0
 ORDER BY ndoc DESC, word LIMIT 25
"""
# Words that are not English stop words (the app's search would ignore them); phrases Datasette's `_search`
# reads the same way (quoted phrases, words ANDed).
PHRASES = ['"human rights"', '"domestic violence"', '"freedom of expression"', "torture prison", "women girls"]
# Each facet value the filters accept, read from the data: values in use only, sorted for a stable draw.
VALUES_SQL = {
    "state_under_review": """SELECT s.iso3 FROM states_state s WHERE EXISTS
        (SELECT 1 FROM recommendations_recommendation r WHERE r.state_under_review_id = s.id) ORDER BY 1""",
    "recommending_state": """SELECT s.iso3 FROM states_state s WHERE s.id IN
        (SELECT DISTINCT state_id FROM recommendations_recommendation_recommending_states) ORDER BY 1""",
    "theme": """SELECT sc.slug || ':' || th.slug FROM recommendations_theme th
        JOIN recommendations_themescheme sc ON sc.id = th.scheme_id WHERE th.id IN
        (SELECT DISTINCT theme_id FROM recommendations_recommendation_themes) ORDER BY 1""",
    "affected_group": """SELECT g.slug FROM recommendations_affectedgroup g WHERE g.id IN
        (SELECT DISTINCT affectedgroup_id FROM recommendations_recommendation_affected_groups) ORDER BY 1""",
    "response": "SELECT DISTINCT response FROM recommendations_recommendation WHERE response <> '' ORDER BY 1",
    "status": """SELECT DISTINCT CASE current_status WHEN '' THEN 'none' ELSE current_status END
        FROM recommendations_recommendation ORDER BY 1""",
    "session": "SELECT DISTINCT session_number FROM recommendations_recommendation ORDER BY 1",
    "cycle": """SELECT DISTINCT cy.number FROM recommendations_cycle cy JOIN recommendations_session se
        ON se.cycle_id = cy.id WHERE se.number IN (SELECT DISTINCT session_number
        FROM recommendations_recommendation) ORDER BY 1""",
    "action_category": """SELECT DISTINCT action_category FROM recommendations_recommendation
        WHERE action_category IS NOT NULL ORDER BY 1""",
    "regional_group": """SELECT DISTINCT g.code FROM states_regionalgroup g JOIN states_state s
        ON s.regional_group_id = g.id WHERE EXISTS (SELECT 1 FROM recommendations_recommendation r
        WHERE r.state_under_review_id = s.id) ORDER BY 1""",
}
NO_DATASETTE = {"affected_group"}  # not in the SQLite copy (datasette_side.py)
PAGE_FACETS = (
    "response theme state_under_review status recommending_state cycle session year action_category "
    "affected_group sdg regional_group recommending_regional_group bloc"
).split()
DATASETTE_FACETS = ["state", "cycle", "session", "response", "action_category", "status"]


def facet_values(database_url: str) -> dict[str, list[str]]:
    """Every filter's values in use, and `q` words: the 25 most frequent of a 1 % sample of texts."""
    with psycopg.connect(database_url) as connection:
        values = {name: [str(row[0]) for row in connection.execute(sql)] for name, sql in VALUES_SQL.items()}
        values["q"] = [row[0] for row in connection.execute(WORDS_SQL)] + PHRASES
    return values


def group_members(database_url: str) -> dict[str, list[str]]:
    """Each regional group's States (ISO3): Datasette's copy has the State, not its group."""
    members: dict[str, list[str]] = {}
    with psycopg.connect(database_url) as connection:
        for code, iso3 in connection.execute(
            "SELECT g.code, s.iso3 FROM states_state s JOIN states_regionalgroup g ON g.id = s.regional_group_id"
        ):
            members.setdefault(code, []).append(iso3)
    return members


def draw(values: dict[str, list[str]], count: int, seed: int) -> list[dict[str, str]]:
    """`count` distinct combinations of one to three filters (a third with `q`), values from `values`."""
    rng = random.Random(seed)
    names = sorted(name for name, found in values.items() if found and name != "q")
    combinations: list[dict[str, str]] = []
    seen: set[tuple] = set()
    for _attempt in range(count * 50):
        if len(combinations) == count:
            break
        chosen = sorted(rng.sample(names, rng.choice((1, 1, 2, 2, 3))))
        combination = {name: rng.choice(values[name]) for name in chosen}
        if values.get("q") and rng.random() < 0.35:
            combination["q"] = rng.choice(values["q"])
        key = tuple(sorted(combination.items()))
        if key not in seen:
            seen.add(key)
            combinations.append(combination)
    return combinations


def _quoted(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def datasette_url(base: str, database: str, combination: dict[str, str], groups: dict) -> str | None:
    """The combination on Datasette's table view with its facets on, or None when it cannot be said there.

    `q` goes to `_search` (FTS5 without stemming, Datasette's escaping: words ANDed, quoted phrases kept); a
    regional group to its States (`groups`, from group_members)."""
    if NO_DATASETTE & combination.keys():
        return None
    params: list[tuple[str, str]] = []
    columns = {"state_under_review": "state", "session": "session", "cycle": "cycle", "response": "response"}
    columns |= {"action_category": "action_category"}
    for name, value in combination.items():
        if name in columns:
            params.append((columns[name], value))
        elif name == "status":
            params.append(("status__isblank", "1") if value == "none" else ("status", value))
        elif name == "theme":
            sql = f"id IN (SELECT recommendation_id FROM recommendation_themes WHERE theme = {_quoted(value)})"
            params.append(("_where", sql))
        elif name == "recommending_state":
            sql = f"id IN (SELECT recommendation_id FROM recommending_states WHERE state = {_quoted(value)})"
            params.append(("_where", sql))
        elif name == "regional_group":
            params.append(("_where", f"state IN ({', '.join(_quoted(iso3) for iso3 in groups[value])})"))
        elif name == "q":
            params.append(("_search", value))
    params += [("_facet", facet) for facet in DATASETTE_FACETS] + [("_nosuggest", "1"), ("_size", "50")]
    return f"{base}/{database}/recommendations.json?{urllib.parse.urlencode(params)}"


def app_urls(base: str, combination: dict[str, str]) -> dict[str, str]:
    """The combination on the search page, the API list with its total and the API's facets."""
    query = urllib.parse.urlencode(combination)
    facets = urllib.parse.urlencode([("facet", name) for name in PAGE_FACETS])
    return {
        "page": f"{base}/recommendations/?{query}",
        "api list": f"{base}/api/v1/recommendations/?{query}&include_total=true",
        "api facets": f"{base}/api/v1/recommendations/facets/?{query}&{facets}",
    }


def ask_once(get, urls: list[str]) -> dict:
    """Each URL once, in order, from one client: p50, p95, max (ms) and the non-200 answers."""
    times, errors = [], {}
    for url in urls:
        started = time.perf_counter()
        try:
            status, _body = get(url)
        except OSError as error:
            status = type(error).__name__
        times.append(1000 * (time.perf_counter() - started))
        if status != 200:
            errors[str(status)] = errors.get(str(status), 0) + 1
    return {"times": times, "errors": errors}


def publish_one(run, python: str, env: dict, seed: int, work: Path) -> str:
    """Publish one assessment through the service, in a child process (bench/writers.py); says what changed."""
    out = work / "publish.json"
    writers = str(Path(__file__).with_name("writers.py"))
    run(
        [
            python,
            writers,
            "publish",
            "--once",
            "--every",
            "0",
            "--seconds",
            "60",
            "--seed",
            str(seed),
            "--out",
            str(out),
        ],
        env,
    )
    (write,) = json.loads(out.read_text())
    if not write["ok"]:
        raise SystemExit(f"the write failed: {write['outcome']}")
    return f"assessment published in {write['seconds'] * 1000:.0f} ms on {write['outcome']}"


def summary(result: dict) -> str:
    from api_bench import percentile

    times = result["times"]
    if not times:
        return f"{'—':>7} {'—':>6} {'—':>6} {'—':>6}"
    errors = sum(result["errors"].values())
    cells = [percentile(times, 0.5), percentile(times, 0.95), max(times)]
    return " ".join(f"{_ms(value):>{width}}" for value, width in zip(cells, (7, 6, 6), strict=True)) + f" {errors:>6}"


def _ms(value: float) -> str:
    return f"{value:,.0f}" if value >= 100 else f"{value:.1f}"


def save(path: Path, combinations: list[dict], results: dict) -> None:
    """Every combination and its times, for whoever wants to look at the slowest ones."""
    path.write_text(json.dumps({"combinations": combinations, "results": results}, indent=1))


def warm_workers(get, base: str, pk: int) -> None:
    """A few requests for one recommendation, so that each worker has loaded its reference tables (a cost
    paid once per process, not per combination) without computing any count."""
    for _ in range(4):
        for path in (f"/recommendations/{pk}/", f"/api/v1/recommendations/{pk}/"):
            get(base + path)


SURFACES = {
    "page": "page: search (/recommendations/)",
    "api list": "API: list with total",
    "api facets": f"API: facets/ ({len(PAGE_FACETS)} facets)",
}


def run(database_url: str, ds_base: str, harness: dict, count: int, seed: int, work: Path) -> None:
    """Measure and print the cold and cold-after-write columns. `harness` gives the suite's means:
    start_app() -> (process, base URL), stop_app(process), get(url), run(command, env), python, env."""
    values, groups = facet_values(database_url), group_members(database_url)
    combinations = draw(values, count, seed)
    database = Path(urllib.parse.urlsplit(database_url).path).name
    ds_urls = [url for combination in combinations if (url := datasette_url(ds_base, database, combination, groups))]
    with psycopg.connect(database_url) as connection:
        pk = connection.execute("SELECT min(id) FROM recommendations_recommendation").fetchone()[0]
    results, writes = {}, []
    for number, surface in enumerate(SURFACES):
        process, base = harness["start_app"]()
        try:
            warm_workers(harness["get"], base, pk)
            urls = [app_urls(base, combination)[surface] for combination in combinations]
            results[surface] = ask_once(harness["get"], urls)
            writes.append(publish_one(harness["run"], harness["python"], harness["env"], seed + number, work))
            time.sleep(0.5)  # anonymous answers see a write at most RESPONSE_CACHE_VERSION_MS (200 ms) later
            results[f"{surface} after write"] = ask_once(harness["get"], urls)
        finally:
            harness["stop_app"](process)
    results["datasette"] = ask_once(harness["get"], ds_urls)
    results["datasette after write"] = ask_once(harness["get"], ds_urls)
    save(work / "cold.json", combinations, results)
    with_q = sum(1 for combination in combinations if "q" in combination)
    print(
        f"\nCold: {len(combinations)} filter combinations (seed {seed}; 1 to 3 filters, {with_q} with q) drawn from "
        "the data's facet values, each asked once, in order, by one client, on an app started afresh for each "
        'surface (per-process caches empty, response cache on). "after write": an editor published one '
        "assessment through the service, then the SAME combinations were asked once more. ms; errors = "
        "answers other than 200."
    )
    for line in writes:
        print(f"  write: {line}")
    print(
        f"\n{'surface':<46} {'cold p50':>7} {'p95':>6} {'max':>6} {'errors':>6} | "
        f"{'after write p50':>15} {'p95':>6} {'max':>6} {'errors':>6}"
    )
    rows = {
        **SURFACES,
        "datasette": f"Datasette: table, {len(DATASETTE_FACETS)} facets ({len(ds_urls)} of {len(combinations)})",
    }
    for key, label in rows.items():
        print(f"{label:<46} {summary(results[key])} | {'':>8}{summary(results[f'{key} after write'])}", flush=True)
    left_out = len(combinations) - len(ds_urls)
    print(
        f"  Datasette: {left_out} combinations with an affected group left out (not in its copy); its copy is not "
        'written, so its "after write" is the same combinations asked a second time. Its facets are the columns '
        f"of its table ({', '.join(DATASETTE_FACETS)}); themes and recommending States are filters only there."
    )
    for key, result in results.items():
        for status, number in result["errors"].items():
            print(f"  {key}: {number} × {status}")
