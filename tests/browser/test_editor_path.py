"""An editor's path in a real browser: sign in, record an assessment with new evidence from the
recommendation's admin page, publish it as the organisation's reviewer, and see the public page follow."""

import re

import pytest

from tests.site_data import recommendation, review

# live_server needs real commits; serialized_rollback restores the reference data migrations loaded.
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PASSWORD = "correct horse battery staple"


@pytest.fixture
def reviewer_and_recommendation(django_user_model):
    from recommendations.models import Membership, Organisation

    organisation = Organisation.objects.create(name="Defenders Watch")
    user = django_user_model.objects.create_user(username="aigerim", password=PASSWORD, is_staff=True)
    Membership.objects.create(user=user, organisation=organisation, role=Membership.Role.REVIEWER)
    made = recommendation(
        review("KAZ", 7, report_symbol="A/HRC/14/10"),
        "Ensure that abuses suffered by human rights defenders are investigated",
        paragraph="97.52",
        response="supported",
    )
    return user, made


def test_editor_records_publishes_and_the_public_page_follows(
    new_page, live_server, reviewer_and_recommendation, screenshot
):
    _, made = reviewer_and_recommendation
    page = new_page(viewport={"width": 1280, "height": 1000})
    page.goto(f"{live_server.url}/admin/login/?next=/admin/")
    page.fill("#id_username", "aigerim")
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url(re.compile(r"/admin/$"))

    page.goto(f"{live_server.url}/admin/recommendations/recommendation/{made.pk}/change/")
    prefix = "#id_assessments-2-0-"
    page.select_option(f"{prefix}status", "partially_implemented")
    page.fill(f"{prefix}assessed_on", "2014-03-01")
    page.select_option(f"{prefix}organisation", label="Defenders Watch")
    page.fill(f"{prefix}narrative", "Two defenders were released in 2013.")
    # New evidence on the spot, through the autocomplete's "+" popup.
    with page.expect_popup() as opened:
        page.click("#add_id_assessments-2-0-evidence_sources")
    popup = opened.value
    popup.fill("#id_title", "World Report 2014")
    popup.fill("#id_publisher", "Human Rights Watch")
    popup.fill("#id_url", "https://www.hrw.org/world-report/2014/country-chapters/kazakhstan")
    popup.click("input[name=_save]")
    popup.wait_for_event("close")
    assert (
        page.locator(f"{prefix}evidence_sources option:checked").inner_text() == "Human Rights Watch, World Report 2014"
    )
    screenshot(page, "editor-quick-entry")
    page.click("input[name=_save]")
    page.wait_for_url(re.compile(r"/admin/recommendations/recommendation/$"))

    # Still a draft: the public page does not show it yet.
    page.goto(f"{live_server.url}/recommendations/{made.pk}/")
    assert "Two defenders were released" not in page.content()

    page.goto(f"{live_server.url}/admin/recommendations/implementationassessment/")
    page.check("input[name=_selected_action]")
    page.select_option("select[name=action]", "publish")
    page.click("button[name=index]")
    page.wait_for_selector("text=Published 1 assessment.")

    page.goto(f"{live_server.url}/recommendations/{made.pk}/")
    assert "Two defenders were released in 2013." in page.content()
    assert "World Report 2014" in page.content()
    assert page.locator(".badge.status-partially_implemented").first.inner_text() == "Partially implemented"
    screenshot(page, "editor-published")
