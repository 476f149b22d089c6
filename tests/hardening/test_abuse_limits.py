"""Limits on what one client can make the server do: per-client rates for the search page, the widget,
the feed and the exports; a row limit on anonymous exports; a length limit on search words; the
statement timeout on every web request, answered 503; bounded JSON bodies."""

import datetime
import io
import json
import time
import xml.etree.ElementTree as ET

import psycopg
import pytest
from django.core.cache import cache
from django.db import connection
from openpyxl import load_workbook

from core import counts
from recommendations import services
from recommendations.imports import import_recommendations
from recommendations.imports.base import MAX_TEXT
from recommendations.models import Recommendation
from recommendations.models.recommendation import TEXT_MAX_LENGTH
from recommendations.search.index.store import STORE
from recommendations.site.embed import EMBED_CSP
from tests.recommendations.conftest import table_xlsx

pytestmark = pytest.mark.django_db

EXPORTS = "/api/v1/recommendations/export"


@pytest.fixture(autouse=True)
def _fresh_counters():
    cache.clear()


@pytest.fixture
def three(review_kaz_2010, make_recommendation, norway, org_a):
    made = [
        make_recommendation(review_kaz_2010, f"Protect defenders {n}", paragraph=f"97.{n}", states=[norway])
        for n in range(3)
    ]
    services.record_assessment(
        recommendation=made[0], status="not_implemented", assessed_on=datetime.date(2014, 1, 1), organisation=org_a
    )
    return made


def streamed(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


# Per-client rates ------------------------------------------------------------------------------------------


def test_search_page_answers_429_with_retry_after_once_an_anonymous_visitor_is_over_the_rate(client, settings, three):
    settings.SITE_ANON_RATE = "2/min"
    assert [client.get("/recommendations/").status_code for _ in range(2)] == [200, 200]
    refused = client.get("/recommendations/?q=defenders")
    assert refused.status_code == 429
    assert 0 < int(refused["Retry-After"]) <= 60
    assert "Too many requests" in refused.content.decode()
    assert refused["X-Frame-Options"] == "DENY"


def test_search_page_rate_is_per_address_and_spares_signed_in_users(client, settings, three, editor_a):
    settings.SITE_ANON_RATE = "1/min"
    assert client.get("/recommendations/", REMOTE_ADDR="10.0.0.1").status_code == 200
    assert client.get("/recommendations/", REMOTE_ADDR="10.0.0.1").status_code == 429
    assert client.get("/recommendations/", REMOTE_ADDR="10.0.0.2").status_code == 200
    client.force_login(editor_a)
    assert [client.get("/recommendations/", REMOTE_ADDR="10.0.0.1").status_code for _ in range(3)] == [200] * 3


def test_embed_widget_429_can_be_shown_in_the_partners_frame(client, settings, three):
    settings.SITE_ANON_RATE = "1/min"
    assert client.get("/embed/recommendations/").status_code == 200
    refused = client.get("/embed/recommendations/")
    assert refused.status_code == 429
    assert refused["Content-Security-Policy"] == EMBED_CSP
    assert "X-Frame-Options" not in refused
    assert int(refused["Retry-After"]) > 0


def test_search_page_and_widget_share_one_counter(client, settings, three):
    settings.SITE_ANON_RATE = "2/min"
    assert client.get("/recommendations/").status_code == 200
    assert client.get("/embed/recommendations/").status_code == 200
    assert client.get("/recommendations/").status_code == 429


def test_feed_counts_against_the_api_rate_and_answers_in_the_error_shape(api_client, settings, three):
    settings.API_ANON_RATE = "2/min"
    assert api_client.get("/api/v1/feeds/assessments.atom").status_code == 200
    assert api_client.get("/api/v1/cycles/").status_code == 200  # the same anonymous API counter
    refused = api_client.get("/api/v1/feeds/assessments.atom")
    assert refused.status_code == 429
    seconds = int(refused["Retry-After"])
    assert refused.json() == {
        "errors": {"detail": [f"Request was throttled. Expected available in {seconds} seconds."]}
    }


@pytest.mark.parametrize("extension", ["csv", "jsonl", "xlsx"])
def test_anonymous_exports_have_their_own_tighter_rate(api_client, settings, three, extension):
    settings.EXPORT_ANON_RATE = "1/hour"
    assert api_client.get(f"{EXPORTS}.{extension}").status_code == 200
    refused = api_client.get(f"{EXPORTS}.{extension}")
    assert refused.status_code == 429
    assert 3500 < int(refused["Retry-After"]) <= 3600
    assert refused.json()["errors"]["detail"][0].startswith("Request was throttled. Expected available in ")
    assert api_client.get("/api/v1/recommendations/").status_code == 200  # other reads go on


def test_token_clients_are_not_held_to_the_anonymous_export_rate(token_client_a, settings, three):
    settings.EXPORT_ANON_RATE = "1/hour"
    assert [token_client_a.get(f"{EXPORTS}.csv").status_code for _ in range(3)] == [200] * 3


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("SITE_ANON_RATE", "lots"),
        ("EXPORT_ANON_RATE", "5/week"),
        ("EXPORT_ANON_MAX_ROWS", "0"),
        ("BRIEFING_PDF_ANON_RATE", "10 per hour"),
        ("BRIEFING_PDF_CONCURRENCY", "0"),
        ("UPLOAD_MAX_MB", "0"),
        ("ZIP_MAX_UNCOMPRESSED_MB", "lots"),
        ("NUM_PROXIES", "-1"),
    ],
)
def test_bad_limit_settings_stop_start_up(variable, value):
    from tests.test_project import PRODUCTION_ENV, run_manage

    result = run_manage("check", env={**PRODUCTION_ENV, variable: value})
    assert result.returncode != 0
    assert variable in result.stderr


# Anonymous export size -------------------------------------------------------------------------------------


@pytest.mark.parametrize("extension", ["csv", "jsonl", "xlsx"])
def test_anonymous_export_over_the_row_limit_is_refused_before_anything_is_streamed(
    api_client, settings, three, extension
):
    settings.EXPORT_ANON_MAX_ROWS = 2
    response = api_client.get(f"{EXPORTS}.{extension}")
    assert response.status_code == 400
    assert response.json() == {
        "errors": {
            "detail": [
                "More than 2 recommendations match: narrow the filters, or export with an API token "
                "(docs/api.md, Exports), which has no limit."
            ]
        }
    }
    assert api_client.get(f"{EXPORTS}.{extension}?q=defenders+0").status_code == 200  # narrowed: one row


def test_anonymous_export_at_the_row_limit_is_complete(api_client, settings, three):
    settings.EXPORT_ANON_MAX_ROWS = 3
    body = streamed(api_client.get(f"{EXPORTS}.csv")).decode()
    assert len(body.splitlines()) == 4  # header and three rows


@pytest.mark.parametrize("extension", ["csv", "jsonl", "xlsx"])
def test_token_and_signed_in_exports_get_every_row(token_client_a, client, editor_a, settings, three, extension):
    settings.EXPORT_ANON_MAX_ROWS = 1
    client.force_login(editor_a)
    for authenticated in (token_client_a, client):
        response = authenticated.get(f"{EXPORTS}.{extension}")
        assert response.status_code == 200
        body = streamed(response)
        if extension == "xlsx":
            assert load_workbook(io.BytesIO(body)).active.max_row == 4
        else:
            assert len(body.decode().splitlines()) == (4 if extension == "csv" else 3)


def test_search_page_offers_the_csv_export_only_within_the_anonymous_limit(client, settings, three):
    page = client.get("/recommendations/").content.decode()
    assert 'data-export="csv"' in page
    settings.EXPORT_ANON_MAX_ROWS = 2
    page = client.get("/recommendations/").content.decode()
    assert 'data-export="csv"' not in page
    assert "Exports hold at most 2 recommendations: narrow the filters, or use the API with a token." in page


# Search words --------------------------------------------------------------------------------------------------

TEN_THOUSAND_WORDS = " ".join(["defenders"] * 10_000)


@pytest.mark.parametrize(
    "words",
    [TEN_THOUSAND_WORDS, "x" * 1_000_000, '"a b" -c or d ' * 20],
    ids=["ten-thousand-words", "one-megabyte", "many-operators-over-200"],
)
def test_over_long_search_words_are_a_quick_400(client, api_client, three, words):
    started = time.monotonic()
    api = api_client.get("/api/v1/recommendations/", {"q": words})
    page = client.get("/recommendations/", {"q": words})
    assert time.monotonic() - started < 5
    assert api.status_code == page.status_code == 400
    length = len(words.strip())
    assert api.json() == {"errors": {"q": [f"Ensure this value has at most 200 characters (it has {length})."]}}
    assert "Ensure this value has at most 200 characters" in page.content.decode()
    # The page quotes the words back into the search box at most as long as the box allows, not a megabyte.
    assert len(page.content) < 200_000


@pytest.mark.parametrize(
    "words",
    ['"defenders" -x or & | ! <-> :* () \\ ' * 5, 'or or or - - - "" "" \'\' :*:*' * 6, "!" * 200],
    ids=["operators", "empty-operators", "bangs"],
)
def test_pathological_search_syntax_within_the_limit_is_a_clear_400(client, api_client, three, words):
    # Empty parentheses, a bare ":*", an unclosed quotation mark, punctuation alone: the parser (search/query.py)
    # says what it cannot read, where websearch_to_tsquery used to search something else silently.
    assert len(words) <= 200
    api = api_client.get("/api/v1/recommendations/", {"q": words})
    assert api.status_code == 400
    assert list(api.json()["errors"]) == ["q"]
    assert client.get("/recommendations/", {"q": words}).status_code == 400


def test_tsquery_operators_among_words_are_searched_as_words(client, api_client, three):
    words = "defenders & | ! <-> \\ " * 5
    assert api_client.get("/api/v1/recommendations/", {"q": words}).status_code == 200
    assert client.get("/recommendations/", {"q": words}).status_code == 200


# The statement timeout -----------------------------------------------------------------------------------------


def _show_statement_timeout(conn) -> str:
    with conn.cursor() as cursor:
        cursor.execute("SHOW statement_timeout")
        return cursor.fetchone()[0]


def test_web_requests_run_under_the_statement_timeout(client, settings, three):
    assert settings.STATEMENT_TIMEOUT_MS == 30_000
    assert settings.DATABASES["default"]["OPTIONS"]["options"] == "-c jit=off -c statement_timeout=30000"
    assert client.get("/recommendations/?q=defenders").status_code == 200
    # The test client served that request on this very connection.
    assert _show_statement_timeout(connection) == "30s"
    # And every new connection, as a web worker opens it, starts with the timeout.
    fresh = connection.get_new_connection(connection.get_connection_params())
    try:
        assert _show_statement_timeout(fresh) == "30s"
        with fresh.cursor() as cursor:  # the facet counts' plans are not JIT-compiled (settings.DB_JIT)
            cursor.execute("SHOW jit")
            assert cursor.fetchone()[0] == "off"
    finally:
        fresh.close()


@pytest.fixture
def locked_recommendations(db):
    """Another session holding the recommendations table, so any query on it waits; released at the end.

    Nothing in the test's own transaction touches the table before the request, so the lock is granted. The
    process's count index is read first, as a gunicorn worker reads it at start (gunicorn.conf.py).
    """
    STORE.current(counts.data_version())
    other = psycopg.connect(**connection.get_connection_params())
    other.execute("LOCK TABLE recommendations_recommendation IN ACCESS EXCLUSIVE MODE")
    with connection.cursor() as cursor:  # a short timeout for this test's transaction only
        cursor.execute("SET LOCAL statement_timeout = '300ms'")
    yield
    other.rollback()
    other.close()


# A recommendation's own page reads its row (lists and counts come from the count index, which this process
# has read already: an empty list is answered without the table).
@pytest.mark.parametrize(
    ("path", "content_type"),
    [("/recommendations/1/", "text/html"), ("/api/v1/recommendations/1/", "application/json")],
)
def test_a_statement_cancelled_by_the_timeout_is_a_quick_503(client, locked_recommendations, path, content_type):
    started = time.monotonic()
    response = client.get(path)
    assert time.monotonic() - started < 5
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert response["Content-Type"].startswith(content_type)
    message = "The database took too long to answer: try again in a moment, or narrow the request."
    if content_type == "application/json":
        assert response.json() == {"errors": {"detail": [message]}}
    else:
        assert "This took too long" in response.content.decode()


# Bounded request bodies -----------------------------------------------------------------------------------------


def test_json_body_over_the_upload_limit_is_a_413(token_client_a, settings, three):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 2048
    body = json.dumps({"title": "x" * 3000, "source_url": "https://example.org/r"})
    response = token_client_a.post("/api/v1/evidence-sources/", body, content_type="application/json")
    assert response.status_code == 413
    assert response.json() == {"errors": {"detail": ["The request body is larger than 2,048 bytes."]}}


def test_deeply_nested_json_is_a_400(token_client_a, three):
    body = '{"title": ' + "[" * 100_000 + "]" * 100_000 + "}"
    response = token_client_a.post("/api/v1/evidence-sources/", body, content_type="application/json")
    assert response.status_code == 400
    assert response.json() == {"errors": {"detail": ["JSON parse error - arrays or objects are nested too deeply."]}}


@pytest.mark.parametrize(
    ("body", "errors"),
    [
        ('{"narrative": "a\\u0000b"}', {"narrative": ["Null characters are not allowed."]}),
        ('{"citations": [{"excerpt": "\\ud800"}]}', {"citations": ["Surrogate characters are not allowed: U+D800."]}),
        ('{"organisation\\u0000": "x"}', {"detail": ["Null characters are not allowed."]}),
        ('["\\udfff"]', {"detail": ["Surrogate characters are not allowed: U+DFFF."]}),
    ],
)
def test_json_strings_no_text_column_can_hold_are_a_400_naming_the_field(token_client_a, three, body, errors):
    response = token_client_a.post("/api/v1/assessments/", body, content_type="application/json")
    assert response.status_code == 400
    assert response.json() == {"errors": errors}


def test_too_many_query_parameters_under_api_are_a_json_400(api_client, three):
    response = api_client.get("/api/v1/recommendations/?" + "&".join(["cycle=1"] * 1500))
    assert response.status_code == 400
    assert response.json() == {"errors": {"detail": ["More than 1,000 parameters."]}}


# Texts the database or the feed cannot take ----------------------------------------------------------------------


def test_feed_leaves_out_control_characters_xml_cannot_carry(api_client, three, org_a):
    services.record_assessment(
        recommendation=three[1],
        status="partially_implemented",
        assessed_on=datetime.date(2015, 1, 1),
        organisation=org_a,
        narrative="Bell\x07 and escape\x1b[31m, kept\ttab",
    )
    response = api_client.get("/api/v1/feeds/assessments.atom")
    assert response.status_code == 200
    entries = ET.fromstring(response.content).findall("{http://www.w3.org/2005/Atom}entry")
    summary = entries[0].findtext("{http://www.w3.org/2005/Atom}summary")
    assert "Bell and escape[31m, kept\ttab" in summary


def test_recommendation_text_longer_than_the_limit_is_a_validation_error(three):
    from django.core.exceptions import ValidationError

    recommendation = three[0]
    recommendation.text = "w " * (TEXT_MAX_LENGTH // 2) + "more"
    with pytest.raises(ValidationError) as raised:
        recommendation.full_clean()
    assert raised.value.message_dict["text"] == [
        f"At most {TEXT_MAX_LENGTH:,} characters (this text has {len(recommendation.text):,})."
    ]


def test_import_of_an_over_long_text_is_a_row_error_and_writes_nothing(three):
    header = ["paragraph", "text", "state_under_review", "recommending_states", "session", "response"]
    header += ["action_category", "themes", "affected_groups", "sdgs"]
    words = " ".join(f"w{n:06d}" for n in range(150_000))  # over a megabyte: more than a search vector holds
    rows = [header, ["98.1", "Short and fine", "KAZ", "NOR", 7, "supported", 5, "", "", 16]]
    rows.append(["98.2", words, "KAZ", "NOR", 7, "supported", 5, "", "", 16])
    before = Recommendation.objects.count()
    result = import_recommendations(file=table_xlsx(rows))
    assert not result.written
    assert [(p.row, p.column, p.message) for p in result.errors] == [
        ("3", "text", f"Recommendation text longer than {MAX_TEXT:,} characters.")
    ]
    assert Recommendation.objects.count() == before


# Behind a reverse proxy ------------------------------------------------------------------------------------

VIA_PROXY = {"REMOTE_ADDR": "10.0.0.9"}  # every request through the proxy comes from its address


@pytest.mark.parametrize(
    ("rate", "path"),
    [
        ("API_ANON_RATE", "/api/v1/cycles/"),
        ("SITE_ANON_RATE", "/recommendations/"),
        ("EXPORT_ANON_RATE", f"{EXPORTS}.csv"),
        ("BRIEFING_PDF_ANON_RATE", "/states/FRA/briefing.pdf"),
    ],
)
def test_behind_a_proxy_every_rate_counts_each_client_not_the_proxy(client, settings, three, rate, path):
    settings.NUM_PROXIES = 1
    setattr(settings, rate, "2/hour")
    for forged in ("192.0.2.1", "192.0.2.2"):
        assert client.get(path, **VIA_PROXY, HTTP_X_FORWARDED_FOR=f"{forged}, 203.0.113.7").status_code == 200
    # Forged left-most entries do not make a new client.
    assert client.get(path, **VIA_PROXY, HTTP_X_FORWARDED_FOR="192.0.2.3, 203.0.113.7").status_code == 429
    assert client.get(path, **VIA_PROXY, HTTP_X_FORWARDED_FOR="198.51.100.20").status_code == 200


def test_without_proxies_x_forwarded_for_never_makes_a_new_client(client, settings, three):
    settings.SITE_ANON_RATE = "1/hour"
    assert client.get("/recommendations/", REMOTE_ADDR="203.0.113.7").status_code == 200
    refused = client.get("/recommendations/", REMOTE_ADDR="203.0.113.7", HTTP_X_FORWARDED_FOR="198.51.100.20")
    assert refused.status_code == 429
