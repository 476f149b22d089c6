"""A backup restored into an empty database reproduces every row, audit entry and uploaded file."""

import datetime

import pytest
from django.core.management import call_command
from django.db import connection

from core.backup import connect, table_fingerprints
from recommendations import services
from recommendations.models import EvidenceSource


@pytest.fixture
def empty_database():
    db = {**connection.settings_dict, "NAME": "postgres"}
    name = f"{connection.settings_dict['NAME']}_restore"[:63]
    with connect(db) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')
    yield {**connection.settings_dict, "NAME": name}
    with connect(db) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_backup_then_restore_reproduces_every_table_and_file(
    tmp_path, settings, empty_database, review_kaz_2010, make_recommendation, org_a, editor_a
):
    settings.MEDIA_ROOT = tmp_path / "media"
    (settings.MEDIA_ROOT / "evidence").mkdir(parents=True)
    (settings.MEDIA_ROOT / "evidence" / "report.pdf").write_bytes(b"%PDF-1.7 evidence")
    recommendation = make_recommendation(review_kaz_2010)
    report = EvidenceSource.objects.create(title="World Report 2014", url="https://example.org/wr2014")
    services.record_assessment(
        recommendation=recommendation,
        status="not_implemented",
        assessed_on=datetime.date(2014, 1, 21),
        organisation=org_a,
        recorded_by=editor_a,
        citations=[(report, "Defenders face threats", "p. 3")],
    )
    source_fingerprints = table_fingerprints(connection.settings_dict)

    call_command("backup", output=tmp_path / "backups")
    backup_dir = next((tmp_path / "backups").iterdir())
    settings.MEDIA_ROOT = tmp_path / "restored-media"
    settings.DATABASES["default"] = empty_database  # the command restores into the configured database
    try:
        call_command("restore", backup_dir)
    finally:
        settings.DATABASES["default"] = connection.settings_dict

    restored = table_fingerprints(empty_database)
    assert restored == source_fingerprints
    assert restored["recommendations_recommendation"][0] == 1
    # The audit trail comes back with the data it describes.
    assert restored["recommendations_historicalimplementationassessment"][0] >= 1
    assert (tmp_path / "restored-media" / "evidence" / "report.pdf").read_bytes() == b"%PDF-1.7 evidence"


@pytest.mark.django_db
def test_restore_refuses_a_database_that_is_not_empty(tmp_path):
    from django.core.management.base import CommandError

    (tmp_path / "backup").mkdir()
    (tmp_path / "backup" / "manifest.json").write_text('{"tables": {}}')
    with pytest.raises(CommandError, match="is not empty"):
        call_command("restore", tmp_path / "backup")
