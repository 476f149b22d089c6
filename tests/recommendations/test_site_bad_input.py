"""Every public page answers bad input with a 400 or 404 page, never a server error."""

import pytest

from tests.site_data import recommendation, review

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def some_data():
    recommendation(review("KAZ", 7), "Protect defenders", themes=("Human rights defenders",), response="noted")


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/recommendations/?q=%00", 400),
        ("/recommendations/?q=%22%22%22%20or%20-%20%26%7C!():*", 400),  # an unclosed quotation mark
        ("/recommendations/?q=defenders%20%26%7C!%20%3C-%3E", 200),
        ("/recommendations/?cycle=1&cycle=abc", 400),
        ("/recommendations/?state_under_review=KAZ&state_under_review=%E2%80%AE", 400),
        ("/recommendations/?theme=" + "a" * 300, 400),
        ("/recommendations/?ordering=-session,-session", 400),
        ("/recommendations/?response=" + "&response=".join(["noted"] * 51), 400),
        ("/recommendations/?page=2", 404),
        ("/recommendations/0/", 404),
        ("/recommendations/abc/", 404),
        ("/states/%C3%A9%C3%A9%C3%A9/", 404),
        ("/states/KAZ%00/", 404),
        ("/themes/upr-info/%00/", 404),
        ("/themes/%E2%80%AE/x/", 404),
        ("/compare/?state=%00%00%00", 400),
        ("/compare/?state=KAZ&state=" + "x" * 5000, 400),
    ],
)
def test_bad_input_is_a_client_error(client, path, status):
    assert client.get(path).status_code == status
