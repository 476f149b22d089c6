"""Data versions: counters PostgreSQL bumps when a transaction that changed public data commits.

Cached counts and cached responses (core/counts.py, response_cache.py) are keyed on them.
The database keeps them, not the app, so that every write path moves them: the admin, the
services, the API, the COPY importer, the synthetic generator, a migration or a psql session alike.
There is one counter per table, so that a count reading only some tables (the facet of themes
over every recommendation reads the theme links and the themes) survives writes to the others
(recording an assessment updates recommendations, not their themes).

- A statement trigger on every table the public pages and the API read notes the tables a
  transaction writes in the transaction-local setting `upr.changed_tables` (so that this
  transaction's own reads are never cached or served from the cache: they may see uncommitted
  rows). At the first write it also inserts one row into `recommendations_datachange`.
- That insert queues a deferred constraint trigger, which runs at COMMIT: it increments the
  written tables' counters in `recommendations_dataversion`, locking them in name order, and
  deletes the marker. The counters' row locks are taken last and held only while the
  transaction commits, so writers never wait on each other for long and cannot deadlock on
  them. A transaction (or savepoint) that rolls back takes its marker, its queued trigger and
  its setting with it: nothing moves.

Statement triggers cost one call per statement whatever the number of rows, so COPY of a
million rows pays nothing measurable. TRUNCATE is covered too.
"""

from django.db import migrations

# Every table that cached answers and counts read (response_cache.py, counts.py, facets.py): a table
# read by them but missing here would let them go stale. A later migration adds its trigger to a new one;
# tests/core/test_cache_coverage.py names any table a cached answer reads without it.
TABLES = [
    "recommendations_recommendation",
    "recommendations_recommendation_recommending_states",
    "recommendations_recommendation_themes",
    "recommendations_recommendation_affected_groups",
    "recommendations_recommendation_sdgs",
    "recommendations_review",
    "recommendations_session",
    "recommendations_cycle",
    "recommendations_themescheme",
    "recommendations_theme",
    "recommendations_affectedgroup",
    "recommendations_sdg",
    "recommendations_position",
    "recommendations_implementationassessment",
    "recommendations_evidencesource",
    "recommendations_citation",
    "recommendations_organisation",
    "recommendations_deletedobject",
    "states_state",
    "states_statealias",
    "states_regionalgroup",
    "states_bloc",
    "states_blocmembership",
]

CREATE = """
CREATE TABLE recommendations_dataversion (
    table_name text PRIMARY KEY,
    version bigint NOT NULL,
    changed_at timestamptz NOT NULL
);

CREATE TABLE recommendations_datachange (id bigserial PRIMARY KEY);

CREATE FUNCTION recommendations_note_data_change() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    changed text := coalesce(current_setting('upr.changed_tables', true), '');
BEGIN
    IF changed = '' THEN
        PERFORM set_config('upr.changed_tables', TG_TABLE_NAME, true);
        INSERT INTO recommendations_datachange DEFAULT VALUES;
    ELSIF NOT TG_TABLE_NAME = ANY (string_to_array(changed, ',')) THEN
        PERFORM set_config('upr.changed_tables', changed || ',' || TG_TABLE_NAME, true);
    END IF;
    RETURN NULL;
END
$$;

CREATE FUNCTION recommendations_bump_data_versions() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    changed text[] := string_to_array(current_setting('upr.changed_tables', true), ',');
BEGIN
    PERFORM 1 FROM recommendations_dataversion WHERE table_name = ANY (changed) ORDER BY table_name FOR UPDATE;
    INSERT INTO recommendations_dataversion AS v (table_name, version, changed_at)
    SELECT name, 1, clock_timestamp() FROM unnest(changed) AS name ORDER BY name
        ON CONFLICT (table_name) DO UPDATE SET version = v.version + 1, changed_at = excluded.changed_at;
    DELETE FROM recommendations_datachange WHERE id = NEW.id;
    RETURN NULL;
END
$$;

CREATE CONSTRAINT TRIGGER datachange_bump_at_commit
    AFTER INSERT ON recommendations_datachange
    DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION recommendations_bump_data_versions();
"""

SEED = """
INSERT INTO recommendations_dataversion (table_name, version, changed_at)
SELECT name, 1, clock_timestamp() FROM unnest(%s::text[]) AS name
"""

DROP = """
DROP TABLE recommendations_datachange;
DROP TABLE recommendations_dataversion;
DROP FUNCTION recommendations_bump_data_versions();
DROP FUNCTION recommendations_note_data_change();
"""


def _trigger_sql(table: str) -> str:
    return (
        f"CREATE TRIGGER data_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON {table} "
        "FOR EACH STATEMENT EXECUTE FUNCTION recommendations_note_data_change();"
    )


class Migration(migrations.Migration):
    dependencies = [
        ("recommendations", "0009_proposal_public"),
        ("states", "0003_history"),
    ]

    operations = [
        migrations.RunSQL(CREATE, DROP),
        migrations.RunSQL([(SEED, [TABLES])], migrations.RunSQL.noop),
        migrations.RunSQL(
            "\n".join(_trigger_sql(table) for table in TABLES),
            "\n".join(f"DROP TRIGGER data_changed ON {table};" for table in TABLES),
        ),
    ]
