"""Reference names in the reader's language: the helpers of core/localized.py."""

import pytest
from django.core.exceptions import ValidationError

from core.localized import (
    language_key,
    merged,
    pick,
    sort_key,
    translated,
    translation_languages,
    translations_from,
    validate_translations,
)

NAMES = {"fr": "Défenseurs des droits de l'homme", "es": "Defensores de los derechos humanos"}


def test_a_name_is_read_in_the_language_asked():
    assert translated("Human rights defenders", NAMES, "fr") == "Défenseurs des droits de l'homme"
    assert translated("Human rights defenders", NAMES, "es") == "Defensores de los derechos humanos"


def test_a_regional_variant_reads_its_language():
    assert translated("Human rights defenders", NAMES, "fr-ch") == "Défenseurs des droits de l'homme"


def test_english_or_no_language_reads_the_stored_name():
    assert translated("Human rights defenders", NAMES, "en") == "Human rights defenders"
    assert translated("Human rights defenders", NAMES, None) == "Human rights defenders"
    assert language_key("en") is None
    assert language_key("FR") == "fr"


def test_a_missing_translation_falls_back_to_english_never_to_an_empty_label():
    assert translated("Human rights defenders", NAMES, "ar") == "Human rights defenders"
    assert translated("Human rights defenders", {"ar": ""}, "ar") == "Human rights defenders"
    assert translated("Human rights defenders", None, "fr") == "Human rights defenders"
    assert pick({}, "fr") is None


def test_sort_key_reads_accented_letters_as_their_base_letter():
    names = ["Zambie", "Éthiopie", "Espagne", "Danemark", "Égypte", "Îles Marshall", "Inde"]
    assert sorted(names, key=sort_key) == [
        "Danemark",
        "Égypte",
        "Espagne",
        "Éthiopie",
        "Îles Marshall",
        "Inde",
        "Zambie",
    ]


def test_translations_come_from_the_name_columns_of_a_data_file_row():
    row = {"code": "A12", "name": "Acceptance of international norms", "name_fr": " Acceptation ", "name_es": ""}
    assert translations_from(row) == {"fr": "Acceptation"}


def test_loading_a_file_replaces_its_languages_and_keeps_the_others():
    assert merged({"fr": "Ancien", "ar": "اسم"}, {"fr": "Nouveau", "es": "Nuevo"}) == {
        "fr": "Nouveau",
        "es": "Nuevo",
        "ar": "اسم",
    }


@pytest.mark.parametrize(
    "value",
    [
        ["fr", "Enfants"],
        {"fr": ""},
        {"fr": "   "},
        {"fr": 3},
        {"en": "Children"},
        {"French": "Enfants"},
        {"fr": "x" * 201},
    ],
)
def test_invalid_translations_are_refused(value):
    with pytest.raises(ValidationError):
        validate_translations(value)


def test_valid_translations_pass():
    validate_translations({"fr": "Enfants", "es": "Niños", "zh-hans": "儿童"})


def test_the_languages_to_translate_are_the_sites_but_english(settings):
    settings.LANGUAGES = [("en", "English"), ("fr", "Français"), ("es", "Español")]
    assert translation_languages() == [("fr", "Français"), ("es", "Español")]
