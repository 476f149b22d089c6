"""OpenAPI details drf-spectacular cannot infer: our filter parameters, the error responses and If-Match.

Imported by RecommendationsConfig.ready(), so the extensions are registered before a schema is built.
"""

from django import forms
from django.conf import settings
from drf_spectacular.extensions import OpenApiAuthenticationExtension, OpenApiFilterExtension
from drf_spectacular.plumbing import build_parameter_type, get_view_model
from drf_spectacular.utils import OpenApiParameter

from recommendations.search import fields as ff

ERROR_SCHEMA = {
    "type": "object",
    "required": ["errors"],
    "properties": {
        "errors": {
            "type": "object",
            "description": "Messages by parameter or field name; 'detail' for the request as a whole.",
            "additionalProperties": {"type": "array", "items": {}},
        }
    },
    "example": {"errors": {"state_under_review": ["Unknown ISO3 code: XYZ."]}},
}
_ERROR_DESCRIPTIONS = {
    "400": "Invalid parameter or field values.",
    "401": "Authentication needed (writes, /token/), or the token is unknown, revoked or expired.",
    "403": "The account, or its token, may not do this (a read-only token is refused every write).",
    "404": "No such object.",
    "409": "The object is in use.",
    "412": "If-Match names another version than the stored one: read the object again and reapply the change.",
    "428": "If-Match is missing (or `*`): GET the object and send its ETag as If-Match.",
    "429": "Rate limit exceeded; see the Retry-After header.",
}
_WRITE_METHODS = {"post", "put", "patch", "delete"}
_VERSIONED_METHODS = {"put", "patch", "delete"}  # on one object: core.api.DetailMixin requires If-Match
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


def field_schema(field: forms.Field) -> dict:
    """The JSON schema of one value of a filter form field."""
    if isinstance(field, ff.ChoicesField):
        if all(choice.isdigit() for choice in field.choices):
            # action_category: integers, as in the answers (the query string is the same: ?action_category=5).
            return {"type": "integer", "enum": [int(choice) for choice in field.choices]}
        return {"type": "string", "enum": list(field.choices)}
    if isinstance(field, ff.IntegersField):
        return {"type": "integer", "minimum": field.minimum, "maximum": field.maximum}
    if isinstance(field, ff.ReferenceField):
        pattern = field.pattern.pattern
        return {"type": "string", "pattern": pattern if "a-z" in pattern else pattern.replace("A-Z", "A-Za-z")}
    if isinstance(field, ff.ISODateTimeField):
        return {"type": "string", "format": "date-time"}
    if isinstance(field, ff.OrderingField):
        key = "-?(" + "|".join(field.keys) + ")"
        return {"type": "string", "pattern": f"^{key}(,{key})*$"}
    schema = {"type": "string"}
    if getattr(field, "max_length", None):
        schema["maxLength"] = field.max_length
    return schema


def filter_parameter(name: str, filter_) -> dict:
    field = filter_.field
    schema = field_schema(field)
    description = str(field.help_text or "")
    if isinstance(field, ff.RepeatableField):
        return build_parameter_type(
            name,
            {"type": "array", "items": schema},
            "query",
            description=(description + " Repeat to match any of several values.").strip(),
            explode=True,
            style="form",
        )
    return build_parameter_type(name, schema, "query", description=description or None)


def filterset_parameters(filterset_class) -> list[OpenApiParameter]:
    """The FilterSet's parameters for extend_schema, on views that filter but are not lists (facets, exports)."""
    parameters = []
    for name, filter_ in filterset_class.base_filters.items():
        field = filter_.field
        repeatable = isinstance(field, ff.RepeatableField)
        schema = field_schema(field)
        parameters.append(
            OpenApiParameter(
                name,
                {"type": "array", "items": schema} if repeatable else schema,
                OpenApiParameter.QUERY,
                explode=True if repeatable else None,
                style="form" if repeatable else None,
                description=str(field.help_text or ""),
            )
        )
    return parameters


class FilterBackendExtension(OpenApiFilterExtension):
    """Parameters straight from the FilterSet's fields, with their real types, ranges and patterns."""

    target_class = "core.api.FilterBackend"
    priority = 1

    def get_schema_operation_parameters(self, auto_schema, *args, **kwargs) -> list[dict]:
        filterset_class = getattr(auto_schema.view, "filterset_class", None)
        if filterset_class is None or get_view_model(auto_schema.view) is None:
            return []
        return [filter_parameter(name, filter_) for name, filter_ in filterset_class.base_filters.items()]


class TokenScheme(OpenApiAuthenticationExtension):
    """`Authorization: Token <key>` (recommendations/api/auth.py), under the name DRF's token scheme had."""

    target_class = "recommendations.api.auth.TokenAuthentication"
    name = "tokenAuth"

    def get_security_definition(self, auto_schema) -> dict:
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": (
                "An API token issued by an administrator, sent as `Token <key>`. Tokens expire; a `read` token "
                "is refused every write (403); a token acts only for its organisation. See docs/api.md."
            ),
        }


def _error_codes(path: str, method: str, operation: dict) -> list[str]:
    codes = ["400", "429"]
    if "{" in path:
        codes.append("404")
    if method in _WRITE_METHODS or {} not in operation.get("security", [{}]):  # {}: open to anonymous clients
        codes += ["401", "403"]
    if method == "delete" and "{" in path:
        codes.append("409")
    if _versioned(path, method):
        codes += ["412", "428"]
    return codes


def _versioned(path: str, method: str) -> bool:
    return method in _VERSIONED_METHODS and "{" in path


def _allow_empty_query_values(operation: dict) -> None:
    """`?name=` means "not given" for every query parameter but `facet` (HTML forms send blanks)."""
    for parameter in operation.get("parameters", []):
        if parameter.get("in") == "query" and parameter.get("name") != "facet":
            parameter["allowEmptyValue"] = True


def language_parameter() -> dict:
    """`lang`, which every operation takes (core/locale.py)."""
    codes = [code for code, _name in settings.LANGUAGES]
    return {
        "in": "query",
        "name": "lang",
        "required": False,
        "schema": {"type": "string", "enum": codes},
        "description": (
            "The language of labels and messages (else the first of Accept-Language the API speaks, else "
            f"{settings.LANGUAGE_CODE}); the answer says which in Content-Language. Codes, ids and values are "
            "the same in every language. Another language is a 400."
        ),
    }


def add_language_parameter(result: dict, generator, request, public) -> dict:
    """Postprocessing hook: `lang` on every operation."""
    for operations in result.get("paths", {}).values():
        for operation in operations.values():
            operation.setdefault("parameters", []).append(language_parameter())
    return result


def add_error_responses(result: dict, generator, request, public) -> dict:
    """Postprocessing hook: document the shared error body on every operation, blank parameters, and If-Match."""
    result.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR_SCHEMA
    content = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
    for path, operations in result.get("paths", {}).items():
        for method, operation in operations.items():
            _allow_empty_query_values(operation)
            if _versioned(path, method):
                operation.setdefault("parameters", []).append(IF_MATCH)
            responses = operation.setdefault("responses", {})
            for code in _error_codes(path, method, operation):
                responses.setdefault(code, {"description": _ERROR_DESCRIPTIONS[code], "content": content})
    return result
