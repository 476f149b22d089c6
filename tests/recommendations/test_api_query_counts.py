"""Every list runs a fixed number of queries, the same for a page of 2 as for a page of 50."""

import datetime

import pytest

from recommendations import services
from recommendations.api import exports as api_export
from recommendations.models import AffectedGroup, EvidenceSource, Review, Session, Theme
from states.models import State

pytestmark = pytest.mark.django_db


@pytest.fixture
def data(make_recommendation, org_a):
    """Enough of everything that a page of 2 and a page of 50 differ."""
    themes = list(Theme.objects.filter(scheme__slug="upr-info", slug__in=["human-rights-defenders", "womens-rights"]))
    for index, iso3 in enumerate(["KAZ", "FRA", "BRA", "EGY"]):
        review = Review.objects.create(
            state=State.objects.get(iso3=iso3), session=Session.objects.get(number=7 + index)
        )
        for number in range(3):
            recommendation = make_recommendation(
                review,
                f"Protect freedom of assembly, case {number}",
                states=State.objects.filter(iso3__in=["NOR", "MEX"]),
            )
            recommendation.themes.set(themes)
            recommendation.affected_groups.set(AffectedGroup.objects.all()[:2])
            recommendation.sdgs.set([16, 5])
            evidence = EvidenceSource.objects.create(title=f"Report {iso3} {number}")
            services.record_assessment(
                recommendation=recommendation,
                status="not_implemented",
                assessed_on=datetime.date(2014, 1, 1),
                organisation=org_a,
                citations=[(evidence, "", "1"), (evidence, "", "2")],
            )
    services.delete_recommendations([recommendation])
    for evidence in EvidenceSource.objects.filter(citations=None)[:3]:
        services.delete_evidence_source(evidence=evidence)


# The reference tables (States, themes, groups, SDGs, sessions: recommendations/search/lookups.py) are held in
# each process while they do not change. These tests' own transaction has written (the `data` fixture),
# so every request here reads them again: "+ 1 reference tables" below. A process serving a database that
# has not changed since it last read them skips that query (test_lookups.py pins it on committed data).
# Lists by id and totals come from the count index (recommendations/search/index/): this process's, plus
# what the test's own transaction changed, read on its connection: 1 for the ids it changed, 5 COPY reads of
# their rows and links ("+ 6 own changes" below), kept for the transaction's next request while it writes
# nothing more (then only the first: "+ 1"). A process serving committed data runs none of them.
@pytest.mark.parametrize(
    ("url", "queries"),
    [
        # Recommendation lists (recommendations/api/views.py): 1 data version (the response cache's key; here
        # a miss), 1 page of ids in order (among the ids the index gives the page), 1 representation of those
        # ids with their review and lists (representations.py), + 1 reference tables, + 6 own changes.
        ("/api/v1/recommendations/", 10),
        # the same: the ISO3 codes and the theme are looked up in the reference tables.
        (
            "/api/v1/recommendations/?state_under_review=KAZ&state_under_review=FRA&theme=human-rights-defenders&status=not_implemented",
            10,
        ),
        # Ranked by the search words: data version, reference tables, own changes, the words' matches (the
        # index gives a page in an order it does not hold its few matches to sort), page of ids ranked among
        # them, representations with the ts_headline snippets.
        ("/api/v1/recommendations/?q=freedom+of+assembly", 11),
        # ordering annotations are joins in the page query (an order the index does not hold).
        ("/api/v1/recommendations/?ordering=-session,state_under_review", 10),
        # include_total: the total from the index too, no COUNT.
        ("/api/v1/recommendations/?include_total=true", 10),
        # Standard set 2 (theme + a column filter, here status, with its total): data version, reference
        # tables, own changes, page of ids, representations.
        ("/api/v1/recommendations/?theme=human-rights-defenders&status=not_implemented&include_total=true", 10),
        # Standard set 3: data version, reference tables, own changes, + 1 the ids whose text matches the words
        # (search/index/counting.py: kept by a process serving committed data), page of ids ranked,
        # representations with snippets.
        ("/api/v1/recommendations/?q=freedom+of+assembly&include_total=true", 11),
        ("/api/v1/reviews/", 1),  # rows with State, session and cycle joined
        ("/api/v1/states/", 2),  # rows with regional group joined + blocs
        ("/api/v1/regional-groups/", 2),  # rows + member States
        ("/api/v1/blocs/", 2),  # rows + member States
        ("/api/v1/cycles/", 1),
        ("/api/v1/sessions/", 1),  # rows with cycle joined
        ("/api/v1/theme-schemes/", 1),
        ("/api/v1/themes/", 1),  # rows with scheme joined
        ("/api/v1/affected-groups/", 1),
        ("/api/v1/sdgs/", 1),
        ("/api/v1/assessments/", 2),  # rows with organisation joined + citations
        ("/api/v1/evidence-sources/", 1),
        ("/api/v1/deletions/", 1),
        # data version + reference tables (the ISO3 code) + rows with joins
        ("/api/v1/feeds/assessments.atom?state_under_review=KAZ", 3),
        # data version + reference tables (the theme) + rows with joins + recommending States
        ("/embed/recommendations/?theme=human-rights-defenders", 4),
    ],
)
@pytest.mark.parametrize("page_size", [2, 50])
def test_list_query_count_does_not_depend_on_page_size(
    api_client, data, django_assert_num_queries, url, queries, page_size
):
    separator = "&" if "?" in url else "?"
    size_param = "limit" if url.startswith("/embed/") else "page_size"
    with django_assert_num_queries(queries):
        response = api_client.get(f"{url}{separator}{size_param}={page_size}")
    assert response.status_code == 200, response.content[:500]


def test_first_and_deep_pages_cost_the_same(api_client, data, django_assert_num_queries):
    first = api_client.get("/api/v1/recommendations/", {"page_size": 2, "ordering": "-session"}).json()
    second = api_client.get(first["next"]).json()
    # data version, reference tables, this transaction's changes (its view of the index is kept), page of
    # ids after the cursor, representations
    with django_assert_num_queries(5):
        api_client.get(second["next"])


def test_detail_query_count(api_client, data, django_assert_num_queries):
    pk = api_client.get("/api/v1/recommendations/").json()["results"][0]["id"]
    # data version, reference tables, then the row with its review and its lists as arrays of ids
    with django_assert_num_queries(3):
        api_client.get(f"/api/v1/recommendations/{pk}/")


def test_token_authentication_adds_one_query(token_client_a, data, django_assert_num_queries):
    token_client_a.get("/api/v1/cycles/")  # the token's first use also records last_used_at (test_api_tokens.py)
    # token with its user, then the list as above
    with django_assert_num_queries(2):
        token_client_a.get("/api/v1/reviews/")


@pytest.mark.parametrize("state", ["KAZ", "KAZ&state_under_review=FRA&state_under_review=BRA"])
def test_csv_export_query_count_does_not_depend_on_rows(api_client, data, django_assert_num_queries, state):
    # Data version and reference tables (ISO3 codes, and the lists' labels, read once), the anonymous
    # row limit (a COUNT of at most EXPORT_ANON_MAX_ROWS + 1 rows), then while the rows stream 1 query
    # for every row and its lists (server-side cursor, arrays of ids).
    with django_assert_num_queries(4):
        response = api_client.get(f"/api/v1/recommendations/export.csv?state_under_review={state}")
        body = b"".join(response.streaming_content)
    assert response.status_code == 200
    assert body.count(b"\n") >= 2


@pytest.mark.parametrize(("state", "rows", "queries"), [("KAZ", 3, 5), ("KAZ&state_under_review=FRA", 6, 6)])
def test_jsonl_export_runs_one_query_per_chunk_of_rows(
    api_client, data, django_assert_num_queries, monkeypatch, state, rows, queries
):
    monkeypatch.setattr(api_export, "CHUNK_SIZE", 5)
    # Data version and reference tables (ISO3 codes, and the names of the lists, read once), the anonymous
    # row limit (a COUNT of at most EXPORT_ANON_MAX_ROWS + 1 rows), the ids in order (server-side cursor),
    # then while the rows stream 1 query per chunk of 5 ids for their representations: 1 for 3 rows, 2 for 6.
    with django_assert_num_queries(queries):
        response = api_client.get(f"/api/v1/recommendations/export.jsonl?state_under_review={state}")
        body = b"".join(response.streaming_content)
    assert response.status_code == 200
    assert body.count(b"\n") == rows
