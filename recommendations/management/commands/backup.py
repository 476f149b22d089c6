from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from core.backup import BackupError, create_backup


class Command(BaseCommand):
    help = "Back up the database (pg_dump custom format) and uploaded files into a new folder."

    def add_arguments(self, parser):
        parser.add_argument(
            "--output", type=Path, default=settings.VAR_DIR / "backups", help="Folder to create the backup in."
        )

    def handle(self, *args, output: Path, **options):
        try:
            target = create_backup(
                db=settings.DATABASES["default"], media_root=Path(settings.MEDIA_ROOT), output_dir=output
            )
        except (BackupError, OSError) as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"Backup written to {target}")
