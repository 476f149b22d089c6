"""API tokens (django-rest-knox, KNOX_TOKEN_MODEL = recommendations.APIToken): hashed, named, scoped, expiring.

Knox's own migrations are switched off (MIGRATION_MODULES in settings): they would create a table for
knox's default token model, which is swapped out. The next migration converts DRF's plaintext tokens.
"""

import django.db.models.deletion
import simple_history.models
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("recommendations", "0014_evidence_owner_revisions"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='HistoricalAPIToken',
            fields=[
                ('token_key', models.CharField(db_index=True, max_length=25)),
                ('created', models.DateTimeField(blank=True, editable=False)),
                ('id', models.BigIntegerField(blank=True, db_index=True)),
                ('expiry', models.DateTimeField(help_text='After this moment the key is refused.', verbose_name='expires at')),
                ('name', models.CharField(help_text='What the token is for, e.g. "Partner site sync"; shown in the list of tokens.', max_length=100)),
                ('scope', models.CharField(choices=[('read', 'Read only'), ('write', 'Read and write')], default='read', help_text='A read-only token is refused every write (403).', max_length=10)),
                ('history_id', models.AutoField(primary_key=True, serialize=False)),
                ('history_date', models.DateTimeField(db_index=True)),
                ('history_change_reason', models.CharField(max_length=100, null=True)),
                ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                ('history_user', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('organisation', models.ForeignKey(blank=True, db_constraint=False, help_text='The one organisation requests with this token act for (the user must be a member). Without one, the token reads and submits assessments for moderation only.', null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='recommendations.organisation')),
                ('user', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'verbose_name': 'historical API token',
                'verbose_name_plural': 'historical API tokens',
                'ordering': ('-history_date', '-history_id'),
                'get_latest_by': ('history_date', 'history_id'),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name='APIToken',
            fields=[
                ('token_key', models.CharField(db_index=True, max_length=25)),
                ('created', models.DateTimeField(auto_now_add=True)),
                ('id', models.BigAutoField(primary_key=True, serialize=False)),
                ('digest', models.CharField(editable=False, max_length=128, unique=True)),
                ('expiry', models.DateTimeField(help_text='After this moment the key is refused.', verbose_name='expires at')),
                ('name', models.CharField(help_text='What the token is for, e.g. "Partner site sync"; shown in the list of tokens.', max_length=100)),
                ('scope', models.CharField(choices=[('read', 'Read only'), ('write', 'Read and write')], default='read', help_text='A read-only token is refused every write (403).', max_length=10)),
                ('last_used_at', models.DateTimeField(blank=True, editable=False, help_text='Recorded at most every few minutes.', null=True)),
                ('organisation', models.ForeignKey(blank=True, help_text='The one organisation requests with this token act for (the user must be a member). Without one, the token reads and submits assessments for moderation only.', null=True, on_delete=django.db.models.deletion.CASCADE, related_name='api_tokens', to='recommendations.organisation')),
                ('user', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='auth_token_set', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'verbose_name': 'API token',
                'constraints': [models.CheckConstraint(condition=models.Q(('scope__in', ['read', 'write'])), name='api_token_scope_valid'), models.CheckConstraint(condition=models.Q(('expiry__gt', models.F('created'))), name='api_token_expires')],
            },
        ),
    ]
