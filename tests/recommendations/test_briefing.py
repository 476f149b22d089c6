"""A State's briefing (/states/<ISO3>/briefing/, its PDF and the editor form), from the demo and from small worlds."""

import re
import shutil
import socket
import subprocess

import pytest
from django.test import Client
from django.urls import reverse
from lxml import html as lxml_html

from recommendations import advocacy, briefings, demo
from recommendations.demo import advocacy as demo_advocacy
from recommendations.demo.briefing import TEXTS, add_demo_briefing
from recommendations.demo.followup import add_demo_repeats
from recommendations.models import (
    Briefing,
    EvidenceSource,
    ImplementationAssessment,
    Organisation,
    Recommendation,
    Review,
)
from tests.site_data import D, assess, evidence, recommendation, review

pytestmark = pytest.mark.django_db

HRD_CYCLE_1 = "?affected_group=human-rights-defenders&cycle=1"
PAGE = "/states/KAZ/briefing/"
PDF = "/states/KAZ/briefing.pdf"
EDIT = "/states/KAZ/briefing/edit/"
OPENING = (
    "In its last review, in 2010 (7th session), Kazakhstan received 7 recommendations on human rights defenders "
    "and supported 7 of them."
)


@pytest.fixture
def demo_world():
    demo.load_demo()
    add_demo_repeats()
    add_demo_briefing()


def page_tree(response):
    assert response.status_code == 200, response.content[:500]
    return page_tree_any(response)


def page_tree_any(response):
    return lxml_html.fromstring(response.content.decode())


def text_of(element) -> str:
    return " ".join(element.text_content().split())


def english(**parts) -> dict:
    """Briefing.texts with only English ones."""
    return {"en": parts}


def hrd_recommendations_2010():
    return Recommendation.objects.filter(
        review__state__iso3="KAZ", review__session__number=7, affected_groups__slug="human-rights-defenders"
    )


# The demo briefing ------------------------------------------------------------------------------------------


def test_demo_figures_are_seven_received_and_seven_supported():
    demo.load_demo()
    assert hrd_recommendations_2010().count() == 7
    assert hrd_recommendations_2010().filter(response="supported").count() == 7


def test_demo_briefing_has_its_sections_in_reading_order(client, demo_world):
    tree = page_tree(client.get(PAGE + HRD_CYCLE_1))
    article = tree.xpath("//article[@class='briefing']")[0]
    order = [
        "briefing-introduction",
        "briefing-opening",
        "briefing-recommendations",
        "briefing-notes",
        "briefing-conclusion",
        "briefing-colophon",
    ]
    found = [e.get("class") for e in article.iterdescendants() if e.get("class") in order]
    assert found == order
    assert text_of(article.xpath(".//p[@class='opening']")[0]) == OPENING
    assert "we ask recommending states" in text_of(article.xpath(".//section[@class='briefing-conclusion']")[0]).lower()
    colophon = text_of(article.xpath(".//footer[@class='briefing-colophon']")[0])
    assert re.search(r"Generated on \d{1,2} \w+ \d{4}, \d\d:\d\d UTC", colophon)
    assert "Affected persons: Human rights defenders; Cycle: 1 (2008–2011)." in colophon
    assert article.xpath(".//time/@datetime")[0].endswith("+00:00")


def test_demo_briefing_lists_each_recommendation_once_under_a_theme_with_response_and_status(client, demo_world):
    tree = page_tree(client.get(PAGE + HRD_CYCLE_1))
    items = tree.xpath("//article[contains(@class, 'briefing-item')]")
    expected = {r.pk: r for r in hrd_recommendations_2010()}
    assert sorted(int(item.get("id").removeprefix("recommendation-")) for item in items) == sorted(expected)
    for item in items:
        made = expected[int(item.get("id").removeprefix("recommendation-"))]
        assert made.text in text_of(item)
        facts = text_of(item.xpath(".//p[@class='item-facts']")[0])
        assert "Response: Supported" in facts
        assert "Implementation: Not implemented as of 31 January 2014" in facts
    headings = [text_of(h) for h in tree.xpath("//section[@class='briefing-theme']/h3")]
    # Four of the seven share "Freedom of opinion and expression", two of the rest "Freedom of the press".
    assert headings == [
        "Freedom of opinion and expression",
        "Freedom of the press",
        "Freedom of association and peaceful assembly",
    ]


def test_repeated_recommendations_say_when_they_were_asked_again(client, demo_world):
    tree = page_tree(client.get(PAGE + HRD_CYCLE_1))
    follow_up = {
        text_of(item.xpath(".//h4")[0]).split(" paragraph")[0]: text_of(item.xpath(".//p[@class='item-repeats']")[0])
        for item in tree.xpath("//article[contains(@class, 'briefing-item')]")
        if item.xpath(".//p[@class='item-repeats']")
    }
    # Of the seven 2010 recommendations on defenders, the demo confirms 2014 repeats of Norway's and Sweden's;
    # the 2014 ones are not assessed yet, so the 2010 assessment gives the status.
    assert follow_up == {
        "5. Norway": "Follow-up: First recommended in 2010, repeated in 2014; not implemented (as assessed for 2010).",
        "7. Sweden": "Follow-up: First recommended in 2010, repeated in 2014; not implemented (as assessed for 2010).",
    }


def test_every_marker_links_to_a_note_and_every_note_names_and_links_its_evidence(client, demo_world):
    tree = page_tree(client.get(PAGE + HRD_CYCLE_1))
    markers = tree.xpath("//a[@class='note-ref']")
    notes = {li.get("id"): li for li in tree.xpath("//ol[@class='notes']/li")}
    assert markers and len(notes) == 6  # six evidence sources
    assert {m.get("href").removeprefix("#") for m in markers} == set(notes)
    # Human Rights Watch's World Report, cited first, keeps number 1 for each assessment citing it.
    hrw = ImplementationAssessment.objects.filter(
        recommendation__in=hrd_recommendations_2010(), citations__evidence__publisher="Human Rights Watch"
    )
    assert [m.text for m in markers if m.get("href") == "#note-1"] == ["1"] * hrw.distinct().count()
    assert "Human Rights Watch" in text_of(notes["note-1"])
    assert all(tree.xpath(f"//*[@id='{m.get('id')}']") == [m] for m in markers)  # ids unique
    cited = EvidenceSource.objects.filter(citations__assessment__recommendation__in=hrd_recommendations_2010())
    for evidence_source in cited.distinct():
        note = next(li for li in notes.values() if evidence_source.title in text_of(li))
        words = text_of(note)
        assert evidence_source.publisher in words
        date = evidence_source.published_on
        assert (f"{date.day} {date:%B %Y}" if date else "undated") in words
        assert note.xpath(".//a[@class='note-url']/@href") == [evidence_source.url]


def test_a_theme_filter_puts_every_recommendation_under_that_theme_and_names_its_other_themes(client):
    kaz = review("KAZ", 7)
    both = recommendation(kaz, "Free the press and protect defenders", themes=("Freedom of the press", "Civil society"))
    recommendation(kaz, "Stop suing journalists", themes=("Freedom of the press",))
    recommendation(kaz, "Let NGOs register", themes=("Civil society",))

    tree = page_tree(client.get(PAGE + "?theme=upr-info:freedom-of-the-press"))

    assert [text_of(h) for h in tree.xpath("//section[@class='briefing-theme']/h3")] == ["Freedom of the press"]
    item = tree.xpath(f"//*[@id='recommendation-{both.pk}']")[0]
    assert text_of(item.xpath(".//p[@class='item-themes']")[0]) == "Also about: Civil society"
    opening = text_of(tree.xpath("//p[@class='opening']")[0])
    assert "received 2 recommendations on freedom of the press and supported 0 of them." in opening
    assert "Other responses: 2 without a recorded response." in opening


def test_several_themes_go_under_the_one_most_recommendations_share(client):
    kaz = review("KAZ", 7)
    recommendation(kaz, "One", themes=("Civil society", "Freedom of the press"), response="supported")
    recommendation(kaz, "Two", themes=("Freedom of the press",), response="noted")
    recommendation(kaz, "Three", themes=("Civil society",), response="supported")
    recommendation(kaz, "Four", themes=("Freedom of the press", "Labour"), response="supported")

    data = briefings.build_briefing(state=kaz.state)

    assert [(s.theme.name, [i.recommendation.text for i in s.items]) for s in data.sections] == [
        ("Freedom of the press", ["One", "Two", "Four"]),
        ("Civil society", ["Three"]),
    ]
    assert [i.number for s in data.sections for i in s.items] == [1, 2, 3, 4]
    assert data.opening.endswith("received 4 recommendations and supported 3 of them.")
    assert data.other_responses == "Other responses: 1 noted."


def test_the_last_review_is_the_latest_with_a_matching_recommendation(client):
    recommendation(review("KAZ", 7), "Protect defenders", groups=("Human rights defenders",), response="supported")
    recommendation(review("KAZ", 20), "Ratify the Optional Protocol", response="supported")

    opening = text_of(
        page_tree(client.get(PAGE + "?affected_group=human-rights-defenders")).xpath("//p[@class='opening']")[0]
    )
    assert opening == (
        "In its last review, in 2010 (7th session), Kazakhstan received one recommendation on human rights "
        "defenders, which it supported."
    )
    opening = text_of(page_tree(client.get(PAGE)).xpath("//p[@class='opening']")[0])
    assert opening.startswith("In its last review, in 2014 (20th session), Kazakhstan received one recommendation,")


def test_a_state_never_reviewed_gets_a_briefing_saying_so(client):
    tree = page_tree(client.get("/states/NOR/briefing/?cycle=2"))
    assert text_of(tree.xpath("//p[@class='opening']")[0]) == "No review of Norway has been recorded yet in cycle 2."
    assert not tree.xpath("//section[@class='briefing-recommendations']")


# Who sees what -----------------------------------------------------------------------------------------------


@pytest.fixture
def draft_world(org_a):
    """A published assessment and a draft, both organisation A's, on one recommendation."""
    made = recommendation(
        review("KAZ", 7), "Protect defenders", groups=("Human rights defenders",), response="supported"
    )
    public = evidence("Public report", url="https://example.org/public", published_on=D(2013, 5, 1))
    private = evidence("Private interview notes", url="https://example.org/private")
    assess(
        made, "partially_implemented", D(2013, 6, 1), by=org_a, narrative="Published finding.", cites=[(public, "", "")]
    )
    draft = assess(
        made, "not_implemented", D(2014, 2, 1), by=org_a, narrative="Draft finding.", cites=[(private, "", "")]
    )
    draft.state = ImplementationAssessment.Publication.DRAFT
    draft.save()
    return made


@pytest.mark.parametrize("viewer", [None, "editor_b"])
def test_unpublished_assessments_and_their_evidence_stay_hidden_from_others(client, draft_world, viewer, request):
    if viewer:
        client.force_login(request.getfixturevalue(viewer))
    content = client.get(PAGE).content.decode()
    assert "Published finding." in content
    assert "Draft finding." not in content
    assert "Private interview notes" not in content
    assert "not public" not in content


def test_the_owner_sees_its_draft_assessment_marked_as_not_public(client, draft_world, editor_a):
    client.force_login(editor_a)
    tree = page_tree(client.get(PAGE))
    drafts = tree.xpath("//div[contains(@class, 'briefing-assessment') and contains(@class, 'is-draft')]")
    assert len(drafts) == 1
    assert "Draft — not public" in text_of(drafts[0])
    assert "Draft finding." in text_of(drafts[0])
    assert "Private interview notes" in text_of(tree.xpath("//ol[@class='notes']")[0])


# Introduction and conclusion ---------------------------------------------------------------------------------


@pytest.fixture
def two_briefings(kazakhstan, org_a, org_b):
    briefings.write_briefing(
        organisation=org_a, state=kazakhstan, texts=english(introduction="Introduction of A."), published=True
    )
    briefings.write_briefing(
        organisation=org_b, state=kazakhstan, texts=english(introduction="Introduction of B."), published=True
    )
    return org_a, org_b


def test_without_by_the_most_recently_updated_published_texts_are_shown(client, kazakhstan, two_briefings):
    assert "Introduction of B." in client.get(PAGE).content.decode()
    org_a, _org_b = two_briefings
    briefings.write_briefing(
        organisation=org_a, state=kazakhstan, texts=english(introduction="New introduction of A."), published=True
    )
    content = client.get(PAGE).content.decode()
    assert "New introduction of A." in content and "Introduction of B." not in content


def test_by_chooses_the_organisation_whose_texts_are_shown(client, two_briefings):
    content = client.get(PAGE + "?by=defenders-watch").content.decode()
    assert "Introduction of A." in content and "Introduction of B." not in content
    assert "Introduction and conclusion by Defenders Watch" in content


def test_a_draft_is_shown_only_to_its_organisation_marked_as_such(client, kazakhstan, org_a, editor_a, editor_b):
    briefings.write_briefing(
        organisation=org_a, state=kazakhstan, texts=english(introduction="Not ready yet."), published=False
    )
    assert "Not ready yet." not in client.get(PAGE).content.decode()
    assert "Not ready yet." not in client.get(PAGE + "?by=defenders-watch").content.decode()
    client.force_login(editor_b)
    assert "Not ready yet." not in client.get(PAGE + "?by=defenders-watch").content.decode()
    client.force_login(editor_a)
    tree = page_tree(client.get(PAGE))
    assert "Not ready yet." in text_of(tree.xpath("//section[@class='briefing-introduction']")[0])
    assert text_of(tree.xpath("//strong[@class='draft-flag']")[0]) == "Draft — not public"


def test_texts_belong_to_their_exact_filter_combination(client, kazakhstan, org_a):
    briefings.write_briefing(
        organisation=org_a, state=kazakhstan, texts=english(introduction="Whole review."), published=True
    )
    assert "Whole review." not in client.get(PAGE + "?cycle=1").content.decode()
    assert "Whole review." in client.get(PAGE).content.decode()


def test_the_edit_link_shows_for_editors_only(client, kazakhstan, editor_a):
    assert "Edit introduction and conclusion" not in client.get(PAGE).content.decode()
    client.force_login(editor_a)
    tree = page_tree(client.get(PAGE + "?cycle=1"))
    assert tree.xpath("//a[text()='Edit introduction and conclusion']/@href") == [EDIT + "?cycle=1"]
    assert tree.xpath("//a[text()='Download PDF']/@href") == [PDF + "?cycle=1"]


def test_the_profile_links_to_the_briefing(client, demo_world):
    tree = page_tree(client.get("/states/KAZ/"))
    assert tree.xpath("//a[text()='Briefing on the last review']/@href") == [PAGE]


# The editor form --------------------------------------------------------------------------------------------


def texts(**fields) -> dict:
    """The editor form's fields: title, introduction and conclusion are the English ones ("title_en" …)."""
    parts = {"title", "introduction", "conclusion"}
    english_texts = {f"{name}_en": value for name, value in fields.items() if name in parts}
    others = {name: value for name, value in fields.items() if name not in parts}
    return {"title_en": "", "introduction_en": "", "conclusion_en": "", "opened_version": "", **english_texts, **others}


def test_an_editor_saves_their_organisations_texts_with_history(client, kazakhstan, org_a, editor_a):
    client.force_login(editor_a)
    assert client.get(EDIT + HRD_CYCLE_1).status_code == 200

    response = client.post(EDIT + HRD_CYCLE_1, texts(introduction="Our words.", conclusion="Our ask.", published="on"))

    assert response.status_code == 302
    assert response["Location"] == PAGE + "?affected_group=human-rights-defenders&cycle=1&by=defenders-watch"
    saved = Briefing.objects.get()
    assert (saved.organisation, saved.state, saved.affected_group.slug, saved.cycle.number, saved.theme) == (
        org_a,
        kazakhstan,
        "human-rights-defenders",
        1,
        None,
    )
    assert (saved.texts, saved.published, saved.updated_by) == (
        english(introduction="Our words.", conclusion="Our ask."),
        True,
        editor_a,
    )
    assert [(h.history_type, h.history_user) for h in saved.history.all()] == [("+", editor_a)]
    content = client.get(response["Location"]).content.decode()
    assert "Our words." in content and "The introduction and conclusion were saved." in content


def test_an_editor_of_b_cannot_change_the_texts_of_a(client, kazakhstan, org_a, editor_b):
    briefings.write_briefing(
        organisation=org_a, state=kazakhstan, texts=english(introduction="A's words."), published=True
    )
    client.force_login(editor_b)

    assert client.get(EDIT + "?by=defenders-watch").status_code == 403
    assert client.post(EDIT + "?by=defenders-watch", texts(introduction="B's words.")).status_code == 403
    response = client.post(EDIT, texts(introduction="B's words."))  # lands on B's own texts

    assert response["Location"].endswith("?by=assembly-monitor")
    assert Briefing.objects.get(organisation=org_a).texts == english(introduction="A's words.")
    assert Briefing.objects.get(organisation__slug="assembly-monitor").texts == english(introduction="B's words.")


def test_a_signed_in_user_without_an_organisation_may_not_edit(client, django_user_model, kazakhstan):
    client.force_login(django_user_model.objects.create_user(username="visitor", password="correct horse battery"))
    assert client.get(EDIT).status_code == 403


@pytest.mark.parametrize("method", ["get", "post"])
def test_anonymous_visitors_are_sent_to_sign_in(client, kazakhstan, method):
    response = getattr(client, method)(EDIT + "?cycle=1")
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:login") + "?next=/states/KAZ/briefing/edit/%3Fcycle%3D1"
    assert not Briefing.objects.exists()


def test_the_form_needs_its_csrf_token(kazakhstan, editor_a):
    client = Client(enforce_csrf_checks=True)
    client.force_login(editor_a)
    assert client.post(EDIT, texts(introduction="Forged.")).status_code == 403
    assert not Briefing.objects.exists()


def test_oversized_texts_are_refused_with_a_message(client, kazakhstan, editor_a):
    client.force_login(editor_a)
    too_long = "x" * (briefings.TEXT_MAX_LENGTH + 1)

    response = client.post(EDIT, texts(introduction=too_long, title="t" * 201))

    assert response.status_code == 400
    errors = text_of(page_tree_any(response).xpath("//div[@class='error-summary']")[0])
    assert "Introduction: Ensure this value has at most 20000 characters (it has 20001)." in errors
    assert "Title: Ensure this value has at most 200 characters (it has 201)." in errors
    assert not Briefing.objects.exists()


def test_a_save_based_on_stale_texts_is_refused(client, kazakhstan, org_a, editor_a, reviewer_a):
    stored = briefings.write_briefing(
        organisation=org_a, state=kazakhstan, texts=english(introduction="First."), user=editor_a
    )
    opened_version = stored.version
    briefings.write_briefing(
        organisation=org_a, state=kazakhstan, texts=english(introduction="Colleague's."), user=reviewer_a
    )
    client.force_login(editor_a)

    response = client.post(EDIT, texts(introduction="Mine.", opened_version=opened_version))

    assert response.status_code == 409
    assert "Someone else saved these texts after you opened this page (reviewer-a)." in response.content.decode()
    assert (Briefing.objects.get().texts, Briefing.objects.get().version) == (english(introduction="Colleague's."), 2)


def test_two_editors_creating_the_same_texts_keep_the_first(client, kazakhstan, org_a, editor_a, reviewer_a):
    client.force_login(editor_a)
    opened = client.get(EDIT).context["form"].initial["opened_version"]  # nothing stored yet: None
    briefings.write_briefing(
        organisation=org_a, state=kazakhstan, texts=english(introduction="Colleague's."), user=reviewer_a
    )

    response = client.post(EDIT, texts(introduction="Mine.", opened_version=opened or ""))

    assert response.status_code == 409
    assert Briefing.objects.get().texts == english(introduction="Colleague's.")


# Bad input ----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("?cycle=abc", "Cycle: Not a whole number: abc."),
        ("?cycle=9", "Cycle: Unknown cycle: 9."),
        ("?cycle=1&cycle=2", "Cycle: Give only one value: a briefing covers one of each."),
        ("?theme=no-such-theme", "Theme: Unknown theme: no-such-theme."),
        ("?affected_group=nobody%00", "Affected persons: Null characters are not allowed."),
        ("?affected_group=martians", "Affected persons: Unknown affected group: martians."),
        ("?by=nobody", "Introduction and conclusion by: Unknown organisation: nobody."),
    ],
)
@pytest.mark.parametrize("path", [PAGE, PDF])
def test_a_bad_filter_is_a_400_page_naming_it(client, kazakhstan, path, query, message):
    response = client.get(path + query)
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")
    summary = text_of(page_tree_any(response).xpath("//div[@class='error-summary']")[0])
    assert message in summary


@pytest.mark.parametrize("path", ["/states/ZZZ/briefing/", "/states/ZZZ/briefing.pdf", "/states/ZZZ/briefing/edit/"])
def test_an_unknown_state_is_a_404(client, editor_a, path):
    client.force_login(editor_a)
    assert client.get(path).status_code == 404


# Query counts ---------------------------------------------------------------------------------------------------


def more_hrd_recommendations(count: int) -> None:
    kaz_2010 = Review.objects.get(state__iso3="KAZ", session__number=7)
    organisation = Organisation.objects.get(name=demo.ORGANISATION["name"])
    report, _created = EvidenceSource.objects.get_or_create(
        url="https://example.org/extra", defaults={"title": "Extra"}
    )
    for index in range(count):
        made = recommendation(kaz_2010, f"Extra {index}", groups=("Human rights defenders",), themes=("Labour",))
        assess(made, "not_implemented", D(2014, 1, 1), by=organisation, narrative="x", cites=[(report, "", "")])


def test_the_page_runs_a_fixed_number_of_queries_for_anonymous_visitors(client, demo_world, django_assert_num_queries):
    demo_advocacy.add_demo_asks()
    for extra in (0, 5):
        more_hrd_recommendations(extra)
        # State; affected group; cycle; last review; recommendations with their review joined; their
        # recommending States, themes, visible assessments, and those assessments' citations with evidence
        # (Recommendation.objects.with_related); the introduction and
        # conclusion; the next review, its asks, their confirmed matches, those recommendations' States,
        # the lobbied States and the asks' themes; the recommendations' confirmed repeat histories; the filter
        # form's options: the State's themes, affected groups and reviewed cycles.
        with django_assert_num_queries(20):
            assert client.get(PAGE + HRD_CYCLE_1).status_code == 200


def test_the_page_runs_a_fixed_number_of_queries_for_editors(client, demo_world, editor_a, django_assert_num_queries):
    demo_advocacy.add_demo_asks()
    client.force_login(editor_a)
    for extra in (0, 5):
        more_hrd_recommendations(extra)
        # The 20 above, plus the session, the user, their memberships and their groups (staff administrator?).
        with django_assert_num_queries(24):
            assert client.get(PAGE + HRD_CYCLE_1).status_code == 200


# The PDF ----------------------------------------------------------------------------------------------------------


@pytest.fixture
def pdf_rendering():
    """The PDF module, or a clean skip when WeasyPrint cannot load Pango on this machine."""
    try:
        from recommendations.briefings import pdf as briefing_pdf
    except OSError as error:
        pytest.skip(f"WeasyPrint cannot load its system libraries: {error}")
    return briefing_pdf


def test_the_pdf_is_a_real_a4_pdf_of_the_briefing(client, demo_world, pdf_rendering):
    response = client.get(PDF + HRD_CYCLE_1)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert (
        response["Content-Disposition"] == 'attachment; filename="UPR-briefing-KAZ-human-rights-defenders-cycle-1.pdf"'
    )
    assert response.content.startswith(b"%PDF-")
    if not shutil.which("pdftotext"):
        pytest.skip("pdftotext (poppler-utils) is not installed: the PDF's text is not checked")
    text = subprocess.run(["pdftotext", "-", "-"], input=response.content, capture_output=True, check=True).stdout
    text = " ".join(text.decode().split())
    assert OPENING in text
    pages = int(re.search(r"Page 1 of (\d+)", text)[1])
    assert pages >= 3
    assert f"Page {pages} of {pages}" in text
    for absent in ("Download PDF", "Edit introduction and conclusion", "Editors’ sign-in", "Skip to main content"):
        assert absent not in text
    assert text.index("Notes") < text.index("Conclusion") < text.index("Generated on")


def test_the_pdf_fetcher_serves_our_static_files_and_refuses_everything_else(pdf_rendering):
    prefix = "http://testserver/static/"
    assert pdf_rendering.static_file(prefix + "css/briefing.css?v=2", prefix).name == "briefing.css"
    for url in [
        "http://169.254.169.254/latest/meta-data/",
        "https://example.org/static/css/briefing.css",
        "file:///etc/passwd",
        "data:text/css,body{}",
        prefix + "../settings.py",
        prefix + "css/%2e%2e/%2e%2e/manage.py",
        prefix + "css/../../upr_tracker/settings.css",
        prefix + "%2fetc/passwd.css",
        prefix + "js/site.js",
        prefix + "css/missing.css",
    ]:
        with pytest.raises(pdf_rendering.RefusedURL):
            pdf_rendering.static_file(url, prefix)


def test_rendering_the_pdf_never_opens_a_network_connection(pdf_rendering, monkeypatch):
    attempts = []
    real_connect = socket.socket.connect
    monkeypatch.setattr(
        socket.socket, "connect", lambda self, address: attempts.append(address) or real_connect(self, address)
    )
    html = (
        '<link rel="stylesheet" href="/static/css/briefing.css">'
        '<link rel="stylesheet" href="http://127.0.0.1:9/evil.css">'
        '<img src="https://example.org/tracker.png"><img src="file:///etc/hostname">'
        "<p>Briefing</p>"
    )
    pdf = pdf_rendering.render_pdf(html, base_url="http://testserver/")
    assert pdf.startswith(b"%PDF-")
    assert attempts == []


# The demo texts ---------------------------------------------------------------------------------------------------


def test_add_demo_briefing_creates_the_published_texts_once_keeps_edits_and_adds_missing_languages():
    demo.load_demo()
    add_demo_briefing()
    stored = Briefing.objects.get()
    assert (stored.state.iso3, stored.affected_group.slug, stored.cycle.number, stored.theme, stored.published) == (
        "KAZ",
        "human-rights-defenders",
        1,
        None,
        True,
    )
    assert stored.organisation.name == demo.ORGANISATION["name"]
    assert stored.updated_by.username == demo.EDITOR_USERNAME
    assert set(stored.texts) == {"en", "fr", "es"}
    Briefing.objects.filter(pk=stored.pk).update(texts=english(introduction="Edited in the demo."))
    add_demo_briefing()
    kept = Briefing.objects.get()
    assert kept.texts == {"en": {"introduction": "Edited in the demo."}, "fr": TEXTS["fr"], "es": TEXTS["es"]}


# The admin ----------------------------------------------------------------------------------------------------------


def test_editors_see_and_change_only_their_organisations_briefings_in_the_admin(
    client, kazakhstan, org_a, org_b, editor_a, staff_admin
):
    mine = briefings.write_briefing(organisation=org_a, state=kazakhstan, texts=english(introduction="A"))
    theirs = briefings.write_briefing(organisation=org_b, state=kazakhstan, texts=english(introduction="B"))
    client.force_login(editor_a)
    changelist = client.get(reverse("admin:recommendations_briefing_changelist"))
    assert list(changelist.context["cl"].result_list) == [mine]
    assert client.get(reverse("admin:recommendations_briefing_change", args=[theirs.pk])).status_code == 302
    change_url = reverse("admin:recommendations_briefing_change", args=[mine.pk])
    form = {
        "organisation": org_b.pk,  # not one of editor A's organisations
        "state": kazakhstan.pk,
        "title_en": "",
        "introduction_en": "Moved",
        "conclusion_en": "",
    }
    assert client.post(change_url, form).status_code == 200  # the form refuses the choice
    form["organisation"] = org_a.pk
    assert client.post(change_url, form).status_code == 302
    mine.refresh_from_db()
    assert (mine.texts, mine.updated_by) == (english(introduction="Moved"), editor_a)
    assert mine.history.first().history_user == editor_a

    client.force_login(staff_admin)
    changelist = client.get(reverse("admin:recommendations_briefing_changelist"))
    assert set(changelist.context["cl"].result_list) == {mine, theirs}


# Civil society proposals (recommendations.advocacy) -------------------------------------------------------------


def test_the_proposals_for_the_next_review_show_with_their_uptake(client, demo_world):
    demo_advocacy.add_demo_asks()
    kaz_2010 = Review.objects.get(state__iso3="KAZ", session__number=7)
    asks = advocacy.proposals_for_briefing(state=kaz_2010.state, after_review=kaz_2010)
    taken_up = [ask for ask in asks if ask.taken_up]
    assert len(asks) == 12 and 0 < len(taken_up) < 12

    tree = page_tree(client.get(PAGE + HRD_CYCLE_1))

    section = tree.xpath("//section[@class='briefing-proposals']")[0]
    assert "in its review in the 20th session (2014)" in text_of(section)
    proposals = section.xpath(".//li[@class='proposal']")
    assert [text_of(li.xpath(".//p[@class='proposal-text']")[0]) for li in proposals] == [a.proposal.text for a in asks]
    assert len(section.xpath(".//span[contains(@class, 'uptake-yes')]")) == len(taken_up)
    assert len(section.xpath(".//span[contains(@class, 'uptake-no')]")) == 12 - len(taken_up)
    first_taken = proposals[asks.index(taken_up[0])]
    assert "Proposed by International Service for Human Rights." in text_of(first_taken)
    states_made = {s.name for r in taken_up[0].recommendations for s in r.recommending_states.all()}
    assert all(name in text_of(first_taken) for name in states_made)
    # The order of the page: recommendations, then proposals, then notes.
    classes = [e.get("class") for e in tree.iter() if e.get("class", "").startswith("briefing-")]
    assert (
        classes.index("briefing-recommendations")
        < classes.index("briefing-proposals")
        < classes.index("briefing-notes")
    )


def test_no_proposals_section_after_the_latest_review(client, demo_world):
    demo_advocacy.add_demo_asks()
    tree = page_tree(client.get(PAGE + "?affected_group=human-rights-defenders"))  # the 2014 review: nothing after it
    assert "20th session" in text_of(tree.xpath("//p[@class='opening']")[0])
    assert not tree.xpath("//section[@class='briefing-proposals']")


def test_the_admin_refuses_a_briefing_saved_by_someone_else_since_it_was_opened(
    client, kazakhstan, org_a, editor_a, reviewer_a
):
    from django.test import Client

    from tests.recommendations.editor_helpers import form_inputs

    stored = briefings.write_briefing(
        organisation=org_a, state=kazakhstan, texts=english(introduction="First."), user=editor_a
    )
    url = f"/admin/recommendations/briefing/{stored.pk}/change/"
    client.force_login(editor_a)
    opened = form_inputs(client.get(url).content.decode())
    colleague = Client()
    colleague.force_login(reviewer_a)
    data = {"organisation": org_a.pk, "state": kazakhstan.pk, "introduction_en": "Colleague's.", "title_en": ""}
    assert colleague.post(url, {**form_inputs(colleague.get(url).content.decode()), **data}).status_code == 302

    refused = client.post(url, {**opened, **data, "introduction_en": "Mine."})

    assert refused.status_code == 200
    assert " ".join(refused.context["adminform"].form.non_field_errors()).startswith(
        "reviewer-a saved this briefing after you opened it"
    )
    assert Briefing.objects.get().texts == english(introduction="Colleague's.")
