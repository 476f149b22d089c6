"""The reader's language (core/locale.py): URL prefixes, the switcher, the remembered choice, the browser's
language on a first visit, hreflang alternates, and the API's `lang`."""

import re

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

pytestmark = pytest.mark.django_db

COOKIE = settings.LANGUAGE_COOKIE_NAME


def html_tag(response) -> str:
    return re.search(r"<html[^>]*>", response.content.decode())[0]


def vary(response) -> set[str]:
    return {name.strip() for name in response.get("Vary", "").split(",")}


# URLs -----------------------------------------------------------------------------------------------------------


def test_english_urls_are_unprefixed_and_other_languages_have_their_prefix():
    assert reverse("recommendations:search") == "/recommendations/"
    assert reverse("states:profile", args=["KAZ"]) == "/states/KAZ/"
    assert reverse("admin:index") == "/admin/"
    with translation.override("fr"):
        assert reverse("recommendations:search") == "/fr/recommendations/"
        assert reverse("recommendations:home") == "/fr/"
        assert reverse("admin:index") == "/fr/admin/"
        assert reverse("embed-recommendations") == "/fr/embed/recommendations/"
        assert reverse("recommendations:workspace") == "/fr/workspace/"
    with translation.override("es"):
        assert reverse("states:profile", args=["KAZ"]) == "/es/states/KAZ/"


def test_the_api_and_the_switcher_have_one_url_in_every_language():
    with translation.override("fr"):
        assert reverse("api:recommendation-list") == "/api/v1/recommendations/"
        assert reverse("set_language") == "/i18n/setlang/"


@pytest.mark.parametrize(
    ("url", "language"),
    [
        ("/recommendations/", "en"),
        ("/fr/recommendations/", "fr"),
        ("/es/states/KAZ/", "es"),
        ("/fr/admin/login/", "fr"),
    ],
)
def test_a_page_is_answered_in_the_language_of_its_url(client, url, language):
    response = client.get(url)
    assert response.status_code == 200
    assert html_tag(response).startswith(f'<html lang="{language}"')
    assert 'dir="ltr"' in html_tag(response)
    assert response["Content-Language"] == language


def test_the_admin_in_french_is_django_s_french_admin(client):
    body = client.get("/fr/admin/login/").content.decode()
    assert "Nom d’utilisateur" in body


def test_the_api_has_no_language_prefix(client):
    assert client.get("/fr/api/v1/recommendations/").status_code == 404


# The switcher ---------------------------------------------------------------------------------------------------


def test_every_page_offers_each_language_named_in_itself(client):
    body = client.get("/es/states/KAZ/?tab=1").content.decode()
    form = re.search(r'<form class="language-switcher".*?</form>', body, re.S)[0]
    assert 'action="/i18n/setlang/" method="post"' in form
    assert '<input type="hidden" name="next" value="/es/states/KAZ/?tab=1">' in form
    assert '<button type="submit" name="language" value="en" lang="en">English</button>' in form
    assert '<button type="submit" name="language" value="fr" lang="fr">Français</button>' in form
    assert '<span lang="es" aria-current="true">Español</span>' in form  # the current one is no button
    assert "csrfmiddlewaretoken" not in form  # the page stays a shared answer of the response cache


def test_the_admin_offers_the_switcher_on_its_login_page(client):
    body = client.get("/admin/login/").content.decode()
    assert '<button type="submit" name="language" value="fr" lang="fr">Français</button>' in body


def test_choosing_a_language_remembers_it_and_opens_the_same_page_in_it(client):
    response = client.post("/i18n/setlang/", {"language": "fr", "next": "/states/KAZ/?tab=1"})
    assert response.status_code == 302
    assert response["Location"] == "/fr/states/KAZ/?tab=1"
    cookie = response.cookies[COOKIE]
    assert cookie.value == "fr"
    assert cookie["max-age"] == 365 * 24 * 60 * 60
    assert cookie["samesite"] == "Lax"
    assert cookie["httponly"] is True
    assert cookie["path"] == "/"


def test_choosing_english_from_a_french_page_leads_to_the_unprefixed_page(client):
    client.cookies[COOKIE] = "fr"
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/fr/states/KAZ/"})
    assert response["Location"] == "/states/KAZ/"
    assert response.cookies[COOKIE].value == "en"
    assert client.get("/states/KAZ/").status_code == 200  # and English stays: no redirect back


def test_choosing_spanish_from_a_french_page_shared_with_an_english_reader(client):
    """The page `next` names is found in its own language, whatever language the visitor had before."""
    response = client.post("/i18n/setlang/", {"language": "es", "next": "/fr/recommendations/?q=water"})
    assert response["Location"] == "/es/recommendations/?q=water"


def test_the_switcher_sends_nobody_to_another_site(client):
    response = client.post("/i18n/setlang/", {"language": "fr", "next": "https://evil.example/"})
    assert response["Location"] == "/fr/"


def test_a_language_change_posted_from_another_site_is_refused(client):
    response = client.post("/i18n/setlang/", {"language": "fr", "next": "/"}, headers={"Sec-Fetch-Site": "cross-site"})
    assert response.status_code == 403
    assert COOKIE not in response.cookies


def test_an_unknown_language_changes_nothing(client):
    response = client.post("/i18n/setlang/", {"language": "xx", "next": "/states/"})
    assert response["Location"] == "/states/"
    assert COOKIE not in response.cookies


# Remembered, or asked by the browser ---------------------------------------------------------------------------


def test_an_unprefixed_page_opens_in_the_remembered_language(client):
    client.cookies[COOKIE] = "fr"
    response = client.get("/recommendations/?q=water&response=noted")
    assert response.status_code == 302
    assert response["Location"] == "/fr/recommendations/?q=water&response=noted"
    assert {"Accept-Language", "Cookie"} <= vary(response)
    assert client.get(response["Location"]).status_code == 200


def test_the_remembered_language_wins_over_the_browser_s(client):
    client.cookies[COOKIE] = "en"
    response = client.get("/", headers={"Accept-Language": "fr-FR,fr;q=0.9"})
    assert response.status_code == 200
    assert {"Accept-Language", "Cookie"} <= vary(response)


@pytest.mark.parametrize(
    ("accept", "location"),
    [("fr-FR,fr;q=0.9,en;q=0.5", "/fr/"), ("es-MX,es;q=0.9", "/es/"), ("de-DE,fr;q=0.8", "/fr/")],
)
def test_a_first_visit_opens_in_the_browser_s_language(client, accept, location):
    response = client.get("/", headers={"Accept-Language": accept})
    assert response.status_code == 302
    assert response["Location"] == location
    assert {"Accept-Language", "Cookie"} <= vary(response)


@pytest.mark.parametrize("accept", ["en-GB,en;q=0.9,fr;q=0.8", "de-DE", "*", ""])
def test_a_first_visit_in_english_or_an_unknown_language_stays(client, accept):
    response = client.get("/states/", headers={"Accept-Language": accept})
    assert response.status_code == 200
    assert response["Content-Language"] == "en"


@pytest.mark.parametrize(
    ("method", "url"),
    [
        ("get", "/api/v1/states/KAZ/"),
        ("get", "/api/v1/"),
        ("get", "/no/such/page/"),
        ("post", "/recommendations/"),
        ("post", "/admin/login/"),
        ("get", "/i18n/setlang/"),
    ],
)
def test_the_api_posts_and_what_is_no_page_are_never_redirected(client, method, url):
    client.cookies[COOKIE] = "fr"
    response = getattr(client, method)(url, headers={"Accept-Language": "fr"})
    assert response.status_code != 302 or not response["Location"].startswith("/fr/")


def test_static_files_are_never_redirected(client):
    client.cookies[COOKIE] = "fr"
    response = client.get("/static/css/site.css", headers={"Accept-Language": "fr"})
    assert response.status_code == 200


def test_signing_in_to_the_admin_in_french_works(client, staff_admin):
    client.cookies[COOKIE] = "fr"
    login = client.get("/admin/login/?next=/admin/")
    assert login["Location"] == "/fr/admin/login/?next=/admin/"
    response = client.post(
        login["Location"], {"username": "admin", "password": "correct horse battery", "next": "/admin/"}
    )
    assert response["Location"] == "/admin/"
    assert client.get("/admin/")["Location"] == "/fr/admin/"
    assert client.get("/fr/admin/").status_code == 200


# hreflang ------------------------------------------------------------------------------------------------------


def test_a_page_names_itself_in_every_language(client):
    body = client.get("/fr/recommendations/?q=water").content.decode()
    links = re.findall(r'<link rel="alternate" hreflang="([^"]+)" href="([^"]+)">', body)
    assert links == [
        ("en", "http://testserver/recommendations/?q=water"),
        ("fr", "http://testserver/fr/recommendations/?q=water"),
        ("es", "http://testserver/es/recommendations/?q=water"),
        ("x-default", "http://testserver/recommendations/?q=water"),
    ]


def test_a_missing_page_names_no_alternates(client):
    response = client.get("/fr/no/such/page/")
    assert response.status_code == 404
    assert 'hreflang="' not in response.content.decode()


# The API -------------------------------------------------------------------------------------------------------


def test_the_api_answers_in_the_language_asked_with_lang(api_client):
    response = api_client.get("/api/v1/states/KAZ/?lang=fr")
    assert response.status_code == 200
    assert response["Content-Language"] == "fr"
    assert "Accept-Language" in vary(response)


def test_the_api_answers_in_the_browser_s_language(api_client):
    response = api_client.get("/api/v1/states/KAZ/", headers={"Accept-Language": "es-ES,es;q=0.9"})
    assert response["Content-Language"] == "es"
    assert "Accept-Language" in vary(response)


def test_lang_wins_over_accept_language_and_the_cookie_is_not_read(api_client):
    api_client.cookies[COOKIE] = "es"
    assert api_client.get("/api/v1/states/KAZ/?lang=FR", headers={"Accept-Language": "es"})["Content-Language"] == "fr"
    assert api_client.get("/api/v1/states/KAZ/")["Content-Language"] == "en"


def test_the_api_s_messages_follow_the_language(api_client):
    response = api_client.post("/api/v1/assessments/?lang=fr", {}, format="json")
    assert response.status_code == 401
    assert response.json() == {"errors": {"detail": ["Informations d'authentification non fournies."]}}


def test_codes_and_values_are_the_same_in_every_language(api_client):
    english = api_client.get("/api/v1/states/KAZ/").json()
    french = api_client.get("/api/v1/states/KAZ/?lang=fr").json()
    assert french["iso3"] == english["iso3"] == "KAZ"
    assert set(french) == set(english)


def test_a_blank_lang_is_ignored(api_client):
    assert api_client.get("/api/v1/states/KAZ/?lang=")["Content-Language"] == "en"


def test_an_unknown_lang_is_a_400_saying_which_languages_there_are(api_client):
    response = api_client.get("/api/v1/recommendations/?lang=xx")
    assert response.status_code == 400
    assert response.json() == {"errors": {"lang": ["Unknown language: use one of en, fr, es."]}}


def test_two_languages_are_a_400(api_client):
    response = api_client.get("/api/v1/recommendations/?lang=fr&lang=es")
    assert response.status_code == 400
    assert response.json() == {"errors": {"lang": ["Give one language, one of en, fr, es."]}}


def test_the_api_s_404_follows_the_language(api_client):
    response = api_client.get("/api/v1/no-such-thing/", headers={"Accept-Language": "fr"})
    assert response.status_code == 404
    assert response["Content-Language"] == "fr"


# The response cache ---------------------------------------------------------------------------------------------


@pytest.fixture
def response_cache(settings, monkeypatch):
    """Answers stored for real: committed data (transaction=True), the data version read on every request."""
    from django.core.cache import cache

    from core import counts

    settings.RESPONSE_CACHE_VERSION_MS = 0
    monkeypatch.setattr(counts, "_reused", None)
    cache.clear()
    yield
    cache.clear()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.usefixtures("response_cache")
def test_the_api_s_cached_answers_are_kept_per_language(api_client, django_assert_num_queries):
    url = "/api/v1/recommendations/?state_under_review=KAZ"
    english = api_client.get(url)
    with django_assert_num_queries(1):  # the data version: the stored English answer
        assert api_client.get(url).content == english.content
    french = api_client.get(url, headers={"Accept-Language": "fr"})  # not the English one: built again
    assert french["Content-Language"] == "fr"
    with django_assert_num_queries(1):
        again = api_client.get(url, headers={"Accept-Language": "fr"})
    assert again["Content-Language"] == "fr"
    assert {"Accept", "Accept-Language", "Authorization", "Cookie"} <= vary(again)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.usefixtures("response_cache")
def test_cached_pages_neither_poison_nor_are_poisoned_by_the_redirect(client):
    assert html_tag(client.get("/states/KAZ/")).startswith('<html lang="en"')  # stored
    french_reader = {"Accept-Language": "fr"}
    assert client.get("/states/KAZ/", headers=french_reader)["Location"] == "/fr/states/KAZ/"
    assert html_tag(client.get("/fr/states/KAZ/", headers=french_reader)).startswith('<html lang="fr"')  # stored
    assert html_tag(client.get("/fr/states/KAZ/")).startswith('<html lang="fr"')
    assert html_tag(client.get("/states/KAZ/")).startswith('<html lang="en"')


# Error pages ---------------------------------------------------------------------------------------------------


def test_a_missing_page_is_explained_in_the_language_of_its_url(client):
    response = client.get("/es/no/such/page/")
    assert response.status_code == 404
    assert html_tag(response).startswith('<html lang="es"')
    assert 'href="/es/recommendations/"' in response.content.decode()  # its links stay in Spanish


def test_the_standalone_error_pages_follow_the_language(rf):
    from core import errors

    with translation.override("fr"):
        response = errors.unavailable(rf.get("/fr/states/"), heading="Indisponible", message="…", retry_after=5)
    assert html_tag(response) == '<html lang="fr" dir="ltr">'


def test_the_embed_widget_stays_in_the_language_of_the_url_its_partner_chose(client):
    client.cookies[COOKIE] = "fr"
    response = client.get("/embed/recommendations/", headers={"Accept-Language": "fr"})
    assert response.status_code == 200
    assert html_tag(response).startswith('<html lang="en"')
    assert html_tag(client.get("/fr/embed/recommendations/")).startswith('<html lang="fr"')
