# The document field links to the permission-checked download view (recommendations/models/storage.py); no SQL.

import django.core.validators
import recommendations.models.storage
from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('recommendations', '0017_briefing_data_version'),
    ]

    operations = [
        migrations.AlterField(
            model_name='evidencesource',
            name='document',
            field=recommendations.models.storage.EvidenceDocumentField(blank=True, help_text='Optional copy (PDF or DOCX), served only to those who may see an assessment citing it.', max_length=300, storage=recommendations.models.storage.evidence_storage, upload_to='evidence/%Y/%m/', validators=[django.core.validators.FileExtensionValidator(['pdf', 'docx'])]),
        ),
    ]
