"""Keep PostgreSQL's planner statistics current after bulk writes, whether or not autovacuum runs.

The planner chooses between an index walk and a hash join from the statistics
ANALYZE collects. A table that has never been analysed is estimated at one
row per value: a search by regional group and cycle was then planned as
nested loops over every review, many times slower (bench/NOTES.md).
Autovacuum analyses tables in the background, but not at once, and some
servers run with it off. So the writes that change a table's shape at a
stroke analyse what they wrote themselves:

- `migrate` (reference data: States, groups, sessions …): every table never analysed;
- an import that grew the recommendations by more than autovacuum's own
  threshold (10% + 50 rows): the tables it writes;
- `generate_synthetic`: the whole database, and a VACUUM of what it loaded.

ANALYZE reads a sample (at most 30,000 rows per table), so it costs little
whatever the table's size.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import connections

# What autovacuum waits for before it analyses a table again (autovacuum_analyze_threshold and
# autovacuum_analyze_scale_factor at their defaults).
THRESHOLD_ROWS = 50
THRESHOLD_FRACTION = 0.1


def _analyze(cursor, tables: Iterable[str]) -> list[str]:
    done = []
    for table in tables:
        cursor.execute(f"ANALYZE {cursor.db.ops.quote_name(table)}")
        done.append(table)
    return done


def analyze_never_analyzed(using: str = "default") -> list[str]:
    """ANALYZE every table of the current schema that has no statistics yet; returns their names."""
    with connections[using].cursor() as cursor:
        # reltuples is -1 until a table is first vacuumed or analysed (PostgreSQL 14+).
        cursor.execute(
            "SELECT relname FROM pg_class WHERE relkind IN ('r', 'p') AND reltuples < 0 "
            "AND relnamespace = current_schema()::regnamespace ORDER BY relname"
        )
        return _analyze(cursor, [row[0] for row in cursor.fetchall()])


def analyze_if_grown(tables: Iterable[str], rows_added: int, using: str = "default") -> list[str]:
    """ANALYZE `tables` when `rows_added` rows exceed the threshold for the first of them; returns what it did.

    The first table is the one whose growth is known (the recommendations of an
    import); the others grew with it (their positions, themes, recommending States).
    """
    tables = list(tables)
    if not tables or rows_added <= THRESHOLD_ROWS:  # below the threshold of any table, without a query
        return []
    with connections[using].cursor() as cursor:
        cursor.execute("SELECT reltuples FROM pg_class WHERE oid = %s::regclass", [tables[0]])
        estimated = max(cursor.fetchone()[0], 0)
        if rows_added <= THRESHOLD_ROWS + THRESHOLD_FRACTION * estimated:
            return []
        return _analyze(cursor, tables)


def vacuum(tables: Iterable[str], using: str = "default") -> list[str]:
    """VACUUM (ANALYZE) `tables` after a bulk load, as autovacuum would some time later; returns what it did.

    Besides the statistics, it marks the pages all-visible, so that index-only scans (a filter by
    theme reads the link table's index alone) need not visit the rows. VACUUM cannot run in a
    transaction: inside one (a test, a caller's atomic block) nothing is done.
    """
    connection = connections[using]
    if connection.in_atomic_block:
        return []
    with connection.cursor() as cursor:
        done = []
        for table in tables:
            cursor.execute(f"VACUUM (ANALYZE) {connection.ops.quote_name(table)}")
            done.append(table)
        return done


def analyze_all(using: str = "default") -> None:
    """ANALYZE the whole database (after a bulk load that replaced most of it)."""
    with connections[using].cursor() as cursor:
        cursor.execute("ANALYZE")
