"""The editors' daily loop in a real browser, counted in user actions: a reviewer records and publishes an
assessment with a new source in at most 8, one citing a known source in at most 6; an editor's submission reviewed
beside what is published; the assess screen used with the keyboard alone. Screenshots of the workspace, the assess
screen and the review screen go to test-artifacts/screenshots/.

Signing in is not counted (the session cookie is set before the first action, as a signed-in editor starts the
day); every click, selection, text field filled and URL opened is.
"""

import datetime
import re

import pytest
from django.conf import settings
from django.test import Client

from tests.site_data import recommendation, review

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

NEW_SOURCE_LIMIT = 8
KNOWN_SOURCE_LIMIT = 6


class Actions:
    """The user's actions on a page, counted: each click, selection, filled field and opened URL is one."""

    def __init__(self, page, base_url: str) -> None:
        self.page, self.base_url, self.count = page, base_url, 0

    def open(self, path: str) -> None:
        self.count += 1
        self.page.goto(self.base_url + path)

    def select(self, selector: str, value: str) -> None:
        self.count += 1
        self.page.select_option(selector, value)

    def fill(self, selector: str, text: str) -> None:
        self.count += 1
        self.page.fill(selector, text)

    def check(self, selector: str) -> None:
        self.count += 1
        self.page.check(selector)

    def click(self, selector: str) -> None:
        self.count += 1
        self.page.click(selector)


@pytest.fixture
def loop(django_user_model):
    """Defenders Watch with an editor and a reviewer, a Kazakhstan recommendation it follows, a published
    assessment citing a known source and a newer submission awaiting review; signed-in sessions for both."""
    from recommendations import services
    from recommendations.models import EvidenceSource, Membership, Organisation, Publication

    organisation = Organisation.objects.create(name="Defenders Watch")
    users = {}
    for name, role in (("aigerim", Membership.Role.EDITOR), ("daniyar", Membership.Role.REVIEWER)):
        users[name] = django_user_model.objects.create_user(username=name, password="x", is_staff=True)
        Membership.objects.create(user=users[name], organisation=organisation, role=role)
    kaz = review("KAZ", 7, report_symbol="A/HRC/14/10")
    made = recommendation(
        kaz, "Ensure that abuses suffered by human rights defenders are investigated", paragraph="97.52"
    )
    other = recommendation(kaz, "Release imprisoned human rights defenders", paragraph="97.53")
    recommendation(kaz, "Decriminalise defamation", paragraph="97.54")
    organisation.followed_states.set([kaz.state])
    known = EvidenceSource.objects.create(
        organisation=organisation,
        title="World Report 2013",
        publisher="Human Rights Watch",
        url="https://www.hrw.org/world-report/2013/country-chapters/kazakhstan",
    )
    common = {"recommendation": other, "organisation": organisation}
    services.record_assessment(
        **common,
        status="not_implemented",
        assessed_on=datetime.date(2013, 1, 10),
        narrative="Four defenders remained in prison.",
        citations=[(known, "", "p. 401")],
    )
    submitted = services.record_assessment(
        **common,
        status="partially_implemented",
        assessed_on=datetime.date(2014, 3, 1),
        narrative="Two defenders remained in prison; two were released.",
        recorded_by=users["aigerim"],
        state=Publication.SUBMITTED,
        citations=[(known, "Two were released in 2013.", "p. 402")],
    )
    sessions = {}
    for name, user in users.items():
        client = Client()
        client.force_login(user)
        sessions[name] = client.cookies[settings.SESSION_COOKIE_NAME].value
    return {"made": made, "submitted": submitted, "sessions": sessions}


def _signed_in(new_page, live_server, session: str):
    page = new_page(viewport={"width": 1280, "height": 1000})
    cookie = {"name": settings.SESSION_COOKIE_NAME, "value": session, "url": live_server.url}
    page.context.add_cookies([cookie])
    return page


def test_a_reviewer_records_and_publishes_with_a_new_source(new_page, live_server, loop, screenshot):
    page = _signed_in(new_page, live_server, loop["sessions"]["daniyar"])
    made = loop["made"]
    act = Actions(page, live_server.url)
    act.open(f"/recommendations/{made.pk}/assess/")
    act.select("#id_status", "partially_implemented")
    act.fill("#id_narrative", "Two defenders were released in 2013.")
    act.fill("#id_new_title", "World Report 2014")
    act.fill("#id_new_url", "https://www.hrw.org/world-report/2014/country-chapters/kazakhstan")
    act.fill("#id_new_publisher", "Human Rights Watch")
    screenshot(page, "assess-new-source")
    act.click("button[value=publish]")
    page.wait_for_url(re.compile(r"/workspace/$"))
    assert act.count <= NEW_SOURCE_LIMIT, act.count
    assert page.locator(".messages").inner_text() == "Published: it is public now."

    page.goto(f"{live_server.url}/recommendations/{made.pk}/")
    assert "Two defenders were released in 2013." in page.content()
    assert "World Report 2014" in page.content()


def test_a_reviewer_publishes_citing_a_known_source(new_page, live_server, loop, screenshot):
    page = _signed_in(new_page, live_server, loop["sessions"]["daniyar"])
    made = loop["made"]
    act = Actions(page, live_server.url)
    act.open(f"/recommendations/{made.pk}/assess/")
    assert page.locator("#id_assessed_on").input_value() == datetime.date.today().isoformat()
    act.select("#id_status", "not_implemented")
    act.fill("#evidence-q", "world report")
    page.wait_for_selector("#evidence-choices input[name=cite]")
    act.check("#evidence-choices input[name=cite]")
    source = page.locator("#evidence-choices input[name=cite]").get_attribute("value")
    act.fill(f"#page-{source}", "p. 401")
    screenshot(page, "assess-known-source")
    act.click("button[value=publish]")
    page.wait_for_url(re.compile(r"/workspace/$"))
    assert act.count <= KNOWN_SOURCE_LIMIT, act.count

    page.goto(f"{live_server.url}/recommendations/{made.pk}/")
    assert "World Report 2013" in page.content()
    assert "page or section: p. 401" in page.content()


def test_a_known_link_is_offered_as_the_existing_source(new_page, live_server, loop):
    page = _signed_in(new_page, live_server, loop["sessions"]["aigerim"])
    page.goto(f"{live_server.url}/recommendations/{loop['made'].pk}/assess/")
    page.fill("#id_new_url", "https://www.hrw.org/world-report/2013/country-chapters/kazakhstan")
    page.wait_for_selector("#url-known .known-source")
    assert "already known as “World Report 2013”" in page.locator("#url-known").inner_text()
    page.select_option("#id_status", "not_implemented")
    page.click("button[value=draft]")
    page.wait_for_url(re.compile(r"/workspace/$"))
    message = page.locator(".messages").inner_text()
    assert message.startswith("Saved as a draft: only members of Defenders Watch see it.")
    assert "evidence_unique" not in page.content()


def test_the_reviewer_sees_the_workspace_and_reviews_a_submission(new_page, live_server, loop, screenshot):
    page = _signed_in(new_page, live_server, loop["sessions"]["daniyar"])
    page.goto(f"{live_server.url}/workspace/")
    assert page.locator("#awaiting-title .count").inner_text() == "1"
    follow_up = page.locator("#follow-up tbody").inner_text()
    assert "97.52" in follow_up and "never" in follow_up and "14 Mar 2014" not in follow_up  # 1 Mar 2014: submitted
    screenshot(page, "workspace-reviewer")
    page.click(f"a[href='/workspace/assessments/{loop['submitted'].pk}/review/']")
    assert page.locator("del").first.is_visible()
    screenshot(page, "review")
    page.fill("#id_comment", "Name the two defenders who were released.")
    page.click("button[value=send_back]")
    page.wait_for_url(re.compile(r"/workspace/$"))
    assert "Sent back" in page.locator(".messages").inner_text()

    editor = _signed_in(new_page, live_server, loop["sessions"]["aigerim"])
    editor.goto(f"{live_server.url}/workspace/")
    assert "Name the two defenders who were released." in editor.locator("#sent-back").inner_text()
    screenshot(editor, "workspace-editor")


def _focused(page) -> str:
    return page.evaluate("document.activeElement.id || document.activeElement.value || ''")


def _tab_to(page, wanted: str, limit: int = 40) -> None:
    for _ in range(limit):
        if _focused(page) == wanted:
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"Tab never reached {wanted}")


def test_the_assess_screen_works_with_the_keyboard_alone(new_page, live_server, loop):
    page = _signed_in(new_page, live_server, loop["sessions"]["aigerim"])
    page.goto(f"{live_server.url}/recommendations/{loop['made'].pk}/assess/")
    page.locator("#id_organisation").focus()
    order = []
    for _ in range(20):
        if not order or order[-1] != _focused(page):  # a date field takes a Tab per part
            order.append(_focused(page))
        page.keyboard.press("Tab")
    wanted = ["id_organisation", "id_status", "id_assessed_on", "id_narrative", "evidence-q", "find", "id_new_title"]
    assert [name for name in order if name in wanted] == wanted

    _tab_to(page, "id_status")
    page.keyboard.press("ArrowDown")  # the first status
    _tab_to(page, "evidence-q")
    page.keyboard.type("world")
    page.wait_for_selector("#evidence-choices input[name=cite]")
    page.keyboard.press("Tab")  # Find
    page.keyboard.press("Tab")  # the source found
    page.keyboard.press("Space")
    assert page.locator("#evidence-choices input[name=cite]").is_checked()
    _tab_to(page, "draft")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/workspace/$"))
    assert page.locator(".messages").inner_text() == "Saved as a draft: only members of Defenders Watch see it."
