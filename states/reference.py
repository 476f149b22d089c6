"""Reference data (States, aliases, regional groups, blocs) loaded by migrations.

The CSV files in states/data/ are the source of truth. Loading is an upsert
keyed on stable codes, so a later migration can call ``load_all`` again after
the files change (a State renamed, a bloc joined) without duplicating rows.
"""

import csv
from pathlib import Path

from states.models import normalise_name

DATA_DIR = Path(__file__).resolve().parent / "data"

# (code, name, the abbreviation UPR Info exports use in To-Rgrp / From-Rgrp)
REGIONAL_GROUPS = [
    ("AFRICAN", "African States", "Africa"),
    ("ASIA_PACIFIC", "Asia-Pacific States", "Asia"),
    ("EEG", "Eastern European States", "EEG"),
    ("GRULAC", "Latin American and Caribbean States", "GRULAC"),
    ("WEOG", "Western European and other States", "WEOG"),
]


def read_csv(name: str) -> list[dict[str, str]]:
    with open(DATA_DIR / name, newline="", encoding="utf-8") as handle:
        return [{key: (value or "").strip() for key, value in row.items()} for row in csv.DictReader(handle)]


def load_all(apps) -> None:
    """Upsert every reference row; takes the app registry so migrations can pass theirs."""
    groups = _load_regional_groups(apps)
    states = _load_states(apps, groups)
    _load_aliases(apps, states)
    _load_blocs(apps, states)


def _load_regional_groups(apps) -> dict:
    RegionalGroup = apps.get_model("states", "RegionalGroup")
    groups = {}
    for code, name, short_name in REGIONAL_GROUPS:
        groups[code], _ = RegionalGroup.objects.update_or_create(
            code=code, defaults={"name": name, "short_name": short_name}
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
