import re
import time

import pytest
from django.contrib.auth import get_user_model
from django.core import mail, signing
from django.urls import reverse

from recommendations.models import Membership
from recommendations.site.accounts import confirmation_link

pytestmark = pytest.mark.django_db

PASSWORD = "a long reader passphrase"


def _sign_up(client, email="new@example.org"):
    return client.post(reverse("recommendations:sign-up"), {"email": email})


def _link(message) -> str:
    return re.search(r"https?://\S+/accounts/confirm/\S+/", message.body).group(0)


def _path(link: str) -> str:
    return "/" + link.split("/", 3)[3]


def test_a_reader_signs_up_chooses_a_password_by_the_emailed_link_and_signs_in(client, settings):
    settings.SITE_URL = "https://upr.example.org"
    response = _sign_up(client, email="New@Example.org")
    assert response.status_code == 200 and "Check your email" in response.content.decode()
    assert not get_user_model().objects.exists()  # nothing exists until the link is used
    link = _link(mail.outbox[0])
    assert link.startswith("https://upr.example.org/accounts/confirm/")
    page = client.get(_path(link))
    assert page.status_code == 200 and "Your reader account will be new@example.org." in page.content.decode()
    response = client.post(_path(link), {"password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == reverse("recommendations:my-watches")
    user = get_user_model().objects.get(email="new@example.org")
    assert (user.is_active, user.is_staff, user.is_superuser) == (True, False, False)
    assert not Membership.objects.filter(user=user).exists()
    assert client.get(reverse("recommendations:my-watches")).status_code == 200  # signed in
    client.logout()
    response = client.post(reverse("recommendations:sign-in"), {"username": "new@example.org", "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == reverse("recommendations:my-watches")


def test_a_used_link_changes_nothing(client):
    _sign_up(client)
    link = _path(_link(mail.outbox[0]))
    client.post(link, {"password": PASSWORD})
    response = client.post(link, {"password": "another long passphrase"})
    assert response.status_code == 200 and "This account exists already" in response.content.decode()
    assert client.login(username="new@example.org", password=PASSWORD)


def test_a_weak_password_is_a_400_and_creates_no_one(client):
    _sign_up(client)
    response = client.post(_path(_link(mail.outbox[0])), {"password": "short"})
    assert response.status_code == 400 and "at least 10 characters" in response.content.decode()
    assert not get_user_model().objects.exists()


def test_a_reader_cannot_reach_the_admin_or_the_workspace(client, reader):
    client.force_login(reader)
    assert client.get(reverse("admin:index")).status_code == 302  # to the admin's sign-in
    assert client.get(reverse("recommendations:workspace")).status_code in (302, 403)


def test_a_registered_address_gets_the_same_answer_and_no_link(client, reader):
    response = _sign_up(client, email="Reader@example.org")
    assert response.status_code == 200 and "Check your email" in response.content.decode()
    assert "already has one" in mail.outbox[0].body and "/accounts/confirm/" not in mail.outbox[0].body
    assert client.login(username="reader@example.org", password="correct horse battery")  # unchanged


def test_a_forged_link_is_refused(client):
    _sign_up(client)
    forged = signing.dumps({"email": "new@example.org"}, salt="another-salt")
    tampered = _link(mail.outbox[0]).rstrip("/").rsplit("/", 1)[1][:-2] + "xx"
    for token in (forged, "garbage", tampered):
        for response in (
            client.get(reverse("recommendations:confirm-sign-up", args=[token])),
            client.post(reverse("recommendations:confirm-sign-up", args=[token]), {"password": PASSWORD}),
        ):
            assert response.status_code == 400 and "This link does not work" in response.content.decode()
    assert not get_user_model().objects.exists()


def test_an_expired_link_is_refused(client, monkeypatch):
    now = time.time()
    # A link signed 49 hours ago, one hour past SIGNUP_LINK_HOURS (48).
    monkeypatch.setattr(signing.time, "time", lambda: now - 49 * 3600)
    link = confirmation_link("new@example.org")
    monkeypatch.undo()
    response = client.post(_path(link), {"password": PASSWORD})
    assert response.status_code == 400 and "This link does not work" in response.content.decode()
    assert not get_user_model().objects.exists()


def test_bad_sign_ups_are_a_400_and_send_nothing(client):
    for email in ("not-an-email", "a" * 300 + "@example.org", ""):
        assert _sign_up(client, email=email).status_code == 400
    assert mail.outbox == []


def test_staff_sign_in_through_the_admin_not_here(client, editor_a):
    response = client.post(
        reverse("recommendations:sign-in"), {"username": "editor-a", "password": "correct horse battery"}
    )
    assert response.status_code == 200 and "Staff sign in through the editors’ sign-in." in response.content.decode()


def test_sign_ups_are_throttled(client, settings):
    settings.SIGNUP_RATE = "2/hour"
    codes = [_sign_up(client, email=f"r{number}@example.org").status_code for number in range(3)]
    assert codes == [200, 200, 429]
    assert len(mail.outbox) == 2
