"""Advocacy asks: the recommendations an organisation wants States to make, and their uptake.

- `asks`: who sees and decides an ask, the editors' decisions on its matches, and what became of the
  asks per review (`uptake`, `proposals_for_briefing`).
- `matching`: suggested matches, by full-text rank and trigram similarity (`suggest_matches`,
  `run_suggestions`).
"""

from recommendations.advocacy.asks import (
    AskUptake,
    ReviewUptake,
    can_change_proposal,
    can_decide,
    confirm_match,
    confirm_recommendation,
    dismiss_match,
    editable_proposals,
    next_review,
    proposals_for_briefing,
    uptake,
    visible_proposals,
)
from recommendations.advocacy.matching import SuggestionRun, match_score, run_suggestions, suggest_matches

__all__ = [
    "AskUptake",
    "ReviewUptake",
    "SuggestionRun",
    "can_change_proposal",
    "can_decide",
    "confirm_match",
    "confirm_recommendation",
    "dismiss_match",
    "editable_proposals",
    "match_score",
    "next_review",
    "proposals_for_briefing",
    "run_suggestions",
    "suggest_matches",
    "uptake",
    "visible_proposals",
]
