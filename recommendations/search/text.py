"""Full-text search of recommendation texts: the match, its rank, and highlighted headlines.

Each text's search vector is stemmed for the text's language (Recommendation.language, migration 0029):
"discriminations" is stored as "discrimin" in a French text, "femmes" as "femm". So the words searched for are
parsed with each configuration the texts use, and a text matches any of the parsed queries:
`vector @@ recommendations_any_of(english(q), french(q))`, one GIN index scan. That database function ORs the
queries that differ (PostgreSQL evaluates it once, when planning: "torture" parses the same in English and in
French, and is looked for once). Which configurations are in use comes with the reference tables
(lookups.Lookups.other_languages): while every text is English, the match is the English query alone, the SQL
it always was.

A text is ranked against the query parsed in its own language (`by_row`), which costs a few per cent less than
ranking against all the parses, on searches whose parses differ (bench/NOTES.md). Headlines parse each text
with its own configuration (recommendations_search_config()), as its vector was, and mark what the match found.
"""

import functools
from dataclasses import dataclass

from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchQueryField, SearchRank
from django.db.models import BooleanField, Case, Exists, Expression, F, Func, OuterRef, Q, Value, When
from django.db.models.fields import CharField
from django.db.models.sql import Query

from recommendations.models import (
    SEARCH_CONFIG,
    Recommendation,
    search_config,
)
from recommendations.search import lookups
from recommendations.search.labels import Label, labels_named
from recommendations.search.query import And, Node, Not, QueryError, Term, parse, terms

# Private-use characters around each match in a headline: nothing in stored
# text can forge them, so callers escape the snippet and then turn these into
# <mark> elements.
MARK_START = "\ue000"
MARK_STOP = "\ue001"

_THROUGH = {
    "theme": (Recommendation.themes.through, "theme_id"),
    "affected_group": (Recommendation.affected_groups.through, "affectedgroup_id"),
    "sdg": (Recommendation.sdgs.through, "sdg_id"),
}


def configs_in_use() -> dict[str, list[str]]:
    """Each text search configuration of the texts, with the languages that use it: English first."""
    configs: dict[str, list[str]] = {SEARCH_CONFIG: []}
    for language in sorted(lookups.current().other_languages):
        configs.setdefault(search_config(language), []).append(language)
    return configs


def tsquery(node: Node, config: str) -> Expression:
    """The tsquery of a parsed search for one configuration, term by term: no user text is tsquery syntax.

    A word is plainto_tsquery (with its other plural form ORed in), a phrase phraseto_tsquery, a prefix
    to_tsquery of `lexeme:*` where the parser has reduced the lexeme to letters and digits.
    """
    if isinstance(node, Term):
        if node.kind == "prefix":
            return _prefix(node.text, config)
        search_type = "phrase" if node.kind == "phrase" else "plain"
        words = [SearchQuery(word, config=config, search_type=search_type) for word in (node.text, *node.also)]
        return words[0] if len(words) == 1 else _joined(words, " || ")
    if isinstance(node, Not):
        return Func(tsquery(node.child, config), template="!!(%(expressions)s)", output_field=SearchQueryField())
    joiner = " && " if isinstance(node, And) else " || "
    return _joined([tsquery(child, config) for child in node.children], joiner)


# Endings that complete a prefix into words whose stems are shorter than the prefix: "discriminat*" must find
# "discrimination", stored as "discrimin", which the stemmed prefix "discriminat:*" does not start.
PREFIX_ENDINGS = ("e", "s", "es", "ed", "ing", "ion", "ions", "ive", "ory", "y", "ies", "al", "ity", "ment")


def _prefix(lexeme: str, config: str) -> Expression:
    """Every stored lexeme starting with the (stemmed) prefix, or the stem of a word the prefix starts: the
    completions are words of the parser's letters and digits plus an ending, parsed as plain text."""
    starts = SearchQuery(f"{lexeme}:*", config=config, search_type="raw")
    completions = [SearchQuery(lexeme + ending, config=config, search_type="plain") for ending in PREFIX_ENDINGS]
    return _joined([starts, *completions], " || ")


def _joined(parts: list[Expression], joiner: str) -> Func:
    return Func(*parts, template="(%(expressions)s)", arg_joiner=joiner, output_field=SearchQueryField())


def search_query(node: Node) -> Expression:
    """The search parsed with each configuration in use, the different parses ORed."""
    first, *others = configs_in_use()
    if not others:
        return tsquery(node, first)
    queries = [tsquery(node, config) for config in [first, *others]]
    return Func(*queries, function="recommendations_any_of", output_field=SearchQueryField())


def by_row(node: Node) -> Expression:
    """The search parsed in each row's own language (English for English texts, French for French ones …)."""
    first, *others = configs_in_use().items()
    english = tsquery(node, first[0])
    if not others:
        return english
    whens = [When(Q(language__in=languages), then=tsquery(node, config)) for config, languages in others]
    return Case(*whens, default=english, output_field=SearchQueryField())


def matches(query: Expression) -> Func:
    """`search_vector @@ query`, as a condition for filter() (the `search_vector=` lookup takes SearchQuery only)."""
    return Func(F("search_vector"), query, template="(%(expressions)s)", arg_joiner=" @@ ", output_field=BooleanField())


def term_labels(term: Term) -> tuple[Label, ...]:
    """The labels a term names (none for a prefix): kept per data version by labels_named."""
    return () if term.kind == "prefix" else tuple(dict.fromkeys(labels_named(term.text) + _also_labels(term)))


def _also_labels(term: Term) -> tuple[Label, ...]:
    return tuple(label for word in term.also for label in labels_named(word))


def condition(node: Node, *, narrowed: bool = False) -> Q:
    """The filter of a parsed search: one GIN match of the whole tsquery where no term names labels.

    A term that names labels matches its text or its labels' recommendations. Alone (or ORed) it is one
    indexed subquery, its text matches UNION ALL its classified ids (_matched_or_classified); ANDed with
    terms that name nothing (`narrowed`), those terms' GIN match picks the rows and the labelled term only
    tests each of them (_matched_or_classified_row), rather than hashing every id of a common label.
    """
    if not names_labels(node):
        return Q(matches(search_query(node)))
    if isinstance(node, Term):
        return _matched_or_classified_row(node) if narrowed else Q(id__in=_matched_or_classified(node))
    if isinstance(node, Not):
        return ~condition(node.child, narrowed=narrowed)
    if isinstance(node, And):
        plain = [child for child in node.children if not names_labels(child)]
        labelled = [child for child in node.children if names_labels(child)]
        narrowing = bool(plain) and _finds_something(plain)
        parts = [Q(matches(search_query(And(tuple(plain)))))] if plain else []
        parts += [condition(child, narrowed=narrowed or narrowing) for child in labelled]
        return functools.reduce(Q.__and__, parts)
    return functools.reduce(Q.__or__, [condition(child, narrowed=narrowed) for child in node.children])


def _finds_something(nodes: list[Node]) -> bool:
    return any(not isinstance(child, Not) for child in nodes)


def names_labels(node: Node) -> bool:
    return any(term_labels(term) for term, _negated in terms(node))


def _matched_or_classified(term: Term):
    """The ids whose text matches `term` (GIN) UNION ALL those classified under its labels (the link tables'
    indexes). `match OR id IN (…)` would read every row: PostgreSQL cannot combine an index scan with a
    subquery's hash, so it scans the table and tests both on each row."""
    labels = term_labels(term)
    parts = [Recommendation.objects.filter(matches(search_query(term))).order_by().values("id")]
    for kind, (through, column) in _THROUGH.items():
        ids = [label.id for label in labels if label.kind == kind]
        if ids:
            parts.append(through.objects.filter(**{f"{column}__in": ids}).order_by().values("recommendation_id"))
    return parts[0].union(*parts[1:], all=True)


def _matched_or_classified_row(term: Term) -> Q:
    """The same as _matched_or_classified, tested on each row: its text, or an EXISTS per label kind on the
    link table's (recommendation, label) index."""
    labels = term_labels(term)
    found = Q(matches(search_query(term)))
    for kind, (through, column) in _THROUGH.items():
        ids = [label.id for label in labels if label.kind == kind]
        if ids:
            found |= Q(Exists(through.objects.filter(recommendation_id=OuterRef("pk"), **{f"{column}__in": ids})))
    return found


def text_matches(text: str) -> Q:
    """The condition of a text search typed anywhere (the admin's box): a query that cannot be parsed is
    searched as plain words."""
    try:
        node = parse(text)
    except QueryError:
        node = Term(text)
    return condition(node) if node is not None else Q(pk__in=[])


def text_config() -> Func:
    """Each row's own text search configuration, as its vector was built: for headlines."""
    return Func(F("language"), function="recommendations_search_config", output_field=CharField())


def rank_expression(node: Node):
    """ts_rank of the search, scaled into [0, 1), plus 1 when its words appear as a phrase, plus 2 for a text
    match when a term names labels (what only the classification found comes after every text match).

    Plain ts_rank favours a text that repeats the words far apart over one
    that has the exact phrase; the bonus puts exact phrases first.
    """
    rank = SearchRank(F("search_vector"), by_row(node), normalization=Value(32))
    words = [term.text for term, negated in terms(node) if not negated and term.kind != "prefix"]
    if len(words) > 1:
        phrase = Term(" ".join(words), "phrase")
        rank = rank + Case(When(matches(by_row(phrase)), then=Value(1.0)), default=Value(0.0))
    if names_labels(node):
        rank = rank + Case(When(matches(by_row(node)), then=Value(2.0)), default=Value(0.0))
    return rank


def tsquery_sql(node: Node, connection) -> str:
    """search_query() as SQL with its values inlined (quoted by the driver), for the API's raw statement."""
    compiler = Query(Recommendation).get_compiler(connection=connection)
    sql, params = search_query(node).resolve_expression(compiler.query).as_sql(compiler, connection)
    return connection.ops.compose_sql(sql, params).replace("%", "%%")


@dataclass(frozen=True)
class Hints:
    """What a search looked for beyond its words: the other plural forms, the labels its terms name."""

    also_searched: tuple[str, ...]
    labels: tuple[Label, ...]


def hints(node: Node | None) -> Hints:
    found = [term for term, negated in terms(node) if not negated]
    also = tuple(dict.fromkeys(word for term in found for word in term.also))
    labels = tuple(dict.fromkeys(label for term in found for label in term_labels(term)))
    return Hints(also, labels)


# The API's snippets (api/representations.py): up to two fragments of 15 to 35
# words around the matches, computed for a page's rows only.
HEADLINE = {
    "start_sel": MARK_START,
    "stop_sel": MARK_STOP,
    "max_words": 35,
    "min_words": 15,
    "max_fragments": 2,
    "fragment_delimiter": " … ",
}


def headline_options(connection) -> str:
    """HEADLINE as the options argument of ts_headline(), exactly as SearchHeadline writes it."""
    options = SearchHeadline("text", SearchQuery(""), config=SEARCH_CONFIG, **HEADLINE).options
    return ", ".join(connection.ops.compose_sql(f"{option}=%s", [value]) for option, value in options.items())
