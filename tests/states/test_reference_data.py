import csv
import html
import io
import re

import pytest

from states.models import RegionalGroup, State, StateAlias
from states.resolve import StateResolver

pytestmark = pytest.mark.django_db

# Names that sources spell differently from the UN's short names, each with the
# State it must resolve to.
VARIANTS = {
    "Libyan Arab Jamahiriya": "LBY",
    "Swaziland": "SWZ",
    "The Former Yugoslav Republic of Macedonia": "MKD",
    "Macedonia FYR": "MKD",
    "Kingdom of the Netherlands": "NLD",
    "Netherlands": "NLD",
    "Venezuela (Bolivarian Republic of)": "VEN",
    "Bolivarian Republic of Venezuela": "VEN",
    "Türkiye": "TUR",
    "Turkey": "TUR",
    "Côte d'Ivoire": "CIV",
    "Côte d’Ivoire": "CIV",
    "Cote d'Ivoire": "CIV",
    "DPR Korea": "PRK",
    "Republic of Korea": "KOR",
    "Democratic Republic of Congo": "COD",
    "Republic of Congo": "COG",
    "Bosnia & Herzegovina": "BIH",
    "Trinidad & Tobago": "TTO",
    "Islamic Republic of Iran": "IRN",
    "United Kingdom of Great Britain and Northern Ireland": "GBR",
    "United States": "USA",
    "Palestine": "PSE",
    "Holy See": "VAT",
    "kazakhstan": "KAZ",
    "KAZ": "KAZ",
}


def test_all_193_members_and_2_observers_are_loaded():
    assert State.objects.members().count() == 193
    assert set(State.objects.observers().values_list("iso3", flat=True)) == {"VAT", "PSE"}


def test_every_member_belongs_to_one_of_the_five_regional_groups():
    assert RegionalGroup.objects.count() == 5
    assert not State.objects.members().filter(regional_group=None).exists()


def test_blocs_have_their_members():
    kazakhstan = State.objects.get(iso3="KAZ")
    assert set(kazakhstan.blocs.values_list("code", flat=True)) == {"OIC", "CIS"}
    assert State.objects.filter(blocs__code="EU").count() == 27


@pytest.mark.parametrize(("name", "iso3"), sorted(VARIANTS.items()))
def test_source_spellings_resolve_to_one_state(name, iso3):
    assert StateResolver().resolve(name).iso3 == iso3


def test_unknown_names_do_not_resolve_and_come_with_suggestions():
    resolver = StateResolver()
    assert resolver.resolve("Kazakstan") is None
    assert resolver.resolve("(Unknown)") is None
    assert resolver.suggest("Kazakstan")[0] == "Kazakhstan"


def test_an_alias_cannot_name_two_states():
    from django.db import IntegrityError, transaction

    with transaction.atomic(), pytest.raises(IntegrityError):
        StateAlias.objects.create(alias="TURKEY", state=State.objects.get(iso3="KAZ"))


def _upr_info_names(path):
    text = path.read_bytes().decode("mac_roman").replace("\r\n", "\n").replace("\r", "\n")
    for row in csv.DictReader(io.StringIO(text)):
        yield html.unescape(row["To"])
        yield html.unescape(row["From"])


@pytest.mark.samples
def test_every_state_name_in_the_upr_info_samples_resolves(samples_dir):
    resolver = StateResolver()
    names = set()
    for path in sorted((samples_dir / "upr-info").glob("*.csv")):
        names |= set(_upr_info_names(path))
    names.discard("(Unknown)")  # UPR Info's placeholder for an unrecorded recommending State
    unresolved = sorted(name for name in names if resolver.resolve(name) is None)
    assert len(names) > 150
    assert unresolved == []


@pytest.mark.samples
def test_every_state_name_in_the_ohchr_sample_resolves(samples_dir):
    import docx

    resolver = StateResolver()
    document = docx.Document(samples_dir / "ohchr" / "UPR34_Slovenia_Thematic_list_of_Recommendations.docx")
    groups = set()
    for row in document.tables[0].rows[1:]:
        text = row.cells[0].text.split("Source of")[0]
        if text.startswith("Theme:"):
            continue  # a heading that groups the paragraphs below it
        # The parenthesis just before ";" or the end of a clause names the States.
        groups |= set(re.findall(r"\(([^()]+(?:\([^()]*\))?)\)\s*(?:;|$)", text, flags=re.M))
    names = {part.strip() for group in groups for part in group.split(",")}
    assert {"France", "Bolivarian Republic of Venezuela", "State of Palestine"} <= names
    assert sorted(name for name in names if resolver.resolve(name) is None) == []
