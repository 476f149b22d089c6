"""The briefing page's filter form (/states/<ISO3>/briefing/): theme, affected persons and cycle, as a GET form."""

import pytest
from lxml import html as lxml_html

from tests.site_data import recommendation, review

pytestmark = pytest.mark.django_db

PAGE = "/states/KAZ/briefing/"
PDF = "/states/KAZ/briefing.pdf"
FREEDOM = "upr-info:freedom-of-the-press"
DEFENDERS = "upr-info:human-rights-defenders"


@pytest.fixture
def kazakhstan_two_cycles():
    """Kazakhstan's recommendations on defenders (cycle 1) and the press (cycle 2); Uzbekistan's on the death
    penalty, which Kazakhstan's form must not offer."""
    recommendation(
        review("KAZ", 7), "Protect defenders", themes=("Human rights defenders",), groups=("Human rights defenders",)
    )
    recommendation(review("KAZ", 20), "Decriminalise libel", themes=("Freedom of the press",))
    recommendation(review("UZB", 16), "Abolish the death penalty", themes=("Death penalty",), groups=("Women",))


def form_of(response):
    assert response.status_code == 200, response.content[:300]
    tree = lxml_html.fromstring(response.content.decode())
    return tree.xpath("//form[@class='briefing-filter-form']")[0]


def options(form, name) -> list[tuple[str, bool]]:
    """(value, selected) of each option of the select `name`."""
    return [(o.get("value"), o.get("selected") is not None) for o in form.xpath(f".//select[@name='{name}']//option")]


def test_the_form_offers_the_states_own_choices_with_the_current_ones_selected(client, kazakhstan_two_cycles):
    form = form_of(client.get(PAGE, {"theme": FREEDOM, "cycle": "2"}))
    assert form.get("method") == "get" and form.get("action") == PAGE
    assert options(form, "theme") == [("", False), (FREEDOM, True), (DEFENDERS, False)]  # by name
    assert form.xpath(".//select[@name='theme']/optgroup/@label") == ["UPR Info issues"]
    assert options(form, "affected_group") == [("", False), ("human-rights-defenders", False)]  # the first: all
    assert options(form, "cycle") == [("", False), ("1", False), ("2", True)]
    cycle_labels = [" ".join(o.text_content().split()) for o in form.xpath(".//select[@name='cycle']/option")]
    assert cycle_labels == ["The last review", "Cycle 1 (2008–2011)", "Cycle 2 (2012–2016)"]


def test_every_control_has_a_label(client, kazakhstan_two_cycles):
    form = form_of(client.get(PAGE))
    labels = {label.get("for"): " ".join(label.text_content().split()) for label in form.xpath(".//label")}
    assert labels == {"briefing-theme": "Theme", "briefing-group": "Affected persons", "briefing-cycle": "Cycle"}
    assert [select.get("id") for select in form.xpath(".//select")] == list(labels)


def test_a_submitted_form_filters_the_page_and_its_pdf_link(client, kazakhstan_two_cycles):
    # What a browser sends: every select, the unused ones empty.
    response = client.get(PAGE, {"theme": DEFENDERS, "affected_group": "", "cycle": "1"})
    tree = lxml_html.fromstring(response.content.decode())
    assert tree.xpath("//a[text()='Download PDF']/@href") == [f"{PDF}?theme=upr-info%3Ahuman-rights-defenders&cycle=1"]
    assert "Protect defenders" in response.content.decode()
    assert "Decriminalise libel" not in response.content.decode()


def test_a_choice_the_state_never_received_stays_selected(client, kazakhstan_two_cycles):
    form = form_of(client.get(PAGE, {"theme": "upr-info:death-penalty", "affected_group": "women"}))
    assert ("upr-info:death-penalty", True) in options(form, "theme")
    assert options(form, "affected_group") == [("", False), ("human-rights-defenders", False), ("women", True)]


def test_whose_introduction_is_shown_is_kept_when_filtering(client, kazakhstan_two_cycles, org_a):
    form = form_of(client.get(PAGE, {"by": org_a.slug}))
    assert form.xpath(".//input[@type='hidden'][@name='by']/@value") == [org_a.slug]
    assert form.xpath(".//input[@name='by']") and not form_of(client.get(PAGE)).xpath(".//input[@name='by']")


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"cycle": "99"}, "Unknown cycle: 99."),
        ({"theme": "<script>alert(1)</script>"}, "Unknown theme: &lt;script&gt;alert(1)&lt;/script&gt;."),
        ({"cycle": "x" * 300}, "Not a whole number"),
    ],
)
def test_a_bad_choice_typed_in_the_address_is_a_400_naming_it(client, kazakhstan_two_cycles, params, message):
    response = client.get(PAGE, params)
    assert response.status_code == 400
    html = response.content.decode()
    assert message in html
    assert "<script>alert" not in html
