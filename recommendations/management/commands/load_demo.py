from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from recommendations.demo import load_demo

ADMIN_URL = "http://127.0.0.1:8000/admin/"


class Command(BaseCommand):
    help = (
        "Load the demo data (Kazakhstan's 2010 and 2014 reviews, assessed by ISHR) and a demo editor login. "
        "Idempotent: rows that exist are left as they are."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--allow-without-debug",
            action="store_true",
            help="Load even when DEBUG is off. The demo editor's password is published in the source code.",
        )

    def handle(self, *args, allow_without_debug: bool = False, **options):
        if not (settings.DEBUG or allow_without_debug):
            raise CommandError(
                "Refusing to load demo data with DEBUG off: it creates a staff user whose password is public. "
                "Use --allow-without-debug if this really is a throwaway database."
            )
        result = load_demo()
        self.stdout.write("Demo data (Kazakhstan, UPR sessions 7 and 20):")
        for label in result.labels:
            self.stdout.write(f"  {label}: {result.created[label]} created, {result.unchanged[label]} unchanged")
        password = result.editor_password or "unchanged, the existing password was kept"
        self.stdout.write(f"Demo editor login at {ADMIN_URL}")
        self.stdout.write(f"  username: {result.editor_username}")
        self.stdout.write(f"  password: {password}")
