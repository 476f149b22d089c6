from django.db import migrations


def load(apps, schema_editor):
    from recommendations.models.reference import load_all

    load_all(apps)


class Migration(migrations.Migration):
    dependencies = [("recommendations", "0001_initial"), ("states", "0002_reference_data")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
