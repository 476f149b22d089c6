"""Repeated failed logins lock the username out from that address (django-axes); tokens keep working."""

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db

LOGIN = "/admin/login/"


def attempt(client, password):
    return client.post(LOGIN, {"username": "editor-a", "password": password, "next": "/admin/"})


def test_lockout_after_the_failure_limit(editor_a, settings):
    settings.AXES_FAILURE_LIMIT = 3
    client = Client()
    for _ in range(2):
        assert attempt(client, "wrong").status_code == 200  # the form again, with its error
    locked = attempt(client, "wrong")
    assert locked.status_code == 429
    # Even the right password is refused while locked out.
    assert attempt(client, "correct horse battery").status_code == 429
    assert "_auth_user_id" not in client.session


def test_a_successful_login_resets_the_count(editor_a, settings):
    settings.AXES_FAILURE_LIMIT = 3
    client = Client()
    attempt(client, "wrong")
    attempt(client, "wrong")
    assert attempt(client, "correct horse battery").status_code == 302
    client.logout()
    attempt(client, "wrong")
    assert attempt(client, "correct horse battery").status_code == 302


def test_token_authentication_is_not_affected_by_a_lockout(editor_b, token_client_b, settings):
    settings.AXES_FAILURE_LIMIT = 1
    Client().post(LOGIN, {"username": "editor-b", "password": "wrong"})
    assert token_client_b.get("/api/v1/assessments/").status_code == 200
    assert token_client_b.post("/api/v1/evidence-sources/", {"title": "Still works"}, format="json").status_code == 201


# Behind a reverse proxy ------------------------------------------------------------------------------------

PROXY = "10.0.0.9"  # the reverse proxy: the REMOTE_ADDR of every request that passes through it


def attempt_via_proxy(password: str, forwarded_for: str):
    """A login through the proxy, which received it from the last address of X-Forwarded-For."""
    data = {"username": "editor-a", "password": password, "next": "/admin/"}
    return Client().post(LOGIN, data, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=forwarded_for)


def test_behind_a_proxy_failed_logins_lock_only_the_address_the_proxy_saw(editor_a, settings):
    settings.NUM_PROXIES = 1
    statuses = [attempt_via_proxy("wrong", "1.2.3.4, 203.0.113.7").status_code for _ in range(5)]
    assert statuses == [200, 200, 200, 200, 429]  # the form again with its error, then the lockout
    assert attempt_via_proxy("correct horse battery", "203.0.113.7").status_code == 429
    # The editor, signing in from another address through the same proxy.
    assert attempt_via_proxy("correct horse battery", "198.51.100.20").status_code == 302


def test_forged_left_most_addresses_never_change_the_address_that_is_locked(editor_a, settings):
    settings.NUM_PROXIES = 1
    settings.AXES_FAILURE_LIMIT = 3
    for n in range(3):
        attempt_via_proxy("wrong", f"192.0.2.{n}, 203.0.113.7")
    assert attempt_via_proxy("correct horse battery", "198.51.100.20, 203.0.113.7").status_code == 429


def test_with_two_proxies_the_address_the_outer_one_saw_is_locked(editor_a, settings):
    settings.NUM_PROXIES = 2
    settings.AXES_FAILURE_LIMIT = 3
    outer = "10.0.0.1"  # the outer proxy (a CDN, say), as the inner one saw it
    for _ in range(3):
        attempt_via_proxy("wrong", f"1.2.3.4, 203.0.113.7, {outer}")
    assert attempt_via_proxy("correct horse battery", f"203.0.113.7, {outer}").status_code == 429
    assert attempt_via_proxy("correct horse battery", f"198.51.100.20, {outer}").status_code == 302


def test_without_proxies_x_forwarded_for_is_ignored(editor_a, settings):
    settings.AXES_FAILURE_LIMIT = 3
    data = {"username": "editor-a", "password": "wrong", "next": "/admin/"}
    for n in range(3):
        Client().post(LOGIN, data, REMOTE_ADDR="203.0.113.7", HTTP_X_FORWARDED_FOR=f"192.0.2.{n}")
    data["password"] = "correct horse battery"
    refused = Client().post(LOGIN, data, REMOTE_ADDR="203.0.113.7", HTTP_X_FORWARDED_FOR="198.51.100.20")
    assert refused.status_code == 429
    assert Client().post(LOGIN, data, REMOTE_ADDR="198.51.100.20").status_code == 302
