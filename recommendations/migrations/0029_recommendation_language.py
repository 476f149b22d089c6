"""Recommendation texts in the language of their source: `language` (ISO 639-1), and a search vector stemmed
for it.

- `language` has a column default in the database ('en'), so PostgreSQL adds it to the million rows without
  rewriting the table (a constant default is kept in the catalogue) and COPY writes get English unnamed.
- The search vector was a generated column stemmed in English. PostgreSQL 15 cannot change a generation
  expression in place (only drop the column and add it again: a rewrite of the table and of its GIN index), so
  the column keeps its values and becomes an ordinary one (DROP EXPRESSION: no rewrite), which a trigger keeps
  from then on: to_tsvector(the language's configuration, text) whenever a row is inserted or its text or
  language is written, whatever writes it. Every existing row is English: its vector is already right.
- recommendations_search_config() is the one table from language to configuration in the database (the
  trigger, and the headlines of search results, which must stem as the vector did); SEARCH_CONFIGS in
  models/recommendation.py is its copy for building queries (tests/recommendations/test_text_languages.py
  checks they agree). recommendations_any_of() ORs the different parses of a search (search/text.py).
- A partial index on the few rows not in English answers "which languages are there?" in a probe per
  language, and ?language=fr.
"""

import django.contrib.postgres.search
from django.db import migrations, models

TRIGGER = """
ALTER TABLE recommendations_recommendation ALTER COLUMN search_vector DROP EXPRESSION;

CREATE FUNCTION recommendations_search_config(language varchar) RETURNS regconfig
    LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT CASE language
               WHEN 'en' THEN 'pg_catalog.english'
               WHEN 'fr' THEN 'pg_catalog.french'
               WHEN 'es' THEN 'pg_catalog.spanish'
               ELSE 'pg_catalog.simple'
           END::regconfig
$$;

-- The queries that differ, ORed: a search parses its words in each language in use, often to the same query.
-- Immutable, so PostgreSQL evaluates it once when planning (its result is a constant the GIN index takes).
CREATE FUNCTION recommendations_any_of(VARIADIC queries tsquery[]) RETURNS tsquery
    LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $$
DECLARE
    combined tsquery;
    seen tsquery[] := '{}';
    query tsquery;
BEGIN
    FOREACH query IN ARRAY queries LOOP
        IF NOT query = ANY (seen) THEN
            combined := CASE WHEN combined IS NULL THEN query ELSE combined || query END;
            seen := seen || query;
        END IF;
    END LOOP;
    RETURN combined;
END
$$;

CREATE FUNCTION recommendations_search_vector() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.search_vector := to_tsvector(recommendations_search_config(NEW.language), COALESCE(NEW.text, ''));
    RETURN NEW;
END
$$;
CREATE TRIGGER recommendation_search_vector
    BEFORE INSERT OR UPDATE OF text, language, search_vector ON recommendations_recommendation
    FOR EACH ROW EXECUTE FUNCTION recommendations_search_vector();
"""

# Back to the English generated column (a rewrite of the table, which only going back costs).
GENERATED = """
DROP TRIGGER recommendation_search_vector ON recommendations_recommendation;
DROP FUNCTION recommendations_search_vector();
DROP FUNCTION recommendations_search_config(varchar);
DROP FUNCTION recommendations_any_of(tsquery[]);
ALTER TABLE recommendations_recommendation DROP COLUMN search_vector;
ALTER TABLE recommendations_recommendation ADD COLUMN search_vector tsvector
    GENERATED ALWAYS AS (to_tsvector('english'::regconfig, COALESCE(text, ''::text))) STORED;
CREATE INDEX recommendation_search_idx ON recommendations_recommendation USING gin (search_vector);
"""

LANGUAGE = models.CharField(
    db_default="en",
    default="en",
    help_text="ISO 639-1 code of the language of the text, as its source gives it (en, fr, es …).",
    max_length=2,
    verbose_name="language",
)


class Migration(migrations.Migration):
    dependencies = [("recommendations", "0028_briefing_languages")]

    operations = [
        migrations.AddField(model_name="recommendation", name="language", field=LANGUAGE),
        migrations.AddField(model_name="historicalrecommendation", name="language", field=LANGUAGE),
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="recommendation",
                    name="search_vector",
                    field=django.contrib.postgres.search.SearchVectorField(
                        blank=True, db_default=None, editable=False, null=True, verbose_name="search vector"
                    ),
                ),
            ],
            database_operations=[migrations.RunSQL(TRIGGER, reverse_sql=GENERATED, elidable=False)],
        ),
        migrations.AddIndex(
            model_name="recommendation",
            index=models.Index(
                condition=models.Q(("language", "en"), _negated=True),
                fields=["language"],
                name="recommendation_language_idx",
            ),
        ),
        migrations.AddConstraint(
            model_name="recommendation",
            constraint=models.CheckConstraint(
                condition=models.Q(("language__regex", "^[a-z]{2}$")), name="recommendation_language_iso_639_1"
            ),
        ),
    ]
