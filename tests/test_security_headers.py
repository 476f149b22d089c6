"""Security headers on representative pages and API answers, as a production deployment sends them."""

import re
from pathlib import Path

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

STRICT_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
    "connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)


@pytest.fixture
def production_client(client, settings):
    settings.SECURE_HSTS_SECONDS = 31_536_000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    settings.SECURE_SSL_REDIRECT = True
    return client


def directives(csp: str) -> set[str]:
    """The policy's directives; django-csp does not keep their order."""
    return {part.strip() for part in csp.split(";")}


def get(client, url):
    response = client.get(url, secure=True)
    assert response.status_code == 200, url
    return response


@pytest.mark.parametrize(
    "url",
    [
        "/",
        "/recommendations/",
        "/states/KAZ/",
        "/api/v1/recommendations/",
        "/api/v1/states/KAZ/",
        "/admin/login/",
        "/fr/recommendations/",
        "/es/admin/login/",
    ],
)
def test_pages_and_api_answers_carry_the_security_headers(production_client, url):
    response = get(production_client, url)
    csp = response["Content-Security-Policy"]
    if "/admin/" in url:  # in every language
        assert directives(csp) == directives(STRICT_CSP.replace("style-src 'self'", "style-src 'self' 'unsafe-inline'"))
    else:
        assert directives(csp) == directives(STRICT_CSP)
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"
    assert "camera=()" in response["Permissions-Policy"]
    assert "geolocation=()" in response["Permissions-Policy"]


def test_plain_http_is_redirected_to_https(production_client):
    response = production_client.get("/recommendations/")
    assert response.status_code == 301
    assert response["Location"] == "https://testserver/recommendations/"


def test_only_the_embed_pages_may_be_framed(production_client):
    response = get(production_client, "/embed/recommendations/")
    assert "frame-ancestors *" in response["Content-Security-Policy"]
    assert "X-Frame-Options" not in response


def test_admin_and_api_docs_allow_inline_styles_but_never_inline_scripts(production_client):
    for url in ["/admin/login/", "/fr/admin/login/", "/api/v1/docs/", "/api/v1/redoc/"]:
        csp = get(production_client, url)["Content-Security-Policy"]
        assert "style-src 'self' 'unsafe-inline'" in directives(csp)
        assert "script-src 'self'" in directives(csp)


def test_api_docs_load_nothing_from_other_sites(production_client):
    for url in [reverse("api:docs"), reverse("api:redoc")]:
        body = get(production_client, url).content.decode()
        assert "https://" not in body
        assert "<script>" not in body and "<style>" not in body
    script = get(production_client, reverse("api:docs") + "?script=")
    assert script["Content-Type"].startswith("application/javascript")


def test_session_csrf_and_language_cookies_are_secure_in_production():
    # DEBUG off turns these on; the test process itself runs with DEBUG=true.
    from tests.test_project import PRODUCTION_ENV, run_manage

    result = run_manage(
        "shell",
        "-c",
        "from django.conf import settings as s; print(s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, "
        "s.LANGUAGE_COOKIE_SECURE, s.SESSION_COOKIE_HTTPONLY, s.CSRF_COOKIE_HTTPONLY, s.LANGUAGE_COOKIE_HTTPONLY)",
        env=PRODUCTION_ENV,
    )
    assert result.stdout.strip().splitlines()[-1].split() == ["True"] * 6, result.stderr


def test_public_templates_hold_no_inline_style_or_script():
    """The site's CSP blocks inline style and script, so a template that has one is silently broken."""
    root = Path(__file__).resolve().parent.parent / "templates"
    allowed = {"admin", "drf_spectacular"}  # their pages have their own, looser policy
    offenders = []
    for template in root.rglob("*.html"):
        if allowed & set(template.relative_to(root).parts):
            continue
        text = re.sub(r"{#.*?#}", "", template.read_text(encoding="utf-8"), flags=re.S)
        if re.search(r"<style|\sstyle=|<script(?![^>]*\ssrc=)|\son[a-z]+=", text):
            offenders.append(str(template.relative_to(root)))
    assert offenders == []
