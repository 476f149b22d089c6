"""Full-text search of recommendation texts: the query, its rank, and highlighted headlines."""

from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank
from django.db.models import Case, F, Value, When

from recommendations.models import (
    SEARCH_CONFIG,
)

# Private-use characters around each match in a headline: nothing in stored
# text can forge them, so callers escape the snippet and then turn these into
# <mark> elements.
MARK_START = "\ue000"
MARK_STOP = "\ue001"


def search_query(text: str, search_type: str = "websearch") -> SearchQuery:
    return SearchQuery(text, config=SEARCH_CONFIG, search_type=search_type)


def rank_expression(text: str):
    """ts_rank of the web-search query, scaled into [0, 1), plus 1 when the words appear as a phrase.

    Plain ts_rank favours a text that repeats the words far apart over one
    that has the exact phrase; the bonus puts exact phrases first.
    """
    rank = SearchRank(F("search_vector"), search_query(text), normalization=Value(32))
    phrase = Case(When(search_vector=search_query(text, "phrase"), then=Value(1.0)), default=Value(0.0))
    return rank + phrase


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
    options = SearchHeadline("text", search_query(""), config=SEARCH_CONFIG, **HEADLINE).options
    return ", ".join(connection.ops.compose_sql(f"{option}=%s", [value]) for option, value in options.items())
