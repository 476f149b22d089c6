"""recommendation.session_number: a copy of its review's session number, kept by triggers.

ordering=session (the standard set's deep page, the search page's "by session") joined every
recommendation to its review and session before it could order them: 2.3 ms for a page at row
20,000 of a million, growing with the depth. With the copy and an index on (session_number, id),
a page is one index range from the cursor on; with (state_under_review, session_number, id), a
State's page by session reads that State's last session only.

The triggers keep the copy whatever writes the rows (the ORM, bulk_create, the COPY importer, the
synthetic generator, raw SQL), so no write path can forget it:
- a recommendation inserted, or given another review (or a session_number of its own), takes its
  review's session number;
- a review moved to another session moves its recommendations;
- a renumbered session moves the recommendations of its reviews.
"""

from django.db import migrations, models

FILL = [
    # Every row of a big table: longer than the connection's statement_timeout allows.
    "SET LOCAL statement_timeout = 0",
    """UPDATE recommendations_recommendation AS rec
          SET session_number = session.number
         FROM recommendations_review AS review
         JOIN recommendations_session AS session ON session.id = review.session_id
        WHERE review.id = rec.review_id""",
]

TRIGGERS = """
CREATE FUNCTION recommendations_copy_session_number() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    SELECT session.number INTO NEW.session_number
      FROM recommendations_review AS review
      JOIN recommendations_session AS session ON session.id = review.session_id
     WHERE review.id = NEW.review_id;
    RETURN NEW;
END
$$;
CREATE TRIGGER recommendation_session_number
    BEFORE INSERT OR UPDATE OF review_id, session_number ON recommendations_recommendation
    FOR EACH ROW EXECUTE FUNCTION recommendations_copy_session_number();

CREATE FUNCTION recommendations_review_moves_session_number() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    -- The recommendations' own trigger reads the new session through the review.
    UPDATE recommendations_recommendation SET session_number = NULL WHERE review_id = NEW.id;
    RETURN NULL;
END
$$;
CREATE TRIGGER review_session_number
    AFTER UPDATE OF session_id ON recommendations_review
    FOR EACH ROW WHEN (OLD.session_id IS DISTINCT FROM NEW.session_id)
    EXECUTE FUNCTION recommendations_review_moves_session_number();

CREATE FUNCTION recommendations_session_renumbers() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE recommendations_recommendation SET session_number = NULL
     WHERE review_id IN (SELECT id FROM recommendations_review WHERE session_id = NEW.id);
    RETURN NULL;
END
$$;
CREATE TRIGGER session_session_number
    AFTER UPDATE OF number ON recommendations_session
    FOR EACH ROW WHEN (OLD.number IS DISTINCT FROM NEW.number)
    EXECUTE FUNCTION recommendations_session_renumbers();
"""

DROP_TRIGGERS = """
DROP TRIGGER session_session_number ON recommendations_session;
DROP FUNCTION recommendations_session_renumbers();
DROP TRIGGER review_session_number ON recommendations_review;
DROP FUNCTION recommendations_review_moves_session_number();
DROP TRIGGER recommendation_session_number ON recommendations_recommendation;
DROP FUNCTION recommendations_copy_session_number();
"""


class Migration(migrations.Migration):
    dependencies = [("recommendations", "0012_link_covering_indexes")]

    operations = [
        migrations.AddField(
            model_name="recommendation",
            name="session_number",
            field=models.PositiveSmallIntegerField(blank=True, editable=False, null=True, verbose_name="session number"),
        ),
        migrations.RunSQL(FILL, reverse_sql=migrations.RunSQL.noop, elidable=False),
        migrations.AlterField(
            model_name="recommendation",
            name="session_number",
            field=models.PositiveSmallIntegerField(blank=True, editable=False, verbose_name="session number"),
        ),
        migrations.RunSQL(TRIGGERS, reverse_sql=DROP_TRIGGERS, elidable=False),
        migrations.AddIndex(
            model_name="recommendation",
            index=models.Index(fields=["session_number", "id"], name="recommendation_session_idx"),
        ),
        migrations.AddIndex(
            model_name="recommendation",
            index=models.Index(
                fields=["state_under_review", "session_number", "id"], name="recommendation_state_sess_idx"
            ),
        ),
        # Statistics for the new column now, so the planner uses the index before autovacuum's ANALYZE.
        migrations.RunSQL("ANALYZE recommendations_recommendation", reverse_sql=migrations.RunSQL.noop),
    ]
