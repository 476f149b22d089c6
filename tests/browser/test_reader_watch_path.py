"""A reader in a real browser: asks for an account, opens the emailed link, chooses a password (signed in) and watches
Kazakhstan; after an editor publishes an assessment, the next `send_digests` emails exactly one digest naming
it, and a second run sends nothing.

The browser runs first and is closed before the ORM work (see new_page's note on database connections): the
editor's publication and the digests run in a thread of their own, with its own connection, after the browser
steps.
"""

import datetime
import re
import threading

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import connection

from tests.site_data import organisation, recommendation, review

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

EMAIL, PASSWORD = "diplomat@example.org", "a long reader passphrase"


@pytest.fixture
def draft():
    """A Kazakhstan recommendation with Defenders Watch's draft assessment, not public yet."""
    from recommendations import services
    from recommendations.models import Publication

    kaz = review("KAZ", 7, report_symbol="A/HRC/14/10")
    made = recommendation(
        kaz, "Ensure that abuses suffered by human rights defenders are investigated", paragraph="97.52"
    )
    return services.record_assessment(
        recommendation=made,
        status="partially_implemented",
        assessed_on=datetime.date(2014, 3, 1),
        organisation=organisation(),
        narrative="Two defenders were released in 2013.",
        state=Publication.DRAFT,
    )


def _in_a_thread(work):
    """Run ORM work in a thread of its own (a connection of its own, no event loop), and return its result."""
    result = {}

    def run():
        try:
            result["value"] = work()
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()
    return result["value"]


def _publish_and_send(draft):
    from recommendations import services
    from recommendations.models import Publication

    def work():
        services.set_assessment_state(assessment=draft, state=Publication.PUBLISHED)
        mail.outbox.clear()
        call_command("send_digests", stdout=open("/dev/null", "w"))  # noqa: SIM115
        first = list(mail.outbox)
        call_command("send_digests", stdout=open("/dev/null", "w"))  # noqa: SIM115
        return first, list(mail.outbox)

    return _in_a_thread(work)


def test_a_reader_signs_up_watches_a_state_and_gets_one_digest(new_page, live_server, draft, screenshot):
    page = new_page(viewport={"width": 1280, "height": 1000})
    page.goto(f"{live_server.url}/accounts/sign-up/")
    page.fill("#id_email", EMAIL)
    page.click("main button[type=submit]")
    assert page.locator("h1").inner_text() == "Check your email"

    (confirmation,) = mail.outbox  # the live server runs in this process: its emails land here
    link = re.search(r"https?://\S+/accounts/confirm/\S+/", confirmation.body).group(0)
    page.goto(live_server.url + "/" + link.split("/", 3)[3])
    assert page.locator("h1").inner_text() == "Choose your password"
    page.fill("#id_password", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url(re.compile(r"/watches/$"))  # signed in

    page.goto(f"{live_server.url}/states/KAZ/")
    page.click("text=Watch this State")
    page.wait_for_url(re.compile(r"/watches/$"))
    assert "Kazakhstan" in page.locator("table").inner_text()
    screenshot(page, "my-watches")
    page.context.close()

    first, after_second = _publish_and_send(draft)
    assert len(first) == 1 and first[0].to == [EMAIL]
    assert "Assessment published: Partially implemented (Defenders Watch" in first[0].body
    assert "Kazakhstan, 97.52" in first[0].body
    assert after_second == first  # the second run sent nothing
