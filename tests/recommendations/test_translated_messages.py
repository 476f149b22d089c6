"""Import reports and API errors are worded in the active language: a stub French catalogue, compiled here,
stands in for the real one, so these tests do not depend on what the translators have written yet."""

import contextlib
import io

import polib
import pytest
from django.test import override_settings
from django.utils import translation
from django.utils.translation import trans_real

from recommendations.imports import write_report
from tests.recommendations.conftest import upr_info_csv, upr_info_row

pytestmark = pytest.mark.django_db

URL = "/api/v1/recommendations/"


@pytest.fixture
def french_catalogue(tmp_path):
    """install(*entries): a French catalogue of just these entries, in LOCALE_PATHS until the test ends."""
    settings_override = contextlib.ExitStack()

    def install(*entries: polib.POEntry) -> None:
        catalogue = polib.POFile()
        catalogue.metadata = {
            "Content-Type": "text/plain; charset=UTF-8",
            "Language": "fr",
            "Plural-Forms": "nplurals=2; plural=(n > 1);",
        }
        catalogue.extend(entries)
        folder = tmp_path / "fr" / "LC_MESSAGES"
        folder.mkdir(parents=True)
        catalogue.save_as_mofile(str(folder / "django.mo"))
        settings_override.enter_context(override_settings(LOCALE_PATHS=[str(tmp_path)]))
        _forget_loaded_catalogues()

    yield install
    settings_override.close()
    _forget_loaded_catalogues()


def _forget_loaded_catalogues() -> None:
    """Django 5.2 keeps each language's merged catalogues in trans_real._translations (not an lru_cache) and the
    default language's in _default. Its setting_changed receiver for LOCALE_PATHS empties them too; doing it here
    as well means a catalogue read under the stub never outlives the test, whatever runs first at teardown."""
    trans_real._translations = {}
    trans_real._default = None
    trans_real.translation_catalog_exists.cache_clear()


def entry(msgid: str, msgstr: str) -> polib.POEntry:
    return polib.POEntry(msgid=msgid, msgstr=msgstr)


def plural_entry(msgid: str, msgid_plural: str, one: str, many: str) -> polib.POEntry:
    return polib.POEntry(msgid=msgid, msgid_plural=msgid_plural, msgstr_plural={0: one, 1: many})


def test_import_report_is_worded_in_the_active_language_row_by_row(import_file, french_catalogue):
    french_catalogue(
        entry(
            "Unknown State %(name)s. Did you mean %(suggestions)s?",
            "État inconnu : %(name)s. Vouliez-vous dire %(suggestions)s ?",
        ),
        entry("%(names)s or %(last)s", "%(names)s ou %(last)s"),
        entry("Action category must be 1 to 5, not %(value)s.", "La catégorie d’action va de 1 à 5, et non %(value)s."),
        plural_entry(
            "%(count)d invalid row: nothing was imported.",
            "%(count)d invalid rows: nothing was imported.",
            "%(count)d ligne invalide : rien n’a été importé.",
            "%(count)d lignes invalides : rien n’a été importé.",
        ),
    )
    rows = [
        upr_info_row("Protect defenders"),
        upr_info_row("Free journalists", to="Kazakstan"),
        upr_info_row("Repeal", action="9"),
    ]
    with translation.override("fr"):
        result = import_file(upr_info_csv(rows))
        outcome = result.outcome()
    report = io.StringIO()
    write_report(result, report)
    assert report.getvalue().splitlines() == [
        "row,column,level,message",
        "3,To,error,État inconnu : 'Kazakstan'. Vouliez-vous dire Kazakhstan ou Pakistan ?",
        "4,Action,error,\"La catégorie d’action va de 1 à 5, et non '9'.\"",
    ]
    assert outcome == "2 lignes invalides : rien n’a été importé."


def test_import_report_is_english_without_a_language_chosen(import_file, french_catalogue):
    french_catalogue(entry("Action category must be 1 to 5, not %(value)s.", "La catégorie d’action va de 1 à 5."))
    result = import_file(upr_info_csv([upr_info_row("Repeal", action="9")]))
    assert [(p.row, p.column, p.message) for p in result.problems] == [
        ("2", "Action", "Action category must be 1 to 5, not '9'.")
    ]
    assert result.outcome() == "1 invalid row: nothing was imported."


def test_api_bad_filter_value_is_worded_in_the_requested_language(api_client, french_catalogue):
    french_catalogue(
        entry("Unknown ISO3 code: %(value)s.", "Code ISO3 inconnu : %(value)s."),
        entry(
            "Out of range: %(number)s (cycle from %(minimum)s to %(maximum)s).",
            "Hors limites : %(number)s (les cycles vont de %(minimum)s à %(maximum)s).",
        ),
    )
    # Accept-Language for when LocaleMiddleware chooses the language; the override until then.
    with translation.override("fr"):
        response = api_client.get(f"{URL}?state_under_review=XYZ&cycle=100&session=seven", HTTP_ACCEPT_LANGUAGE="fr")
    assert response.status_code == 400
    assert response.json() == {
        "errors": {
            "state_under_review": ["Code ISO3 inconnu : XYZ."],
            "cycle": ["Hors limites : 100 (les cycles vont de 1 à 99)."],
            # Not in the stub catalogue: English, never an empty message.
            "session": ["Not a whole number: seven."],
        }
    }
