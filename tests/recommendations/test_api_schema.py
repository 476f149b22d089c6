"""The OpenAPI document is valid, and the API keeps to it under generated requests (schemathesis)."""

import datetime
import os

import pytest
import schemathesis
from django.core.cache import cache
from django.core.wsgi import get_wsgi_application
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.validation import validate_schema
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import ignored_auth, positive_data_acceptance

from recommendations import services
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
