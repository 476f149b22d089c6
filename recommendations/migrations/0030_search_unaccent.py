"""Searches ignore diacritics: "Turkiye" finds "Türkiye", "refugies" finds "réfugiés".

Text search configurations of our own, upr_english, upr_french, upr_spanish and upr_simple, copy PostgreSQL's
and put the `unaccent` dictionary before each stemmer for words with letters outside ASCII (word, hword,
hword_part; ASCII words have nothing to strip). recommendations_search_config() (migration 0029) now names
them, so the trigger builds vectors with them and headlines parse texts as the vectors did;
models.SEARCH_CONFIGS is its copy for queries (tests/recommendations/test_text_languages.py checks they agree).

Every stored vector is rebuilt (the trigger recomputes it when search_vector is written), in batches of
BATCH ids: each UPDATE stays a bounded statement whose progress shows in pg_stat_activity, rather than one
statement over a million rows and their GIN entries. The migration stays one transaction, so a failure leaves
the old configurations and vectors whole.
"""

from django.db import migrations

BATCH = 50_000

CONFIGS = {"upr_english": "english", "upr_french": "french", "upr_spanish": "spanish"}

FORWARD = (
    "CREATE EXTENSION IF NOT EXISTS unaccent;\n"
    + "".join(
        f"""
CREATE TEXT SEARCH CONFIGURATION {name} (COPY = pg_catalog.{language});
ALTER TEXT SEARCH CONFIGURATION {name} ALTER MAPPING FOR hword, hword_part, word WITH unaccent, {language}_stem;
"""
        for name, language in CONFIGS.items()
    )
    + """
CREATE TEXT SEARCH CONFIGURATION upr_simple (COPY = pg_catalog.simple);
ALTER TEXT SEARCH CONFIGURATION upr_simple ALTER MAPPING FOR hword, hword_part, word WITH unaccent, simple;
"""
)

FUNCTION = """
CREATE OR REPLACE FUNCTION recommendations_search_config(language varchar) RETURNS regconfig
    LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT CASE language
               WHEN 'en' THEN '{schema}{prefix}english'
               WHEN 'fr' THEN '{schema}{prefix}french'
               WHEN 'es' THEN '{schema}{prefix}spanish'
               ELSE '{schema}{prefix}simple'
           END::regconfig
$$;
"""

BACKWARD = "".join(f"DROP TEXT SEARCH CONFIGURATION {name};\n" for name in [*CONFIGS, "upr_simple"])


def rebuild_vectors(apps, schema_editor) -> None:
    """Every vector again, with the function's current configurations, BATCH ids at a time."""
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SELECT min(id), max(id) FROM recommendations_recommendation")
        first, last = cursor.fetchone()
        if first is None:
            return
        for start in range(first, last + 1, BATCH):
            cursor.execute(
                "UPDATE recommendations_recommendation SET search_vector = NULL WHERE id >= %s AND id < %s",
                [start, start + BATCH],
            )


class Migration(migrations.Migration):
    dependencies = [("recommendations", "0029_recommendation_language")]

    operations = [
        migrations.RunSQL(FORWARD, reverse_sql=BACKWARD),
        # Going back, the vectors are rebuilt once the function names PostgreSQL's configurations again.
        migrations.RunPython(migrations.RunPython.noop, reverse_code=rebuild_vectors),
        migrations.RunSQL(
            FUNCTION.format(schema="", prefix="upr_"),
            reverse_sql=FUNCTION.format(schema="pg_catalog.", prefix=""),
        ),
        migrations.RunPython(rebuild_vectors, reverse_code=migrations.RunPython.noop),
    ]
