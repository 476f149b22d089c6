from django.core.management.base import BaseCommand

from recommendations.demo import remove_demo


class Command(BaseCommand):
    help = (
        "Remove the demo data (its recommendations, assessments, evidence, asks, briefing, organisation and "
        "editor login), each deletion recorded in the history, leaving real data as it is. load_demo, which "
        "`make run` calls, never loads the demo again afterwards."
    )

    def handle(self, *args, **options):
        counts = remove_demo()
        if not counts:
            self.stdout.write("No demo data found; load_demo will not load it from now on.")
            return
        self.stdout.write("Demo data removed (each deletion is in the history):")
        for label in sorted(counts, key=lambda label: (label != "recommendations", label)):
            self.stdout.write(f"  {label}: {counts[label]}")
        self.stdout.write("Real data is as it was; load_demo will not load the demo again.")
