"""An organisation's title, introduction and conclusion around a briefing, in each language it writes them in.

The one write path (`write_briefing`, `save_briefing`: the editor form and the admin), and the form fields
both forms offer: the three parts in each language of settings.LANGUAGES, named `<part>_<language>`
(`introduction_fr`), each with the `lang` (and `dir`) of its language so browsers spell-check it in that
language and lay it out the right way.
"""

from collections.abc import Mapping

from django import forms
from django.conf import settings
from django.db import transaction
from django.utils.translation import get_language_info
from django.utils.translation import gettext_lazy as _

from recommendations.models import (
    AffectedGroup,
    Briefing,
    Cycle,
    Organisation,
    Theme,
)
from recommendations.models.briefing import PART_LABELS, PARTS, clean_texts
from recommendations.services.common import EditConflict, claim_version
from states.models import State

NOT_CHECKED = object()
_ROWS = {"introduction": 10, "conclusion": 8}

_HELP = {
    "title": _("Leave empty for the generated title."),
    "introduction": _("Shown before the data. Plain text; a blank line starts a new paragraph."),
    "conclusion": _("Shown after the data."),
}


def field_name(part: str, language: str) -> str:
    return f"{part}_{language}"


def text_fields() -> dict[str, forms.Field]:
    """The form fields of every part in every language, language by language."""
    fields = {}
    for language, _name in settings.LANGUAGES:
        attrs = {"lang": language, "dir": "rtl" if get_language_info(language)["bidi"] else "ltr"}
        for part, limit in PARTS.items():
            widget = forms.TextInput(attrs) if part == "title" else forms.Textarea({**attrs, "rows": _ROWS[part]})
            fields[field_name(part, language)] = forms.CharField(
                label=PART_LABELS[part], max_length=limit, required=False, widget=widget, help_text=_HELP[part]
            )
    return fields


def language_sections(form: forms.BaseForm) -> list[tuple[str, str, list[forms.BoundField]]]:
    """(language code, its name in that language, the form's bound fields for it), in settings.LANGUAGES order."""
    return [
        (language, get_language_info(language)["name_local"], [form[field_name(part, language)] for part in PARTS])
        for language, _name in settings.LANGUAGES
    ]


def initial_texts(texts: Mapping[str, Mapping[str, str]]) -> dict[str, str]:
    """The text fields' initial values for stored `texts`."""
    return {
        field_name(part, language): (texts.get(language) or {}).get(part, "")
        for language, _name in settings.LANGUAGES
        for part in PARTS
    }


def texts_from(cleaned_data: Mapping[str, str]) -> dict[str, dict[str, str]]:
    """The texts the text fields hold, in their stored form (Briefing.texts)."""
    return clean_texts(
        {
            language: {part: cleaned_data.get(field_name(part, language)) or "" for part in PARTS}
            for language, _name in settings.LANGUAGES
        }
    )


@transaction.atomic
def save_briefing(*, briefing: Briefing, user=None) -> Briefing:
    """Validate and save a briefing's texts (new or changed), recording who did it in its history; a change raises
    the version (services.claim_version, the project's one optimistic lock)."""
    briefing.updated_by = user if user is not None and user.is_authenticated else None
    briefing.full_clean()
    if briefing.pk is not None:
        claim_version(briefing, briefing.version)
    briefing._history_user = briefing.updated_by
    briefing.save()
    return briefing


@transaction.atomic
def write_briefing(
    *,
    organisation: Organisation,
    state: State,
    theme: Theme | None = None,
    affected_group: AffectedGroup | None = None,
    cycle: Cycle | None = None,
    texts: Mapping[str, Mapping[str, str]] | None = None,
    published: bool = False,
    user=None,
    expected_version: int | None | object = NOT_CHECKED,
) -> Briefing:
    """Create or change an organisation's texts for one State and filter combination.

    `texts` replaces every stored text: `{"en": {"introduction": …}, "fr": {…}}` (Briefing.texts), a
    language or part left out is removed. `expected_version` is the stored row's version as the editor
    opened it (None: there was none); if it moved since, EditConflict and nothing is written. The row is
    locked while it is checked and saved.
    """
    key = {"organisation": organisation, "state": state, "theme": theme, "affected_group": affected_group}
    briefing = Briefing.objects.select_for_update().filter(**key, cycle=cycle).first()
    stored = briefing.version if briefing else None
    if expected_version is not NOT_CHECKED and stored != expected_version:
        raise EditConflict(briefing)
    briefing = briefing or Briefing(**key, cycle=cycle)
    briefing.texts = {language: dict(parts) for language, parts in (texts or {}).items()}
    briefing.published = published
    return save_briefing(briefing=briefing, user=user)
