"""The cast every test can use: two organisations with an editor each, a staff
administrator, an anonymous visitor, partners with API tokens, and two States with a review each."""

import datetime
from pathlib import Path

import pytest
from django.conf import settings
from django.core.signals import request_finished, request_started
from django.db import close_old_connections

SAMPLES_DIR = Path(settings.BASE_DIR).parent / "shared" / "samples"


@pytest.fixture(autouse=True)
def _fast_password_hasher(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts in the default language, as a fresh thread does: the test client runs requests in the
    test's thread, and LocaleMiddleware leaves a /fr/ page's language active after it (it never deactivates:
    a streamed answer renders later), which would make the next test's reverse() French."""
    from django.utils import translation

    translation.deactivate()


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    """Per-address request counters (search page, widget, API, exports) live in the cache: none carry over."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def samples_dir() -> Path:
    if not SAMPLES_DIR.is_dir():
        pytest.skip("../shared/samples is not present in this clone")
    return SAMPLES_DIR


@pytest.fixture
def kazakhstan(db):
    from states.models import State

    return State.objects.get(iso3="KAZ")


@pytest.fixture
def france(db):
    from states.models import State

    return State.objects.get(iso3="FRA")


@pytest.fixture
def norway(db):
    from states.models import State

    return State.objects.get(iso3="NOR")


@pytest.fixture
def review_kaz_2010(kazakhstan):
    from recommendations.models import Review, Session

    return Review.objects.create(
        state=kazakhstan,
        session=Session.objects.get(number=7),
        review_date=datetime.date(2010, 2, 10),
        report_symbol="A/HRC/14/10",
    )


@pytest.fixture
def review_fra_2008(france):
    from recommendations.models import Review, Session

    return Review.objects.create(state=france, session=Session.objects.get(number=2), report_symbol="A/HRC/8/47")


@pytest.fixture
def make_recommendation():
    """Build a recommendation with its recommending States in one call."""
    from recommendations.models import Recommendation

    def make(review, text="Protect human rights defenders from reprisals", *, states=(), **fields):
        recommendation = Recommendation.objects.create(review=review, text=text, **fields)
        recommendation.recommending_states.set(states)
        return recommendation

    return make


@pytest.fixture
def org_a(db):
    from recommendations.models import Organisation

    return Organisation.objects.create(name="Defenders Watch")


@pytest.fixture
def org_b(db):
    from recommendations.models import Organisation

    return Organisation.objects.create(name="Assembly Monitor")


def _editor(django_user_model, username, organisation):
    from recommendations.models import Membership

    user = django_user_model.objects.create_user(username=username, password="correct horse battery", is_staff=True)
    Membership.objects.create(user=user, organisation=organisation, role=Membership.Role.EDITOR)
    return user


@pytest.fixture
def editor_a(django_user_model, org_a):
    return _editor(django_user_model, "editor-a", org_a)


@pytest.fixture
def editor_b(django_user_model, org_b):
    return _editor(django_user_model, "editor-b", org_b)


@pytest.fixture
def staff_admin(django_user_model):
    return django_user_model.objects.create_superuser(username="admin", password="correct horse battery")


@pytest.fixture
def api_client(db):
    """A DRF test client for an anonymous partner, with throttle counters reset."""
    from django.core.cache import cache
    from rest_framework.test import APIClient

    cache.clear()
    return APIClient()


def _token_client(user, organisation=None, scope: str = "write"):
    from rest_framework.test import APIClient

    from recommendations.models import APIToken

    _token, key = APIToken.objects.issue(user=user, organisation=organisation, scope=scope, name="Test client")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


@pytest.fixture
def token_client(db):
    """make(user, organisation=None, scope="write"): an API client with a new token of the user's."""
    return _token_client


@pytest.fixture
def partner_a(django_user_model, org_a):
    """A partner site's service account, member of organisation A (not staff)."""
    from recommendations.models import Membership

    user = django_user_model.objects.create_user(username="partner-a", password="correct horse battery")
    Membership.objects.create(user=user, organisation=org_a, role=Membership.Role.EDITOR)
    return user


@pytest.fixture
def token_client_a(api_client, partner_a):
    """An API client authenticated with organisation A's partner token (scope write)."""
    return _token_client(partner_a, partner_a.memberships.get().organisation)


@pytest.fixture
def token_client_b(api_client, editor_b):
    """An API client authenticated with a token of organisation B's editor (scope write)."""
    return _token_client(editor_b, editor_b.memberships.get().organisation)


@pytest.fixture
def reviewer_a(django_user_model, org_a):
    """A reviewer of organisation A: edits like an editor and also publishes and rejects."""
    from recommendations.models import Membership

    user = django_user_model.objects.create_user(username="reviewer-a", password="correct horse battery", is_staff=True)
    Membership.objects.create(user=user, organisation=org_a, role=Membership.Role.REVIEWER)
    return user


@pytest.fixture
def wsgi_in_test_transaction():
    """Keep the test's connection across requests to the WSGI app (schemathesis calls it directly), as
    Django's test client does: close_old_connections unhooked for the test."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


# A right-to-left language the site does not ship: a stub Arabic catalogue, compiled for the test.
ARABIC = {"Recommendations": "التوصيات", "States": "الدول", "Skip to main content": "انتقل إلى المحتوى الرئيسي"}


@pytest.fixture
def arabic(settings, tmp_path):
    """ "ar" added to LANGUAGES, with a catalogue of ARABIC's few strings in a locale folder of its own."""
    import polib

    from upr_tracker.catalogues import compile_catalogue

    folder = tmp_path / "locale" / "ar" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    po = polib.POFile()
    po.metadata = {
        "Content-Type": "text/plain; charset=UTF-8",
        "Language": "ar",
        "Plural-Forms": "nplurals=6; plural=n==0 ? 0 : n==1 ? 1 : n==2 ? 2 : n%100>=3 && n%100<=10 ? 3 : "
        "n%100>=11 && n%100<=99 ? 4 : 5;",
    }
    for english, arabic in ARABIC.items():
        po.append(polib.POEntry(msgid=english, msgstr=arabic))
    po.save(str(folder / "django.po"))
    compile_catalogue(folder / "django.po")
    settings.LANGUAGES = [*settings.LANGUAGES, ("ar", "العربية")]
    settings.LOCALE_PATHS = [tmp_path / "locale", *settings.LOCALE_PATHS]
    return ARABIC
