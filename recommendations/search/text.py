"""Full-text search of recommendation texts: the query, its rank, and highlighted headlines.

Each text's search vector is stemmed for the text's language (Recommendation.language, migration 0027):
"discriminations" is stored as "discrimin" in a French text, "femmes" as "femm". So the words searched for are
parsed once with each configuration the texts use, and the queries ORed: `vector @@ (english(q) || french(q))`.
Which configurations are in use comes with the reference tables (lookups.Lookups.other_languages): while every
text is English the query is the English one alone, as it always was. Headlines parse each text with its own
configuration (recommendations_search_config() in the database), so they mark what matched.
"""

from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank
from django.db.models import Case, F, Func, Value, When
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


def search_configs() -> list[str]:
    """The text search configurations of the texts: English first, then those of the other languages in use."""
    others = {search_config(language) for language in lookups.current().other_languages} - {SEARCH_CONFIG}
    return [SEARCH_CONFIG, *sorted(others)]


def search_query(text: str, search_type: str = "websearch") -> SearchQuery:
    """`text` parsed with each configuration in use, ORed (one GIN index scan matches them all)."""
    first, *others = search_configs()
    query = SearchQuery(text, config=first, search_type=search_type)
    for config in others:
        query |= SearchQuery(text, config=config, search_type=search_type)
    return query


def text_config() -> Func:
    """Each row's own text search configuration, as its vector was built: for headlines."""
    return Func(F("language"), function="recommendations_search_config", output_field=CharField())


def rank_expression(text: str):
    """ts_rank of the web-search query, scaled into [0, 1), plus 1 when the words appear as a phrase.

    Plain ts_rank favours a text that repeats the words far apart over one
    that has the exact phrase; the bonus puts exact phrases first.
    """
    rank = SearchRank(F("search_vector"), search_query(text), normalization=Value(32))
    phrase = Case(When(search_vector=search_query(text, "phrase"), then=Value(1.0)), default=Value(0.0))
    return rank + phrase


def tsquery_sql(parameter: str) -> tuple[str, dict[str, str]]:
    """search_query() in raw SQL, for the text in the named `parameter`: the SQL and its config parameters."""
    configs = {f"{parameter}_config_{index}": config for index, config in enumerate(search_configs())}
    parts = [f"websearch_to_tsquery(%({name})s::regconfig, %({parameter})s)" for name in configs]
    return f"({' || '.join(parts)})", configs


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
