"""Finding likely repeats: the set-wise SQL behind suggest_repeats (see the package docstring for the method)."""

from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import connection, transaction
from django.db.models import QuerySet

from core.bulk import write_history
from recommendations.models import Recommendation, RepeatLink, Review, Session, Theme

# A pair is suggested when it shares a theme and scores at least this (0 to 1). Judged by hand on UPR
# Info's Kazakhstan export (129 recommendations of 2010, 198 of 2014; every pair scoring 0.30 or more,
# 111): 0.35 suggests 55 pairs of which 45 are true repeats (82%); 0.40 suggests 36, 32 true (89%),
# but misses 13 of the 45 true ones 0.35 finds. Editors confirm every suggestion, so recall wins.
# Most false suggestions confuse treaties with near-identical names (the Optional Protocol to the
# ICESCR, the Second Optional Protocol to the ICCPR, the Optional Protocol to the CRPD).
THRESHOLD = 0.35
# A pair whose themes cannot be compared (one side has none, or the two were classified in different
# schemes, e.g. UPR Info's issues for cycle 1 and OHCHR's themes for cycle 3) has no theme evidence
# either way, so its text alone must be clearly alike: on the same sample with the themes ignored,
# all 18 pairs scoring 0.50 or more were true repeats, 7 of the 10 between 0.45 and 0.50. A pair
# classified in the same scheme under disjoint themes is never suggested: the classifier said they
# are about different things, and decoys sharing only boilerplate ("in line with international
# standards", "share its experience") are exactly those.
THRESHOLD_UNCLASSIFIED = 0.50
# Pairs whose word cosine is below this are dropped before similarity() runs on their texts; on the
# sample no pair below it reached THRESHOLD.
COSINE_FLOOR = 0.25
# Best suggestions kept per later recommendation and earlier review: a generic later ask ("Abolish the
# death penalty") otherwise gathers every earlier one that mentions it.
PER_REVIEW = 3
# A lexeme in more of the State's recommendations than this ("right", "human", "ensure") is left out:
# its weight is small anyway, and joining on it is what makes the number of pairs quadratic (for the
# largest States of the benchmark, bench/NOTES.md). Real States (a few hundred recommendations per
# review) keep nearly every word.
STOP_DF = 200

HISTORY_REASON = "suggest_repeats"

_LINK = RepeatLink._meta.db_table
_TABLES = {
    "recommendation": Recommendation._meta.db_table,
    "review": Review._meta.db_table,
    "session": Session._meta.db_table,
    "rec_theme": Recommendation.themes.through._meta.db_table,
    "theme": Theme._meta.db_table,
    "link": _LINK,
}

# One row per (recommendation, lexeme) of the State's recommendations, with the lexeme's weight and
# the length (norm) of the recommendation's weight vector.
_TERMS_SQL = """
CREATE TEMP TABLE followup_terms AS
WITH corpus AS (
    SELECT r.id, r.review_id, se.number AS session, r.review_id = ANY(%(targets)s) AS targeted, r.search_vector
      FROM {recommendation} r
      JOIN {review} v ON v.id = r.review_id
      JOIN {session} se ON se.id = v.session_id
     WHERE r.state_under_review_id = %(state)s
), terms AS (
    SELECT c.id, c.review_id, c.session, c.targeted, t.lexeme
      FROM corpus c CROSS JOIN LATERAL unnest(tsvector_to_array(c.search_vector)) AS t(lexeme)
), frequency AS (
    SELECT lexeme, count(*) AS df FROM terms GROUP BY lexeme
), weighted AS (
    -- (N + 1) / df: a word in every text of a small corpus still weighs something (ln 1 would be 0).
    SELECT t.*, f.df, ln(((SELECT count(*) FROM corpus) + 1)::float8 / f.df) AS idf
      FROM terms t JOIN frequency f USING (lexeme)
     WHERE f.df <= %(stop_df)s
)
SELECT w.*, sqrt(sum(w.idf * w.idf) OVER (PARTITION BY w.id)) AS norm FROM weighted w
"""

# Pairs sharing a word, with their cosine, when it reaches COSINE_FLOOR. Each pair has a targeted
# side; pairs with both sides targeted are joined once (a.id < b.id). The earlier one is the one in
# the earlier session (two reviews of one State are never in the same session).
_CANDIDATES_SQL = """
CREATE TEMP TABLE followup_candidates AS
SELECT CASE WHEN a.session < b.session THEN a.id ELSE b.id END AS earlier_id,
       CASE WHEN a.session < b.session THEN b.id ELSE a.id END AS later_id,
       sum(a.idf * a.idf) / (min(a.norm) * min(b.norm)) AS cosine
  FROM followup_terms a
  JOIN followup_terms b ON b.lexeme = a.lexeme AND b.review_id <> a.review_id
 WHERE a.targeted AND a.df > 1 AND (NOT b.targeted OR a.id < b.id)
   -- A recommendation whose every word is in all of the State's has nothing to compare by (norm 0).
   AND a.norm > 0 AND b.norm > 0
 GROUP BY 1, 2
HAVING sum(a.idf * a.idf) >= %(cosine_floor)s * min(a.norm) * min(b.norm)
"""

# The themes of the candidates' recommendations, as small arrays (a candidate pair compares two
# arrays instead of looking its themes up: a large State has hundreds of thousands of candidates).
_THEMES_SQL = """
CREATE TEMP TABLE followup_themes AS
SELECT rt.recommendation_id AS id, array_agg(rt.theme_id) AS themes, array_agg(DISTINCT t.scheme_id) AS schemes
  FROM (SELECT earlier_id AS id FROM followup_candidates UNION SELECT later_id FROM followup_candidates) AS c
  JOIN {rec_theme} rt ON rt.recommendation_id = c.id
  JOIN {theme} t ON t.id = rt.theme_id
 GROUP BY rt.recommendation_id
"""

# The candidates that pass, at most PER_REVIEW per (later recommendation, earlier review).
# similarity() (trigrams of both texts, the costly part) runs only for the pairs the themes let
# through. Each step is its own statement after an ANALYZE of the one before: planned as one, the
# row estimates were off by orders of magnitude and PostgreSQL read the whole recommendation table.
_PASS_SQL = """
CREATE TEMP TABLE followup_pass AS
WITH themed AS MATERIALIZED (
    SELECT c.earlier_id, c.later_id, c.cosine,
           (SELECT count(*) FROM unnest(te.themes) AS x(id) WHERE x.id = ANY(tl.themes)) AS shared,
           coalesce(te.schemes && tl.schemes, false) AS comparable
      FROM followup_candidates c
      LEFT JOIN followup_themes te ON te.id = c.earlier_id
      LEFT JOIN followup_themes tl ON tl.id = c.later_id
), judged AS (
    SELECT t.earlier_id, t.later_id, e.review_id AS earlier_review_id, t.shared,
           least(1.0, (t.cosine + similarity(e.text, l.text)) / 2) AS score
      FROM themed t
      JOIN {recommendation} e ON e.id = t.earlier_id
      JOIN {recommendation} l ON l.id = t.later_id
     WHERE t.shared > 0 OR NOT t.comparable
), ranked AS (
    SELECT j.*, row_number() OVER (
               PARTITION BY j.later_id, j.earlier_review_id ORDER BY j.score DESC, j.earlier_id
           ) AS rank
      FROM judged j
     WHERE j.score >= CASE WHEN j.shared > 0 THEN %(threshold)s ELSE %(threshold_unclassified)s END
)
SELECT earlier_id, later_id, score, shared FROM ranked WHERE rank <= %(per_review)s
"""

_KEPT_SQL = """
SELECT count(*) FROM {link} k JOIN followup_pass p USING (earlier_id, later_id) WHERE k.status = 'suggested'
"""

# A kept suggestion's score follows its texts; a change under 0.01 (the State's word weights move a
# little with every import) is not worth an audit row.
_RESCORE_SQL = """
UPDATE {link} AS k
   SET score = p.score, shared_themes = p.shared, updated_at = now()
  FROM followup_pass p
 WHERE k.earlier_id = p.earlier_id AND k.later_id = p.later_id AND k.status = 'suggested'
   AND (abs(k.score - p.score) >= 0.01 OR k.shared_themes <> p.shared)
RETURNING k.id
"""

# ON CONFLICT: a pair already linked (suggested, confirmed or dismissed) is left as it is, so a
# dismissed pair is never suggested again and a decision is never overwritten.
_INSERT_SQL = """
INSERT INTO {link} (earlier_id, later_id, score, shared_themes, status, created_at, updated_at)
SELECT earlier_id, later_id, score, shared, 'suggested', now(), now() FROM followup_pass
    ON CONFLICT (earlier_id, later_id) DO NOTHING
RETURNING id
"""

# Suggestions touching the targeted reviews that no longer pass (texts, themes or thresholds changed,
# or a recommendation moved to another State). Decided links stay whatever the texts say now.
_STALE_SQL = """
SELECT k.id
  FROM (SELECT k.* FROM {recommendation} r JOIN {link} k ON k.earlier_id = r.id WHERE r.review_id = ANY(%(targets)s)
        UNION
        SELECT k.* FROM {recommendation} r JOIN {link} k ON k.later_id = r.id WHERE r.review_id = ANY(%(targets)s)) AS k
 WHERE k.status = 'suggested'
   AND NOT EXISTS (SELECT 1 FROM followup_pass p WHERE p.earlier_id = k.earlier_id AND p.later_id = k.later_id)
"""


@dataclass
class SuggestResult:
    suggested: int = 0  # new suggestions
    kept: int = 0  # suggestions that were there and still pass
    removed: int = 0  # suggestions that no longer pass
    states: int = 0
    seconds: float = 0.0

    def add(self, other: SuggestResult) -> None:
        self.suggested += other.suggested
        self.kept += other.kept
        self.removed += other.removed
        self.states += other.states

    def summary(self) -> str:
        return (
            f"{self.suggested} suggested, {self.kept} kept, {self.removed} removed "
            f"({self.states} State{'s' if self.states != 1 else ''}) in {self.seconds:.1f} s"
        )


@transaction.atomic
def suggest_repeats(*, reviews: Iterable[Review | int] | QuerySet | None = None) -> SuggestResult:
    """Suggest repeats for the recommendations of `reviews` (None: all) against their States' other reviews.

    Inserts new suggestions, refreshes the score of kept ones and removes those
    that no longer pass; confirmed and dismissed links are never touched.
    A dozen statements per State, whatever the number of recommendations:
    one or two seconds for an imported review. For every State at once, see
    `manage.py suggest_repeats --all` (one transaction per State).
    """
    started = time.monotonic()
    result = SuggestResult()
    for state_id, targets in states_to_process(reviews).items():
        result.add(_suggest_for_state(state_id, targets))
    result.seconds = time.monotonic() - started
    return result


def states_to_process(reviews: Iterable[Review | int] | QuerySet | None = None) -> dict[int, list[int]]:
    """{State id: its review ids among `reviews` (None: all)}: what suggest_repeats works through."""
    queryset = Review.objects.order_by("state_id", "id")
    if reviews is not None:
        ids = reviews.values("pk") if isinstance(reviews, QuerySet) else [getattr(r, "pk", r) for r in reviews]
        queryset = queryset.filter(pk__in=ids)
    targets: dict[int, list[int]] = {}
    for review_id, state_id in queryset.values_list("pk", "state_id"):
        targets.setdefault(state_id, []).append(review_id)
    return targets


def _suggest_for_state(state_id: int, targets: list[int]) -> SuggestResult:
    params = {
        "state": state_id,
        "targets": targets,
        "stop_df": STOP_DF,
        "cosine_floor": COSINE_FLOOR,
        "threshold": THRESHOLD,
        "threshold_unclassified": THRESHOLD_UNCLASSIFIED,
        "per_review": PER_REVIEW,
    }
    result = SuggestResult(states=1)
    with connection.cursor() as cursor:
        # The pair aggregation of a large State spills to disk at the default 4MB.
        cursor.execute("SET LOCAL work_mem = '64MB'")
        cursor.execute(_TERMS_SQL.format(**_TABLES), params)
        cursor.execute("ANALYZE followup_terms")
        cursor.execute(_CANDIDATES_SQL.format(**_TABLES), params)
        cursor.execute("ANALYZE followup_candidates")
        cursor.execute(_THEMES_SQL.format(**_TABLES), params)
        cursor.execute("ANALYZE followup_themes")
        cursor.execute(_PASS_SQL.format(**_TABLES), params)
        cursor.execute("ANALYZE followup_pass")
        cursor.execute(_KEPT_SQL.format(**_TABLES))
        result.kept = cursor.fetchone()[0]
        rescored = _ids(cursor, _RESCORE_SQL, params)
        inserted = _ids(cursor, _INSERT_SQL, params)
        stale = _ids(cursor, _STALE_SQL, params)
        write_history(RepeatLink, "id", rescored, "~", None, HISTORY_REASON)
        write_history(RepeatLink, "id", inserted, "+", None, HISTORY_REASON)
        write_history(RepeatLink, "id", stale, "-", None, HISTORY_REASON)
        if stale:
            cursor.execute(f"DELETE FROM {_LINK} WHERE id = ANY(%s::bigint[])", [stale])
        cursor.execute("DROP TABLE followup_terms, followup_candidates, followup_themes, followup_pass")
    result.suggested, result.removed = len(inserted), len(stale)
    return result


def _ids(cursor, sql: str, params: dict) -> list[int]:
    cursor.execute(sql.format(**_TABLES), params)
    return [row[0] for row in cursor.fetchall()]
