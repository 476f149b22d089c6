"""State, regional group and bloc names in French and Spanish: CLDR's, the UN's where they differ, English
as the last resort; the States index and the comparison sorted by name in the reader's language."""

import re

import pytest
from django.apps import apps as django_apps
from django.contrib.auth.models import AnonymousUser
from django.utils import translation

from recommendations.site.states import compare, state_index
from states.models import Bloc, RegionalGroup, State
from states.reference import load_translations

pytestmark = pytest.mark.django_db


def name_of(iso3: str, language: str) -> str:
    with translation.override(language):
        return State.objects.get(iso3=iso3).localized_name


@pytest.mark.parametrize(
    ("iso3", "french", "spanish"),
    [
        ("EGY", "Égypte", "Egipto"),  # CLDR
        ("NOR", "Norvège", "Noruega"),
        ("TUR", "Türkiye", "Türkiye"),  # the UN's, where CLDR writes Turquie / Turquía
        ("VAT", "Saint-Siège", "Santa Sede"),  # CLDR names the Vatican City State, not the Holy See
        ("PSE", "État de Palestine", "Estado de Palestina"),
        ("PRK", "République populaire démocratique de Corée", "República Popular Democrática de Corea"),
        ("BOL", "Bolivie (État plurinational de)", "Bolivia (Estado Plurinacional de)"),
        ("COD", "République démocratique du Congo", "República Democrática del Congo"),
        ("CIV", "Côte d’Ivoire", "Côte d’Ivoire"),
    ],
)
def test_states_are_named_in_french_and_spanish(iso3, french, spanish):
    assert name_of(iso3, "fr") == french
    assert name_of(iso3, "es") == spanish


@pytest.mark.parametrize("language", ["en", None])
def test_english_names_stay_the_uns_short_names(language):
    assert name_of("TUR", language) == "Türkiye"
    assert name_of("KAZ", language) == "Kazakhstan"
    assert name_of("BOL", language) == "Bolivia (Plurinational State of)"


def test_a_state_that_cldr_does_not_name_falls_back_to_english():
    State.objects.create(iso3="XZZ", iso2="XZ", name="Nowhere Land")
    assert name_of("XZZ", "fr") == "Nowhere Land"
    assert not State.objects.get(iso3="XZZ").has_name_in("fr")


def test_an_editors_name_comes_before_cldrs():
    State.objects.filter(iso3="EGY").update(name_translations={"fr": "République arabe d'Égypte"})
    assert name_of("EGY", "fr") == "République arabe d'Égypte"
    assert name_of("EGY", "es") == "Egipto"


def test_regional_groups_and_blocs_are_named_in_french_and_spanish():
    group = RegionalGroup.objects.get(code="GRULAC")
    bloc = Bloc.objects.get(code="OIC")
    with translation.override("fr"):
        assert (group.localized_name, bloc.localized_name) == (
            "États d'Amérique latine et des Caraïbes",
            "Organisation de la coopération islamique",
        )
    with translation.override("es"):
        assert (group.localized_name, bloc.localized_name) == (
            "Estados de América Latina y el Caribe",
            "Organización de Cooperación Islámica",
        )
    with translation.override("en"):
        assert (group.localized_name, bloc.localized_name) == (
            "Latin American and Caribbean States",
            "Organisation of Islamic Cooperation",
        )


def test_loading_the_files_again_keeps_a_language_an_editor_added():
    Bloc.objects.filter(code="EU").update(name_translations={"fr": "UE (ancien)", "ar": "الاتحاد الأوروبي"})
    load_translations(django_apps)
    assert Bloc.objects.get(code="EU").name_translations == {
        "fr": "Union européenne",
        "es": "Unión Europea",
        "ar": "الاتحاد الأوروبي",
    }


def rendered(view, rf, url: str, language: str) -> str:
    request = rf.get(url)
    request.user = AnonymousUser()
    with translation.override(language):
        response = view(request)
    assert response.status_code == 200
    return response.content.decode()


def test_the_states_index_is_sorted_by_french_name(rf):
    page = rendered(state_index, rf, "/states/", "fr")
    african = page[page.index("États d&#x27;Afrique</h2>") :]
    african = african[: african.index("</section>")]
    names = re.findall(r'<th scope="row"><a href="/fr/states/[A-Z]{3}/">([^<]+)</a>', african)
    assert names[names.index("Djibouti") : names.index("Éthiopie") + 1] == [
        "Djibouti",
        "Égypte",
        "Érythrée",
        "Eswatini",
        "Éthiopie",
    ]
    groups = re.findall(r'<h2 id="group-\d+">([^<]+)</h2>', page)
    assert groups == [
        "États d&#x27;Afrique",
        "États d&#x27;Amérique latine et des Caraïbes",
        "États d&#x27;Asie et du Pacifique",
        "États d&#x27;Europe occidentale et autres États",
        "États d&#x27;Europe orientale",
        "États observateurs et autres",
    ]


def test_the_states_index_in_english_is_unchanged(rf):
    page = rendered(state_index, rf, "/states/", "en")
    groups = re.findall(r'<h2 id="group-\d+">([^<]+)</h2>', page)
    assert groups[0] == "African States"
    assert page.index(">Egypt<") < page.index(">Equatorial Guinea<") < page.index(">Eritrea<")


def test_the_comparisons_state_choices_are_sorted_by_spanish_name(rf):
    page = rendered(compare, rf, "/compare/", "es")
    first_select = page[page.index("<select") : page.index("</select>")]
    options = re.findall(r'<option value="[A-Z]{3}">([^<]+)</option>', first_select)
    assert options.index("Egipto") < options.index("El Salvador") < options.index("Emiratos Árabes Unidos")
    assert options.index("Alemania") < options.index("Andorra")
    assert len(options) == State.objects.count()


def test_importers_resolve_state_names_written_in_french_or_spanish():
    """A French or Spanish source (an OHCHR list in French) names the recommending States in its language."""
    from states.resolve import StateResolver

    resolver = StateResolver()
    found = {name: resolver.resolve(name) for name in ("Norvège", "Allemagne", "Türkiye", "Noruega", "Alemania")}
    assert {name: state.iso3 for name, state in found.items() if state} == {
        "Norvège": "NOR",
        "Allemagne": "DEU",
        "Türkiye": "TUR",
        "Noruega": "NOR",
        "Alemania": "DEU",
    }
    assert resolver.resolve("Niger").iso3 == "NER"  # English names keep precedence over translations
