"""The API's JSON parser: DRF's, refusing what would otherwise be a server error.

Python's json module answers deeply nested arrays with RecursionError, which
DRF does not catch (a 500): here it is a 400. So is a string no text column
can hold: a NUL character (PostgreSQL refuses it) or a lone surrogate
("\\ud800" is valid JSON but not Unicode text; rendering it back in an error
message would fail). Errors name the top-level field, in the API's error shape.
The body's size is bounded before parsing: DRF reads it through request.body,
which enforces DATA_UPLOAD_MAX_MEMORY_SIZE (api_errors.bad_request answers 413).
"""

from django.utils.translation import gettext as _
from rest_framework import parsers
from rest_framework.exceptions import ParseError, ValidationError


class JSONParser(parsers.JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise ParseError(_("JSON parse error - arrays or objects are nested too deeply.")) from None
        check_strings(data)
        return data


def check_strings(data: object) -> None:
    """ValidationError naming the top-level field of the first string a text column cannot store."""
    pending: list[tuple[str, object]] = [("detail", data)]
    if isinstance(data, dict):
        for key in data:  # first, so that a field named in an error is always printable
            _check_string("detail", key)
        pending = list(data.items())
    while pending:  # iterative: the document may be nested as deep as the parser allowed
        field, item = pending.pop()
        if isinstance(item, dict):
            pending.extend((field, part) for pair in item.items() for part in pair)
        elif isinstance(item, list):
            pending.extend((field, part) for part in item)
        elif isinstance(item, str):
            _check_string(field, item)


def _check_string(field: str, text: str) -> None:
    if "\x00" in text:
        raise ValidationError({field: [_("Null characters are not allowed.")]})
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as error:
        code_point = ord(text[error.start])
        message = _("Surrogate characters are not allowed: %(character)s.") % {"character": f"U+{code_point:X}"}
        raise ValidationError({field: [message]}) from None
