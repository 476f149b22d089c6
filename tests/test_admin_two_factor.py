"""Two-factor login to the admin (django-otp TOTP) for staff who have a device; optional for the others."""

import pytest
from django.test import Client
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

pytestmark = pytest.mark.django_db

LOGIN = "/admin/login/?next=/admin/"


@pytest.fixture
def device(editor_a):
    return TOTPDevice.objects.create(user=editor_a, name="phone", confirmed=True)


def login(client, **extra):
    return client.post(LOGIN, {"username": "editor-a", "password": "correct horse battery", **extra})


def test_staff_without_a_device_sign_in_with_the_password(client, editor_a):
    assert login(client).status_code == 302
    assert client.get("/admin/").status_code == 200


def test_staff_with_a_device_need_the_code(client, device):
    response = login(client)
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    assert login(client, otp_device=device.persistent_id, otp_token="000000").status_code == 200


def test_the_right_code_signs_in_and_verifies_the_session(client, device):
    code = f"{totp(device.bin_key):06d}"
    assert login(client, otp_device=device.persistent_id, otp_token=code).status_code == 302
    assert client.get("/admin/").status_code == 200


def test_a_session_without_the_code_is_refused_when_a_device_exists(client, editor_a, device):
    client.force_login(editor_a)  # e.g. a session from before the device was added
    assert client.get("/admin/").status_code == 302


def test_required_two_factor_refuses_staff_without_a_device(editor_a, settings):
    settings.ADMIN_REQUIRE_2FA = True
    client = Client()
    assert login(client).status_code == 200
    client.force_login(editor_a)
    assert client.get("/admin/").status_code == 302
