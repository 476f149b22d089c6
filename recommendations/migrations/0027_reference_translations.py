"""Names of theme schemes, themes, affected groups and SDGs in other languages (core/localized.py), filled from
recommendations/data/."""

import core.localized
from django.db import migrations, models


def load(apps, schema_editor):
    from recommendations.models.reference import load_translations

    load_translations(apps)


class Migration(migrations.Migration):

    dependencies = [
        ('recommendations', '0026_translatable_labels'),
        ('states', '0005_name_translations'),
    ]

    operations = [
        migrations.AddField(
            model_name='affectedgroup',
            name='name_translations',
            field=models.JSONField(blank=True, default=dict, help_text='By language code, e.g. fr and es. A language without one shows the English name.', validators=[core.localized.validate_translations], verbose_name='name in other languages'),
        ),
        migrations.AddField(
            model_name='historicalaffectedgroup',
            name='name_translations',
            field=models.JSONField(blank=True, default=dict, help_text='By language code, e.g. fr and es. A language without one shows the English name.', validators=[core.localized.validate_translations], verbose_name='name in other languages'),
        ),
        migrations.AddField(
            model_name='historicalsdg',
            name='name_translations',
            field=models.JSONField(blank=True, default=dict, help_text='By language code, e.g. fr and es. A language without one shows the English name.', validators=[core.localized.validate_translations], verbose_name='name in other languages'),
        ),
        migrations.AddField(
            model_name='historicaltheme',
            name='name_translations',
            field=models.JSONField(blank=True, default=dict, help_text='By language code, e.g. fr and es. A language without one shows the English name.', validators=[core.localized.validate_translations], verbose_name='name in other languages'),
        ),
        migrations.AddField(
            model_name='historicalthemescheme',
            name='name_translations',
            field=models.JSONField(blank=True, default=dict, help_text='By language code, e.g. fr and es. A language without one shows the English name.', validators=[core.localized.validate_translations], verbose_name='name in other languages'),
        ),
        migrations.AddField(
            model_name='sdg',
            name='name_translations',
            field=models.JSONField(blank=True, default=dict, help_text='By language code, e.g. fr and es. A language without one shows the English name.', validators=[core.localized.validate_translations], verbose_name='name in other languages'),
        ),
        migrations.AddField(
            model_name='theme',
            name='name_translations',
            field=models.JSONField(blank=True, default=dict, help_text='By language code, e.g. fr and es. A language without one shows the English name.', validators=[core.localized.validate_translations], verbose_name='name in other languages'),
        ),
        migrations.AddField(
            model_name='themescheme',
            name='name_translations',
            field=models.JSONField(blank=True, default=dict, help_text='By language code, e.g. fr and es. A language without one shows the English name.', validators=[core.localized.validate_translations], verbose_name='name in other languages'),
        ),
        migrations.RunPython(load, migrations.RunPython.noop),
    ]
