"""Reference data (States, aliases, regional groups, blocs, their names in other languages) loaded by migrations.

The CSV files in states/data/ are the source of truth. Loading is an upsert
keyed on stable codes, so a later migration can call ``load_all`` again after
the files change (a State renamed, a bloc joined) without duplicating rows.
"""

import csv
from pathlib import Path

from core.localized import merged, translations_from
from states.models import normalise_name

DATA_DIR = Path(__file__).resolve().parent / "data"


def read_csv(name: str) -> list[dict[str, str]]:
    with open(DATA_DIR / name, newline="", encoding="utf-8") as handle:
        return [{key: (value or "").strip() for key, value in row.items()} for row in csv.DictReader(handle)]


def load_all(apps) -> None:
    """Upsert every reference row; takes the app registry so migrations can pass theirs."""
    groups = _load_regional_groups(apps)
    states = _load_states(apps, groups)
    _load_aliases(apps, states)
    _load_blocs(apps, states)
    # Migration 0002 runs this before 0005_name_translations adds the field (and calls load_translations).
    if any(field.name == "name_translations" for field in apps.get_model("states", "State")._meta.fields):
        load_translations(apps)


def load_translations(apps) -> None:
    """Names in other languages from the data files: the name_fr, name_es … columns of regional_groups.csv and
    blocs.csv, and state_names.csv (the UN's names of States where CLDR's differ, states/names.py). A
    language the file does not give for a row (one an editor added in the admin) is kept."""
    RegionalGroup = apps.get_model("states", "RegionalGroup")
    Bloc = apps.get_model("states", "Bloc")
    State = apps.get_model("states", "State")
    _merge_translations(
        RegionalGroup, "code", {row["code"]: translations_from(row) for row in read_csv("regional_groups.csv")}
    )
    _merge_translations(Bloc, "code", {row["code"]: translations_from(row) for row in read_csv("blocs.csv")})
    by_state: dict[str, dict[str, str]] = {}
    for row in read_csv("state_names.csv"):
        by_state.setdefault(row["iso3"], {})[row["language"].lower()] = row["name"]
    _merge_translations(State, "iso3", by_state)


def _merge_translations(model, key: str, loaded: dict[str, dict[str, str]]) -> None:
    for row in model.objects.filter(**{f"{key}__in": list(loaded)}):
        translations = merged(row.name_translations, loaded[getattr(row, key)])
        if translations != row.name_translations:
            row.name_translations = translations
            row.save(update_fields=["name_translations"])


def _load_regional_groups(apps) -> dict:
    RegionalGroup = apps.get_model("states", "RegionalGroup")
    groups = {}
    for row in read_csv("regional_groups.csv"):
        groups[row["code"]], _ = RegionalGroup.objects.update_or_create(
            code=row["code"], defaults={"name": row["name"], "short_name": row["short_name"]}
        )
    return groups


def _load_states(apps, groups: dict) -> dict:
    State = apps.get_model("states", "State")
    states = {}
    for row in read_csv("states.csv"):
        states[row["iso3"]], _ = State.objects.update_or_create(
            iso3=row["iso3"],
            defaults={
                "iso2": row["iso2"],
                "name": row["name"],
                "status": row["status"],
                "regional_group": groups.get(row["regional_group"]),
            },
        )
    return states


def _load_aliases(apps, states: dict) -> None:
    StateAlias = apps.get_model("states", "StateAlias")
    canonical = {normalise_name(state.name) for state in states.values()}
    for row in read_csv("aliases.csv"):
        key = normalise_name(row["alias"])
        # An alias that normalises to a canonical name adds nothing: the
        # resolver already matches the name itself.
        if key in canonical:
            continue
        StateAlias.objects.update_or_create(
            normalised=key, defaults={"alias": row["alias"], "state": states[row["iso3"]]}
        )


def _load_blocs(apps, states: dict) -> None:
    Bloc = apps.get_model("states", "Bloc")
    BlocMembership = apps.get_model("states", "BlocMembership")
    blocs = {}
    for row in read_csv("blocs.csv"):
        blocs[row["code"]], _ = Bloc.objects.update_or_create(code=row["code"], defaults={"name": row["name"]})
    wanted = {(row["bloc"], row["iso3"]) for row in read_csv("bloc_members.csv")}
    for bloc_code, iso3 in sorted(wanted):
        BlocMembership.objects.get_or_create(bloc=blocs[bloc_code], state=states[iso3])
    # Memberships dropped from the file (a State left a bloc) are removed.
    for membership in BlocMembership.objects.select_related("bloc", "state"):
        if (membership.bloc.code, membership.state.iso3) not in wanted:
            membership.delete()
