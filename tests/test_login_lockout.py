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
