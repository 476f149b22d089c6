"""A briefing in the page's language: the organisation's texts per language with an English fallback saying so,
the generated parts, the PDF's fonts, file name and page numbers (recommendations/briefings/, states/briefing.html).

Pages are asked for under translation.override() with the URL reversed inside it, so the language reaches the
view whether or not the URLs carry a language prefix. The French words of the generated parts come from a
stand-in catalogue (`french`): the real catalogues are written apart, and these tests check that each generated
part goes through one, whole.
"""

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation
from django.utils.translation import trans_real
from lxml import html as lxml_html

from recommendations import briefings
from recommendations.briefings.pdf import page_numbers_css
from recommendations.models import Briefing
from recommendations.models.briefing import clean_texts
from recommendations.models.review import ordinal
from tests.site_data import recommendation, review

pytestmark = pytest.mark.django_db

NOT_IN_FRENCH = "Cette introduction n’est pas encore disponible en français."


@pytest.fixture
def french():
    """Add translations to the French catalogue for this test: {msgid: text}, {(msgid, context): text} for
    pgettext, {(singular msgid, None): (singular, plural)} for ngettext."""

    def add(entries: dict) -> None:
        catalogue = trans_real.translation("fr")._catalog
        for key, text in entries.items():
            if isinstance(key, tuple) and key[1] is None:
                for index in range(3):  # whatever the plural forms of the catalogue
                    catalogue[(key[0], index)] = text[min(index, 1)]
            elif isinstance(key, tuple):
                catalogue[f"{key[1]}\x04{key[0]}"] = text
            else:
                catalogue[key] = text

    yield add
    trans_real._translations.pop("fr", None)  # the next use reads the catalogues afresh


def get_in(client, language: str, name: str = "states:briefing", query: str = ""):
    with translation.override(language):
        response = client.get(reverse(name, args=["KAZ"]) + query)
    assert response.status_code == 200, response.content[:300]
    return response


def tree_in(client, language: str, query: str = ""):
    return lxml_html.fromstring(get_in(client, language, query=query).content.decode())


def text_of(element) -> str:
    return " ".join(element.text_content().split())


def section(tree, name: str):
    found = tree.xpath(f"//section[@class='briefing-{name}']")
    return found[0] if found else None


def write(organisation, state, **texts) -> Briefing:
    return briefings.write_briefing(organisation=organisation, state=state, texts=texts, published=True)


# The organisation's texts --------------------------------------------------------------------------------------


def test_a_page_shows_the_texts_written_in_its_language(client, kazakhstan, org_a):
    write(
        org_a,
        kazakhstan,
        en={"title": "Defenders at risk", "introduction": "Our words.", "conclusion": "Our ask."},
        fr={"title": "Défenseurs en danger", "introduction": "Nos mots.", "conclusion": "Notre demande."},
    )

    tree = tree_in(client, "fr")

    assert text_of(tree.xpath("//h1")[0]) == "Défenseurs en danger"
    introduction = section(tree, "introduction")
    assert introduction.xpath(".//div/@lang") == ["fr"] and "Nos mots." in text_of(introduction)
    assert not tree.xpath("//p[@class='language-note']")
    assert "Notre demande." in text_of(section(tree, "conclusion"))
    english = tree_in(client, "en")
    assert text_of(english.xpath("//h1")[0]) == "Defenders at risk"
    assert "Our words." in text_of(section(english, "introduction"))


def test_a_missing_language_falls_back_to_english_saying_so(client, kazakhstan, org_a):
    write(org_a, kazakhstan, en={"introduction": "Our words.", "conclusion": "Our ask."}, fr={"conclusion": "Fin."})

    tree = tree_in(client, "fr")

    introduction = section(tree, "introduction")
    assert text_of(introduction.xpath(".//p[@class='language-note']")[0]) == NOT_IN_FRENCH
    assert introduction.xpath(".//div/@lang") == ["en"] and "Our words." in text_of(introduction)
    conclusion = section(tree, "conclusion")
    assert not conclusion.xpath(".//p[@class='language-note']") and "Fin." in text_of(conclusion)
    # No title of its own in French: the generated one, not the English one.
    assert text_of(tree.xpath("//h1")[0]) == "Kazakhstan : note d’information sur l’EPU"
    assert NOT_IN_FRENCH not in get_in(client, "en").content.decode()


def test_the_note_names_the_pages_language_as_its_catalogue_writes_it_in_a_sentence(client, kazakhstan, org_a, french):
    french(
        {
            "This introduction is not yet available in %(language)s.": (
                "Cette introduction n’est pas encore disponible en %(language)s."
            ),
            ("French", "language name inside a sentence"): "français",
        }
    )
    write(org_a, kazakhstan, en={"introduction": "Our words."})

    note = tree_in(client, "fr").xpath("//p[@class='language-note']")[0]

    assert text_of(note) == "Cette introduction n’est pas encore disponible en français."


def test_texts_only_in_another_language_are_shown_with_the_note_on_english_pages(client, kazakhstan, org_a):
    write(org_a, kazakhstan, es={"introduction": "Nuestras palabras."})
    introduction = section(tree_in(client, "en"), "introduction")
    assert text_of(introduction.xpath(".//p[@class='language-note']")[0]) == (
        "This introduction is not yet available in English."
    )
    assert introduction.xpath(".//div/@lang") == ["es"]


def test_without_by_the_texts_written_in_the_pages_language_come_first(client, kazakhstan, org_a, org_b):
    write(org_a, kazakhstan, fr={"introduction": "Les mots de A."})
    write(org_b, kazakhstan, en={"introduction": "B's words."})  # the most recent

    assert "Les mots de A." in text_of(section(tree_in(client, "fr"), "introduction"))
    assert "B's words." in text_of(section(tree_in(client, "en"), "introduction"))
    assert "B's words." in text_of(section(tree_in(client, "es"), "introduction"))


def test_recommendation_texts_keep_the_language_of_their_source(client):
    made = recommendation(review("KAZ", 7), "Protéger les défenseurs", response="supported")
    made.language = "fr"
    made.save()
    tree = tree_in(client, "en")
    assert tree.xpath(f"//*[@id='recommendation-{made.pk}']//blockquote/@lang") == ["fr"]


# Writing them ----------------------------------------------------------------------------------------------------


def test_the_editor_offers_each_language_in_a_section_of_its_own(client, kazakhstan, org_a, editor_a):
    write(org_a, kazakhstan, en={"introduction": "Our words."}, fr={"introduction": "Nos mots."})
    client.force_login(editor_a)

    tree = lxml_html.fromstring(get_in(client, "en", "states:briefing-edit").content.decode())

    sections = tree.xpath("//fieldset[@class='language-texts']")
    assert [s.get("id") for s in sections] == ["texts-en", "texts-fr", "texts-es"]
    assert [text_of(s.xpath("legend")[0]) for s in sections] == ["English", "français", "español"]
    assert tree.xpath("//nav[@class='language-tabs']//a/@href") == ["#texts-en", "#texts-fr", "#texts-es"]
    french_fields = sections[1].xpath(".//input|.//textarea")
    assert [(f.get("name"), f.get("lang")) for f in french_fields] == [
        ("title_fr", "fr"),
        ("introduction_fr", "fr"),
        ("conclusion_fr", "fr"),
    ]
    assert text_of(sections[1].xpath(".//textarea[@name='introduction_fr']")[0]) == "Nos mots."


def test_an_editor_writes_the_texts_of_each_language_with_history(client, kazakhstan, org_a, editor_a):
    client.force_login(editor_a)
    fields = {
        f"{part}_{language}": "" for part in ("title", "introduction", "conclusion") for language in "en fr es".split()
    }
    fields.update(introduction_en="Our words.", introduction_fr="Nos mots.", conclusion_es="Nuestra petición.")

    response = client.post(reverse("states:briefing-edit", args=["KAZ"]), {**fields, "published": "on"})

    assert response.status_code == 302
    saved = Briefing.objects.get()
    assert saved.texts == {
        "en": {"introduction": "Our words."},
        "fr": {"introduction": "Nos mots."},
        "es": {"conclusion": "Nuestra petición."},
    }
    assert [(h.history_type, h.history_user, h.texts) for h in saved.history.all()] == [("+", editor_a, saved.texts)]
    assert "Nos mots." in text_of(section(tree_in(client, "fr"), "introduction"))


def test_an_over_long_text_is_refused_naming_its_language(client, kazakhstan, editor_a):
    client.force_login(editor_a)
    too_long = "x" * (briefings.TEXT_MAX_LENGTH + 1)

    response = client.post(reverse("states:briefing-edit", args=["KAZ"]), {"introduction_fr": too_long})

    assert response.status_code == 400
    summary = text_of(lxml_html.fromstring(response.content.decode()).xpath("//div[@class='error-summary']")[0])
    assert "français · Introduction: Ensure this value has at most 20000 characters (it has 20001)." in summary
    assert not Briefing.objects.exists()


def test_the_stored_texts_are_checked_whatever_writes_them():
    assert clean_texts({"fr": {"introduction": "Nos mots.", "title": "  "}, "es": {}}) == {
        "fr": {"introduction": "Nos mots."}
    }
    with pytest.raises(ValidationError) as refused:
        clean_texts({"de": {"introduction": "Unsere Worte."}, "fr": {"summary": "x"}})
    assert refused.value.messages == ["Unknown language: de.", "Unknown part in the fr texts."]
    with pytest.raises(ValidationError) as refused:
        clean_texts({"es": {"title": "t" * 201}})
    assert refused.value.messages == ["Title (Spanish): at most 200 characters (it has 201)."]


def test_the_admin_has_a_section_per_language_and_saves_them(client, kazakhstan, org_a, editor_a):
    mine = write(org_a, kazakhstan, en={"introduction": "Our words."})
    client.force_login(editor_a)
    url = reverse("admin:recommendations_briefing_change", args=[mine.pk])
    page = client.get(url)
    names = [fieldset.name for fieldset in page.context["adminform"]]
    assert names == [None, "English", "français", "español", None]

    data = {"organisation": org_a.pk, "state": kazakhstan.pk, "introduction_en": "Our words."}
    response = client.post(url, {**data, "introduction_fr": "Nos mots.", "published": "on"})

    assert response.status_code == 302
    mine.refresh_from_db()
    assert mine.texts == {"en": {"introduction": "Our words."}, "fr": {"introduction": "Nos mots."}}
    changelist = reverse("admin:recommendations_briefing_changelist")
    assert list(client.get(changelist, {"q": "mots"}).context["cl"].result_list) == [mine]
    assert list(client.get(changelist, {"q": "palabras"}).context["cl"].result_list) == []


# The generated parts ---------------------------------------------------------------------------------------------


@pytest.fixture
def seven_on_defenders():
    kaz = review("KAZ", 7)
    for index in range(7):
        made = recommendation(kaz, f"Protect defenders {index}", groups=("Human rights defenders",))
        made.response = "noted" if index else "supported"
        made.save()
    return kaz


def test_the_generated_sentences_follow_the_pages_language(client, seven_on_defenders, french):
    french(
        {
            (
                "In its last review, in %(year)s (%(session)s session), %(state)s received %(count)d recommendation "
                "on %(topic)s and supported %(supported)d of them.",
                None,
            ): (
                "Lors de son dernier examen, en %(year)s (%(session)s session), %(state)s a reçu %(count)d "
                "recommandation sur : %(topic)s, et en a accepté %(supported)d.",
                "Lors de son dernier examen, en %(year)s (%(session)s session), %(state)s a reçu %(count)d "
                "recommandations sur : %(topic)s, et en a accepté %(supported)d.",
            ),
            ("%(number)dth", "ordinal"): "%(number)de",
            ("%(count)d noted", None): ("%(count)d dont il a été pris note", "%(count)d dont il a été pris note"),
            "Other responses: %(parts)s.": "Autres réponses : %(parts)s.",
            "%(state)s: UPR briefing — %(subject)s": "%(state)s : note sur l’EPU — %(subject)s",
        }
    )

    tree = tree_in(client, "fr", "?affected_group=human-rights-defenders")

    assert text_of(tree.xpath("//p[@class='opening']")[0]) == (
        "Lors de son dernier examen, en 2010 (7e session), Kazakhstan a reçu 7 recommandations sur : "
        "défenseurs des droits de l'homme, et en a accepté 1. Autres réponses : 6 dont il a été pris note."
    )
    assert text_of(tree.xpath("//h1")[0]).startswith("Kazakhstan : note sur l’EPU — ")


def test_session_ordinals_have_a_message_for_the_first_apart(french):
    french(
        {
            ("%(number)dst", "ordinal 1"): "%(number)dre",
            ("%(number)dst", "ordinal ending in 1"): "%(number)de",
            ("%(number)dth", "ordinal"): "%(number)de",
        }
    )
    assert [ordinal(n) for n in (1, 2, 7, 11, 21, 22, 23, 113)] == [
        "1st",
        "2nd",
        "7th",
        "11th",
        "21st",
        "22nd",
        "23rd",
        "113th",
    ]
    with translation.override("fr"):
        assert [ordinal(n) for n in (1, 7, 11, 21)] == ["1re", "7e", "11e", "21e"]


# The PDF ------------------------------------------------------------------------------------------------------------


@pytest.fixture
def rendered(monkeypatch):
    """The HTML of each PDF the server lays out, instead of the PDF, with the page numbers' words of its stylesheet."""
    try:
        from recommendations.briefings import pdf as briefing_pdf
    except OSError as error:
        pytest.skip(f"WeasyPrint cannot load its system libraries: {error}")
    made = []
    monkeypatch.setattr(
        briefing_pdf,
        "render_pdf",
        lambda html, **kwargs: made.append(f"{html}\n/* numbers: {briefing_pdf.page_numbers_css()} */") or b"%PDF-",
    )
    return made


def test_the_pdf_is_in_the_pages_language(client, kazakhstan, org_a, rendered, french):
    french(
        {
            "Page %(page)s of %(pages)s": "Page %(page)s sur %(pages)s",
            ("UPR-briefing", "PDF file name"): "note EPU",
        }
    )
    write(org_a, kazakhstan, fr={"introduction": "Nos mots."})

    response = get_in(client, "fr", "states:briefing-pdf")

    assert response["Content-Disposition"] == 'attachment; filename="note-EPU-KAZ-fr.pdf"'
    [html] = rendered
    assert re.search(r'<html lang="fr"', html)
    assert '/* numbers: "Page " counter(page) " sur " counter(pages) */' in html
    assert "Nos mots." in html
    english = get_in(client, "en", "states:briefing-pdf", "?cycle=1")
    assert english["Content-Disposition"] == 'attachment; filename="UPR-briefing-KAZ-cycle-1.pdf"'
    assert '<html lang="en"' in rendered[1]
    assert '/* numbers: "Page " counter(page) " of " counter(pages) */' in rendered[1]


def test_page_numbers_are_escaped_for_css_whatever_the_translation(french):
    french({"Page %(page)s of %(pages)s": 'p. %(page)s/%(pages)s "\\</style><script>'})
    with translation.override("fr"):
        css = page_numbers_css()
    assert css == '"p. " counter(page) "/" counter(pages) " \\"\\\\\\3c /style\\3e \\3c script\\3e "'


def _print_font_stack() -> list[str]:
    css = (Path(settings.BASE_DIR) / "static/css/briefing.css").read_text()
    declaration = re.search(r"html body \{ font: [\d.]+pt/[\d.]+ ([^;]+);", css)[1]
    return [family.strip().strip('"') for family in declaration.split(",")]


SCRIPTS = {
    "Latin with diacritics": "Œuvre, Élysée, Łódź, Ñuñoa, Việt Nam, Ærøskøbing, İstanbul",
    "Greek": "Ελληνική Δημοκρατία",
    "Cyrillic": "Российская Федерация, Україна",
    "Arabic": "المملكة العربية السعودية",
}


def test_the_pdf_font_covers_latin_greek_cyrillic_and_arabic():
    from fontTools.ttLib import TTFont

    stack = _print_font_stack()
    assert stack[0] == "DejaVu Sans" and stack[-1] == "sans-serif"
    if not shutil.which("fc-match"):
        pytest.skip("fontconfig's fc-match is not installed")
    found = subprocess.run(
        ["fc-match", "--format=%{family}\n%{file}", stack[0]], capture_output=True, text=True, check=True
    ).stdout
    family, path = found.split("\n", 1)
    if "DejaVu Sans" not in family:
        pytest.skip("DejaVu Sans is not installed (Debian: fonts-dejavu-core)")
    characters = TTFont(path, fontNumber=0).getBestCmap()
    missing = {
        script: [c for c in sample if c.strip(" ,") and ord(c) not in characters] for script, sample in SCRIPTS.items()
    }
    assert missing == {script: [] for script in SCRIPTS}


def test_a_pdf_in_four_scripts_is_set_in_dejavu_sans_alone(client, kazakhstan, org_a, rendered):
    from weasyprint import HTML

    from recommendations.briefings.pdf import StaticFilesFetcher

    write(org_a, kazakhstan, en={"introduction": "\n\n".join(SCRIPTS.values())})
    get_in(client, "en", "states:briefing-pdf")
    fetcher = StaticFilesFetcher("http://testserver" + settings.STATIC_URL)
    pdf = HTML(string=rendered[0], base_url="http://testserver/", url_fetcher=fetcher, media_type="print").write_pdf(
        uncompressed_pdf=True
    )
    fonts = {name.split(b"+")[-1] for name in re.findall(rb"/BaseFont\s*/([\w+-]+)", pdf)}
    if not fonts <= {b"DejaVu-Sans", b"DejaVu-Sans-Bold", b"DejaVu-Sans-Oblique", b"DejaVu-Sans-BoldOblique"}:
        pytest.fail(f"Fonts other than DejaVu Sans in the PDF: {sorted(fonts)}")
    assert b"DejaVu-Sans" in fonts
