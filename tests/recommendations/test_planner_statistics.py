"""The planner's statistics follow the writes that reshape the tables, even with autovacuum off.

Without them a search by regional group and cycle at a million recommendations was
planned as nested loops over every review (1.5 s instead of 60 ms).
"""

import pytest
from django.db import connection

from core.planner import analyze_if_grown, analyze_never_analyzed
from recommendations.models import Recommendation
from tests.recommendations.conftest import upr_info_csv, upr_info_row

pytestmark = pytest.mark.django_db


def estimated_rows(table: str) -> float:
    """What the planner believes the table holds (pg_class.reltuples: -1 before the first ANALYZE)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT reltuples FROM pg_class WHERE oid = %s::regclass", [table])
        return cursor.fetchone()[0]


def statistics_of(table: str, column: str) -> int:
    """Rows of pg_stats for a column: 0 until ANALYZE has sampled it."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_stats WHERE tablename = %s AND attname = %s", [table, column])
        return cursor.fetchone()[0]


def test_reference_tables_filled_by_migrations_have_statistics():
    # The States' regional groups are what the planner got wrong without them.
    assert estimated_rows("states_state") == 195
    assert statistics_of("states_state", "regional_group_id") == 1
    assert estimated_rows("recommendations_session") >= 54


def test_a_large_import_into_a_small_database_refreshes_the_statistics(import_file):
    table = Recommendation._meta.db_table
    # ANALYZE writes its estimate in place, outside transactions: start from what it says of the empty table.
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {table}")
    assert estimated_rows(table) == 0
    rows = [upr_info_row(f"Recommendation number {n} on the rights of the child", source="Norway") for n in range(120)]
    result = import_file(upr_info_csv(rows))
    assert result.created == 120
    assert estimated_rows(table) == 120
    assert estimated_rows("recommendations_recommendation_themes") == 120
    assert estimated_rows("recommendations_position") == 120


def test_a_small_import_leaves_the_statistics_to_autovacuum(import_file):
    table = Recommendation._meta.db_table
    before = estimated_rows(table)
    result = import_file(upr_info_csv([upr_info_row(f"Ratify convention {n}") for n in range(10)]))
    assert result.created == 10
    assert estimated_rows(table) == before


def test_growth_is_judged_against_the_table_as_the_planner_knows_it():
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE states_state")
    # 195 States: autovacuum's threshold is 50 + 19.5 rows.
    assert analyze_if_grown(["states_state"], 69) == []
    assert analyze_if_grown(["states_state"], 70) == ["states_state"]
    assert analyze_if_grown([], 1000) == []


def test_tables_never_analysed_are_found_and_analysed():
    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE upkeep_probe (n int)")
        cursor.execute("INSERT INTO upkeep_probe SELECT generate_series(1, 300)")
    assert estimated_rows("upkeep_probe") == -1
    assert "upkeep_probe" in analyze_never_analyzed()
    assert estimated_rows("upkeep_probe") == 300
    assert "upkeep_probe" not in analyze_never_analyzed()
