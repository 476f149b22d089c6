"""Reference data for recommendations (cycles, sessions, SDGs, theme schemes, their names in other languages),
loaded by migrations.

Source files live in recommendations/data/; loading is an upsert keyed on
stable numbers and names, safe to run again when a file changes.
"""

import csv
import datetime
from pathlib import Path

from django.utils.text import slugify

from core.localized import merged, translations_from

DATA_DIR = Path(__file__).resolve().parent.parent / "data"  # recommendations/data/

UPR_INFO_SCHEME = "upr-info"
OHCHR_SCHEME = "ohchr"

SCHEMES = [
    (
        UPR_INFO_SCHEME,
        "UPR Info issues",
        "UPR Info database",
        "The ~54 issues UPR Info assigns to each recommendation in its database.",
    ),
    (
        OHCHR_SCHEME,
        "OHCHR themes",
        "Universal Human Rights Index",
        "Themes of OHCHR's thematic lists of recommendations. Codes (A12 …) come from cycle 2 lists; "
        "later cycles reworded the labels, which are kept as separate themes without codes.",
    ),
]


def read_csv(name: str) -> list[dict[str, str]]:
    with open(DATA_DIR / name, newline="", encoding="utf-8") as handle:
        return [{key: (value or "").strip() for key, value in row.items()} for row in csv.DictReader(handle)]


def theme_slug(code: str, name: str) -> str:
    return slugify(f"{code} {name}" if code else name)[:220]


# The schemes' names in other languages (the themes' are in the data files' name_fr, name_es … columns).
SCHEME_NAMES = {
    UPR_INFO_SCHEME: {"fr": "Thèmes d'UPR Info", "es": "Temas de UPR Info"},
    OHCHR_SCHEME: {"fr": "Thèmes du HCDH", "es": "Temas del ACNUDH"},
}


def load_all(apps) -> None:
    _load_cycles_and_sessions(apps)
    _load_sdgs(apps)
    _load_schemes_and_themes(apps)
    _load_affected_groups(apps)
    # Migration 0002 runs this before 0027_reference_translations adds the field (and calls load_translations).
    if any(field.name == "name_translations" for field in apps.get_model("recommendations", "SDG")._meta.fields):
        load_translations(apps)


def load_translations(apps) -> None:
    """Names in other languages from the data files' name_fr, name_es … columns, matched on the rows' stable keys
    (SDG numbers, scheme slugs, theme and group names). A language the file does not give for a row (one an
    editor added in the admin) is kept; rows the files do not hold (themes an import created) are left alone."""
    SDG = apps.get_model("recommendations", "SDG")
    ThemeScheme = apps.get_model("recommendations", "ThemeScheme")
    Theme = apps.get_model("recommendations", "Theme")
    AffectedGroup = apps.get_model("recommendations", "AffectedGroup")
    _merge(
        SDG.objects.all(),
        lambda row: row.number,
        {int(r["number"]): translations_from(r) for r in read_csv("sdgs.csv")},
    )
    _merge(ThemeScheme.objects.all(), lambda row: row.slug, SCHEME_NAMES)
    themes = {(UPR_INFO_SCHEME, r["name"]): translations_from(r) for r in read_csv("upr_info_issues.csv")}
    themes |= {(OHCHR_SCHEME, r["name"]): translations_from(r) for r in read_csv("ohchr_themes.csv")}
    _merge(Theme.objects.select_related("scheme"), lambda row: (row.scheme.slug, row.name), themes)
    groups = {r["name"]: translations_from(r) for r in read_csv("affected_groups.csv")}
    _merge(AffectedGroup.objects.all(), lambda row: row.name, groups)


def _merge(rows, key, loaded: dict) -> None:
    for row in rows:
        if key(row) not in loaded:
            continue
        translations = merged(row.name_translations, loaded[key(row)])
        if translations != row.name_translations:
            row.name_translations = translations
            row.save(update_fields=["name_translations"])


def _load_cycles_and_sessions(apps) -> None:
    Cycle = apps.get_model("recommendations", "Cycle")
    Session = apps.get_model("recommendations", "Session")
    cycles = {}
    for row in read_csv("cycles.csv"):
        cycles[int(row["number"])], _ = Cycle.objects.update_or_create(
            number=int(row["number"]),
            defaults={"start_year": int(row["start_year"]), "end_year": int(row["end_year"])},
        )
    for row in read_csv("sessions.csv"):
        Session.objects.update_or_create(
            number=int(row["number"]),
            defaults={
                "cycle": cycles[int(row["cycle"])],
                "start_date": datetime.date.fromisoformat(row["start_date"]),
                "end_date": datetime.date.fromisoformat(row["end_date"]),
            },
        )


def _load_sdgs(apps) -> None:
    SDG = apps.get_model("recommendations", "SDG")
    for row in read_csv("sdgs.csv"):
        SDG.objects.update_or_create(number=int(row["number"]), defaults={"name": row["name"]})


def _load_schemes_and_themes(apps) -> None:
    ThemeScheme = apps.get_model("recommendations", "ThemeScheme")
    Theme = apps.get_model("recommendations", "Theme")
    schemes = {}
    for slug, name, version, description in SCHEMES:
        schemes[slug], _ = ThemeScheme.objects.update_or_create(
            slug=slug, defaults={"name": name, "version": version, "description": description}
        )
    for row in read_csv("upr_info_issues.csv"):
        Theme.objects.update_or_create(
            scheme=schemes[UPR_INFO_SCHEME], name=row["name"], defaults={"slug": theme_slug("", row["name"])}
        )
    by_code = {}
    for row in read_csv("ohchr_themes.csv"):
        theme, _ = Theme.objects.update_or_create(
            scheme=schemes[OHCHR_SCHEME],
            name=row["name"],
            defaults={"code": row["code"], "slug": theme_slug(row["code"], row["name"])},
        )
        if row["code"]:
            by_code[row["code"]] = (theme, row["parent_code"])
    for theme, parent_code in by_code.values():
        parent = by_code.get(parent_code, (None,))[0]
        if theme.parent_id != getattr(parent, "pk", None):
            theme.parent = parent
            theme.save(update_fields=["parent"])


def _load_affected_groups(apps) -> None:
    AffectedGroup = apps.get_model("recommendations", "AffectedGroup")
    for row in read_csv("affected_groups.csv"):
        AffectedGroup.objects.update_or_create(name=row["name"], defaults={"slug": slugify(row["name"])[:220]})
