"""A briefing's title, introduction and conclusion by language: one `texts` column,
{"en": {"title": …, "introduction": …, "conclusion": …}, "fr": {…}}.

The texts written so far become the English ones, in the briefings and in their history, so the audit
trail still shows every earlier version of them. Empty parts are left out, as clean_texts() stores them.
"""

import django.db.models.lookups
from django.db import migrations, models

# {table}: the briefings or their history.
TO_TEXTS = """
UPDATE {table} SET texts = COALESCE(
    (SELECT jsonb_build_object('en', jsonb_object_agg(part, value))
       FROM (VALUES ('title', title), ('introduction', introduction), ('conclusion', conclusion)) AS parts(part, value)
      WHERE value ~ '\\S'
     HAVING count(*) > 0),
    '{{}}'::jsonb);
"""
FROM_TEXTS = """
UPDATE {table} SET title = COALESCE(texts #>> '{{en,title}}', ''),
                   introduction = COALESCE(texts #>> '{{en,introduction}}', ''),
                   conclusion = COALESCE(texts #>> '{{en,conclusion}}', '');
"""
TABLES = ("recommendations_briefing", "recommendations_historicalbriefing")
HELP = "Title, introduction and conclusion by language code; each part optional."


class Migration(migrations.Migration):
    dependencies = [("recommendations", "0027_reference_translations")]

    operations = [
        migrations.AddField(
            model_name="briefing",
            name="texts",
            field=models.JSONField(blank=True, default=dict, help_text=HELP, verbose_name="texts"),
        ),
        migrations.AddField(
            model_name="historicalbriefing",
            name="texts",
            field=models.JSONField(blank=True, default=dict, help_text=HELP, verbose_name="texts"),
        ),
        migrations.RunSQL(
            "".join(TO_TEXTS.format(table=table) for table in TABLES),
            reverse_sql="".join(FROM_TEXTS.format(table=table) for table in TABLES),
            elidable=False,
        ),
        *(
            migrations.RemoveField(model_name=model, name=name)
            for model in ("briefing", "historicalbriefing")
            for name in ("title", "introduction", "conclusion")
        ),
        migrations.AddConstraint(
            model_name="briefing",
            constraint=models.CheckConstraint(
                condition=django.db.models.lookups.Exact(
                    models.Func("texts", function="jsonb_typeof", output_field=models.CharField()),
                    models.Value("object"),
                ),
                name="briefing_texts_by_language",
            ),
        ),
    ]
