"""Data versions for the tables a State's briefing reads beyond those of migration 0010.

The briefing PDF is cached under the data version (recommendations/site/briefings.py), so every table it reads
needs the trigger: the organisations' introductions and conclusions, civil society's asks with their
themes, lobbied States and matches, and the confirmed repeats (which the cached recommendation page
shows too). Same trigger and counters as 0010.
"""

from django.db import migrations

TABLES = [
    "recommendations_briefing",
    "recommendations_proposedrecommendation",
    "recommendations_proposedrecommendation_themes",
    "recommendations_proposedrecommendation_lobbied_states",
    "recommendations_askmatch",
    "recommendations_repeatlink",
]

SEED = """
INSERT INTO recommendations_dataversion (table_name, version, changed_at)
SELECT name, 1, clock_timestamp() FROM unnest(%s::text[]) AS name
ON CONFLICT (table_name) DO NOTHING
"""


def _trigger_sql(table: str) -> str:
    return (
        f"CREATE TRIGGER data_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON {table} "
        "FOR EACH STATEMENT EXECUTE FUNCTION recommendations_note_data_change();"
    )


class Migration(migrations.Migration):
    dependencies = [
        ("recommendations", "0016_api_tokens_from_drf"),
    ]

    operations = [
        migrations.RunSQL(
            [(SEED, [TABLES])],
            [("DELETE FROM recommendations_dataversion WHERE table_name = ANY (%s)", [TABLES])],
        ),
        migrations.RunSQL(
            "\n".join(_trigger_sql(table) for table in TABLES),
            "\n".join(f"DROP TRIGGER data_changed ON {table};" for table in TABLES),
        ),
    ]
