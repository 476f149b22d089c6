"""recommendation.state_under_review, like session_number, kept by triggers.

Until now state_under_review was copied by Python in five places (Recommendation.save, bulk_create and
bulk_update, Review.save, the COPY importer, the synthetic generator), and Review.objects.update(state=…)
or raw SQL skipped them all. Now one trigger copies both columns from the review whatever writes the row:
- a recommendation inserted, or given another review (or a copy of its own), takes its review's State and
  session number;
- a review given another State or session moves its recommendations (it touches their review_id, which
  fires the recommendations' trigger);
- a renumbered session moves the recommendations of its reviews (migration 0013, unchanged).

Both columns default to NULL in the database (the NOT NULL check comes after the BEFORE trigger) so Django
leaves them out of an INSERT and reads the trigger's values back with RETURNING: a new instance holds them.
"""

import django.db.models.deletion
from django.db import migrations, models

TRIGGERS = """
DROP TRIGGER recommendation_session_number ON recommendations_recommendation;
DROP FUNCTION recommendations_copy_session_number();
DROP TRIGGER review_session_number ON recommendations_review;
DROP FUNCTION recommendations_review_moves_session_number();

CREATE FUNCTION recommendations_copy_review() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    SELECT review.state_id, session.number INTO NEW.state_under_review_id, NEW.session_number
      FROM recommendations_review AS review
      JOIN recommendations_session AS session ON session.id = review.session_id
     WHERE review.id = NEW.review_id;
    RETURN NEW;
END
$$;
CREATE TRIGGER recommendation_copies_review
    BEFORE INSERT OR UPDATE OF review_id, state_under_review_id, session_number ON recommendations_recommendation
    FOR EACH ROW EXECUTE FUNCTION recommendations_copy_review();

CREATE FUNCTION recommendations_review_moves_copies() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    -- Naming review_id fires the recommendations' own trigger, which reads the review as it is now.
    UPDATE recommendations_recommendation SET review_id = review_id WHERE review_id = NEW.id;
    RETURN NULL;
END
$$;
CREATE TRIGGER review_moves_copies
    AFTER UPDATE OF state_id, session_id ON recommendations_review
    FOR EACH ROW WHEN (OLD.state_id IS DISTINCT FROM NEW.state_id OR OLD.session_id IS DISTINCT FROM NEW.session_id)
    EXECUTE FUNCTION recommendations_review_moves_copies();
"""

# Migration 0013's triggers, and no trigger for the State (Python kept it before).
DROP_TRIGGERS = """
DROP TRIGGER review_moves_copies ON recommendations_review;
DROP FUNCTION recommendations_review_moves_copies();
DROP TRIGGER recommendation_copies_review ON recommendations_recommendation;
DROP FUNCTION recommendations_copy_review();

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
    UPDATE recommendations_recommendation SET session_number = NULL WHERE review_id = NEW.id;
    RETURN NULL;
END
$$;
CREATE TRIGGER review_session_number
    AFTER UPDATE OF session_id ON recommendations_review
    FOR EACH ROW WHEN (OLD.session_id IS DISTINCT FROM NEW.session_id)
    EXECUTE FUNCTION recommendations_review_moves_session_number();
"""


class Migration(migrations.Migration):
    dependencies = [("recommendations", "0019_briefing_version"), ("states", "0003_history")]

    operations = [
        migrations.RunSQL(TRIGGERS, reverse_sql=DROP_TRIGGERS, elidable=False),
        migrations.AlterField(
            model_name="recommendation",
            name="state_under_review",
            field=models.ForeignKey(
                blank=True,
                db_default=None,
                db_index=False,
                editable=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="states.state",
                verbose_name="State under review",
            ),
        ),
        migrations.AlterField(
            model_name="recommendation",
            name="session_number",
            field=models.PositiveSmallIntegerField(
                blank=True, db_default=None, editable=False, verbose_name="session number"
            ),
        ),
        migrations.AlterField(
            model_name="historicalrecommendation",
            name="state_under_review",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                db_default=None,
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="states.state",
                verbose_name="State under review",
            ),
        ),
    ]
