"""The admin's translation report (/admin/translations/): per language of the site, the reference rows that have
no name in it, so that readers see their English name. Each row links to its change page, where staff
administrators add the name (admin: TranslatedNamesAdmin).

States have names in every language Babel knows (CLDR, states/names.py); a State is listed only when neither
CLDR nor the UN's list (state_names.csv) nor an editor names it. Themes and affected groups an import
created, and rows added in the admin, are the usual entries. One query per model.
"""

from dataclasses import dataclass, field

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db.models import Model
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _

from core.localized import TranslatedName, sort_key, translation_languages
from recommendations import permissions
from recommendations.models import SDG, AffectedGroup, Theme, ThemeScheme
from states.models import Bloc, RegionalGroup, State

# The reference models with names in other languages, in the order the report lists them.
MODELS: list[type[TranslatedName]] = [State, RegionalGroup, Bloc, ThemeScheme, Theme, AffectedGroup, SDG]


@dataclass
class Untranslated:
    """One model's rows without a name in the language."""

    label: str  # the model's plural name
    total: int
    rows: list[tuple[str, str]] = field(default_factory=list)  # (the row as the admin names it, its change page)


@dataclass
class LanguageReport:
    code: str
    name: str
    models: list[Untranslated]

    @property
    def missing(self) -> int:
        return sum(len(model.rows) for model in self.models)


def report() -> list[LanguageReport]:
    """For each language of the site but English, every reference model with its untranslated rows."""
    rows = {model: list(_rows(model)) for model in MODELS}
    return [
        LanguageReport(code, name, [_untranslated(model, rows[model], code) for model in MODELS])
        for code, name in translation_languages()
    ]


def _rows(model: type[TranslatedName]):
    return model.objects.select_related("scheme") if model is Theme else model.objects.all()


def _untranslated(model: type[TranslatedName], rows: list[TranslatedName], language: str) -> Untranslated:
    missing = sorted((row for row in rows if not row.has_name_in(language)), key=lambda row: sort_key(_label(row)))
    return Untranslated(
        str(model._meta.verbose_name_plural).capitalize(),
        len(rows),
        [(_label(row), _change_url(row)) for row in missing],
    )


def _label(row: TranslatedName) -> str:
    """The row as the admin names it; a theme with its scheme (UPR Info and OHCHR share names)."""
    return f"{row} ({row.scheme.name})" if isinstance(row, Theme) else str(row)


def _change_url(row: Model) -> str:
    return reverse(f"admin:{row._meta.app_label}_{row._meta.model_name}_change", args=[row.pk])


def translation_report(request: HttpRequest) -> HttpResponse:
    if not permissions.may_read_translation_report(request.user):
        raise PermissionDenied
    context = {
        **admin.site.each_context(request),
        "title": _("Translation report"),
        "languages": report(),
    }
    return TemplateResponse(request, "admin/translation_report.html", context)
