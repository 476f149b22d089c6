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

from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchQueryField, SearchRank
from django.db.models import BooleanField, Case, Expression, F, Func, Q, Value, When
from django.db.models.fields import CharField

from recommendations.models import (
    SEARCH_CONFIG,
    search_config,
)
from recommendations.search import lookups

# Private-use characters around each match in a headline: nothing in stored
# text can forge them, so callers escape the snippet and then turn these into
# <mark> elements.
MARK_START = "\ue000"
MARK_STOP = "\ue001"


def configs_in_use() -> dict[str, list[str]]:
    """Each text search configuration of the texts, with the languages that use it: English first."""
    configs: dict[str, list[str]] = {SEARCH_CONFIG: []}
    for language in sorted(lookups.current().other_languages):
        configs.setdefault(search_config(language), []).append(language)
    return configs


def search_query(text: str, search_type: str = "websearch") -> Expression:
    """`text` parsed with each configuration in use, the different parses ORed."""
    first, *others = configs_in_use()
    if not others:
        return SearchQuery(text, config=first, search_type=search_type)
    queries = [SearchQuery(text, config=config, search_type=search_type) for config in [first, *others]]
    return Func(*queries, function="recommendations_any_of", output_field=SearchQueryField())


def by_row(text: str, search_type: str = "websearch") -> Expression:
    """`text` parsed in each row's own language (English for English texts, French for French ones …)."""
    first, *others = configs_in_use().items()
    english = SearchQuery(text, config=first[0], search_type=search_type)
    if not others:
        return english
    whens = [
        When(Q(language__in=languages), then=SearchQuery(text, config=config, search_type=search_type))
        for config, languages in others
    ]
    return Case(*whens, default=english, output_field=SearchQueryField())


def matches(query: Expression) -> Func:
    """`search_vector @@ query`, as a condition for filter() (the `search_vector=` lookup takes SearchQuery only)."""
    return Func(F("search_vector"), query, template="(%(expressions)s)", arg_joiner=" @@ ", output_field=BooleanField())


def text_matches(text: str) -> Func:
    """The condition of a text search (GIN-indexed)."""
    return matches(search_query(text))


def text_config() -> Func:
    """Each row's own text search configuration, as its vector was built: for headlines."""
    return Func(F("language"), function="recommendations_search_config", output_field=CharField())


def rank_expression(text: str):
    """ts_rank of the web-search query, scaled into [0, 1), plus 1 when the words appear as a phrase.

    Plain ts_rank favours a text that repeats the words far apart over one
    that has the exact phrase; the bonus puts exact phrases first.
    """
    rank = SearchRank(F("search_vector"), by_row(text), normalization=Value(32))
    phrase = Case(When(matches(by_row(text, "phrase")), then=Value(1.0)), default=Value(0.0))
    return rank + phrase


def tsquery_sql(parameter: str) -> tuple[str, dict[str, str]]:
    """search_query() in raw SQL, for the text in the named `parameter`: the SQL and its config parameters."""
    configs = {f"{parameter}_config_{index}": config for index, config in enumerate(configs_in_use())}
    parts = [f"websearch_to_tsquery(%({name})s::regconfig, %({parameter})s)" for name in configs]
    return parts[0] if len(parts) == 1 else f"recommendations_any_of({', '.join(parts)})", configs


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
