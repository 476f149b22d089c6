"""Recommendation texts in the language of their source (Recommendation.language, migration 0027), and full-text
search stemmed for each language in use (search/text.py): imports, search, the API."""

import pytest
from django.db import connection

from recommendations.imports import ohchr_docx
from recommendations.models import SEARCH_CONFIGS, Recommendation, search_config
from recommendations.search import lookups
from recommendations.search.filters import RecommendationFilterSet
from tests.recommendations.conftest import (
    UPR_INFO_HEADER,
    ohchr_list_docx,
    table_csv,
    upr_info_csv,
    upr_info_row,
)

pytestmark = pytest.mark.django_db

URL = "/api/v1/recommendations/"

FRENCH_HEADER = [
    "Recommandation",
    "Position",
    "Liste complète des thèmes",
    "Évaluation/commentaires sur le niveau de mise en œuvre",
]
SOURCE_FR = "Source de la position : A/HRC/99/1/Add.1 - Para. 5"
FRENCH_LIST = [
    "Thème : Égalité et non-discrimination",
    [
        "100.1 Lutter contre la discrimination à l’égard de chaque femme et protéger les minorités religieuses "
        f"(France) (Canada);\n{SOURCE_FR}",
        "Acceptée",
        "- Égalité et non-discrimination\nODD : \n- 5 - ÉGALITÉ ENTRE LES SEXES\nPersonnes concernées : \n- Femmes",
        "",
    ],
    "Thème : Peine de mort",
    [f"100.2 Abolir la peine de mort (Portugal);\n{SOURCE_FR}", "Notée", "- Peine de mort", ""],
]
SPANISH_HEADER = ["Recomendación", "Posición", "Lista completa de temas", "Evaluación/comentarios sobre la aplicación"]
SPANISH_LIST = [
    "Tema: Derechos humanos y empresas",
    [
        "100.3 Proteger los derechos humanos de las niñas (Chile);\nFuente de la posición: A/HRC/99/1/Add.1 - Para. 7",
        "Apoyada",
        "- Derechos humanos y empresas\nODS: \n- 5 - IGUALDAD DE GÉNERO\nPersonas afectadas: \n- Niñas",
        "",
    ],
]


def import_list(import_file, header, rows):
    return import_file(ohchr_list_docx(header, rows), state="SVN", session=34)


def search(client, query: str, **params) -> list[str]:
    response = client.get(URL, {"q": query, **params})
    assert response.status_code == 200, response.json()
    return [row["paragraph"] or row["text"] for row in response.json()["results"]]


@pytest.fixture
def three_languages(import_file, review_kaz_2010, make_recommendation):
    """The French and Spanish lists imported, and two English recommendations."""
    assert import_list(import_file, FRENCH_HEADER, FRENCH_LIST).problems == []
    assert import_list(import_file, SPANISH_HEADER, SPANISH_LIST).problems == []
    make_recommendation(review_kaz_2010, "Combat discrimination against women and girls", paragraph="89.1")
    make_recommendation(review_kaz_2010, "Protect religious minorities from violence", paragraph="89.2")


# Imports ------------------------------------------------------------------------------------------------------


def test_a_french_ohchr_list_imports_its_texts_in_french(import_file):
    result = import_list(import_file, FRENCH_HEADER, FRENCH_LIST)

    assert (result.format, result.created, result.problems) == ("ohchr-docx", 2, [])
    first = Recommendation.objects.get(paragraph="100.1")
    assert (first.language, first.text) == (
        "fr",
        "Lutter contre la discrimination à l’égard de chaque femme et protéger les minorités religieuses",
    )
    assert sorted(first.recommending_states.values_list("iso3", flat=True)) == ["CAN", "FRA"]
    assert (first.response, first.response_source) == ("supported", "A/HRC/99/1/Add.1 - Para. 5")
    assert list(first.sdgs.values_list("number", flat=True)) == [5]
    # Named in French, the group and the OHCHR theme are the existing ones, not new rows in English's place.
    assert list(first.affected_groups.values_list("name", flat=True)) == ["Women"]
    assert list(first.themes.values_list("scheme__slug", "code", "name")) == [
        ("ohchr", "B31", "Equality & non-discrimination")
    ]
    second = Recommendation.objects.get(paragraph="100.2")
    assert (second.language, second.response) == ("fr", "noted")


def test_a_spanish_ohchr_list_imports_its_texts_in_spanish(import_file):
    result = import_list(import_file, SPANISH_HEADER, SPANISH_LIST)

    assert (result.created, result.problems) == (1, [])
    imported = Recommendation.objects.get()
    assert (imported.language, imported.text, imported.response) == (
        "es",
        "Proteger los derechos humanos de las niñas",
        "supported",
    )
    assert imported.response_source == "A/HRC/99/1/Add.1 - Para. 7"
    # "Niñas" is the existing group Girls, named in Spanish.
    assert list(imported.affected_groups.values_list("name", flat=True)) == ["Girls"]


@pytest.mark.parametrize(
    ("header", "language"),
    [
        ("Recommendation", "en"),
        ("Recommendation and recommending State", "en"),
        ("Recommandation", "fr"),
        ("RECOMMANDATION ET ÉTAT AUTEUR", "fr"),
        ("Recomendación", "es"),
        ("Recomendacion", "es"),
    ],
)
def test_the_recommendation_columns_header_says_the_language_of_the_list(header, language):
    assert ohchr_docx.list_language(header) == language


def test_an_english_list_over_french_texts_changes_their_language_and_says_so(import_file):
    import_list(import_file, FRENCH_HEADER, FRENCH_LIST[2:])
    english = [
        "Theme: Death penalty",
        [
            "100.2 Abolish the death penalty (Portugal);\nSource of Position: A/HRC/99/1/Add.1 - Para. 5",
            "Noted",
            "- Death penalty",
            "",
        ],
    ]
    header = ["Recommendation", "Position", "Full list of themes", "Assessment/comments on level of implementation"]

    result = import_list(import_file, header, english)

    assert (result.updated, [change.fields for change in result.changes]) == (1, [("text", "language", "themes")])
    assert Recommendation.objects.values_list("language", "text").get() == ("en", "Abolish the death penalty")


def test_upr_info_exports_are_english_unless_a_language_column_says_otherwise(import_file):
    import_file(upr_info_csv([upr_info_row("Protect defenders")]))
    assert Recommendation.objects.values_list("text", "language").get() == ("Protect defenders", "en")

    rows = [[*upr_info_row("Protéger les défenseurs"), "FR"], [*upr_info_row("Protect journalists"), ""]]
    result = import_file(upr_info_csv(rows, header=[*UPR_INFO_HEADER, "Language"]))

    assert result.problems == []
    assert dict(Recommendation.objects.values_list("text", "language")) == {
        "Protect defenders": "en",
        "Protéger les défenseurs": "fr",
        "Protect journalists": "en",
    }


def test_a_bad_language_code_is_a_row_error_naming_the_column(import_file):
    rows = [[*upr_info_row("Protéger les défenseurs"), "français"]]
    result = import_file(upr_info_csv(rows, header=[*UPR_INFO_HEADER, "Language"]))
    assert [(p.row, p.column, p.message) for p in result.errors] == [
        ("2", "Language", "Not an ISO 639-1 language code (two letters, such as en, fr or es): 'français'.")
    ]
    assert not Recommendation.objects.exists()


def test_the_table_reads_and_the_export_writes_the_language(import_file, client):
    from recommendations.imports import export, table

    row = {
        "paragraph": "89.12",
        "text": "Garantizar el derecho de reunión pacífica",
        "state_under_review": "KAZ",
        "recommending_states": "NOR",
        "session": "7",
        "response": "supported",
        "language": "es",
    }
    result = import_file(table_csv([row], columns=[*table.REQUIRED_COLUMNS, "language"]))

    assert (result.created, result.problems) == (1, [])
    assert Recommendation.objects.get().language == "es"
    header, exported = list(export.export_rows())
    assert exported[header.index("language")] == "es"


# Search -------------------------------------------------------------------------------------------------------


def test_french_texts_are_found_by_french_word_forms(api_client, three_languages):
    # The brief's examples, which English stemming happens to find as well …
    assert search(api_client, "discriminations") == ["100.1", "89.1"]
    assert search(api_client, "femmes") == ["100.1"]
    # … and what only French stemming finds: "les" is "le" (the English parse keeps "les", which the French text's
    # vector does not have), "religieux" is "religieuses" (and English "religious", whose stem is the same: 89.2
    # comes too), "protégeant" is "protéger" (and Spanish "proteger").
    assert search(api_client, "les femmes") == ["100.1"]
    assert search(api_client, "religieux", language="fr") == ["100.1"]
    assert search(api_client, "protégeant", language="fr") == ["100.1"]


def test_spanish_texts_are_found_by_spanish_word_forms(api_client, three_languages):
    # Stemmed in English, "derecho humano" and "derechos humanos" share no word.
    assert search(api_client, "derecho humano") == ["100.3"]


ENGLISH_QUERIES = ["religious minority", '"against women"', "discrimination -girls", "protect or combat"]


def test_english_search_is_unchanged_beside_other_languages(
    api_client, import_file, review_kaz_2010, make_recommendation
):
    make_recommendation(review_kaz_2010, "Combat discrimination against women and girls", paragraph="89.1")
    make_recommendation(review_kaz_2010, "Protect religious minorities from violence", paragraph="89.2")
    before = {query: search(api_client, query) for query in ENGLISH_QUERIES}
    assert before["religious minority"] == ["89.2"]

    import_list(import_file, FRENCH_HEADER, FRENCH_LIST)
    import_list(import_file, SPANISH_HEADER, SPANISH_LIST)

    # The English texts come as before, in the same order. A French text may come too where the stems agree
    # ("religious" and "religieuses" are both "religi"): the words are looked for in every language in use.
    assert {query: search(api_client, query, language="en") for query in ENGLISH_QUERIES} == before
    assert sorted(search(api_client, "religious")) == ["100.1", "89.2"]


def test_snippets_mark_the_words_of_each_language(api_client, three_languages):
    [row] = api_client.get(URL, {"q": "protégeant", "language": "fr"}).json()["results"]
    assert "<mark>protéger</mark>" in row["snippet"]


def test_the_search_page_marks_the_words_of_each_language(client, three_languages):
    from recommendations.site.search.text import highlighted_texts

    french = Recommendation.objects.get(paragraph="100.1")
    marked = highlighted_texts([french.pk], "religieux")[french.pk]
    assert "\ue000religieuses\ue001" in marked


def _sql_of_search(text: str) -> str:
    filterset = RecommendationFilterSet({"q": text}, queryset=Recommendation.objects.all())
    assert filterset.is_valid()
    return str(filterset.qs.query)


def test_while_every_text_is_english_a_search_parses_its_words_in_english_only(review_kaz_2010, make_recommendation):
    make_recommendation(review_kaz_2010, "Combat discrimination against women")
    assert lookups.current().other_languages == frozenset()
    sql = _sql_of_search("discrimination")
    # The match and the rank (a single word has no phrase bonus): as before texts had a language.
    assert sql.count("plainto_tsquery(upr_english::regconfig, discrimination)") == 2
    assert "phraseto_tsquery" not in sql
    assert "french" not in sql and "recommendations_any_of" not in sql and '"language" IN' not in sql

    Recommendation.objects.update(language="fr")

    sql = _sql_of_search("discrimination")
    assert lookups.current().other_languages == frozenset({"fr"})
    assert (
        '"search_vector" @@ recommendations_any_of(plainto_tsquery(upr_english::regconfig, discrimination), '
        "plainto_tsquery(upr_french::regconfig, discrimination))"
    ) in sql
    # Each text ranked against the words parsed in its own language.
    assert (
        'CASE WHEN "recommendations_recommendation"."language" IN (fr) THEN plainto_tsquery(upr_french::regconfig, '
        "discrimination) ELSE plainto_tsquery(upr_english::regconfig, discrimination) END"
    ) in sql


def test_a_search_looks_for_each_different_parse_of_the_words_once():
    def any_of(text: str, *configs: str) -> str:
        parses = ", ".join(f"websearch_to_tsquery('{config}', %(q)s)" for config in configs)
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT recommendations_any_of({parses})::text", {"q": text})
            return cursor.fetchone()[0]

    assert any_of("torture", "english", "french", "spanish") == "'tortur'"
    assert any_of("the women", "english", "french") == "'women' | 'the' & 'women'"  # "the": an English stop word


def test_the_vector_follows_the_text_and_its_language_on_every_write_path(review_kaz_2010, make_recommendation):
    made = make_recommendation(review_kaz_2010, "Protéger les minorités religieuses", language="fr")
    assert Recommendation.objects.filter(search_vector="religi").exists()  # the French stem
    Recommendation.objects.filter(pk=made.pk).update(language="en")  # a queryset update: no Python involved
    assert not Recommendation.objects.filter(search_vector="religi").exists()
    assert Recommendation.objects.filter(search_vector="religieus").exists()  # the English stem of it
    made.refresh_from_db()
    made.text, made.language = "Proteger a las minorías religiosas", "es"
    made.save()
    assert Recommendation.objects.filter(search_vector="religi").exists()  # Spanish


def test_the_database_and_python_agree_on_each_languages_configuration():
    languages = [*SEARCH_CONFIGS, "ar", "zh"]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT language, recommendations_search_config(language)::text FROM unnest(%s::text[]) AS language",
            [languages],
        )
        in_database = dict(cursor.fetchall())
    assert in_database == {language: search_config(language) for language in languages}
    assert in_database["ar"] == "upr_simple"


# The API ------------------------------------------------------------------------------------------------------


def test_the_api_gives_each_recommendation_its_language(api_client, three_languages):
    french = Recommendation.objects.get(paragraph="100.1")
    assert api_client.get(f"{URL}{french.pk}/").json()["language"] == "fr"
    rows = api_client.get(URL, {"ordering": "id"}).json()["results"]
    assert [(row["paragraph"], row["language"]) for row in rows] == [
        ("100.1", "fr"),
        ("100.2", "fr"),
        ("100.3", "es"),
        ("89.1", "en"),
        ("89.2", "en"),
    ]


def test_the_language_filter(api_client, three_languages):
    def paragraphs(**params):
        response = api_client.get(URL, {"ordering": "id", **params})
        assert response.status_code == 200, response.json()
        return [row["paragraph"] for row in response.json()["results"]]

    assert paragraphs(language="fr") == ["100.1", "100.2"]
    assert paragraphs(language=["ES", "en"]) == ["100.3", "89.1", "89.2"]
    assert paragraphs(language="ar") == []
    assert paragraphs(language="fr", q="femmes") == ["100.1"]


def test_a_bad_language_filter_is_a_400_naming_it(api_client):
    response = api_client.get(URL, {"language": "french"})
    assert response.status_code == 400
    assert response.json() == {
        "errors": {"language": ["Not an ISO 639-1 language code (two letters, such as en, fr or es): french."]}
    }


# The pages ----------------------------------------------------------------------------------------------------


def test_pages_mark_each_text_with_its_language(client, three_languages):
    from django.urls import reverse
    from lxml import html as lxml_html

    french = Recommendation.objects.get(paragraph="100.1")
    detail = client.get(reverse("recommendations:detail", args=[french.pk])).content.decode()
    assert lxml_html.fromstring(detail).xpath("//blockquote[@class='recommendation-text']/@lang") == ["fr"]
    search_page = lxml_html.fromstring(client.get(reverse("recommendations:search"), {"q": "femmes"}).content.decode())
    assert search_page.xpath("//p[@class='result-text']/@lang") == ["fr"]
