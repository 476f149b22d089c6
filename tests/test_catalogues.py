"""The translation catalogues (upr_tracker/catalogues.py; README, "Languages"): every string of the code and
templates translated in every language, and the committed .mo files compiled from their .po."""

import gettext
import shutil
from pathlib import Path

import polib
import pytest

from upr_tracker import catalogues


def test_every_language_but_english_has_a_catalogue():
    found = {path.parent.parent.name for path in catalogues.catalogues()}
    assert found == set(catalogues.languages()) == {"fr", "es"}


def read_catalogue(mo_path: Path) -> dict:
    with mo_path.open("rb") as mo_file:
        return gettext.GNUTranslations(mo_file)._catalog


@pytest.mark.parametrize("po_path", catalogues.catalogues(), ids=lambda path: path.parent.parent.name)
def test_the_committed_mo_is_its_po_compiled(tmp_path, po_path):
    committed = po_path.with_suffix(".mo")
    assert committed.exists(), f"{committed} is missing: run make compilemessages and commit it"
    compiled = catalogues.compile_catalogue(po_path, tmp_path / "django.mo")
    assert read_catalogue(committed) == read_catalogue(compiled), f"{committed} is stale: run make compilemessages"


def test_compiling_keeps_translations_and_plural_forms_and_leaves_out_fuzzy_ones(tmp_path):
    po = polib.POFile()
    po.metadata = {"Content-Type": "text/plain; charset=UTF-8", "Plural-Forms": "nplurals=2; plural=(n > 1);"}
    po.append(polib.POEntry(msgid="States", msgstr="États"))
    po.append(polib.POEntry(msgid="Themes", msgstr="Thèmes (à revoir)", flags=["fuzzy"]))
    po.append(
        polib.POEntry(
            msgid="%(counter)s recommendation",
            msgid_plural="%(counter)s recommendations",
            msgstr_plural={0: "%(counter)s recommandation", 1: "%(counter)s recommandations"},
        )
    )
    po.save(str(tmp_path / "django.po"))
    with catalogues.compile_catalogue(tmp_path / "django.po").open("rb") as mo_file:
        translations = gettext.GNUTranslations(mo_file)
    assert translations.gettext("States") == "États"
    assert translations.gettext("Themes") == "Themes"
    assert translations.ngettext("%(counter)s recommendation", "%(counter)s recommendations", 0).startswith(
        "%(counter)s recommandation"
    )
    assert translations.ngettext("%(counter)s recommendation", "%(counter)s recommendations", 2).endswith("ns")


@pytest.mark.skipif(not shutil.which("xgettext"), reason="makemessages needs GNU gettext (Debian's gettext)")
def test_makemessages_finds_no_untranslated_fuzzy_or_obsolete_entry(tmp_path, settings):
    """makemessages run into a copy of locale/: what it finds missing in the catalogues, every entry listed."""
    copy = tmp_path / "locale"
    shutil.copytree(catalogues.LOCALE_DIR, copy)
    settings.LOCALE_PATHS = [copy]
    catalogues.extract(copy)
    problems = []
    for po_path in catalogues.catalogues(copy):
        language = po_path.parent.parent.name
        for entry in polib.pofile(str(po_path)):
            problem = _problem(entry)
            if problem:
                where = entry.occurrences[0][0] if entry.occurrences else "nowhere now"
                problems.append(f"{language} {problem}: {entry.msgid!r} ({where})")
    assert not problems, f"{len(problems)} entries to translate (make messages):\n" + "\n".join(problems)


def _problem(entry: polib.POEntry) -> str:
    if entry.obsolete:
        return "obsolete"
    if entry.fuzzy:
        return "fuzzy"
    return "" if entry.translated() else "untranslated"
