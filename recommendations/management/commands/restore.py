from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from core.backup import BackupError, restore_backup


class Command(BaseCommand):
    help = "Restore a backup folder into the configured database (which must be empty) and MEDIA_ROOT."

    def add_arguments(self, parser):
        parser.add_argument("backup", type=Path, help="A folder written by `manage.py backup`.")
        parser.add_argument(
            "--force", action="store_true", help="Replace the tables of a non-empty database and existing files."
        )

    def handle(self, *args, backup: Path, force: bool, **options):
        try:
            differences = restore_backup(
                backup_dir=backup, db=settings.DATABASES["default"], media_root=Path(settings.MEDIA_ROOT), force=force
            )
        except (BackupError, OSError) as exc:
            raise CommandError(str(exc)) from exc
        if differences:
            raise CommandError(f"Restored, but these tables differ from the backup's manifest: {sorted(differences)}")
        self.stdout.write(f"Restored {backup}: every table matches the backup's row counts and checksums.")
