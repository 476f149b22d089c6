"""Themes, affected groups and SDGs in French and Spanish, and every reference name that reaches a reader in
their language: the search facets, the search page, the API's label fields. Exports keep English names.

Languages are chosen with translation.override around the functions a view calls (the request's language
is the middleware's business, tested with it)."""

import pytest
from django.db import connection
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext
from django.utils import translation
from rest_framework.request import Request
from rest_framework.test import APIRequestFactory

from recommendations.api.representations import recommendation_representations, streamed_representations
from recommendations.api.serializers import (
    AffectedGroupSerializer,
    SDGSerializer,
    ThemeSchemeSerializer,
    ThemeSerializer,
)
from recommendations.imports.export import export_rows
from recommendations.models import SDG, AffectedGroup, Recommendation, Theme, ThemeScheme, sdg_label
from recommendations.search.facets import facet_counts
from recommendations.search.filters import RecommendationFilterSet
from recommendations.site.search.facets import facets_for
from recommendations.site.search.text import suggestions
from states.models import Bloc, RegionalGroup, State
from states.serializers import BlocSerializer, StateSerializer

pytestmark = pytest.mark.django_db


@pytest.fixture
def hrd():
    return Theme.objects.get(scheme__slug="upr-info", slug="human-rights-defenders")


@pytest.fixture
def made(review_kaz_2010, make_recommendation, norway, france, hrd):
    """To Kazakhstan (Asia-Pacific), from Norway and France (EU), on defenders, women and SDG 16."""
    recommendation = make_recommendation(review_kaz_2010, states=[norway, france])
    recommendation.themes.set([hrd])
    recommendation.affected_groups.set([AffectedGroup.objects.get(name="Women")])
    recommendation.sdgs.set([SDG.objects.get(number=16)])
    return recommendation


@pytest.fixture
def request_(settings):
    settings.ALLOWED_HOSTS = ["partner.example.org"]
    return Request(APIRequestFactory().get("/api/v1/", HTTP_HOST="partner.example.org"))


def in_language(language: str, row) -> str:
    with translation.override(language):
        return row.localized_name


@pytest.mark.parametrize(
    ("row", "french", "spanish"),
    [
        (
            lambda: Theme.objects.get(scheme__slug="upr-info", name="Human rights defenders"),
            "Défenseurs des droits de l'homme",
            "Defensores de los derechos humanos",
        ),
        (
            lambda: Theme.objects.get(scheme__slug="ohchr", code="A12"),
            "Acceptation des normes internationales",
            "Aceptación de las normas internacionales",
        ),
        (
            lambda: AffectedGroup.objects.get(name="Persons with disabilities"),
            "Personnes handicapées",
            "Personas con discapacidad",
        ),
        (lambda: SDG.objects.get(number=1), "Pas de pauvreté", "Fin de la pobreza"),
        (
            lambda: SDG.objects.get(number=16),
            "Paix, justice et institutions efficaces",
            "Paz, justicia e instituciones sólidas",
        ),
        (lambda: ThemeScheme.objects.get(slug="ohchr"), "Thèmes du HCDH", "Temas del ACNUDH"),
    ],
)
def test_reference_rows_are_named_in_french_and_spanish(row, french, spanish):
    row = row()
    assert in_language("fr", row) == french
    assert in_language("es", row) == spanish


def test_english_reads_the_stored_names():
    assert in_language("en", SDG.objects.get(number=1)) == "No Poverty"
    assert in_language("en", Theme.objects.get(scheme__slug="ohchr", code="A12")) == "Acceptance of international norms"


@pytest.mark.parametrize("model", [ThemeScheme, Theme, AffectedGroup, SDG, RegionalGroup, Bloc])
def test_every_row_of_the_data_files_has_a_french_and_a_spanish_name(model):
    untranslated = [str(row) for row in model.objects.all() if not (row.has_name_in("fr") and row.has_name_in("es"))]
    assert untranslated == []


def test_every_state_has_a_french_and_a_spanish_name():
    assert [
        state.iso3 for state in State.objects.all() if not state.has_name_in("fr") or not state.has_name_in("es")
    ] == []


def test_a_theme_without_a_translation_reads_in_english():
    created = Theme.objects.create(scheme=ThemeScheme.objects.get(slug="upr-info"), name="Sport", slug="sport")
    assert in_language("fr", created) == "Sport"
    assert not created.has_name_in("fr")
    with translation.override("fr"):
        assert created.localized_label == "Sport"


def test_a_theme_label_keeps_its_code():
    with translation.override("fr"):
        assert Theme.objects.get(scheme__slug="ohchr", code="A12").localized_label == (
            "A12 Acceptation des normes internationales"
        )


# Facets ---------------------------------------------------------------------------------------------------

REFERENCE_FACETS = [
    "state_under_review",
    "recommending_state",
    "regional_group",
    "bloc",
    "theme",
    "affected_group",
    "sdg",
]


def facet_labels(language: str) -> dict[str, dict[str, str]]:
    filterset = RecommendationFilterSet(data=QueryDict(""), queryset=Recommendation.objects.all())
    assert filterset.is_valid()
    with translation.override(language):
        found = facet_counts(filterset, REFERENCE_FACETS)
    return {name: {item["value"]: item["label"] for item in items} for name, items in found.items()}


def test_facet_labels_are_in_french_and_values_unchanged(made):
    english = facet_labels("en")  # counted and cached with English labels first
    french = facet_labels("fr")
    with translation.override("fr"):
        sdg_16 = sdg_label(16, "Paix, justice et institutions efficaces")
    assert french == {
        "state_under_review": {"KAZ": "Kazakhstan"},
        "recommending_state": {"NOR": "Norvège", "FRA": "France"},
        "regional_group": {"ASIA_PACIFIC": "États d'Asie et du Pacifique"},
        "bloc": {
            "EU": "Union européenne",
            "OIF": "Organisation internationale de la Francophonie",
            "ACS": "Association des États de la Caraïbe",
        },
        "theme": {"upr-info:human-rights-defenders": "Défenseurs des droits de l'homme"},
        "affected_group": {"women": "Femmes"},
        "sdg": {"16": sdg_16},
    }
    assert english["recommending_state"] == {"NOR": "Norway", "FRA": "France"}
    assert english["theme"] == {"upr-info:human-rights-defenders": "Human rights defenders"}
    assert english["sdg"] == {"16": "SDG 16: Peace, Justice and Strong Institutions"}


CHOICE_FACETS = ["cycle", "session", "response", "status", "kind"]


def test_the_choices_facets_are_worded_in_the_language_and_values_unchanged(made):
    """Counted once (labels cached in English), worded per reader: a French reader first, then English and
    Spanish ones, read the same cached counts each in their language."""

    def labels(language: str) -> dict[str, dict[str, str]]:
        filterset = RecommendationFilterSet(data=QueryDict(""), queryset=Recommendation.objects.all())
        assert filterset.is_valid()
        with translation.override(language):
            found = facet_counts(filterset, CHOICE_FACETS)
        return {name: {item["value"]: item["label"] for item in items} for name, items in found.items()}

    french, english, spanish = labels("fr"), labels("en"), labels("es")
    assert english["session"] == {"7": "7th session (2010)"}
    assert french["session"] == {"7": "7e session (2010)"}
    assert english["cycle"] == {"1": "Cycle 1"} and spanish["cycle"] == {"1": "Ciclo 1"}
    assert english["status"] == {"none": "Not assessed"}
    assert french["status"] != english["status"] and spanish["status"] != english["status"]
    assert english["kind"] == {"recommendation": "Recommendation"} and french["kind"] == {
        "recommendation": "Recommandation"
    }
    assert set(french["response"]) == set(english["response"])  # the same codes, other words
    assert all(french["response"][code] != english["response"][code] for code in english["response"])


def test_the_search_pages_facets_are_in_spanish(made):
    filterset = RecommendationFilterSet(
        data=QueryDict("theme=upr-info:human-rights-defenders"), queryset=Recommendation.objects.all()
    )
    assert filterset.is_valid()
    with translation.override("es"):
        facets = {facet.name: facet for facet in facets_for(filterset)}
    assert [(o.value, o.label, o.selected) for o in facets["theme"].options] == [
        ("upr-info:human-rights-defenders", "Defensores de los derechos humanos", True)
    ]
    assert [o.label for o in facets["affected_group"].options] == ["Mujeres"]
    assert sorted(o.label for o in facets["recommending_state"].options) == ["Francia", "Noruega"]


def test_search_words_in_french_suggest_the_theme_they_name(made):
    with translation.override("fr"):
        found = suggestions("défenseurs des droits")
    assert [(s.name, s.label, s.value, s.kind) for s in found] == [
        ("theme", "Défenseurs des droits de l'homme", "upr-info:human-rights-defenders", "Thèmes d'UPR Info")
    ]


# The API --------------------------------------------------------------------------------------------------


def test_the_apis_reference_labels_are_in_french_and_codes_unchanged(request_, norway, hrd):
    context = {"request": request_}
    with translation.override("fr"):
        state = StateSerializer(norway, context=context).data
        theme = ThemeSerializer(hrd, context=context).data
        group = AffectedGroupSerializer(AffectedGroup.objects.get(slug="women"), context=context).data
        sdg = SDGSerializer(SDG.objects.get(number=5), context=context).data
        bloc = BlocSerializer(Bloc.objects.get(code="AU"), context=context).data
        scheme = ThemeSchemeSerializer(ThemeScheme.objects.get(slug="upr-info"), context=context).data
    assert (state["iso3"], state["name"]) == ("NOR", "Norvège")
    assert state["regional_group"] == {"code": "WEOG", "name": "États d'Europe occidentale et autres États"}
    assert (theme["slug"], theme["name"]) == ("human-rights-defenders", "Défenseurs des droits de l'homme")
    assert (group["slug"], group["name"]) == ("women", "Femmes")
    assert (sdg["number"], sdg["name"]) == (5, "Égalité entre les sexes")
    assert (bloc["code"], bloc["name"]) == ("AU", "Union africaine")
    assert (scheme["slug"], scheme["name"]) == ("upr-info", "Thèmes d'UPR Info")


def test_a_recommendations_representation_names_its_references_in_spanish(request_, made):
    with translation.override("es"):
        found = recommendation_representations([made.pk], request_)[made.pk]
    assert found["state_under_review"] == {"iso3": "KAZ", "name": "Kazajistán"}
    assert found["recommending_states"] == [{"iso3": "FRA", "name": "Francia"}, {"iso3": "NOR", "name": "Noruega"}]
    assert [(theme["slug"], theme["name"]) for theme in found["themes"]] == [
        ("human-rights-defenders", "Defensores de los derechos humanos")
    ]
    assert found["affected_groups"] == [{"slug": "women", "name": "Mujeres"}]
    assert found["sdgs"] == [{"number": 16, "name": "Paz, justicia e instituciones sólidas"}]


def test_naming_in_another_language_adds_no_query_per_row(request_, made, make_recommendation, review_kaz_2010, hrd):
    others = [make_recommendation(review_kaz_2010, f"Recommendation {n}") for n in range(4)]
    for other in others:
        other.themes.set([hrd])
    with translation.override("fr"):
        recommendation_representations([made.pk], request_)  # the reference tables, read once per data version
        with CaptureQueriesContext(connection) as one:
            recommendation_representations([made.pk], request_)
        with CaptureQueriesContext(connection) as five:
            found = recommendation_representations([made.pk, *(other.pk for other in others)], request_)
    assert len(five) == len(one)
    assert {row["themes"][0]["name"] for row in found.values()} == {"Défenseurs des droits de l'homme"}


def test_exports_keep_the_english_names(request_, made):
    with translation.override("fr"):
        streamed = list(streamed_representations(Recommendation.objects.filter(pk=made.pk), request_, chunk_size=10))
        header, row = list(export_rows(Recommendation.objects.filter(pk=made.pk)))
    assert streamed[0]["recommending_states"] == [{"iso3": "FRA", "name": "France"}, {"iso3": "NOR", "name": "Norway"}]
    assert streamed[0]["themes"][0]["name"] == "Human rights defenders"
    assert dict(zip(header, row, strict=True))["themes"] == "upr-info:Human rights defenders"
