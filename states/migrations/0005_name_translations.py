"""States', regional groups' and blocs' names in other languages (core/localized.py), filled from states/data/."""

import core.localized
from django.db import migrations, models


def load(apps, schema_editor):
    from states.reference import load_translations

    load_translations(apps)


class Migration(migrations.Migration):

    dependencies = [
        ('states', '0004_translatable_labels'),
    ]

    operations = [
        migrations.AddField(
            model_name='bloc',
            name='name_translations',
            field=models.JSONField(blank=True, default=dict, help_text='By language code, e.g. fr and es. A language without one shows the English name.', validators=[core.localized.validate_translations], verbose_name='name in other languages'),
        ),
        migrations.AddField(
            model_name='historicalbloc',
            name='name_translations',
            field=models.JSONField(blank=True, default=dict, help_text='By language code, e.g. fr and es. A language without one shows the English name.', validators=[core.localized.validate_translations], verbose_name='name in other languages'),
        ),
        migrations.AddField(
            model_name='historicalregionalgroup',
            name='name_translations',
            field=models.JSONField(blank=True, default=dict, help_text='By language code, e.g. fr and es. A language without one shows the English name.', validators=[core.localized.validate_translations], verbose_name='name in other languages'),
        ),
        migrations.AddField(
            model_name='historicalstate',
            name='name_translations',
            field=models.JSONField(blank=True, default=dict, help_text='By language code, e.g. fr and es. A language without one shows the English name.', validators=[core.localized.validate_translations], verbose_name='name in other languages'),
        ),
        migrations.AddField(
            model_name='regionalgroup',
            name='name_translations',
            field=models.JSONField(blank=True, default=dict, help_text='By language code, e.g. fr and es. A language without one shows the English name.', validators=[core.localized.validate_translations], verbose_name='name in other languages'),
        ),
        migrations.AddField(
            model_name='state',
            name='name_translations',
            field=models.JSONField(blank=True, default=dict, help_text='By language code, e.g. fr and es. A language without one shows the English name.', validators=[core.localized.validate_translations], verbose_name='name in other languages'),
        ),
        migrations.RunPython(load, migrations.RunPython.noop),
    ]
