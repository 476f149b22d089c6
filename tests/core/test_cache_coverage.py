"""Every table a cached answer reads moves the data version it is cached under.

Cached answers (core/response_cache.py) and counts (core/counts.py) are kept under data versions that
PostgreSQL's `data_changed` triggers move (migration 0010, and later ones for tables added since). A table
read by a cached answer without that trigger lets the answer go stale after a write to it, silently: the
confirmed repeats shown on the cached recommendation page once had none. So no list of tables is kept by
hand: each cached view, found in the URLconf (cached_view on a view or a viewset's action), runs once on
data that touches every feature (the demo: reviews, published assessments with evidence, confirmed
repeats, civil society's asks and their matches, a briefing), PostgreSQL's plan of each statement it ran
names the tables read (EXPLAIN's "Relation Name", exact where parsing SQL is not), and each must have the
trigger. Counts kept under some tables' versions only (a facet over every recommendation) must read no
other table.

Inside the test's transaction the data version is uncacheable, so every answer is computed, never served
from a cache: each run records all that answer reads.
"""

from collections.abc import Callable, Iterable, Iterator

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from core import counts
from recommendations import demo
from recommendations.demo.advocacy import add_demo_asks
from recommendations.demo.briefing import add_demo_briefing
from recommendations.demo.followup import add_demo_repeats
from recommendations.models import Recommendation, RepeatLink
from recommendations.search import facets, lookups
from recommendations.search.index import rows

pytestmark = pytest.mark.django_db

TRIGGER = "data_changed"  # migration 0010's name for it on every table
# The counters themselves, read to key the caches, and the count index's change log (it follows the tables
# the index reads: test_every_table_the_count_index_reads_logs_its_changes).
VERSION_TABLES = frozenset({"recommendations_dataversion", "recommendations_indexchange"})
INDEX_TRIGGERS = {"index_inserted", "index_updated", "index_deleted", "index_truncated"}  # migration 0032
ALL_FACETS = "&".join(f"facet={name}" for name in facets.FACETS)
FILTERS = "state_under_review=KAZ&q=defenders&affected_group=human-rights-defenders&cycle=1"
# Besides the bare URL, the queries that take a cached view down its other paths (filters, totals, facets
# under filters). A view that answers its bare URL with an error needs one here.
QUERIES = {
    "api:recommendation-list": ["", f"include_total=true&{FILTERS}"],
    "api:recommendation-facets": [ALL_FACETS, f"{ALL_FACETS}&{FILTERS}"],
    "recommendations:search": ["", FILTERS],
    "states:briefing-pdf": ["affected_group=human-rights-defenders&cycle=1"],
}
# Cached under the data version by their own views rather than by cached_view: the URL name, its parameters.
OTHER_CACHED_URLS = {
    "states:briefing-pdf": ("iso3",),  # the shared render of a briefing PDF (recommendations/site/briefings.py)
}


@pytest.fixture
def demo_data() -> list[dict[str, object]]:
    """The demo, and the URL arguments the cached views are asked with: a recommendation that repeats an
    earlier one, and one assessed with evidence (a page reads what it shows only when there is some)."""
    demo.load_demo()
    add_demo_repeats()
    add_demo_asks()
    add_demo_briefing()
    repeated = RepeatLink.objects.filter(status="confirmed").select_related("later").first().later
    assessed = Recommendation.objects.filter(assessments__state="published", assessments__citations__isnull=False)
    return [
        {"pk": recommendation.pk, "iso3": "KAZ", "scheme": theme.scheme.slug, "slug": theme.slug}
        for recommendation in (repeated, assessed.first())
        for theme in recommendation.themes.select_related("scheme")[:1]
    ]


def is_cached(view: Callable) -> bool:
    """A view wrapped by cached_view, or a viewset whose GET action is."""
    if getattr(view, "response_cache", False):
        return True
    action = (getattr(view, "actions", None) or {}).get("get")
    return bool(action) and getattr(getattr(view.cls, action, None), "response_cache", False)


def cached_url_names() -> dict[str, tuple[str, ...]]:
    """Each cached view's URL name, with the names of its URL's parameters."""
    found: dict[str, tuple[str, ...]] = {}

    def walk(patterns: Iterable, namespace: str) -> None:
        for entry in patterns:
            if isinstance(entry, URLResolver):
                walk(entry.url_patterns, ":".join(part for part in (namespace, entry.namespace) if part))
            elif isinstance(entry, URLPattern) and entry.name and is_cached(entry.callback):
                parameters = tuple(entry.pattern.regex.groupindex)
                if "format" not in parameters:  # DRF's format suffix: the same view again
                    found[f"{namespace}:{entry.name}" if namespace else entry.name] = parameters

    walk(get_resolver().url_patterns, "")
    return found


def urls(names: dict[str, tuple[str, ...]], argument_sets: list[dict[str, object]]) -> list[str]:
    found = []
    for name, parameters in names.items():
        for arguments in argument_sets:
            missing = [parameter for parameter in parameters if parameter not in arguments]
            assert not missing, f"{name}: give the demo_data fixture a value for {missing}"
            path = reverse(name, kwargs={parameter: arguments[parameter] for parameter in parameters})
            found.extend(f"{path}?{query}" if query else path for query in QUERIES.get(name, [""]))
    return list(dict.fromkeys(found))


def relations(plan: dict) -> Iterator[str]:
    if "Relation Name" in plan:
        yield plan["Relation Name"]
    for child in plan.get("Plans", ()):
        yield from relations(child)


def tables_read(statements: Iterable[str]) -> set[str]:
    """The tables PostgreSQL's plans of `statements` read (they run again as EXPLAIN: planned, not executed)."""
    found: set[str] = set()
    with connection.cursor() as cursor:
        for sql in statements:
            if sql.startswith("COPY ("):  # the count index reads rows with COPY (SELECT …) TO STDOUT
                sql = sql[len("COPY (") : sql.rindex(") TO STDOUT")]
            verb = sql.lstrip("( \n").split(None, 1)[0].upper()  # a UNION may start with "(SELECT"
            assert verb in ("SELECT", "WITH"), f"a cached answer ran a statement that is not a read: {sql}"
            cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}")
            found.update(relations(cursor.fetchone()[0][0]["Plan"]))
    return found - VERSION_TABLES


def recorded(compute: Callable[[], object]) -> set[str]:
    with CaptureQueriesContext(connection) as captured:
        compute()
    return tables_read(query["sql"] for query in captured.captured_queries)


def reads_of_urls(client, paths: Iterable[str]) -> dict[str, set[str]]:
    """The tables each anonymous GET reads; each must answer 200, so that it computes what is cached."""
    reads = {}
    for path in paths:

        def get(path=path) -> None:
            response = client.get(path)
            assert response.status_code == 200, f"{path} answered {response.status_code}: give it a query in QUERIES"

        reads[path] = recorded(get)
    return reads


def triggered_tables() -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
            "WHERE t.tgname = %s AND t.tgenabled <> 'D'",
            [TRIGGER],
        )
        return {name for (name,) in cursor.fetchall()}


def without_trigger(reads: dict[str, set[str]]) -> dict[str, list[str]]:
    """Each table read without the trigger, with what read it."""
    triggered = triggered_tables()
    missing: dict[str, list[str]] = {}
    for reader, tables in reads.items():
        for table in sorted(tables - triggered):
            missing.setdefault(table, []).append(reader)
    return missing


def report(missing: dict[str, list[str]]) -> str:
    lines = [f"  {table}: read by {', '.join(readers)}" for table, readers in sorted(missing.items())]
    return (
        f"Tables read by cached answers without the {TRIGGER} trigger: a write to them does not move the data "
        "version, so the answers cached under it go stale. Add the trigger in a migration (as "
        "0017_briefing_data_version does):\n" + "\n".join(lines)
    )


def test_every_table_a_cached_view_reads_moves_the_data_version(client, demo_data):
    names = cached_url_names()
    paths = [*urls(names, demo_data), *urls(OTHER_CACHED_URLS, demo_data)]
    missing = without_trigger(reads_of_urls(client, paths))
    assert not missing, report(missing)


def test_the_cached_views_are_found_in_the_urlconf():
    assert {
        "recommendations:home",
        "recommendations:search",
        "recommendations:detail",
        "recommendations:themes",
        "recommendations:theme",
        "states:profile",
        "api:recommendation-list",
        "api:recommendation-detail",
        "api:recommendation-facets",
    } <= set(cached_url_names())


def test_a_table_read_without_the_trigger_is_named(client, demo_data):
    with connection.cursor() as cursor:  # undone with the test's transaction
        cursor.execute(f"DROP TRIGGER {TRIGGER} ON {RepeatLink._meta.db_table}")
    page = reverse("recommendations:detail", args=[demo_data[0]["pk"]])
    missing = without_trigger(reads_of_urls(client, [page]))
    assert missing == {"recommendations_repeatlink": [page]}
    assert "  recommendations_repeatlink: read by /recommendations/" in report(missing)


def test_every_table_the_count_index_reads_logs_its_changes():
    """The count index (recommendations/search/index/) catches up with writes through the change log that
    migration 0032's triggers keep: a table it reads without them would leave its counts stale."""
    statements = [rows.COLUMNS_SQL.format(where=""), *(sql.format(where="") for sql in rows.LINKS_SQL.values())]
    read = tables_read(statements)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname, array_agg(t.tgname::text) FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
            "WHERE t.tgenabled <> 'D' GROUP BY c.relname"
        )
        triggers = dict(cursor.fetchall())
    assert read == {"recommendations_recommendation", *(t._meta.db_table for t in rows.LINK_MODELS)}
    assert {table: INDEX_TRIGGERS - set(triggers.get(table, ())) for table in read} == {table: set() for table in read}


def test_the_reference_tables_held_in_memory_move_the_data_version():
    with counts.pinned(counts.UNCACHEABLE):  # computed, not taken from this process's memory
        reads = recorded(lookups.current)
    assert reads
    assert not without_trigger({"lookups": reads})
