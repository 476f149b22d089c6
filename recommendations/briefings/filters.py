"""The query string of a briefing (`theme`, `affected_group`, `cycle` as in the API, plus `by`): `Filters`."""

from dataclasses import dataclass

from django import forms
from django.core.exceptions import ValidationError
from django.http import QueryDict
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.localized import or_list
from recommendations.models import (
    AffectedGroup,
    Cycle,
    Organisation,
    Theme,
)
from recommendations.search import fields as ff
from recommendations.search.params import PARAM_LABELS, theme_value_of

PARAMS = {
    "theme": PARAM_LABELS["theme"],
    "affected_group": PARAM_LABELS["affected_group"],
    "cycle": PARAM_LABELS["cycle"],
    "by": gettext_lazy("Introduction and conclusion by"),
}


# Filters ---------------------------------------------------------------------


class _ThemeField(ff.ThemeField):
    """`scheme:slug`, or a bare slug when only one scheme has it; resolved to Theme rows in one query."""

    def resolve(self, values: list[str]) -> list[Theme]:
        themes = list(Theme.objects.select_related("scheme").filter(slug__in={v.rpartition(":")[2] for v in values}))
        found, errors = [], []
        for value in values:
            scheme, _colon, slug = value.rpartition(":")
            matches = [t for t in themes if t.slug == slug and scheme in ("", t.scheme.slug)]
            if not matches:
                errors.append(ff.invalid(self.unknown, value))
            elif len(matches) > 1:
                errors.append(
                    ValidationError(
                        _("%(value)s is a theme in several schemes: give one of %(options)s."),
                        params={
                            "value": ff.shown(value),
                            "options": or_list([theme_value_of(t) for t in matches]),
                        },
                    )
                )
            else:
                found.append(matches[0])
        if errors:
            raise ValidationError(errors)
        return found


class _RowsBySlug(ff.ReferenceField):
    model: type = None

    def resolve(self, values: list[str]) -> list:
        rows = {row.slug: row for row in self.model.objects.filter(slug__in=values)}
        missing = [value for value in values if value not in rows]
        if missing:
            raise ValidationError([ff.invalid(self.unknown, value) for value in missing])
        return [rows[value] for value in values]


class _AffectedGroupField(_RowsBySlug, ff.AffectedGroupField):
    model = AffectedGroup


class _OrganisationField(_RowsBySlug, ff.OrganisationField):
    model = Organisation


class _CycleField(ff.IntegersField):
    def resolve(self, values: list[int]) -> list[Cycle]:
        rows = {cycle.number: cycle for cycle in Cycle.objects.filter(number__in=values)}
        missing = [value for value in values if value not in rows]
        if missing:
            raise ValidationError(
                [ValidationError(_("Unknown cycle: %(value)s."), params={"value": n}) for n in missing]
            )
        return [rows[value] for value in values]


class FilterForm(forms.Form):
    """The briefing's query string; each parameter names at most one row."""

    theme = _ThemeField(required=False)
    affected_group = _AffectedGroupField(required=False)
    cycle = _CycleField(required=False, minimum=1, maximum=99, noun="cycle")
    by = _OrganisationField(required=False)

    def clean(self) -> dict:
        cleaned = super().clean()
        for name in PARAMS:
            values = cleaned.get(name) or []
            if len(values) > 1:
                self.add_error(name, ValidationError(_("Give only one value: a briefing covers one of each.")))
            cleaned[name] = values[0] if values else None
        return cleaned


@dataclass(frozen=True)
class Filters:
    theme: Theme | None = None
    affected_group: AffectedGroup | None = None
    cycle: Cycle | None = None
    by: Organisation | None = None  # whose introduction and conclusion; not a data filter

    @property
    def data(self) -> dict:
        """The three filters a Briefing row is keyed on (with the State and the organisation)."""
        return {"theme": self.theme, "affected_group": self.affected_group, "cycle": self.cycle}

    def query(self, *, by: Organisation | None | bool = True) -> str:
        """The canonical query string ("" when empty): `by=False` drops `by`, an Organisation replaces it."""
        by = self.by if by is True else (by or None)
        params = {
            "theme": theme_value_of(self.theme) if self.theme else None,
            "affected_group": self.affected_group.slug if self.affected_group else None,
            "cycle": self.cycle.number if self.cycle else None,
            "by": by.slug if by else None,
        }
        params = {name: value for name, value in params.items() if value is not None}
        return f"?{urlencode(params)}" if params else ""

    def in_words(self) -> list[tuple[str, str]]:
        """(label, value) for each data filter set, e.g. ("Affected persons", "Human rights defenders")."""
        words = []
        if self.theme:
            words.append((str(PARAMS["theme"]), f"{self.theme.localized_name} ({self.theme.scheme.localized_name})"))
        if self.affected_group:
            words.append((str(PARAMS["affected_group"]), self.affected_group.localized_name))
        if self.cycle:
            words.append((str(PARAMS["cycle"]), f"{self.cycle.number} ({self.cycle.start_year}–{self.cycle.end_year})"))
        return words

    def slug(self) -> str:
        """Filters for a file name: ASCII, hyphenated."""
        parts = [self.theme.slug if self.theme else "", self.affected_group.slug if self.affected_group else ""]
        parts.append(f"cycle-{self.cycle.number}" if self.cycle else "")
        return "-".join(part for part in parts if part)


def parse_filters(params: QueryDict) -> tuple[Filters, list[tuple[str, str, str]]]:
    """The filters of a query string, and (parameter, its label, message) for each bad one.

    Other parameters are ignored. One query per reference parameter given.
    """
    form = FilterForm(params)
    if form.is_valid():
        return Filters(**form.cleaned_data), []
    errors = [
        (name, str(PARAMS.get(name, name)), message) for name, messages in form.errors.items() for message in messages
    ]
    return Filters(), errors
