"""Form fields for the query parameters of recommendation searches.

Shared by the API and the public pages, so they hold no DRF code. Most
parameters may be repeated (`?response=supported&response=noted`): the field
returns the list of cleaned values, which the filter ORs. Reference data
(States, regional groups, blocs, themes, affected groups) is resolved to ids
from the reference tables held in memory (lookups.py; organisations by a query),
so an unknown code is a clear error rather than an empty result.
"""

import datetime
import re
from collections.abc import Iterable

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from recommendations.models import Organisation
from recommendations.models.recommendation import is_language_code
from recommendations.search import lookups
from recommendations.search.query import QueryError, parse

MAX_VALUES = 50
_SLUG = re.compile(r"^[-a-zA-Z0-9_]{1,220}$")
_CODE = re.compile(r"^[A-Z0-9_]{1,20}$")
_ISO3 = re.compile(r"^[A-Z]{3}$")


def shown(value: str, limit: int = 60) -> str:
    """A user's value as quoted back in an error message, cut short if needed."""
    return value if len(value) <= limit else value[: limit - 1] + "…"


def invalid(message: str, value: str, **params: object) -> ValidationError:
    """An error quoting the user's value as %(value)s through params, so a "%" in it is never read as a format."""
    return ValidationError(message, params={"value": shown(value), **params})


# Messages of the fields below that name the parameter, by the `noun` a filter gives its field (a whole message
# each, so that a translation agrees with the noun).
UNKNOWN_CHOICE = {
    "response": gettext_lazy("Unknown response: %(value)s. Choose from: %(choices)s."),
    "action category": gettext_lazy("Unknown action category: %(value)s. Choose from: %(choices)s."),
    "kind": gettext_lazy("Unknown kind: %(value)s. Choose from: %(choices)s."),
    "status": gettext_lazy("Unknown status: %(value)s. Choose from: %(choices)s."),
}
OUT_OF_RANGE = {
    "cycle": gettext_lazy("Out of range: %(number)s (cycle from %(minimum)s to %(maximum)s)."),
    "session": gettext_lazy("Out of range: %(number)s (session from %(minimum)s to %(maximum)s)."),
    "year": gettext_lazy("Out of range: %(number)s (year from %(minimum)s to %(maximum)s)."),
    "SDG": gettext_lazy("Out of range: %(number)s (SDG from %(minimum)s to %(maximum)s)."),
    "recommendation id": gettext_lazy("Out of range: %(number)s (recommendation id from %(minimum)s to %(maximum)s)."),
}

NOT_A_WHOLE_NUMBER = gettext_lazy("Not a whole number: %(value)s.")


class SharedField:
    """A form field every form shares instead of deep-copying it (filters.ShallowCopiedFilter says why): it
    keeps no state of its own and nothing changes it per request."""

    def __deepcopy__(self, memo: dict) -> "SharedField":
        return self


class TextField(SharedField, forms.CharField):
    pass


class SearchWordsField(TextField):
    """Search words (`q`) in the syntax of search/query.py: what cannot be parsed is a clear error."""

    def clean(self, value) -> str:
        value = super().clean(value)  # length and NUL characters first: parse only what fits the box
        try:
            parse(value)
        except QueryError as error:
            raise ValidationError(str(error), code="query") from None
        return value


class RepeatableWidget(forms.MultipleHiddenInput):
    """Reads every value of a repeated query parameter."""


class RepeatableField(SharedField, forms.Field):
    """A parameter that may be given several times; blank values are ignored."""

    widget = RepeatableWidget

    def to_python(self, value) -> list:
        if value in self.empty_values:
            return []
        values = [value] if isinstance(value, str) else list(value)
        values = [v.strip() for v in values if isinstance(v, str) and v.strip()]
        if len(values) > MAX_VALUES:
            message = ngettext(
                "At most %(max)d value may be given.", "At most %(max)d values may be given.", MAX_VALUES
            )
            raise ValidationError(message % {"max": MAX_VALUES})
        cleaned, errors = [], []
        for item in dict.fromkeys(values):
            try:
                cleaned.append(self.clean_value(item))
            except ValidationError as error:
                errors.extend(error.error_list)
        if errors:
            raise ValidationError(errors)
        return self.resolve(cleaned) if cleaned else []

    def clean_value(self, value: str):
        if "\x00" in value:
            raise ValidationError(_("Null characters are not allowed."))
        return value

    def resolve(self, values: list) -> list:
        """Turn the checked values into what the filter compares with (ids for reference data)."""
        return values


class ChoicesField(RepeatableField):
    """Values from a fixed list; `choices` maps each public value to the stored one."""

    def __init__(self, *, choices: dict[str, object], noun: str, **kwargs) -> None:
        self.choices = choices
        self.unknown = UNKNOWN_CHOICE[noun]
        super().__init__(**kwargs)

    def clean_value(self, value: str):
        if value not in self.choices:
            raise invalid(self.unknown, value, choices=", ".join(self.choices))
        return self.choices[value]


class IntegersField(RepeatableField):
    def __init__(self, *, minimum: int, maximum: int, noun: str, **kwargs) -> None:
        self.minimum, self.maximum, self.out_of_range = minimum, maximum, OUT_OF_RANGE[noun]
        super().__init__(**kwargs)

    def clean_value(self, value: str) -> int:
        if not re.fullmatch(r"[0-9]{1,18}", value):
            raise invalid(NOT_A_WHOLE_NUMBER, value)
        number = int(value)
        if not self.minimum <= number <= self.maximum:
            raise ValidationError(
                self.out_of_range, params={"number": number, "minimum": self.minimum, "maximum": self.maximum}
            )
        return number


class ReferenceField(RepeatableField):
    """Codes or slugs of reference rows, resolved to their ids."""

    pattern: re.Pattern = _SLUG
    unknown = gettext_lazy("Unknown value: %(value)s.")

    def normalise(self, value: str) -> str:
        return value

    def clean_value(self, value: str) -> str:
        value = self.normalise(super().clean_value(value))
        if not self.pattern.match(value):
            raise invalid(self.unknown, value)
        return value

    def resolve(self, values: list[str]) -> list[int]:
        found = self.lookup(values)
        missing = [value for value in values if not found.get(value)]
        if missing:
            raise ValidationError([invalid(self.unknown, value) for value in missing])
        return sorted({pk for value in values for pk in found[value]})

    def lookup(self, values: list[str]) -> dict[str, list[int]]:
        raise NotImplementedError


class StateField(ReferenceField):
    """ISO 3166 alpha-3 codes, any case."""

    pattern = _ISO3
    unknown = gettext_lazy("Unknown ISO3 code: %(value)s.")

    def normalise(self, value: str) -> str:
        return value.upper()

    def lookup(self, values: list[str]) -> dict[str, list[int]]:
        return lookups.current().state_ids


class RegionalGroupField(ReferenceField):
    pattern = _CODE
    unknown = gettext_lazy("Unknown regional group code: %(value)s.")

    def normalise(self, value: str) -> str:
        return value.upper()

    def lookup(self, values: list[str]) -> dict[str, list[int]]:
        return lookups.current().regional_group_ids


class BlocField(RegionalGroupField):
    unknown = gettext_lazy("Unknown bloc code: %(value)s.")

    def lookup(self, values: list[str]) -> dict[str, list[int]]:
        return lookups.current().bloc_ids


class AffectedGroupField(ReferenceField):
    unknown = gettext_lazy("Unknown affected group: %(value)s.")

    def lookup(self, values: list[str]) -> dict[str, list[int]]:
        return lookups.current().affected_group_ids


class ThemeSchemeField(ReferenceField):
    unknown = gettext_lazy("Unknown theme scheme: %(value)s.")

    def lookup(self, values: list[str]) -> dict[str, list[int]]:
        return lookups.current().scheme_ids


class OrganisationField(ReferenceField):
    unknown = gettext_lazy("Unknown organisation: %(value)s.")

    def lookup(self, values: list[str]) -> dict[str, list[int]]:
        return lookups.grouped(Organisation.objects.filter(slug__in=values).values_list("slug", "pk"))


class ThemeField(ReferenceField):
    """`slug` (that slug in every scheme) or `scheme:slug` (one theme)."""

    pattern = re.compile(r"^(?:[-a-zA-Z0-9_]{1,50}:)?[-a-zA-Z0-9_]{1,220}$")
    unknown = gettext_lazy("Unknown theme: %(value)s.")

    def lookup(self, values: list[str]) -> dict[str, list[int]]:
        return lookups.current().theme_ids


NOT_A_LANGUAGE = gettext_lazy("Not an ISO 639-1 language code (two letters, such as en, fr or es): %(value)s.")


class LanguageField(RepeatableField):
    """ISO 639-1 codes, any case: any code is valid (a language no text is in matches nothing)."""

    def clean_value(self, value: str) -> str:
        code = super().clean_value(value).lower()
        if not is_language_code(code):
            raise invalid(NOT_A_LANGUAGE, value)
        return code


class ISODateTimeField(SharedField, forms.DateTimeField):
    """An ISO 8601 date and time; without an offset it is read as UTC, a bare date as midnight UTC."""

    default_error_messages = {"invalid": gettext_lazy("Enter an ISO 8601 date and time, e.g. 2024-05-01T00:00:00Z.")}

    def to_python(self, value) -> datetime.datetime | None:
        if isinstance(value, str) and "\x00" in value:
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        try:
            moment = super().to_python(value)
            # In UTC: PostgreSQL refuses offsets past ±15:59 that Python accepts.
            return moment.astimezone(datetime.UTC) if moment else moment
        except (OverflowError, ValueError):
            raise ValidationError(self.error_messages["invalid"], code="invalid") from None


class OrderingField(SharedField, forms.CharField):
    """Comma-separated keys from a whitelist, each optionally prefixed with '-' (descending)."""

    def __init__(self, *, keys: Iterable[str], **kwargs) -> None:
        self.keys = tuple(keys)
        kwargs.setdefault("max_length", 200)
        super().__init__(**kwargs)

    def to_python(self, value) -> list[str]:
        text = super().to_python(value)
        if not text:
            return []
        parts = [part.strip() for part in text.split(",") if part.strip()]
        bad = [part for part in parts if part.lstrip("-") not in self.keys]
        if bad:
            raise ValidationError(
                _("Unknown ordering: %(value)s. Choose from: %(keys)s (prefix with - for descending)."),
                params={"value": shown(", ".join(bad)), "keys": ", ".join(self.keys)},
            )
        if len({part.lstrip("-") for part in parts}) != len(parts):
            raise ValidationError(_("Each ordering key may appear only once."))
        return parts
