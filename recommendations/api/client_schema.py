"""What a client generated from the OpenAPI document needs to be told (openapi-python-client, strict mode).

A postprocessing hook (settings.SPECTACULAR_SETTINGS) that describes what drf-spectacular leaves out or
writes in a form strict OpenAPI 3.0 readers refuse, and the schema view that honours `?format=json`.
tests/recommendations/test_api_generated_client.py generates a client and uses it against a live server.
"""

from drf_spectacular.views import SpectacularAPIView
from rest_framework.negotiation import DefaultContentNegotiation

NULL = {"$ref": "#/components/schemas/NullEnum"}
ANONYMOUS = {}  # the empty security requirement: no credentials needed
IF_NONE_MATCH = {
    "in": "header",
    "name": "If-None-Match",
    "required": False,
    "schema": {"type": "string"},
    "description": "The ETag of an earlier answer: while the answer is the same, it is a 304 with no body.",
}
ETAG_HEADER = {
    "ETag": {
        "schema": {"type": "string"},
        "description": "A hash of the body: send it back as If-None-Match to revalidate.",
    }
}
NOT_MODIFIED = {
    "description": "Not Modified: the answer is still the one whose ETag was sent as If-None-Match. No body.",
    "headers": ETAG_HEADER,
}


def describe_for_generated_clients(result: dict, generator, request, public) -> dict:
    """Postprocessing hook: revalidation (ETag, If-None-Match, 304), anonymous reads, nulls strict 3.0 reads."""
    for path, operations in result.get("paths", {}).items():
        for method, operation in operations.items():
            if method != "get":
                continue
            _anonymous_first(operation)
            if not path.startswith("/api/v1/recommendations/export."):  # streamed: no ETag (docs/api.md)
                _revalidation(operation)
    schemas = result.get("components", {}).get("schemas", {})
    schemas.setdefault("NullEnum", {"enum": [None]})
    for schema in schemas.values():
        for name, prop in schema.get("properties", {}).items():
            schema["properties"][name] = nullable_reference(prop)
    return result


def _anonymous_first(operation: dict) -> None:
    """A read open to anonymous clients says so first: `[{}, {"tokenAuth": []}, …]`, as OpenAPI spells
    "credentials optional". Reads that need an account (no `{}` there) are left as they are."""
    security = operation.get("security", [])
    if ANONYMOUS in security:
        operation["security"] = [ANONYMOUS, *(item for item in security if item != ANONYMOUS)]


def _revalidation(operation: dict) -> None:
    """Every GET answer with a body has an ETag (ConditionalGetMiddleware): If-None-Match may make it a 304."""
    operation.setdefault("parameters", []).append(IF_NONE_MATCH)
    responses = operation.setdefault("responses", {})
    if "200" in responses:
        responses["200"].setdefault("headers", {}).update(ETAG_HEADER)
    responses.setdefault("304", NOT_MODIFIED)


def nullable_reference(prop: dict) -> dict:
    """`{"allOf": [ref], "nullable": true}` as `{"oneOf": [ref, NullEnum], "nullable": true}`.

    In OpenAPI 3.0 `nullable` only counts beside a `type`, so a strict validator refuses null for the
    first form (the Holy See's `regional_group`); the second is how drf-spectacular writes nullable enums.
    """
    all_of = prop.get("allOf")
    if not prop.get("nullable") or not all_of or len(all_of) != 1:
        return prop
    rest = {key: value for key, value in prop.items() if key != "allOf"}
    return {**rest, "oneOf": [all_of[0], NULL]}


class FormatParameterNegotiation(DefaultContentNegotiation):
    """`?format=json` or `?format=yaml` chooses the schema's renderer (the API has no format parameter
    elsewhere: REST_FRAMEWORK's URL_FORMAT_OVERRIDE is off). An unknown format is a 404."""

    def select_renderer(self, request, renderers, format_suffix=None):
        return super().select_renderer(request, renderers, format_suffix or request.query_params.get("format"))


class SchemaView(SpectacularAPIView):
    """The OpenAPI document: YAML by default, JSON for `?format=json` or `Accept: application/json`."""

    content_negotiation_class = FormatParameterNegotiation
