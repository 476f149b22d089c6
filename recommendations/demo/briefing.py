"""The demo organisation's briefing on Kazakhstan: human rights defenders, first cycle.

`add_demo_briefing()` runs after `recommendations.demo.load_demo()` and, like
it, only fills in what is missing: an introduction or conclusion an editor
changed in the demo is kept across restarts. The texts are this project's own
words about the demo data, not the wording of any published briefing.
"""

from django.contrib.auth import get_user_model
from django.db import transaction

from recommendations import briefings, demo
from recommendations.models import AffectedGroup, Briefing, Cycle, Organisation
from states.models import State

GROUP = "Human rights defenders"
CYCLE = 1

TITLE = "Kazakhstan: protecting human rights defenders — what became of the 2010 commitments"
INTRODUCTION = """\
Kazakhstan's first Universal Periodic Review, in February 2010, produced a set of recommendations on the \
safety and work of human rights defenders, and the Government supported all of them.

This briefing sets out those recommendations and what civil society monitoring found about each one \
before the next review. Every finding cites the report or statement it rests on; the notes at the end \
list them."""
CONCLUSION = """\
The record since 2010 shows commitments accepted but not carried out: defenders still face harassment \
and prosecution, and the laws on assembly and libel that restrict their work are unchanged.

We ask recommending States to follow up on these recommendations in the next review, to ask the \
Government what it has done about each, and to put forward specific, measurable recommendations where \
the earlier ones were too general to be checked. This text is demo data."""


@transaction.atomic
def add_demo_briefing() -> None:
    """Create the demo organisation's published briefing texts unless they exist (load_demo() must have run)."""
    key = {
        "organisation": Organisation.objects.get(name=demo.ORGANISATION["name"]),
        "state": State.objects.get(iso3="KAZ"),
        "theme": None,
        "affected_group": AffectedGroup.objects.get(name=GROUP),
        "cycle": Cycle.objects.get(number=CYCLE),
    }
    if Briefing.objects.filter(**key).exists():
        return
    editor = get_user_model().objects.filter(username=demo.EDITOR_USERNAME).first()
    briefings.write_briefing(
        **key, title=TITLE, introduction=INTRODUCTION, conclusion=CONCLUSION, published=True, user=editor
    )
