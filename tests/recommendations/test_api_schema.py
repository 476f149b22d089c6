"""The OpenAPI document is valid, and the API keeps to it under generated requests (schemathesis)."""

import datetime
import json
import os

import pytest
import schemathesis
from django.core.cache import cache
from django.core.wsgi import get_wsgi_application
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.validation import validate_schema
from hypothesis import HealthCheck, settings
from openapi_schema_validator import OAS30Validator
from openapi_spec_validator import validate as validate_spec
from schemathesis.specs.openapi.checks import ignored_auth, positive_data_acceptance

from recommendations import services
from recommendations.api import exports as api_export
from recommendations.models import EvidenceSource, Theme

pytestmark = pytest.mark.django_db
# Generated requests per GET operation; raise it locally for a deeper run.
EXAMPLES = int(os.environ.get("SCHEMATHESIS_EXAMPLES", "20"))


def test_schema_is_valid_openapi_3():
    schema = SchemaGenerator().get_schema(request=None, public=True)
    validate_schema(schema)
    assert schema["openapi"].startswith("3.")
    assert "/api/v1/recommendations/" in schema["paths"]


IF_MATCH = {
    "in": "header",
    "name": "If-Match",
    "required": True,
    "schema": {"type": "string"},
    "description": (
        "The ETag of a GET of this object, naming the version the change is based on. "
        "Without it the answer is 428; with an older version, 412."
    ),
    "example": '"assessment-42-v3"',
}


def test_writes_to_one_object_require_if_match_and_document_412_and_428():
    paths = SchemaGenerator().get_schema(request=None, public=True)["paths"]
    for path in ("/api/v1/assessments/{id}/", "/api/v1/evidence-sources/{id}/"):
        for method in ("put", "patch", "delete"):
            operation = paths[path][method]
            assert [p for p in operation["parameters"] if p["in"] == "header"] == [IF_MATCH], (path, method)
            assert {"412", "428"} <= set(operation["responses"]), (path, method)
    for path, operations in paths.items():
        for method, operation in operations.items():
            if method in {"get", "post"}:
                assert IF_MATCH not in operation.get("parameters", []), (path, method)


def test_schema_and_docs_are_served_offline(client):
    assert client.get("/api/v1/schema/").status_code == 200
    docs = client.get("/api/v1/docs/").content.decode()
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in docs
    assert "cdn" not in docs.lower()
    redoc = client.get("/api/v1/redoc/").content.decode()
    assert "/static/drf_spectacular_sidecar/redoc/bundles/redoc.standalone.js" in redoc


@pytest.fixture
def api_data(db, wsgi_in_test_transaction, settings, review_kaz_2010, make_recommendation, norway, org_a):
    """A little of everything, so generated requests find rows; rate limits out of the way."""
    settings.API_ANON_RATE = "1000000/min"
    cache.clear()
    recommendation = make_recommendation(review_kaz_2010, "Protect freedom of assembly", states=[norway])
    recommendation.themes.set([Theme.objects.get(scheme__slug="upr-info", slug="human-rights-defenders")])
    evidence = EvidenceSource.objects.create(title="World Report 2014", url="https://www.hrw.org/wr2014")
    services.record_assessment(
        recommendation=recommendation,
        status="not_implemented",
        assessed_on=datetime.date(2014, 1, 1),
        organisation=org_a,
        citations=[(evidence, "", "1")],
    )
    services.delete_recommendations([make_recommendation(review_kaz_2010, "Deleted")])


# Loaded at collection: building the schema needs no database. (schemathesis's lazy
# from_fixture loader does not work with pytest 9.)
schema = schemathesis.openapi.from_wsgi("/api/v1/schema/", get_wsgi_application())


@pytest.mark.schemathesis
@schema.include(method="GET").parametrize()
@settings(
    max_examples=int(__import__("os").environ.get("ST_EXAMPLES", 20)),
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
)
def test_get_operations_never_fail_and_match_the_schema(case, api_data):
    # Every check but two. "Positive data acceptance": a schema cannot say which ISO3 codes
    # or cursors exist, so a well-formed unknown one is rightly a 400. "Ignored auth": reads
    # are public, so a request with a made-up session cookie is simply anonymous.
    case.call_and_validate(excluded_checks=[positive_data_acceptance, ignored_auth])


@pytest.mark.schemathesis
@schema.include(method=["POST", "PUT", "PATCH", "DELETE"]).parametrize()
@settings(max_examples=5, deadline=None, database=None, suppress_health_check=list(HealthCheck))
def test_anonymous_writes_are_refused_in_the_documented_way(case, api_data):
    response = case.call_and_validate(excluded_checks=[positive_data_acceptance])
    # schemathesis also probes methods the path lacks (405) and OPTIONS (200, public metadata).
    if response.request.method != "OPTIONS":
        assert response.status_code in {400, 401, 404, 405}


def test_every_operation_takes_lang():
    paths = SchemaGenerator().get_schema(request=None, public=True)["paths"]
    for path, operations in paths.items():
        for method, operation in operations.items():
            (lang,) = [p for p in operation["parameters"] if p["name"] == "lang"]
            assert (lang["in"], lang["schema"]) == ("query", {"type": "string", "enum": ["en", "fr", "es"]})
            assert lang["allowEmptyValue"] is True, (path, method)  # `?lang=` is ignored, as every blank value


def served_schema(client, **params) -> dict:
    response = client.get("/api/v1/schema/", {"format": "json", **params})
    assert response["Content-Type"].startswith("application/vnd.oai.openapi+json")
    return json.loads(response.content)


def test_schema_format_json_is_json_and_yaml_stays_the_default(client):
    assert served_schema(client)["openapi"].startswith("3.0")
    assert client.get("/api/v1/schema/")["Content-Type"].startswith("application/vnd.oai.openapi")
    assert client.get("/api/v1/schema/", {"format": "xml"}).status_code == 404


def test_served_schema_passes_strict_openapi_3_0_validation(client):
    validate_spec(served_schema(client))


def test_a_state_without_regional_group_matches_the_schema_strictly(client, api_client):
    """The Holy See's `regional_group: null`, validated as a strict OpenAPI 3.0 reader does."""
    document = served_schema(client)
    state = {**document["components"]["schemas"]["State"], "components": document["components"]}
    holy_see = api_client.get("/api/v1/states/VAT/").json()
    assert holy_see["regional_group"] is None
    OAS30Validator(state).validate(holy_see)
    OAS30Validator(state).validate(api_client.get("/api/v1/states/KAZ/").json())


def test_reads_are_anonymous_first_and_writes_need_credentials():
    paths = SchemaGenerator().get_schema(request=None, public=True)["paths"]
    assert paths["/api/v1/recommendations/"]["get"]["security"] == [{}, {"tokenAuth": []}, {"cookieAuth": []}]
    for path, operations in paths.items():
        for method, operation in operations.items():
            if method != "get":
                assert {} not in operation["security"], (path, method)


def test_reads_describe_etag_if_none_match_and_304_but_streamed_exports_do_not():
    paths = SchemaGenerator().get_schema(request=None, public=True)["paths"]
    listing = paths["/api/v1/recommendations/"]["get"]
    assert "ETag" in listing["responses"]["200"]["headers"]
    assert "304" in listing["responses"]
    assert [p["name"] for p in listing["parameters"] if p["in"] == "header"] == ["If-None-Match"]
    export = paths["/api/v1/recommendations/export.csv"]["get"]
    assert "304" not in export["responses"]


def test_exports_are_also_described_as_bytes_for_generic_clients():
    paths = SchemaGenerator().get_schema(request=None, public=True)["paths"]
    for extension, media_type in (("jsonl", "application/jsonl"), ("xlsx", api_export.XLSX_TYPE)):
        content = paths[f"/api/v1/recommendations/export.{extension}"]["get"]["responses"]["200"]["content"]
        assert list(content) == [media_type, "application/octet-stream"]
        assert content["application/octet-stream"]["schema"] == {"type": "string", "format": "binary"}


def test_action_category_is_an_integer_in_filters_as_in_answers():
    document = SchemaGenerator().get_schema(request=None, public=True)
    (parameter,) = [
        p for p in document["paths"]["/api/v1/recommendations/"]["get"]["parameters"] if p["name"] == "action_category"
    ]
    assert (
        parameter["schema"]["items"]["type"]
        == document["components"]["schemas"]["ActionCategoryEnum"]["type"]
        == "integer"
    )
    assert parameter["schema"]["items"]["enum"] == [1, 2, 3, 4, 5]
