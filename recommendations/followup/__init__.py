"""Cross-cycle follow-up: which recommendations repeat an ask the same State was given in an earlier review.

The app suggests (suggest_repeats), editors confirm or dismiss (confirm_repeat,
dismiss_repeat), and the public pages show the confirmed chains
(repeat_histories): "First recommended in 2010, repeated in 2014 and 2019;
not implemented".

How two recommendations are judged alike, per State under review, in SQL:

1. Words. Each recommendation's lexemes (its search_vector: stemmed English,
   stop words gone) weighted by how rare they are among that State's
   recommendations (idf = ln(n / df)); the cosine of the two weight vectors.
   Rare words ("ombudsman", "non-refoulement", "cultural") decide; words
   every recommendation uses ("right", "ensure") barely count.
2. Characters. pg_trgm's similarity() of the two texts, which forgives what
   stemming does not ("preventive"/"preventative", "ICCPR"/"Covenant …").
3. Themes. The pair must share a theme; see THRESHOLD_UNCLASSIFIED for pairs
   whose themes cannot be compared.

The score is the mean of 1 and 2. Thresholds were tuned on UPR Info's
Kazakhstan export (sessions 7 and 20); `manage.py suggest_repeats --sample 50`
prints a random sample of suggestions (fixed seed) to judge by hand again.

Cost: the pairs are found by joining the recommendations' lexemes, so only
pairs sharing a word are ever scored, and similarity() runs only for the few
whose cosine passes COSINE_FLOOR. A run for one imported review reads its
State's recommendations once (timings in bench/NOTES.md).
"""

from recommendations.followup.decisions import check_pair, confirm_repeat, dismiss_repeat, link_repeat, may_decide
from recommendations.followup.histories import RepeatHistory, RepeatStep, history_sentence, repeat_histories
from recommendations.followup.suggest import (
    COSINE_FLOOR,
    PER_REVIEW,
    STOP_DF,
    THRESHOLD,
    THRESHOLD_UNCLASSIFIED,
    SuggestResult,
    states_to_process,
    suggest_repeats,
)

__all__ = [
    "COSINE_FLOOR",
    "PER_REVIEW",
    "STOP_DF",
    "THRESHOLD",
    "THRESHOLD_UNCLASSIFIED",
    "RepeatHistory",
    "RepeatStep",
    "SuggestResult",
    "check_pair",
    "confirm_repeat",
    "dismiss_repeat",
    "history_sentence",
    "link_repeat",
    "may_decide",
    "repeat_histories",
    "states_to_process",
    "suggest_repeats",
]
