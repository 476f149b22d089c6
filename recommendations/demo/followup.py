"""The demo's cross-cycle repeats: three 2014 recommendations to Kazakhstan that repeat asks of 2010.

Runs after recommendations.demo.load_demo(). The suggestion service runs over
the two demo reviews first, as after an import; then the demo editor confirms
the true repeats. The demo's texts are short summaries reworded on purpose, so
the service does not find these pairs by itself: the editor links them, as
editors do with the repeats it misses. Idempotent: a second run changes nothing.
"""

from django.contrib.auth import get_user_model
from django.db import transaction

from recommendations import followup
from recommendations.demo import EDITOR_USERNAME, import_key
from recommendations.models import Recommendation, RepeatLink, Review, SuggestionStatus

STATE, EARLIER_SESSION, LATER_SESSION = "KAZ", 7, 20

# (later recommendation, the earlier one it repeats): keys of recommendations.demo's Rec entries.
REPEATS = (
    # Protect journalists and defenders from attacks, 2014 (Czech Republic) ← investigate abuses against
    # defenders and journalists, 2010 (Norway).
    ("cze-protect-journalists-and-defenders", "nor-investigate-attacks"),
    # Remove the obstacles to peaceful assemblies, 2014 (Norway) ← a new law on peaceful assembly, 2010 (Sweden).
    ("nor-peaceful-assembly", "swe-assembly-law"),
    # Decriminalise defamation as accepted in the previous cycle, 2014 (Ireland) ← the two 2010 asks to take
    # defamation and libel out of criminal law (United States, Australia).
    ("irl-defamation-follow-up", "usa-media-defamation"),
    ("irl-defamation-follow-up", "aus-criminal-libel"),
)


@transaction.atomic
def add_demo_repeats() -> None:
    """Suggest repeats for the demo reviews, then confirm REPEATS as the demo editor."""
    reviews = Review.objects.filter(state__iso3=STATE, session__number__in=(EARLIER_SESSION, LATER_SESSION))
    followup.suggest_repeats(reviews=reviews)
    editor = get_user_model().objects.get(username=EDITOR_USERNAME)
    recommendations = _demo_recommendations()
    for later_key, earlier_key in REPEATS:
        earlier = recommendations[import_key(STATE, EARLIER_SESSION, earlier_key)]
        later = recommendations[import_key(STATE, LATER_SESSION, later_key)]
        if not RepeatLink.objects.filter(earlier=earlier, later=later, status=SuggestionStatus.CONFIRMED).exists():
            followup.link_repeat(earlier=earlier, later=later, user=editor)


def _demo_recommendations() -> dict[str, Recommendation]:
    keys = {import_key(STATE, EARLIER_SESSION, earlier) for _, earlier in REPEATS} | {
        import_key(STATE, LATER_SESSION, later) for later, _ in REPEATS
    }
    found = {r.import_key: r for r in Recommendation.objects.filter(import_key__in=keys, review__state__iso3=STATE)}
    if len(found) != len(keys):
        raise RuntimeError("The demo recommendations are missing: run recommendations.demo.load_demo() first.")
    return found
