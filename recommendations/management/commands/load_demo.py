from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from recommendations.demo import load_demo, reason_not_to_load
from recommendations.demo.advocacy import add_demo_asks
from recommendations.demo.briefing import add_demo_briefing
from recommendations.demo.followup import add_demo_repeats

SITE_URL = "http://127.0.0.1:8000"
ADMIN_URL = f"{SITE_URL}/admin/"
BRIEFING_URL = f"{SITE_URL}/states/KAZ/briefing/?affected_group=human-rights-defenders&cycle=1"


class Command(BaseCommand):
    help = (
        "Load the demo data (Kazakhstan's 2010 and 2014 reviews, assessed by ISHR) and a demo editor login. "
        "Idempotent: rows that exist are left as they are. Loads nothing once real recommendations are in or "
        "after remove_demo, and says why."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--allow-without-debug",
            action="store_true",
            help="Load even when DEBUG is off. The demo editor's password is published in the source code.",
        )

    def handle(self, *args, allow_without_debug: bool = False, **options):
        reason = reason_not_to_load()
        if reason:
            self.stdout.write(reason)
            return
        if not (settings.DEBUG or allow_without_debug):
            raise CommandError(
                "Refusing to load demo data with DEBUG off: it creates a staff user whose password is public. "
                "Use --allow-without-debug if this really is a throwaway database."
            )
        with transaction.atomic():
            result = load_demo()
            # Repeats confirmed across the two reviews, ISHR's asks for 2014 with their
            # uptake, and ISHR's introduction and conclusion to the briefing.
            add_demo_repeats()
            add_demo_asks()
            add_demo_briefing()
        self.stdout.write("Demo data (Kazakhstan, UPR sessions 7 and 20):")
        for label in result.labels:
            self.stdout.write(f"  {label}: {result.created[label]} created, {result.unchanged[label]} unchanged")
        password = result.editor_password or "unchanged, the existing password was kept"
        self.stdout.write(f"Demo editor login at {ADMIN_URL}")
        self.stdout.write(f"  username: {result.editor_username}")
        self.stdout.write(f"  password: {password}")
        self.stdout.write(f"Briefing on human rights defenders (2010 review): {BRIEFING_URL}")
