"""The translation catalogues: locale/<code>/LC_MESSAGES/django.po, and the django.mo compiled from each.

The .mo files are committed next to their .po: a fresh checkout serves every language with Python alone
(no GNU gettext, whose msgfmt Django's compilemessages needs). tests/test_catalogues.py checks that each
committed .mo is what compiling its .po gives, and that every string is translated.

    python -m upr_tracker.catalogues extract   # `make messages`: makemessages for every language but English
    python -m upr_tracker.catalogues compile   # `make compilemessages`: each .po to its .mo, with polib

Extracting needs GNU gettext (xgettext, msgmerge: Debian's `gettext`); compiling needs polib
(requirements-dev.txt). The admin's script takes its few words from attributes the template writes
(templates/admin/base_site.html), so there is no JavaScript catalogue.
"""

import contextlib
import os
import sys
import tempfile
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
LOCALE_DIR = BASE_DIR / "locale"
# What makemessages does not read, besides Django's defaults (hidden folders such as .venv and .git, *.pyc,
# backups): the tests and benchmarks, which hold no user-facing text, and what is generated or installed.
IGNORED = ["locale", "tests", "bench", "var", "node_modules", "staticfiles", "test-artifacts", "docs"]


def languages() -> list[str]:
    """The codes makemessages writes catalogues for: every language of the site but the source's English."""
    from django.conf import settings

    return [code for code, _name in settings.LANGUAGES if code != settings.LANGUAGE_CODE]


def extract(locale_dir: Path = LOCALE_DIR) -> None:
    """makemessages for every language into `locale_dir`, reading the project's code and templates.

    makemessages writes into the folder named `locale` of the directory it runs from: for another
    folder (the tests' copy) it runs from a scratch directory holding links to the project's folders.
    """
    from django.core.management import call_command

    options = {"locale": languages(), "ignore_patterns": IGNORED, "no_obsolete": True, "verbosity": 0}
    if locale_dir.resolve() == LOCALE_DIR.resolve():
        with contextlib.chdir(BASE_DIR):
            call_command("makemessages", **options)
        return
    with tempfile.TemporaryDirectory() as scratch:
        root = Path(scratch)
        for source in BASE_DIR.iterdir():
            if source.is_dir() and source.name not in IGNORED and not source.name.startswith("."):
                (root / source.name).symlink_to(source, target_is_directory=True)
        (root / "locale").symlink_to(locale_dir.resolve(), target_is_directory=True)
        with contextlib.chdir(root):
            call_command("makemessages", symlinks=True, **options)


def catalogues(locale_dir: Path = LOCALE_DIR) -> list[Path]:
    return sorted(locale_dir.glob("*/LC_MESSAGES/*.po"))


def compile_catalogue(po_path: Path, mo_path: Path | None = None) -> Path:
    """The .po compiled next to it (or to `mo_path`): its translated entries, as msgfmt would (not fuzzy ones)."""
    import polib

    mo_path = mo_path or po_path.with_suffix(".mo")
    polib.pofile(str(po_path)).save_as_mofile(str(mo_path))
    return mo_path


def main(argv: list[str]) -> int:
    if argv not in (["extract"], ["compile"]):
        print(__doc__.strip().split("\n\n")[2], file=sys.stderr)
        return 2
    if argv == ["extract"]:
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "upr_tracker.settings")
        import django

        django.setup()
        extract()
        for po_path in catalogues():
            print(f"extracted {po_path.relative_to(BASE_DIR)}")
        return 0
    for po_path in catalogues():
        print(f"compiled {compile_catalogue(po_path).relative_to(BASE_DIR)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
