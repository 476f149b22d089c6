"""The change log of the count index (recommendations/search/index/): which recommendations each transaction
changed, so that every process's in-memory index of filter values can catch up with a write by reading the
rows it changed, instead of counting everything again.

Statement triggers with transition tables on the recommendations and the four tables of their links note
the ids a statement touched (one INSERT … SELECT DISTINCT per statement, whatever the number of rows;
nothing when it touched none), with the id of the top-level transaction (`xid`): a reader takes every row
of a transaction its last snapshot had not seen committed, so a transaction that commits late is never
skipped (recommendations/search/index/changes.py). TRUNCATE notes a NULL id: read everything again. After a
TRUNCATE the transaction notes nothing more (the reset covers it), so the synthetic generator's million rows
cost no log.

Old rows are deleted by the readers (changes.purge); `recommendations_indexpurge.below` then says which
transactions' rows may be gone, and a process that had not read them starts afresh.
"""

from django.db import migrations

# The tables whose rows the index reads (the recommendation and its links), with their recommendation's column.
TABLES = {
    "recommendations_recommendation": "id",
    "recommendations_recommendation_recommending_states": "recommendation_id",
    "recommendations_recommendation_themes": "recommendation_id",
    "recommendations_recommendation_affected_groups": "recommendation_id",
    "recommendations_recommendation_sdgs": "recommendation_id",
}

CREATE = """
CREATE TABLE recommendations_indexchange (
    id bigserial PRIMARY KEY,
    xid bigint NOT NULL DEFAULT (pg_current_xact_id()::text::bigint),
    changed_at timestamptz NOT NULL DEFAULT now(),
    recommendation_id bigint
);
-- Readers ask for the rows of transactions from their horizon on; the purge for the oldest.
CREATE INDEX recommendations_indexchange_xid ON recommendations_indexchange (xid);
CREATE INDEX recommendations_indexchange_at ON recommendations_indexchange (changed_at);

CREATE TABLE recommendations_indexpurge (
    id smallint PRIMARY KEY CHECK (id = 1),
    below bigint NOT NULL
);
INSERT INTO recommendations_indexpurge (id, below) VALUES (1, 0);

CREATE FUNCTION recommendations_index_note_rows() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF current_setting('upr.index_reset', true) = 'on' THEN
        RETURN NULL;
    END IF;
    IF TG_OP = 'INSERT' THEN
        EXECUTE format('INSERT INTO recommendations_indexchange (recommendation_id) '
                       'SELECT DISTINCT %I FROM new_rows', TG_ARGV[0]);
    ELSIF TG_OP = 'DELETE' THEN
        EXECUTE format('INSERT INTO recommendations_indexchange (recommendation_id) '
                       'SELECT DISTINCT %I FROM old_rows', TG_ARGV[0]);
    ELSE
        EXECUTE format('INSERT INTO recommendations_indexchange (recommendation_id) '
                       'SELECT %1$I FROM old_rows UNION SELECT %1$I FROM new_rows', TG_ARGV[0]);
    END IF;
    RETURN NULL;
END
$$;

CREATE FUNCTION recommendations_index_note_reset() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF current_setting('upr.index_reset', true) IS DISTINCT FROM 'on' THEN
        PERFORM set_config('upr.index_reset', 'on', true);
        INSERT INTO recommendations_indexchange (recommendation_id) VALUES (NULL);
    END IF;
    RETURN NULL;
END
$$;
"""

DROP = """
DROP TABLE recommendations_indexchange;
DROP TABLE recommendations_indexpurge;
DROP FUNCTION recommendations_index_note_rows() CASCADE;
DROP FUNCTION recommendations_index_note_reset() CASCADE;
"""


def _triggers(table: str, column: str) -> str:
    note = f"FOR EACH STATEMENT EXECUTE FUNCTION recommendations_index_note_rows('{column}')"
    return (
        f"CREATE TRIGGER index_inserted AFTER INSERT ON {table} REFERENCING NEW TABLE AS new_rows {note};\n"
        f"CREATE TRIGGER index_updated AFTER UPDATE ON {table} "
        f"REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows {note};\n"
        f"CREATE TRIGGER index_deleted AFTER DELETE ON {table} REFERENCING OLD TABLE AS old_rows {note};\n"
        f"CREATE TRIGGER index_truncated AFTER TRUNCATE ON {table} "
        "FOR EACH STATEMENT EXECUTE FUNCTION recommendations_index_note_reset();"
    )


class Migration(migrations.Migration):
    dependencies = [("recommendations", "0031_watches")]

    operations = [
        migrations.RunSQL(CREATE, DROP),
        migrations.RunSQL("\n".join(_triggers(table, column) for table, column in TABLES.items()), ""),
    ]
