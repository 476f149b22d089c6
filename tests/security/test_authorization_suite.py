"""The generated authorization suite: every URL the project serves, as every kind of user, for every object of
the cast (tests/security/conftest.py) it applies to.

- No answer to someone who may not see an object contains one of its private texts (the cast's markers).
- No write by someone who may not change an object changes any row (checksums of every table, each attempt
  in a savepoint rolled back afterwards); the same write by a staff administrator must change something, so a
  payload that the form or serializer refuses anyway cannot pass for a refused permission.
- Every admin is a PolicyAdmin, every writable related field of the API goes through the policy, and a URL
  pattern the suite cannot classify (surfaces.py, PAGES, ADMIN_EXTRAS below) fails it.
"""

import io
import re
import zipfile
from collections.abc import Callable

import pytest
from django.contrib import admin
from django.db import connection, transaction
from django.test import Client
from django.urls import resolve, reverse, translate_url
from django.utils import translation
from rest_framework import serializers
from rest_framework.test import APIClient

from core.admin import STAFF_READS, GuardedAdmin
from recommendations import permissions
from recommendations.models import APIToken, ImplementationAssessment
from tests.security import surfaces
from tests.security.html_forms import post_form

pytestmark = pytest.mark.django_db

WEB_ACTORS = ["anonymous", "editor_a", "reviewer_a", "editor_b", "reviewer_b", "outsider", "staff_admin"]
# In the API also: the outsider's write token (no organisation) and a read-only token of B's reviewer.
TOKENS = {"token_outsider": ("outsider", None, "write"), "token_b_read": ("reviewer_b", "org_b", "read")}
API_ACTORS = [*WEB_ACTORS, *TOKENS]
PWNED = "PWNED by the authorization suite"
# Bookkeeping every request may write (sessions, login records, a token's last use) and what the triggers
# derive from the rest.
UNCHECKED_COLUMNS = {"recommendations_apitoken": ["last_used_at"]}
UNCHECKED_TABLES = re.compile(
    r"^(django_session|django_admin_log|django_migrations|django_content_type|auth_permission|axes_.*"
    r"|recommendations_dataversion|recommendations_datachange)$"
)


# The pages outside the admin and the API router, with the URLs to ask of each --------------------------------


def _kaz(cast) -> str:
    return cast.objects["recommendation"].review.state.iso3


ASSESSMENTS = ("published", "draft", "submitted", "rejected", "revision", "outsider_submission", "b_draft")

PAGES: dict[str, Callable] = {
    "recommendations:home": lambda cast: [reverse("recommendations:home")],
    "recommendations:search": lambda cast: [reverse("recommendations:search"), "/recommendations/?q=MARKER"],
    "recommendations:detail": lambda cast: [
        reverse("recommendations:detail", args=[cast.objects[name].pk]) for name in ("recommendation",)
    ],
    "recommendations:submit-assessment": lambda cast: [
        reverse("recommendations:submit-assessment", args=[cast.objects["recommendation"].pk])
    ],
    "recommendations:assess": lambda cast: [
        reverse("recommendations:assess", args=[cast.objects["recommendation"].pk])
    ],
    "recommendations:assess-edit": lambda cast: [
        reverse("recommendations:assess-edit", args=[cast.objects[name].pk]) for name in ASSESSMENTS
    ],
    "recommendations:review": lambda cast: [
        reverse("recommendations:review", args=[cast.objects[name].pk]) for name in ASSESSMENTS
    ],
    "recommendations:evidence-search": lambda cast: [
        reverse("recommendations:evidence-search") + f"?organisation={cast.objects[org].pk}&{query}"
        for org in ("org_a", "org_b")
        for query in ("q=MARKER", "q=a.example.org", "new_url=https://a.example.org/MARKER-evidence-url")
    ],
    "recommendations:workspace": lambda cast: [
        reverse("recommendations:workspace"),
        reverse("recommendations:workspace") + "?organisation=defenders-watch&months=1",
    ],
    "recommendations:following": lambda cast: [
        reverse("recommendations:following"),
        reverse("recommendations:following") + "?organisation=defenders-watch",
    ],
    "recommendations:evidence-document": lambda cast: [
        reverse("recommendations:evidence-document", args=[cast.objects[name].pk])
        for name in ("public_evidence", "private_evidence", "uncited_evidence")
    ],
    "recommendations:themes": lambda cast: [reverse("recommendations:themes")],
    "recommendations:theme": lambda cast: (
        [
            reverse("recommendations:theme", args=[theme.scheme.slug, theme.slug])
            for theme in cast.objects["recommendation"].themes.all()[:1]
        ]
        or ["/themes/upr-info/human-rights-defenders/"]
    ),
    "recommendations:advocacy": lambda cast: [
        reverse("recommendations:advocacy", args=[cast.objects[name].slug]) for name in ("org_a", "org_b")
    ],
    "states:index": lambda cast: [reverse("states:index")],
    "states:profile": lambda cast: [reverse("states:profile", args=[_kaz(cast)])],
    "states:briefing": lambda cast: [
        reverse("states:briefing", args=[_kaz(cast)]),
        reverse("states:briefing", args=[_kaz(cast)]) + "?by=defenders-watch",
    ],
    "states:briefing-pdf": lambda cast: [
        reverse("states:briefing-pdf", args=[_kaz(cast)]),
        reverse("states:briefing-pdf", args=[_kaz(cast)]) + "?by=defenders-watch",
    ],
    "states:briefing-edit": lambda cast: [
        reverse("states:briefing-edit", args=[_kaz(cast)]) + "?by=defenders-watch",
        reverse("states:briefing-edit", args=[_kaz(cast)]),
    ],
    "states:compare": lambda cast: [reverse("states:compare") + f"?states={_kaz(cast)},FRA"],
    "embed-recommendations": lambda cast: [reverse("embed-recommendations")],
    "api:recommendation-export-csv": lambda cast: [reverse("api:recommendation-export-csv")],
    "api:recommendation-export-jsonl": lambda cast: [reverse("api:recommendation-export-jsonl")],
    "api:recommendation-export-xlsx": lambda cast: [reverse("api:recommendation-export-xlsx")],
    "api:assessments-feed": lambda cast: [reverse("api:assessments-feed")],
    "api:schema": lambda cast: [reverse("api:schema")],
    "api:docs": lambda cast: [reverse("api:docs")],
    "api:redoc": lambda cast: [reverse("api:redoc")],
    "api:api-root": lambda cast: [reverse("api:api-root")],
    "api:token": lambda cast: [reverse("api:token")],  # the caller's own token; DELETE revokes only that one
    # Reader accounts and watches: forms only (POSTs are refused to a GET), a watch's pages are its owner's.
    "recommendations:sign-up": lambda cast: [reverse("recommendations:sign-up")],
    "recommendations:confirm-sign-up": lambda cast: [reverse("recommendations:confirm-sign-up", args=["forged"])],
    "recommendations:sign-in": lambda cast: [reverse("recommendations:sign-in")],
    "recommendations:sign-out": lambda cast: [reverse("recommendations:sign-out")],
    "recommendations:my-watches": lambda cast: [reverse("recommendations:my-watches")],
    "recommendations:watch-new": lambda cast: [reverse("recommendations:watch-new")],
    "recommendations:watch-update": lambda cast: [
        reverse("recommendations:watch-update", args=[cast.objects["watch"].pk])
    ],
    "recommendations:watch-delete": lambda cast: [
        reverse("recommendations:watch-delete", args=[cast.objects["watch"].pk])
    ],
    "recommendations:watch-feed-key": lambda cast: [
        reverse("recommendations:watch-feed-key", args=[cast.objects["watch"].pk])
    ],
    "recommendations:webhook-new": lambda cast: [
        reverse("recommendations:webhook-new", args=[cast.objects["watch"].pk])
    ],
    "recommendations:webhook-log": lambda cast: [
        reverse("recommendations:webhook-log", args=[cast.objects["webhook"].pk])
    ],
    "recommendations:webhook-delete": lambda cast: [
        reverse("recommendations:webhook-delete", args=[cast.objects["webhook"].pk])
    ],
    # The feed's key is the only way in: a wrong one is a 404 for everyone (tests/watches/test_feed.py).
    "recommendations:watch-feed": lambda cast: [reverse("recommendations:watch-feed", args=["not-the-key"])],
    # The language switcher: a GET only redirects; what a POST sets is a cookie, no row.
    "set_language": lambda cast: [reverse("set_language") + "?next=/states/"],
}


def _device(cast) -> int:
    """A TOTP device of the outsider's (django-otp's pages answer 500 for one that does not exist)."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    return TOTPDevice.objects.get_or_create(user=cast.users["outsider"], name="suite")[0].pk


# Admin URLs beyond a ModelAdmin's standard ones, and the admin site's own pages (surfaces.py classifies them
# as admin-extra: test_other_admin_pages_show_no_one_what_they_may_not_see asks them).
ADMIN_EXTRAS: dict[str, Callable] = {
    "admin:recommendations_recommendation_import": lambda cast: [
        reverse("admin:recommendations_recommendation_import")
    ],
    "admin:recommendations_recommendation_import_template": lambda cast: [
        reverse("admin:recommendations_recommendation_import_template", args=["csv"])
    ],
    "admin:recommendations_recommendation_import_problems": lambda cast: [
        reverse("admin:recommendations_recommendation_import_problems", args=["0" * 32])
    ],
    # Organisation A's sheet asked by everyone (B's members get the form back, refused), and the import form.
    "admin:recommendations_implementationassessment_export": lambda cast: [
        reverse("admin:recommendations_implementationassessment_export"),
        *(
            reverse("admin:recommendations_implementationassessment_export")
            + f"?organisation={cast.objects[org].pk}&format={file_format}&search=state_under_review%3DKAZ"
            for org in ("org_a", "org_b")
            for file_format in ("csv", "xlsx")
        ),
    ],
    "admin:recommendations_implementationassessment_import": lambda cast: [
        reverse("admin:recommendations_implementationassessment_import")
    ],
    "admin:translation_report": lambda cast: [reverse("admin:translation_report")],
    "admin:otp_totp_totpdevice_config": lambda cast: [f"/admin/otp_totp/totpdevice/{_device(cast)}/config/"],
    # django-otp answers 503 here without the optional qrcode package, which requirements.txt does not install.
    "admin:otp_totp_totpdevice_qrcode": lambda cast: [],
    "admin:auth_user_password_change": lambda cast: [
        reverse("admin:auth_user_password_change", args=[cast.users["editor_a"].pk])
    ],
}

SURFACES = surfaces.surfaces({**PAGES, **ADMIN_EXTRAS})


def surfaces_of(*kinds: str, actions: set[str] | None = None, apps: set[str] | None = None) -> list[str]:
    return sorted(
        name
        for name, surface in SURFACES.items()
        if surface.kind in kinds
        and (actions is None or surface.action in actions)
        and (apps is None or surface.model._meta.app_label in apps)
    )


# Asking ------------------------------------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def _unthrottled(settings):
    """The suite asks thousands of times from one address: rate limits are tested elsewhere."""
    for name in ("API_ANON_RATE", "API_USER_RATE", "SITE_ANON_RATE", "EXPORT_ANON_RATE"):
        setattr(settings, name, "1000000/min")


@pytest.fixture(autouse=True)
def _pdf_as_html(monkeypatch):
    """The briefing PDF is checked as the HTML it is rendered from (a PDF's text is compressed)."""
    from recommendations.briefings import pdf as briefing_pdf

    monkeypatch.setattr(briefing_pdf, "render_pdf", lambda html, base_url=None: html.encode())


@pytest.fixture
def clients(cast) -> dict[str, Client]:
    made = {}
    for actor in WEB_ACTORS:
        client = Client()
        if cast.users[actor] is not None:
            client.force_login(cast.users[actor])
        made[actor] = client
    return made


@pytest.fixture
def api_clients(cast) -> dict[str, APIClient]:
    """Users signed in (the session the site and admin use); token actors with their key."""
    made = {}
    for actor in WEB_ACTORS:
        made[actor] = client = APIClient()
        if cast.users[actor] is not None:
            client.force_login(cast.users[actor])
    for actor, (user, organisation, scope) in TOKENS.items():
        organisation = cast.objects[organisation] if organisation else None
        _token, key = APIToken.objects.issue(user=cast.users[user], organisation=organisation, scope=scope, name=actor)
        made[actor] = client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return made


def readable(response) -> str:
    """The body as text: streamed answers joined, workbooks unzipped."""
    raw = b"".join(response.streaming_content) if response.streaming else response.content
    if raw.startswith(b"PK\x03\x04"):
        with zipfile.ZipFile(io.BytesIO(raw)) as archive:
            raw = b"".join(archive.read(name) for name in archive.namelist())
    return raw.decode("utf-8", "replace")


def leaks(cast, actor: str, response) -> list[str]:
    body = readable(response)
    return [marker for marker, allowed in cast.markers.items() if marker in body and actor not in allowed]


def ask_everyone(cast, clients, urls: list[str]) -> list[str]:
    """GET each URL as every actor; what each got that it may not see."""
    problems = []
    for url in urls:
        for actor, client in clients.items():
            response = client.get(url)
            assert response.status_code < 500, (actor, url, response.status_code)
            problems += [f"{actor} GET {url}: {marker}" for marker in leaks(cast, actor, response)]
    return problems


# Writing -----------------------------------------------------------------------------------------------------


def table_digests() -> dict[str, str]:
    """A digest of every row of every table that holds data (one statement)."""
    with connection.cursor() as cursor:
        tables = [t for t in connection.introspection.table_names(cursor) if not UNCHECKED_TABLES.match(t)]
        parts = [f"SELECT '{table}', {_digest(table)} FROM \"{table}\" t" for table in tables]
        cursor.execute(" UNION ALL ".join(parts))
        return dict(cursor.fetchall())


def _digest(table: str) -> str:
    row = "t::text"
    if table in UNCHECKED_COLUMNS:
        row = "(to_jsonb(t) - ARRAY[{}])::text".format(", ".join(f"'{c}'" for c in UNCHECKED_COLUMNS[table]))
    return f"md5(coalesce(string_agg(md5({row}), ',' ORDER BY md5({row})), ''))"


def changed_tables(request: Callable) -> tuple[object, set[str]]:
    """Make the request in a savepoint, note the tables it changed, and roll it back."""
    with transaction.atomic():
        before = table_digests()
        response = request()
        after = table_digests()
        transaction.set_rollback(True)
    return response, {table for table, digest in after.items() if before.get(table) != digest}


def allowed_tables(cast, key: str | None, actor: str):
    """None: any table; a set of table stems; or the empty set: nothing."""
    writers = cast.writers.get(key, {"staff_admin": None})
    if actor not in writers:
        return set()
    return writers[actor]


def refused_write_changed(cast, key: str | None, actor: str, tables: set[str]) -> set[str]:
    allowed = allowed_tables(cast, key, actor)
    if allowed is None:
        return set()
    return {table for table in tables if not any(stem in table for stem in allowed)}


def try_everyone(cast, clients, key, label: str, send: Callable) -> tuple[list[str], bool]:
    """Each actor's attempt (send(client) -> response); returns the violations and whether the staff
    administrator's attempt changed anything (the payload's positive control; a 409, refused to everyone
    for what the object is, counts as one)."""
    problems, controlled = [], False
    for actor, client in clients.items():
        response, tables = changed_tables(lambda client=client: send(client))
        assert response.status_code < 500, (actor, label, response.status_code)
        problems += [f"{actor} {label}: {marker}" for marker in leaks(cast, actor, response)]
        wrong = refused_write_changed(cast, key, actor, tables)
        if wrong:
            problems.append(f"{actor} {label} changed {sorted(wrong)}")
        if actor == "staff_admin":
            controlled = bool(tables) or response.status_code == 409
    return problems, controlled


def mutated(data: dict[str, list[str]], text_fields: list[tuple[str, int]]) -> dict[str, list[str]]:
    """The form as posted with its roomiest free-text field of the main form (not an inline) rewritten."""
    candidates = [
        (length, name)
        for name, length in text_fields
        if "-" not in name and length >= 40 and not name.endswith(("url", "slug", "symbol", "_date", "_on"))
    ]
    if not candidates:
        return dict(data)
    length, name = max(candidates)
    return {**data, name: [PWNED[:length]]}


# Objects each surface applies to -------------------------------------------------------------------------------


def cast_objects(cast, model) -> list[tuple[str | None, object]]:
    """(cast key, object) of the model (its concrete model for proxies); else the first stored row."""
    concrete = model._meta.concrete_model
    found = [(key, obj) for key, obj in cast.objects.items() if type(obj)._meta.concrete_model is concrete]
    if model._meta.proxy and concrete is ImplementationAssessment:
        found = [(key, obj) for key, obj in found if obj.state == ImplementationAssessment.Publication.SUBMITTED]
    users = {f"user:{actor}": user for actor, user in cast.users.items() if user is not None}
    if concrete is type(cast.users["staff_admin"]):
        return list(users.items())
    if found:
        return found
    first = model._default_manager.order_by("pk").first()
    return [(None, first)] if first is not None else []


# The suite ---------------------------------------------------------------------------------------------------


def test_every_url_pattern_is_classified():
    missing = surfaces.unclassified({**PAGES, **ADMIN_EXTRAS})
    assert not missing, "Tell tests/security how to ask these (PAGES or ADMIN_EXTRAS): " + ", ".join(missing)


def test_every_language_serves_the_views_the_suite_asks(cast):
    """The suite asks the English (unprefixed) URLs. The pages and the admin are served in every language from
    the same URL patterns under a prefix that only selects the language (i18n_patterns): each URL the suite asks
    resolves under /fr/ and /es/ to the same view with the same arguments, so what it finds holds there too."""
    urls = [url for build in {**PAGES, **ADMIN_EXTRAS}.values() for url in build(cast)]
    urls += [reverse(name) for name in surfaces_of("admin-model", actions={"changelist", "add"})]
    checked = 0
    for url in urls:
        path = url.split("?")[0]
        english = resolve(path)
        for code in ("fr", "es"):
            translated = translate_url(path, code)
            if translated == path:
                continue  # the API and the switcher: one URL in every language
            with translation.override(code):
                match = resolve(translated)
            assert translated == f"/{code}{path}", translated
            assert (match.func, match.args, match.kwargs) == (english.func, english.args, english.kwargs), url
            checked += 1
    assert checked > 100


def test_every_admin_loads_through_the_policy():
    """Every admin of ours is guarded (core.admin), organisation data's by permissions.py; States are reference
    data only (states/ is a leaf app: its admins use core's guard, which lets staff read and administrators
    change)."""
    third_party = {"auth", "authtoken", "axes", "otp_totp"}  # Django's model permissions: staff administrators
    ours = [(model, model_admin) for model, model_admin in admin.site._registry.items()]
    offenders = []
    for model, model_admin in ours:
        if model._meta.app_label in third_party:
            continue
        guard = permissions if model._meta.app_label == "recommendations" else STAFF_READS
        holders = [model_admin, *model_admin.inlines]
        if not isinstance(model_admin, GuardedAdmin) or any(getattr(h, "guard", None) is not guard for h in holders):
            offenders.append(model._meta.label)
        if permissions.holds_organisation_data(model) and model._meta.app_label != "recommendations":
            offenders.append(f"{model._meta.label} holds organisation data outside recommendations/")
    assert offenders == []


def test_every_writable_related_field_of_the_api_goes_through_the_policy():
    from recommendations.api.fields import VisibleChoices, WritableOrganisationField
    from recommendations.api.urls import router

    offenders = []
    for _prefix, viewset, _basename in router.registry:
        if viewset.serializer_class is None:
            continue  # read-only: its representation is built without a serializer
        for name, field in viewset.serializer_class().fields.items():
            inner = getattr(field, "child", None) or field
            nested = getattr(inner, "fields", {}) if isinstance(inner, serializers.Serializer) else {}
            for path, related in [(name, inner), *((f"{name}.{n}", f) for n, f in nested.items())]:
                if isinstance(related, serializers.RelatedField) and not related.read_only:
                    if not isinstance(related, VisibleChoices | WritableOrganisationField):
                        offenders.append(f"{viewset.__name__}.{path}")
    assert offenders == []


@pytest.mark.parametrize("name", sorted(PAGES))
def test_pages_show_no_one_what_they_may_not_see(cast, clients, name):
    assert ask_everyone(cast, clients, PAGES[name](cast)) == []


def _admin_urls(cast, surface) -> list[str]:
    action, model = surface.action, surface.model
    if action == "changelist":
        base = reverse(surface.name)
        return [base, f"{base}?q=MARKER", f"{base}?_popup=1&_to_field=id"]
    if action == "add":
        return [reverse(surface.name)]
    urls = []
    for _key, obj in cast_objects(cast, model):
        if action == "simple_history":
            versions = obj.history.values_list("history_id", flat=True) if hasattr(obj, "history") else []
            urls += [reverse(surface.name, args=[obj.pk, version]) for version in versions]
        elif action == "redirect":
            urls.append(f"/admin/{model._meta.app_label}/{model._meta.model_name}/{obj.pk}/")
        else:
            urls.append(reverse(surface.name, args=[obj.pk]))
    return urls


@pytest.mark.parametrize("name", surfaces_of("admin-model"))
def test_admin_pages_show_no_one_what_they_may_not_see(cast, clients, name):
    assert ask_everyone(cast, clients, _admin_urls(cast, SURFACES[name])) == []


@pytest.mark.parametrize("name", surfaces_of("admin-extra", "admin-site"))
def test_other_admin_pages_show_no_one_what_they_may_not_see(cast, clients, name):
    builder = ADMIN_EXTRAS.get(name)
    if builder is not None:
        urls = builder(cast)
    elif name == "admin:app_list":
        urls = ["/admin/recommendations/", "/admin/states/"]
    elif name.startswith("route:") or name in {"admin:autocomplete", "admin:view_on_site"}:
        urls = ["/admin/no/such/page/"] if name.startswith("route:") else []
    else:
        urls = [reverse(name)]
    assert ask_everyone(cast, clients, urls) == []


def admin_autocompletes() -> list[tuple[str, str, str]]:
    """(app label, model name, field) of every autocomplete field of every admin and inline."""
    found = []
    for model, model_admin in admin.site._registry.items():
        for holder in [model_admin, *model_admin.inlines]:
            holder_model = getattr(holder, "model", model)
            for field in getattr(holder, "autocomplete_fields", ()):
                found.append((holder_model._meta.app_label, holder_model._meta.model_name, field))
    return sorted(set(found))


def test_autocompletes_offer_no_one_what_they_may_not_see(cast, clients):
    urls = [
        f"/admin/autocomplete/?app_label={app}&model_name={model}&field_name={field}&term={term}"
        for app, model, field in admin_autocompletes()
        for term in ("", "MARKER")
    ]
    assert len(urls) > 20
    assert ask_everyone(cast, clients, urls) == []


# Writes in the admin -----------------------------------------------------------------------------------------

# Forms whose posted payload changes nothing even for a staff administrator (so the refusals below cannot
# be told from an invalid payload). Each says why; keep it short.
UNCONTROLLED = {
    "admin:recommendations_deletedobject_change": "tombstones are read-only for everyone",
    "admin:recommendations_deletedobject_delete": "tombstones are read-only for everyone",
    "admin:recommendations_repeatlink_change": "decisions go through the actions",
    "admin:recommendations_askmatch_change": "its form changes the decision only; decisions are posted as actions",
    "admin:recommendations_askmatch_simple_history": "its form changes the decision only",
    "admin:recommendations_membership_simple_history": "restoring a role from history is refused to everyone",
    "admin:recommendations_organisation_simple_history": "restoring an organisation is refused to everyone",
    "admin:recommendations_apitoken_simple_history": "restoring a token is refused to everyone",
    "admin:recommendations_correctionproposal_simple_history": "restoring a proposed correction is refused to everyone",
    "admin:recommendations_correctionproposal_change": "a note without a decision is refused; decisions are tested in "
    "tests/recommendations/test_corrections.py",
    "admin:recommendations_moderationqueue_simple_history": "redirects to the assessment's history",
    "admin:recommendations_deletedobject_simple_history": "tombstones have no versions (404)",
    # Reference rows the cast uses are protected by the rows that refer to them.
    "admin:recommendations_cycle_delete": "protected",
    "admin:recommendations_review_delete": "protected",
    "admin:recommendations_themescheme_delete": "protected",
    "admin:recommendations_organisation_delete": "protected",
    "admin:states_regionalgroup_delete": "protected",
}


def _form(client, url) -> tuple[dict, list[str]] | None:
    response = client.get(url)
    if response.status_code != 200:
        return None
    return post_form(response.content.decode())


# Writes are posted to the change, delete and history (restore) pages; the add pages are read-checked, and
# what they add is checked through the API's creations and the findings.
@pytest.mark.parametrize("name", surfaces_of("admin-model", actions={"change", "delete", "simple_history"}))
def test_admin_writes_change_nothing_for_those_who_may_not(cast, clients, name):
    surface = SURFACES[name]
    problems, controls = [], []
    for url, key in _write_targets(cast, surface):
        form = _form(clients["staff_admin"], url)
        if form is None:
            continue
        data = {"post": ["yes"]} if surface.action == "delete" else mutated(*form)
        found, controlled = try_everyone(cast, clients, key, f"POST {url}", lambda c, u=url, d=data: c.post(u, d))
        problems += found
        controls.append(controlled)
    assert problems == []
    if name not in UNCONTROLLED and surface.model._meta.app_label in {"recommendations", "states"}:
        # At least one of the surface's posts changes something when a staff administrator makes it.
        assert any(controls), "the staff administrator's posts changed nothing: fix the payload"


def _write_targets(cast, surface) -> list[tuple[str, str | None]]:
    targets = []
    for key, obj in cast_objects(cast, surface.model):
        if key is not None and key.startswith("user:"):
            continue  # users are Django's admin (model permissions); read checks cover them
        if surface.action == "simple_history" and not hasattr(obj, "history"):
            continue
        if surface.action == "simple_history":
            first = obj.history.order_by("history_id").values_list("history_id", flat=True).first()
            if first is not None:  # reference data loaded by a migration has no versions yet
                targets.append((reverse(surface.name, args=[obj.pk, first]), key))
        else:
            targets.append((reverse(surface.name, args=[obj.pk]), key))
    return targets


def _actions(model_admin, staff_request) -> list[str]:
    return [name for name in model_admin.get_actions(staff_request) if name != "delete_selected"] + ["delete_selected"]


@pytest.mark.parametrize("name", surfaces_of("admin-model", actions={"changelist"}, apps={"recommendations", "states"}))
def test_admin_actions_change_nothing_for_those_who_may_not(cast, clients, rf, name):
    surface = SURFACES[name]
    model_admin = admin.site._registry[surface.model]
    staff_request = rf.get("/")
    staff_request.user = cast.users["staff_admin"]
    problems = []
    for key, obj in cast_objects(cast, surface.model):
        for action in _actions(model_admin, staff_request):
            data = {"action": action, "_selected_action": [obj.pk], "post": "yes"}
            url = reverse(surface.name)
            found, _ = try_everyone(cast, clients, key, f"{action} on {key}", lambda c, u=url, d=data: c.post(u, d))
            problems += found
    assert problems == []


# Writes through the API --------------------------------------------------------------------------------------


def _api_objects(cast, surface) -> list[tuple[str | None, object, str]]:
    viewset = surfaces.api_viewset(surface)
    lookup = viewset.lookup_field or "pk"
    return [
        (key, obj, reverse(surface.name, kwargs={lookup: getattr(obj, lookup)}))
        for key, obj in cast_objects(cast, surface.model)
    ]


@pytest.mark.parametrize("name", surfaces_of("api-list", "api-action", "api-detail"))
def test_the_api_shows_no_one_what_it_may_not_see(cast, api_clients, name):
    surface = SURFACES[name]
    if surface.kind == "api-detail":
        urls = [url for _key, _obj, url in _api_objects(cast, surface)]
    else:
        base = reverse(surface.name)
        urls = [base, f"{base}?page_size=100"]
    assert ask_everyone(cast, api_clients, urls) == []


def _api_payload(client, url) -> dict:
    """The object as a staff administrator reads it, its free texts rewritten (read-only fields are ignored)."""
    data = client.get(url).json()
    for name in ("narrative", "title", "publisher", "excerpt"):
        if name in data:
            data[name] = PWNED
    return data


def _writable(name: str) -> bool:
    return hasattr(surfaces.api_viewset(SURFACES[name]), "update")


@pytest.mark.parametrize("name", [name for name in surfaces_of("api-detail") if _writable(name)])
def test_api_writes_change_nothing_for_those_who_may_not(cast, api_clients, name):
    surface = SURFACES[name]
    methods = ["put", "patch", "delete"]
    problems = []
    staff = api_clients["staff_admin"]
    for key, _obj, url in _api_objects(cast, surface):
        etag = staff.get(url)["ETag"]
        payload = _api_payload(staff, url)
        for method in methods:
            send = lambda c, m=method, u=url, d=payload, e=etag: getattr(c, m)(u, d, format="json", HTTP_IF_MATCH=e)  # noqa: E731
            found, controlled = try_everyone(cast, api_clients, key, f"{method.upper()} {url}", send)
            problems += found
            assert controlled, f"the staff administrator's {method} of {url} changed nothing: fix the payload"
    assert problems == []


def _create_payloads(cast) -> dict[str, tuple[str, dict]]:
    """What to create through each writable list, for organisation A, citing A's private evidence."""
    return {
        "api:assessment-list": (
            "draft",
            {
                "recommendation": cast.objects["recommendation"].pk,
                "status": "not_implemented",
                "assessed_on": "2015-01-01",
                "organisation": "defenders-watch",
                "narrative": PWNED,
                "citations": [{"evidence": cast.objects["private_evidence"].pk}],
            },
        ),
        "api:evidencesource-list": ("private_evidence", {"title": PWNED, "organisation": "defenders-watch"}),
    }


def test_api_creations_change_nothing_for_those_who_may_not(cast, api_clients):
    payloads = _create_payloads(cast)
    writable = [name for name in surfaces_of("api-list") if hasattr(surfaces.api_viewset(SURFACES[name]), "create")]
    assert sorted(payloads) == writable, "say what to create through each writable list"
    problems = []
    for name, (key, payload) in payloads.items():
        url = reverse(name)
        send = lambda c, u=url, d=payload: c.post(u, d, format="json")  # noqa: E731
        found, controlled = try_everyone(cast, api_clients, key, f"POST {url}", send)
        problems += found
        assert controlled
    assert problems == []


# Pages that write ------------------------------------------------------------------------------------------


def test_the_briefing_editor_changes_nothing_for_those_who_may_not(cast, clients):
    url = reverse("states:briefing-edit", args=[_kaz(cast)]) + "?by=defenders-watch"
    data, text_fields = post_form(clients["staff_admin"].get(url).content.decode())
    payload = mutated(data, text_fields)
    problems, controlled = try_everyone(cast, clients, "briefing", f"POST {url}", lambda c: c.post(url, payload))
    assert problems == []
    assert controlled


def _assessment_posts(cast) -> list[tuple[str, str, dict]]:
    """(cast key, URL, payload) of the editors' assessment screens: a new draft for A, publishing A's and B's
    drafts; publishing and sending back A's submissions from the review page; what A follows."""
    fields = {"status": "fully_implemented", "assessed_on": "2015-01-01", "narrative": PWNED}
    new = reverse("recommendations:assess", args=[cast.objects["recommendation"].pk])
    posts = [("recommendation", new, {**fields, "organisation": cast.objects["org_a"].pk, "action": "draft"})]
    for key in ("draft", "submitted", "b_draft"):
        assessment = cast.objects[key]
        url = reverse("recommendations:assess-edit", args=[assessment.pk])
        posts.append((key, url, {**fields, "opened_version": assessment.version, "action": "publish"}))
    following = reverse("recommendations:following") + "?organisation=defenders-watch"
    posts.append(("org_a_follows", following, {"states": [cast.objects["recommendation"].review.state_id]}))
    for key, action in (("submitted", "publish"), ("submitted", "send_back"), ("outsider_submission", "send_back")):
        url = reverse("recommendations:review", args=[cast.objects[key].pk])
        posts.append((key, url, {"action": action, "comment": PWNED, "opened_version": cast.objects[key].version}))
    return posts


def test_the_assessment_screens_change_nothing_for_those_who_may_not(cast, clients):
    problems = []
    for key, url, payload in _assessment_posts(cast):
        found, controlled = try_everyone(cast, clients, key, f"POST {url}", lambda c, u=url, d=payload: c.post(u, d))
        problems += found
        assert controlled, url
    assert problems == []


def test_the_policy_is_the_same_for_every_queryset_and_object(cast):
    """can_see/can_change (one object) agree with visible/changeable (querysets) for every cast object."""
    for actor, user in cast.users.items():
        for obj in cast.objects.values():
            model = type(obj)
            stored = model._default_manager.filter(pk=obj.pk)
            assert permissions.can_see(user, obj) == permissions.visible(stored, user).exists(), (actor, obj)
            assert permissions.can_change(user, obj) == permissions.changeable(stored, user).exists(), (actor, obj)
