"""Suggesting which recommendations of a review take up the advocacy asks made for it.

Set-wise: one SQL statement ranks every candidate of a batch of asks (whole
reviews), writes the suggestions and their history, and leaves confirmed and
dismissed matches as they are. `recommendations.advocacy` re-exports
`suggest_matches` and `run_suggestions`; call them from there.
"""

from collections.abc import Iterable, Iterator
from dataclasses import astuple, dataclass

from django.db import connection, transaction

from recommendations.models import SEARCH_CONFIG, AskMatch, ProposedRecommendation, Recommendation

# Candidates: the recommendations (not voluntary pledges) of the ask's own review that
# share a lexeme with it, the best SHORTLIST of them by the summed rarity (idf within the
# review) of the shared lexemes; only those get the costlier scoring: every pair of a review's
# asks and recommendations is too many for a trigram similarity each (see bench/NOTES.md).
# Score: TEXT_WEIGHT × full-text rank of the ask's lexemes as an OR-query (ts_rank_cd
# normalised to 0..1 as rank/(rank+1)) + TRIGRAM_WEIGHT × trigram word similarity (0..1);
# the best TOP whose text score reaches FLOOR are suggested. Shared themes add THEME_BOOST
# each (at most THEME_BOOST_MAX) to the score, never to the floor test: themes reorder
# alike texts, they do not make unlike texts alike.
SHORTLIST = 15
TOP = 5
BATCH = 200  # asks per statement (whole reviews)
FLOOR = 0.15
TEXT_WEIGHT = 0.5
TRIGRAM_WEIGHT = 0.5
THEME_BOOST = 0.025
THEME_BOOST_MAX = 0.05

SUGGESTED_REASON = "Suggested by suggest_matches"
REMOVED_REASON = "No longer among the best suggestions"

# The asks, each with its lexemes as an OR-query (quoted, so the stems are used as they
# are and no character of the text is read as a tsquery operator); an ask of stop words
# only has no query, no lexeme and so no candidate.
_ASKS_SQL = r"""
asks AS (
    SELECT p.id, p.review_id, p.text,
           (SELECT string_agg('''' || replace(replace(lexeme, '\', '\\'), '''', '''''') || '''', ' | ')
              FROM unnest(tsvector_to_array(to_tsvector(%(config)s::regconfig, p.text))) AS lexeme
           )::tsquery AS query
      FROM {proposal} AS p
     WHERE p.id = ANY(%(asks)s::bigint[])
),
"""

_CANDIDATES_SQL = """
ask_lexemes AS (
    SELECT DISTINCT a.id AS proposal_id, a.review_id, lexeme
      FROM asks AS a, unnest(tsvector_to_array(to_tsvector(%(config)s::regconfig, a.text))) AS lexeme
),
review_lexemes AS MATERIALIZED (
    SELECT r.id AS recommendation_id, r.review_id, u.lexeme
      FROM {recommendation} AS r, unnest(r.search_vector) AS u
     WHERE r.review_id IN (SELECT review_id FROM asks)
       AND r.kind = 'recommendation'
       AND u.lexeme IN (SELECT lexeme FROM ask_lexemes)
),
review_sizes AS (
    SELECT review_id, count(*) AS size
      FROM {recommendation}
     WHERE review_id IN (SELECT review_id FROM asks) AND kind = 'recommendation'
     GROUP BY review_id
),
rarity AS (
    SELECT l.review_id, l.lexeme, ln(1 + max(s.size)::float / count(*)) AS idf
      FROM review_lexemes AS l
      JOIN review_sizes AS s USING (review_id)
     GROUP BY l.review_id, l.lexeme
),
overlap AS (
    SELECT al.proposal_id, rl.recommendation_id, sum(w.idf) AS weight
      FROM ask_lexemes AS al
      JOIN review_lexemes AS rl USING (review_id, lexeme)
      JOIN rarity AS w USING (review_id, lexeme)
     GROUP BY al.proposal_id, rl.recommendation_id
),
candidates AS MATERIALIZED (
    SELECT proposal_id, recommendation_id
      FROM (
           SELECT proposal_id, recommendation_id,
                  row_number() OVER (PARTITION BY proposal_id ORDER BY weight DESC, recommendation_id) AS position
             FROM overlap
      ) AS shortlist
     WHERE position <= %(shortlist)s
    UNION
    -- Decided pairs are ranked too, so that a decision does not move the other suggestions.
    SELECT proposal_id, recommendation_id FROM {match}
     WHERE proposal_id = ANY(%(asks)s::bigint[]) AND status <> 'suggested'
),
"""

_SCORED_SQL = """
scored AS MATERIALIZED (
    SELECT a.id AS proposal_id,
           r.id AS recommendation_id,
           %(text_weight)s * COALESCE(ts_rank_cd(r.search_vector, a.query, 32), 0)
             -- How well the shorter text appears within the longer one (computed once: it is costly).
             + %(trigram_weight)s * CASE WHEN length(a.text) <= length(r.text)
                                         THEN word_similarity(a.text, r.text)
                                         ELSE word_similarity(r.text, a.text) END
             AS text_score,
           LEAST(%(theme_boost_max)s, %(theme_boost)s * (
               SELECT count(*)
                 FROM {proposal_themes} AS pt
                 JOIN {recommendation_themes} AS rt ON rt.theme_id = pt.theme_id
                WHERE pt.proposedrecommendation_id = a.id AND rt.recommendation_id = r.id
           )) AS theme_score
      FROM candidates AS c
      JOIN asks AS a ON a.id = c.proposal_id
      JOIN {recommendation} AS r ON r.id = c.recommendation_id AND r.review_id = a.review_id
)
"""

# One statement: rank the candidates (decided ones included, so a decision does not move
# the other suggestions' ranks), keep the best TOP undecided ones, drop stale suggestions,
# insert new ones and update moved ones (only while still suggested: a decision made
# meanwhile wins), and write the history rows simple-history would have written (no
# user: the app did it).
_SUGGEST_SQL = (
    "WITH"
    + _ASKS_SQL
    + _CANDIDATES_SQL
    + _SCORED_SQL
    + r""",
ranked AS (
    SELECT s.proposal_id, s.recommendation_id, s.decided,
           LEAST(1.0, s.text_score + s.theme_score) AS score,
           row_number() OVER (
               PARTITION BY s.proposal_id ORDER BY s.text_score + s.theme_score DESC, s.recommendation_id
           ) AS rank
      FROM (
           SELECT scored.*, EXISTS (
                      SELECT 1 FROM {match} AS d
                       WHERE d.proposal_id = scored.proposal_id AND d.recommendation_id = scored.recommendation_id
                         AND d.status <> 'suggested'
                  ) AS decided
             FROM scored
            WHERE scored.text_score >= %(floor)s
      ) AS s
),
wanted AS (
    SELECT proposal_id, recommendation_id, rank, score
      FROM (
           SELECT ranked.*, row_number() OVER (PARTITION BY proposal_id ORDER BY rank) AS open_rank
             FROM ranked
            WHERE NOT decided
      ) AS open
     WHERE open_rank <= %(top)s
),
removed AS (
    DELETE FROM {match} AS m
     WHERE m.proposal_id = ANY(%(asks)s::bigint[])
       AND m.status = 'suggested'
       -- NOT IN (no NULLs here) becomes one hashed lookup, where NOT EXISTS scanned the CTE per row.
       AND (m.proposal_id, m.recommendation_id) NOT IN (SELECT proposal_id, recommendation_id FROM wanted)
    RETURNING m.*
),
written AS (
    INSERT INTO {match} AS m (proposal_id, recommendation_id, rank, score, status, created_at, updated_at)
    SELECT proposal_id, recommendation_id, rank, score, 'suggested', now(), now() FROM wanted
    ON CONFLICT (proposal_id, recommendation_id) DO UPDATE
       SET rank = EXCLUDED.rank, score = EXCLUDED.score, updated_at = EXCLUDED.updated_at
     WHERE m.status = 'suggested' AND (m.rank, m.score) IS DISTINCT FROM (EXCLUDED.rank, EXCLUDED.score)
    RETURNING m.*, (m.xmax = 0) AS inserted
),
audited AS (
    INSERT INTO {history} (
        id, proposal_id, recommendation_id, rank, score, status, decided_by_id, decided_at,
        created_at, updated_at, history_date, history_change_reason, history_type
    )
    SELECT id, proposal_id, recommendation_id, rank, score, status, decided_by_id, decided_at,
           created_at, updated_at, now(), %(suggested_reason)s, CASE WHEN inserted THEN '+' ELSE '~' END
      FROM written
    UNION ALL
    SELECT id, proposal_id, recommendation_id, rank, score, status, decided_by_id, decided_at,
           created_at, updated_at, now(), %(removed_reason)s, '-'
      FROM removed
)
SELECT (SELECT count(*) FROM written WHERE inserted),
       (SELECT count(*) FROM written WHERE NOT inserted),
       (SELECT count(*) FROM removed),
       (SELECT count(*) FROM wanted)
"""
)

_PAIR_SCORE_SQL = (
    "WITH"
    + _ASKS_SQL
    + "candidates AS (SELECT (%(asks)s::bigint[])[1] AS proposal_id, %(recommendation)s::bigint AS recommendation_id),"
    + _SCORED_SQL
    + "SELECT LEAST(1.0, text_score + theme_score) FROM scored"
)


@dataclass(frozen=True)
class SuggestionRun:
    """What one run of the matcher changed, for the command's report."""

    asks: int
    created: int
    updated: int
    removed: int
    open: int  # suggestions now waiting for an editor's decision

    def __add__(self, other: "SuggestionRun") -> "SuggestionRun":
        return SuggestionRun(*(a + b for a, b in zip(astuple(self), astuple(other), strict=True)))


def _ids(objects: Iterable | None) -> list[int] | None:
    return None if objects is None else [getattr(o, "pk", o) for o in objects]


def _tables() -> dict[str, str]:
    return {
        "proposal": ProposedRecommendation._meta.db_table,
        "proposal_themes": ProposedRecommendation.themes.through._meta.db_table,
        "recommendation": Recommendation._meta.db_table,
        "recommendation_themes": Recommendation.themes.through._meta.db_table,
        "match": AskMatch._meta.db_table,
        "history": AskMatch.history.model._meta.db_table,
    }


def _parameters(asks: list[int], **extra) -> dict:
    return {
        "asks": asks,
        "config": SEARCH_CONFIG,
        "text_weight": TEXT_WEIGHT,
        "trigram_weight": TRIGRAM_WEIGHT,
        "theme_boost": THEME_BOOST,
        "theme_boost_max": THEME_BOOST_MAX,
        **extra,
    }


@transaction.atomic
def run_suggestions(*, reviews: Iterable | None = None, proposals: Iterable | None = None) -> SuggestionRun:
    """Recompute the suggested matches of the asks for `reviews` and/or `proposals` (all asks when neither).

    Queries: one locking the asks (a concurrent run for the same asks waits,
    then sees this one's rows), then one statement per BATCH asks or so
    (whole reviews per statement), so that no statement nears the statement
    timeout (bench/NOTES.md).
    """
    asks = ProposedRecommendation.objects.order_by("review_id", "pk").select_for_update()
    if reviews is not None:
        asks = asks.filter(review_id__in=_ids(reviews))
    if proposals is not None:
        asks = asks.filter(pk__in=_ids(proposals))
    total = SuggestionRun(asks=0, created=0, updated=0, removed=0, open=0)
    for batch in _batches(asks.values_list("review_id", "pk")):
        total = total + _suggest(batch)
    return total


def _batches(asks: Iterable[tuple[int, int]]) -> Iterator[list[int]]:
    """Ask ids, ordered by review, in lists of about BATCH that never split a review."""
    batch, previous_review = [], None
    for review_id, pk in asks:
        if len(batch) >= BATCH and review_id != previous_review:
            yield batch
            batch = []
        batch.append(pk)
        previous_review = review_id
    if batch:
        yield batch


def _suggest(ids: list[int]) -> SuggestionRun:
    parameters = _parameters(
        ids,
        shortlist=SHORTLIST,
        floor=FLOOR,
        top=TOP,
        suggested_reason=SUGGESTED_REASON,
        removed_reason=REMOVED_REASON,
    )
    with connection.cursor() as cursor:
        cursor.execute(_SUGGEST_SQL.format(**_tables()), parameters)
        created, updated, removed, open_ = cursor.fetchone()
    return SuggestionRun(asks=len(ids), created=created, updated=updated, removed=removed, open=open_)


def suggest_matches(*, reviews: Iterable | None = None, proposals: Iterable | None = None) -> int:
    """Suggest, for each ask of `reviews` and/or `proposals`, the recommendations that may take it up.

    Candidates are the recommendations (not voluntary pledges) of the ask's own
    review; the best TOP above FLOOR become suggested matches ranked 1..n.
    Confirmed and dismissed matches stay as they are; suggestions no longer
    among the best are removed. Reviews and asks are objects or ids; with
    neither, every ask. Returns the number of suggestions now open for those asks.
    """
    return run_suggestions(reviews=reviews, proposals=proposals).open


def match_score(*, proposal: ProposedRecommendation, recommendation: Recommendation) -> float:
    """The score suggest_matches would give this pair (the floor aside)."""
    sql = _PAIR_SCORE_SQL.format(**_tables())
    with connection.cursor() as cursor:
        cursor.execute(sql, _parameters([proposal.pk], recommendation=recommendation.pk))
        return cursor.fetchone()[0]
