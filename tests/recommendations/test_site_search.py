"""The search page /recommendations/: the API's filters, facets, highlighting, pages, exports, errors.

Expectations are computed in plain Python from the SPEC below, not with the ORM,
so the page is checked against an independent reading of the filters' meaning:
AND across parameters, OR between repeated values of one parameter.
"""

import csv
import io
import re

import pytest
from django.http import QueryDict
from django.urls import reverse

from recommendations.models import Recommendation
from tests.site_data import D, assess, recommendation, review, theme

pytestmark = pytest.mark.django_db

HRD, PRESS, WOMEN = "Human rights defenders", "Freedom of the press", "Women's rights"

# Regional group and blocs of the recommending States, as in states/data/*.csv.
GROUP = {"NOR": "WEOG", "CAN": "WEOG", "RUS": "EEG", "CHN": "ASIA_PACIFIC", "BRA": "GRULAC"}
BLOCS = {"NOR": set(), "CAN": {"OIF", "Commonwealth", "OAS"}, "RUS": {"CIS"}, "CHN": set(), "BRA": {"OAS", "OEI"}}
# Review key: (State under review, its regional group, session, cycle, year).
REVIEWS = {
    "kaz7": ("KAZ", "ASIA_PACIFIC", 7, 1, 2010),
    "kaz20": ("KAZ", "ASIA_PACIFIC", 20, 2, 2014),
    "uzb16": ("UZB", "ASIA_PACIFIC", 16, 2, 2013),
    "fra2": ("FRA", "WEOG", 2, 1, 2008),
}
# key, review, text, recommending States, response, themes, affected groups, SDGs, action category, status
SPEC = [
    (
        "a",
        "kaz7",
        "Protect human rights defenders from reprisals",
        ("NOR",),
        "supported",
        (HRD,),
        (HRD,),
        (16,),
        5,
        "not_implemented",
    ),
    (
        "b",
        "kaz7",
        "Investigate attacks on journalists and defenders",
        ("CAN", "NOR"),
        "supported",
        (PRESS, HRD),
        ("Journalists",),
        (16,),
        4,
        "partially_implemented",
    ),
    ("c", "kaz7", "Decriminalise defamation", ("CAN",), "noted", (PRESS,), ("Journalists",), (), 5, ""),
    (
        "d",
        "kaz20",
        "Continue to protect the rights of women",
        ("RUS",),
        "supported",
        (WOMEN,),
        ("Women",),
        (5,),
        2,
        "fully_implemented",
    ),
    ("e", "kaz20", "Consider abolishing the death penalty", ("BRA",), "noted", ("Death penalty",), (), (), 3, ""),
    (
        "f",
        "uzb16",
        "Release imprisoned human rights defenders",
        ("NOR", "RUS"),
        "noted",
        (HRD,),
        (HRD,),
        (),
        5,
        "not_implemented",
    ),
    ("g", "uzb16", "Share best practices on development", ("CHN",), "supported", ("Development",), (), (), 1, ""),
    ("h", "uzb16", "Ratify the Rome Statute", ("CAN",), "pending", (), (), (), 5, ""),
    (
        "i",
        "fra2",
        "Combat discrimination against women and girls",
        ("BRA", "CHN"),
        "supported",
        (WOMEN,),
        ("Women", "Girls"),
        (5, 10),
        4,
        "",
    ),
    (
        "j",
        "fra2",
        "Protect defenders of the rights of migrants",
        ("RUS",),
        "",
        (HRD, "Migrants"),
        (HRD, "Migrants"),
        (),
        None,
        "",
    ),
]


@pytest.fixture
def world():
    reviews = {key: review(iso3, session) for key, (iso3, _g, session, _c, _y) in REVIEWS.items()}
    made = {}
    for key, on, text, by, response, themes, groups, sdgs, action, status in SPEC:
        made[key] = recommendation(
            reviews[on], text, by=by, response=response, themes=themes, groups=groups, sdgs=sdgs, action_category=action
        )
        if status:
            assess(made[key], status, D(2014, 1, 1))
    return made


def spec_values(row) -> dict[str, set[str]]:
    """A SPEC row as the values each API parameter would match, worked out by hand."""
    key, on, text, by, response, themes, groups, sdgs, action, status = row
    iso3, region, session, cycle, year = REVIEWS[on]
    return {
        "state_under_review": {iso3},
        "regional_group": {region},
        "session": {str(session)},
        "cycle": {str(cycle)},
        "year": {str(year)},
        "recommending_state": set(by),
        "recommending_regional_group": {GROUP[s] for s in by},
        "bloc": set().union(*(BLOCS[s] for s in by)),
        "response": {response},
        "theme": {theme_param(name) for name in themes},
        "affected_group": {group.lower().replace(" ", "-") for group in groups},
        "sdg": {str(n) for n in sdgs},
        "action_category": {str(action)} if action else set(),
        "status": {status or "none"},
    }


def theme_param(name: str) -> str:
    return "upr-info:" + theme(name).slug


def expected(params: list[tuple[str, str]], text_matches: str | None = None) -> set[str]:
    """Keys of the SPEC rows matching every parameter (AND), any value of each (OR)."""
    wanted: dict[str, set[str]] = {}
    for name, value in params:
        wanted.setdefault(name, set()).add(value)
    keys = set()
    for row in SPEC:
        values = spec_values(row)
        if all(values[name] & options for name, options in wanted.items()):
            keys.add(row[0])
    return keys if text_matches is None else keys & set(text_matches)


def search(client, params, status=200):
    response = client.get(reverse("recommendations:search"), QueryDict(mutable=True) | _query(params))
    assert response.status_code == status, response.content.decode()[:2000]
    return response


def _query(params) -> QueryDict:
    query = QueryDict(mutable=True)
    for name, value in params:
        query.appendlist(name, value)
    return query


def keys_of(response, world) -> set[str]:
    by_pk = {made.pk: key for key, made in world.items()}
    return {by_pk[row.pk] for row in response.context["search"].results}


FILTER_CASES = [
    [("state_under_review", "KAZ")],
    [("state_under_review", "kaz"), ("response", "noted")],
    [("response", "supported"), ("response", "noted")],
    [("theme", HRD), ("response", "noted")],
    [("theme", HRD), ("theme", PRESS), ("cycle", "1")],
    [("recommending_state", "NOR")],
    [("recommending_state", "NOR"), ("recommending_state", "BRA")],
    [("regional_group", "ASIA_PACIFIC")],
    [("recommending_regional_group", "EEG")],
    [("bloc", "OAS")],
    [("bloc", "OAS"), ("recommending_regional_group", "GRULAC")],
    [("cycle", "2")],
    [("session", "7"), ("session", "2")],
    [("year", "2013")],
    [("action_category", "5")],
    [("action_category", "4"), ("action_category", "5"), ("state_under_review", "UZB")],
    [("affected_group", "journalists")],
    [("affected_group", "human-rights-defenders"), ("state_under_review", "KAZ"), ("state_under_review", "UZB")],
    [("sdg", "5")],
    [("status", "not_implemented")],
    [("status", "none")],
    [("status", "none"), ("status", "fully_implemented"), ("cycle", "2")],
]


@pytest.mark.parametrize("params", FILTER_CASES, ids=lambda p: "&".join(f"{n}={v}" for n, v in p))
def test_filters_match_an_independent_reading_of_the_spec(client, world, params):
    query = [(name, theme_param(value) if name == "theme" else value) for name, value in params]
    expectation = expected([(name, value.upper() if name == "state_under_review" else value) for name, value in query])
    response = search(client, query)
    assert keys_of(response, world) == expectation
    assert response.context["search"].total == len(expectation)


TEXT_CASES = [
    # (q, the SPEC rows whose text matches it, worked out by reading the texts)
    ("defenders", "abfj"),
    ("defender", "abfj"),  # stemmed
    # b and j are classified under the theme Human rights defenders, which the phrase names (search/labels.py).
    ('"human rights defenders"', "abfj"),
    ("women -girls", "d"),
    ("protect or ratify", "adhj"),
]


@pytest.mark.parametrize(("q", "matches"), TEXT_CASES)
def test_full_text_search_combines_with_filters(client, world, q, matches):
    assert keys_of(search(client, [("q", q)]), world) == set(matches)
    narrowed = search(client, [("q", q), ("state_under_review", "KAZ")])
    assert keys_of(narrowed, world) == expected([("state_under_review", "KAZ")], matches)


def test_total_is_shown(client, world):
    html = search(client, [("state_under_review", "KAZ")]).content.decode()
    assert re.search(r"<h2 id=\"results-title\" data-search-count>\s*5 recommendations\s*</h2>", html)


def test_matches_are_highlighted_and_text_escaped(client, world):
    recommendation(review("NOR", 10), "<script>alert('defenders')</script> & <b>defenders</b>")
    html = search(client, [("q", "defenders")]).content.decode()
    assert "Protect human rights <mark>defenders</mark> from reprisals" in html
    assert "<script>alert" not in html and "<b>" not in html
    # PostgreSQL's parser reads "<script>…</script>" as markup and marks nothing inside it; all of it is escaped.
    assert (
        "&lt;script&gt;alert(&#x27;defenders&#x27;)&lt;/script&gt; &amp; &lt;b&gt;<mark>defenders</mark>&lt;/b&gt;"
        in html
    )


def test_facets_count_with_every_filter_but_their_own(client, world):
    params = [("state_under_review", "KAZ"), ("response", "noted")]
    facets = {facet.name: facet for facet in search(client, params).context["search"].facets}
    # Response counts ignore the response filter (KAZ only): what choosing another response would give.
    responses = {option.value: (option.count, option.selected) for option in facets["response"].options}
    assert responses == {"supported": (3, False), "noted": (2, True)}
    # State counts ignore the State filter (noted only).
    states = {option.value: option.count for option in facets["state_under_review"].options}
    assert states == {"KAZ": 2, "UZB": 1}
    # Other facets narrow by both filters.
    themes = {option.value: option.count for option in facets["theme"].options}
    assert themes == {theme_param(PRESS): 1, theme_param("Death penalty"): 1}
    statuses = {option.value: option.count for option in facets["status"].options}
    assert statuses == {"none": 2}


def test_facet_checkboxes_use_the_api_parameter_names_and_values(client, world):
    html = search(client, [("theme", theme_param(HRD))]).content.decode()
    assert f'name="theme" value="{theme_param(HRD)}" checked' in html
    assert 'name="state_under_review" value="KAZ"' in html
    assert 'name="response" value="noted"' in html
    assert 'name="status" value="none"' in html
    assert '<form id="search-form" class="search-form" method="get" action="/recommendations/"' in html


def test_codes_in_lower_case_tick_their_checkbox(client, world):
    page = search(client, [("state_under_review", "kaz")]).context["search"]
    assert page.params.urlencode() == "state_under_review=KAZ"
    states = next(f for f in page.facets if f.name == "state_under_review")
    assert [(o.value, o.selected) for o in states.options if o.selected] == [("KAZ", True)]
    assert page.active[0].value_label == "Kazakhstan"


def test_a_chosen_value_nothing_matches_stays_visible(client, world):
    facets = search(client, [("state_under_review", "FRA"), ("cycle", "2")]).context["search"].facets
    states = {
        option.value: (option.count, option.selected)
        for option in next(f for f in facets if f.name == "state_under_review").options
    }
    assert states["FRA"] == (0, True)


def test_export_links_carry_the_same_query(client, world):
    page = search(client, [("q", "defenders"), ("response", "supported"), ("page", "1")]).context["search"]
    assert page.export_csv == "/api/v1/recommendations/export.csv?q=defenders&response=supported"
    assert page.export_xlsx == "/api/v1/recommendations/export.xlsx?q=defenders&response=supported"
    assert page.export_csv_excel == "/api/v1/recommendations/export.csv?q=defenders&response=supported&bom=true"


def test_csv_for_excel_link_starts_with_a_byte_order_mark(client, world):
    response = search(client, [("response", "supported")])
    assert 'data-export="csv-excel"' in response.content.decode()
    export = client.get(response.context["search"].export_csv_excel)
    assert b"".join(export.streaming_content).startswith(b"\xef\xbb\xbfparagraph,")


def test_exported_rows_match_the_page_count(client, world):
    params = [("theme", theme_param(HRD)), ("response", "supported"), ("response", "noted")]
    page = search(client, params).context["search"]
    export = client.get(page.export_csv)
    assert export.status_code == 200
    rows = list(csv.reader(io.StringIO(b"".join(export.streaming_content).decode("utf-8-sig"))))
    assert len(rows) - 1 == page.total == len(expected(params)) == 3


def test_empty_results_say_which_filter_to_loosen(client, world):
    params = [("state_under_review", "FRA"), ("response", "noted"), ("theme", theme_param(HRD))]
    response = search(client, params)
    page = response.context["search"]
    assert page.total == 0
    hints = {hint.name: hint.count for hint in page.hints}
    assert hints == {
        "state_under_review": len(expected([("response", "noted"), ("theme", theme_param(HRD))])),
        "response": len(expected([("state_under_review", "FRA"), ("theme", theme_param(HRD))])),
        "theme": len(expected([("state_under_review", "FRA"), ("response", "noted")])),
    }
    assert hints == {"state_under_review": 1, "response": 1, "theme": 0}
    html = response.content.decode()
    assert "No recommendation matches all of these filters." in html
    assert "Without “State under review”: 1 result" in html


def test_no_suggestion_for_a_filter_already_chosen(client, world):
    page = search(client, [("q", "human rights defenders"), ("affected_group", "human-rights-defenders")])
    assert [s.name for s in page.context["search"].suggestions] == ["theme"]


def test_suggests_themes_and_groups_named_like_the_words(client, world):
    page = search(client, [("q", "human rights defenders"), ("cycle", "1")]).context["search"]
    suggested = {(s.name, s.value, s.count, s.query) for s in page.suggestions}
    assert suggested == {
        ("theme", theme_param(HRD), 4, f"cycle=1&theme={theme_param(HRD).replace(':', '%3A')}"),
        ("affected_group", "human-rights-defenders", 3, "cycle=1&affected_group=human-rights-defenders"),
    }


@pytest.fixture
def thirty(world):
    on = review("NOR", 10)
    return [recommendation(on, f"Recommendation number {n}", by=("CAN",), response="supported") for n in range(30)]


def test_pages_of_25_with_a_page_beyond_the_last_a_404(client, thirty):
    first = search(client, [("state_under_review", "NOR")]).context["search"]
    second = search(client, [("state_under_review", "NOR"), ("page", "2")]).context["search"]
    assert first.total == second.total == 30
    assert len(first.results) == 25 and len(second.results) == 5
    assert not {r.pk for r in first.results} & {r.pk for r in second.results}
    search(client, [("state_under_review", "NOR"), ("page", "3")], status=404)


def test_default_order_is_newest_session_first(client, world):
    sessions = [r.review.session.number for r in search(client, []).context["search"].results]
    assert sessions == sorted(sessions, reverse=True)


def test_ordering_uses_the_api_values(client, world):
    results = search(client, [("ordering", "state_under_review")]).context["search"].results
    codes = [r.review.state.iso3 for r in results]
    assert codes == sorted(codes)
    assert "Best match" not in search(client, []).content.decode()  # only with words
    # The default is sent blank, so it stays out of shared addresses.
    assert '<option value="" selected>Best match</option>' in search(client, [("q", "defenders")]).content.decode()
    assert '<option value="-session">Newest session first</option>' in search(client, [("q", "x")]).content.decode()
    assert '<option value="" selected>Newest session first</option>' in search(client, []).content.decode()


def test_leftover_rank_ordering_without_words_falls_back_to_the_default(client, world):
    assert search(client, [("ordering", "-rank")]).context["search"].ordering == "-session"


# Counts and the page's order by session come from the count index (recommendations/search/index/): this
# process's, plus what the test's own transaction changed, read on its connection: "own changes", 1 for the
# ids it changed and 5 COPY reads of their rows and links. A process serving committed data runs none of them.
QUERY_SCENARIOS = {
    # No filter: 1 data version (core/counts.py); 2-7 own changes; 8 the page's rows (ids from the index)
    # with review, State, session and cycle; 9 recommending States; 10 themes with their scheme; 11 the
    # reference tables (read again: this transaction wrote). No COUNT, no facet statement.
    "nothing": ([], 11),
    # Words, a theme and a response: 1 theme slugs resolved to ids (the FilterSet's validation); 2 data
    # version; 3-8 own changes; 9-11 the words tested on the few rows the other filters leave, for the total
    # and for the theme and response facets (each counted without its own filter); 12 rows, ranked in
    # PostgreSQL among the matches; 13 recommending States; 14 themes; 15 highlighted texts; 16 suggestions
    # (themes and groups named like the words, one UNION).
    "words and filters": ([("q", "protect"), ("theme", HRD), ("response", "supported"), ("response", "noted")], 16),
    # Nothing matches: 1 theme ids; 2 data version; 3-8 own changes; 9-11 the words on the few rows, as above
    # (the total, and the "without this filter" hints for the theme and the response); no rows to read;
    # 12 suggestions.
    "empty": ([("q", "protect"), ("theme", HRD), ("response", "pending")], 11),
}


# Real commits: the data version moves when a writing transaction commits (migration 0010).
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_counts_come_from_the_count_index_and_follow_a_write(client, world, django_assert_num_queries, settings):
    settings.RESPONSE_CACHE_SECONDS = 0  # the counts, not the whole page from the response cache
    search(client, [])
    # 1 data version; the total, the 14 facets and the page's ids from the count index; 2 rows; 3 recommending
    # States; 4 themes.
    with django_assert_num_queries(4):
        search(client, [])
    before = search(client, []).context["search"].total
    recommendation(review("NOR", 12), "Protect defenders again", by=("CAN",), response="supported", themes=(HRD,))
    assert search(client, []).context["search"].total == before + 1


@pytest.mark.parametrize("scenario", QUERY_SCENARIOS)
def test_query_count_does_not_depend_on_the_number_of_results(client, world, scenario, django_assert_num_queries):
    params, queries = QUERY_SCENARIOS[scenario]
    params = [(name, theme_param(value) if name == "theme" else value) for name, value in params]
    with django_assert_num_queries(queries):
        search(client, params)
    on = review("NOR", 12)
    for n in range(30):
        made = recommendation(
            on, f"Protect defenders {n}", by=("CAN", "RUS"), response="supported", themes=(HRD, PRESS)
        )
        assess(made, "not_implemented", D(2020, 1, 1))
    with django_assert_num_queries(queries):
        search(client, params)


BAD_QUERIES = [
    ([("state_under_review", "XXX")], "Unknown ISO3 code: XXX."),
    ([("state_under_review", "<script>")], "Unknown ISO3 code: &lt;SCRIPT&gt;."),
    ([("cycle", "abc")], "Not a whole number: abc."),
    ([("cycle", "99999999999999999999999")], "Not a whole number"),
    ([("session", "0")], "Out of range"),
    ([("sdg", "18")], "Out of range"),
    ([("response", "maybe")], "Unknown response: maybe."),
    ([("theme", "no-such-theme")], "Unknown theme: no-such-theme."),
    ([("theme", "a:b:c")], "Unknown theme"),
    ([("ordering", "bogus")], "Unknown ordering: bogus."),
    ([("ordering", "rank")], "Ordering by rank needs a full-text search (q)."),
    ([("q", "x" * 201)], "200"),
    ([("q", "bad\x00byte")], "Null characters are not allowed."),
    ([("updated_since", "yesterday")], "Enter an ISO 8601 date and time"),
    ([("page", "abc")], "Enter a page number, 1 or more."),
    ([("page", "0")], "Enter a page number, 1 or more."),
    ([("page", "²")], "Enter a page number, 1 or more."),
    ([("page", "9" * 30)], "Enter a page number, 1 or more."),
    ([("page", "201")], "Only the first 200 pages are shown."),
]


@pytest.mark.parametrize(("params", "message"), BAD_QUERIES, ids=[str(p) for p, _m in BAD_QUERIES])
def test_bad_values_are_a_400_that_says_what_is_wrong(client, world, params, message):
    response = search(client, params, status=400)
    html = response.content.decode()
    assert message in html
    assert "<script>" not in html
    assert 'class="error-summary" role="alert"' in html
    assert response.context["search"].results == []


def test_an_error_keeps_the_valid_filters_in_the_form(client, world):
    html = search(client, [("cycle", "abc"), ("response", "noted")], status=400).content.decode()
    assert '<input type="hidden" name="response" value="noted">' in html
    assert 'name="cycle" value="abc"' not in html
    assert 'href="/recommendations/?response=noted">Remove “Cycle”</a>' in html


def test_unknown_parameters_are_ignored_and_blank_ones_dropped(client, world):
    page = search(client, [("utm_source", "mail"), ("q", ""), ("response", "noted")]).context["search"]
    assert page.params.urlencode() == "response=noted"
    assert page.total == len(expected([("response", "noted")]))


def test_works_without_javascript(client, world):
    """Every control is in a GET form with a submit button; scripts are static files, never inline."""
    html = search(client, [("response", "noted")]).content.decode()
    assert '<button type="submit" class="apply-filters">Apply filters</button>' in html
    assert re.findall(r"<script[^>]*>", html) == [
        '<script src="/static/js/htmx.min.js" defer>',
        '<script src="/static/js/site.js" defer>',
    ]
    assert " style=" not in html and "<style" not in html
    assert " on" + "click=" not in html


def test_spec_is_what_the_database_holds(client, world):
    assert Recommendation.objects.count() == len(SPEC) == len(world) == 10
