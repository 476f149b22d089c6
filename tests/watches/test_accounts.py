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


def _sign_up(client, email="new@example.org", password=PASSWORD):
    return client.post(reverse("recommendations:sign-up"), {"email": email, "password": password})


def _link(message) -> str:
    return re.search(r"https?://\S+/accounts/confirm/\S+/", message.body).group(0)


def _path(link: str) -> str:
    return "/" + link.split("/", 3)[3]


def test_a_reader_signs_up_confirms_and_signs_in(client, settings):
    settings.SITE_URL = "https://upr.example.org"
    response = _sign_up(client, email="New@Example.org")
    assert response.status_code == 200 and "Check your email" in response.content.decode()
    user = get_user_model().objects.get(email="new@example.org")
    assert (user.is_active, user.is_staff, Membership.objects.filter(user=user).exists()) == (False, False, False)
    assert not client.login(username="new@example.org", password=PASSWORD)  # not before confirming
    link = _link(mail.outbox[0])
    assert link.startswith("https://upr.example.org/accounts/confirm/")
    assert client.get(_path(link)).status_code == 200
    response = client.post(reverse("recommendations:sign-in"), {"username": "new@example.org", "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == reverse("recommendations:my-watches")


def test_a_reader_cannot_reach_the_admin_or_the_workspace(client, reader):
    client.force_login(reader)
    assert client.get(reverse("admin:index")).status_code == 302  # to the admin's sign-in
    assert client.get(reverse("recommendations:workspace")).status_code in (302, 403)


def test_a_registered_address_gets_the_same_answer_and_an_email(client, reader):
    response = _sign_up(client, email="reader@example.org")
    assert response.status_code == 200 and "Check your email" in response.content.decode()
    assert "already has one" in mail.outbox[0].body and "/accounts/confirm/" not in mail.outbox[0].body
    assert get_user_model().objects.filter(email__iexact="reader@example.org").count() == 1
    assert client.login(username="reader@example.org", password="correct horse battery")  # password unchanged


def test_a_forged_link_is_refused(client):
    _sign_up(client)
    user = get_user_model().objects.get(email="new@example.org")
    forged = signing.dumps({"user": user.pk, "email": user.email}, salt="another-salt")
    for token in (forged, "garbage", _link(mail.outbox[0]).rstrip("/").rsplit("/", 1)[1][:-2] + "xx"):
        response = client.get(reverse("recommendations:confirm-sign-up", args=[token]))
        assert response.status_code == 400 and "This link does not work" in response.content.decode()
    user.refresh_from_db()
    assert not user.is_active


def test_an_expired_link_is_refused(client, settings, monkeypatch):
    _sign_up(client)
    user = get_user_model().objects.get(email="new@example.org")
    now = time.time()
    # A link signed 49 hours ago, one hour past SIGNUP_LINK_HOURS (48).
    monkeypatch.setattr(signing.time, "time", lambda: now - 49 * 3600)
    link = confirmation_link(user)
    monkeypatch.undo()
    response = client.get(_path(link))
    assert response.status_code == 400 and "This link does not work" in response.content.decode()
    user.refresh_from_db()
    assert not user.is_active


def test_bad_sign_ups_are_a_400_and_create_no_one(client):
    for email, password in (("not-an-email", PASSWORD), ("x@example.org", "short"), ("a" * 300 + "@e.org", PASSWORD)):
        assert _sign_up(client, email=email, password=password).status_code == 400
    assert not get_user_model().objects.exists() and mail.outbox == []


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
