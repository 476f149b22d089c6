"""API tokens: hashed at rest and shown once, expiring, revocable, scoped, and tied to one organisation."""

import datetime
import importlib
import io
import json
import re
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command
from django.db import IntegrityError, connection
from django.urls import reverse
from django.utils import timezone
from knox.crypto import hash_token
from rest_framework.test import APIClient

from recommendations import services
from recommendations.models import APIToken, EvidenceSource, ImplementationAssessment, Membership, Organisation
from tests.recommendations.conftest import if_match

pytestmark = pytest.mark.django_db

ASSESSMENTS = "/api/v1/assessments/"
EVIDENCE = "/api/v1/evidence-sources/"
READ_ONLY = {
    "errors": {
        "detail": [
            "This API token is read-only (scope read): it may not create, change or delete anything. "
            "Ask an administrator for a token with scope write."
        ]
    }
}
INVALID = {"errors": {"detail": ["Invalid token."]}}
OLD_DRF_KEY = "9944b09199c62bcf9418ad846dd0e4bbdfc6ee4b"


def keyed_client(key: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


def issue(user, organisation=None, scope="write", **options) -> tuple[APIToken, str]:
    return APIToken.objects.issue(
        user=user, organisation=organisation, scope=scope, name="Partner site sync", **options
    )


@pytest.fixture
def recommendation(review_kaz_2010, make_recommendation):
    return make_recommendation(review_kaz_2010)


@pytest.fixture
def org_c(db):
    return Organisation.objects.create(name="Central Asia Rights")


@pytest.fixture
def editor_a_and_c(django_user_model, org_a, org_c):
    """An editor of two organisations, A and C."""
    user = django_user_model.objects.create_user(username="editor-ac", password="correct horse battery")
    for organisation in (org_a, org_c):
        Membership.objects.create(user=user, organisation=organisation, role=Membership.Role.EDITOR)
    return user


def draft_of(recommendation, organisation) -> ImplementationAssessment:
    return services.record_assessment(
        recommendation=recommendation,
        status="not_implemented",
        assessed_on=datetime.date(2013, 1, 1),
        organisation=organisation,
        state="draft",
    )


def assessment_payload(recommendation, organisation_slug: str, **fields) -> dict:
    return {
        "recommendation": recommendation.pk,
        "status": "partially_implemented",
        "assessed_on": "2014-01-21",
        "organisation": organisation_slug,
        **fields,
    }


# Hashed at rest, shown once ----------------------------------------------------------------------------------


def test_only_a_digest_of_the_key_is_stored(partner_a, org_a):
    token, key = issue(partner_a, org_a)
    assert (token.digest, token.token_key) == (hash_token(key), key[:15])
    assert re.fullmatch("[0-9a-f]{64}", key)
    for table in ("recommendations_apitoken", "recommendations_historicalapitoken"):
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT * FROM {table}")  # noqa: S608 (a fixed table name)
            stored = " ".join(str(value) for row in cursor.fetchall() for value in row)
        assert key not in stored
        assert key[:16] not in stored  # knox keeps 15 characters to look keys up; no more


def test_the_admin_shows_the_key_once_and_never_again(client, staff_admin, partner_a, org_a):
    client.force_login(staff_admin)
    add_page = client.get(reverse("admin:recommendations_apitoken_add"))
    assert list(add_page.context["adminform"].form.fields) == ["name", "user", "organisation", "scope", "days"]
    assert add_page.context["adminform"].form.fields["days"].initial == 90
    form = {"name": "Partner site sync", "user": partner_a.pk, "organisation": org_a.pk, "scope": "write", "days": 30}
    response = client.post(reverse("admin:recommendations_apitoken_add"), form, follow=True)
    token = APIToken.objects.get()
    shown = [str(message) for message in response.context["messages"]]
    key = re.search(r"is ([0-9a-f]{64}) — copy it now", shown[0]).group(1)
    assert shown[0] == (
        f"The key of “Partner site sync” is {key} — copy it now: it is shown only this once and cannot be "
        "read back. Send it to its user over a secure channel."
    )
    assert hash_token(key) == token.digest
    assert (token.user, token.organisation, token.scope) == (partner_a, org_a, "write")
    assert token.expiry - token.created == pytest.approx(datetime.timedelta(days=30), abs=datetime.timedelta(seconds=5))
    listing = client.get(reverse("admin:recommendations_apitoken_changelist")).content.decode()
    change = client.get(reverse("admin:recommendations_apitoken_change", args=[token.pk])).content.decode()
    for page in (listing, change):
        assert f"{key[:8]}…" in page
        assert key[:9] not in page
        assert token.digest not in page
    assert "Partner site sync" in listing and "Defenders Watch" in listing and "partner-a" in listing
    # Only the name changes after issue; to change the rest, issue another token.
    url = reverse("admin:recommendations_apitoken_change", args=[token.pk])
    client.post(url, {"name": "Nightly sync", "scope": "read", "organisation": ""})
    token.refresh_from_db()
    assert (token.name, token.scope, token.organisation) == ("Nightly sync", "write", org_a)


def test_the_admin_refuses_a_user_outside_the_organisation_and_a_lifetime_over_the_maximum(
    client, staff_admin, partner_a, org_b, settings
):
    settings.API_TOKEN_MAX_DAYS = 180
    client.force_login(staff_admin)
    form = {"name": "Sync", "user": partner_a.pk, "organisation": org_b.pk, "scope": "write", "days": 181}
    response = client.post(reverse("admin:recommendations_apitoken_add"), form)
    assert response.status_code == 200
    assert response.context["adminform"].form.errors == {
        "organisation": [
            "partner-a is not a member of Assembly Monitor: add the membership first, "
            "or issue the token without an organisation."
        ],
        "days": ["Ensure this value is less than or equal to 180."],
    }
    assert not APIToken.objects.exists()


def test_editors_see_and_revoke_only_their_own_tokens_in_the_admin(client, editor_a, partner_a, org_a):
    mine, _ = issue(editor_a, org_a)
    theirs, _ = issue(partner_a, org_a)
    client.force_login(editor_a)
    listing = client.get(reverse("admin:recommendations_apitoken_changelist"))
    assert list(listing.context["cl"].result_list) == [mine]
    assert client.get(reverse("admin:recommendations_apitoken_add")).status_code == 403
    assert client.get(reverse("admin:recommendations_apitoken_change", args=[theirs.pk])).status_code == 302
    assert (
        client.post(reverse("admin:recommendations_apitoken_delete", args=[theirs.pk]), {"post": "yes"}).status_code
        == 302
    )
    assert (
        client.post(reverse("admin:recommendations_apitoken_delete", args=[mine.pk]), {"post": "yes"}).status_code
        == 302
    )
    assert list(APIToken.objects.all()) == [theirs]


def test_the_command_prints_the_key_once(partner_a, org_a, recommendation):
    out, err = io.StringIO(), io.StringIO()
    call_command(
        "create_api_token",
        "--user",
        "partner-a",
        "--organisation",
        "defenders-watch",
        "--scope",
        "write",
        "--days",
        "7",
        "--name",
        "Partner site sync",
        stdout=out,
        stderr=err,
    )
    key = out.getvalue().strip()
    token = APIToken.objects.get()
    assert out.getvalue() == f"{key}\n"
    assert hash_token(key) == token.digest
    assert err.getvalue() == (
        f"Issued Partner site sync ({key[:8]}…, partner-a, Defenders Watch), expiring "
        f"{token.expiry:%Y-%m-%d %H:%M} UTC. The key (shown only now):\n"
    )
    assert token.expiry.date() == (timezone.now() + datetime.timedelta(days=7)).date()
    response = keyed_client(key).post(ASSESSMENTS, assessment_payload(recommendation, "defenders-watch"), format="json")
    assert (response.status_code, response.json()["state"]) == (201, "draft")


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--user", "nobody", "--scope", "read"], "No user 'nobody'."),
        (
            ["--user", "partner-a", "--organisation", "nowhere", "--scope", "read"],
            "No organisation with the slug 'nowhere'.",
        ),
        (
            ["--user", "partner-a", "--organisation", "assembly-monitor", "--scope", "write"],
            "partner-a is not a member of Assembly Monitor: add the membership first, "
            "or issue the token without an organisation.",
        ),
        (
            ["--user", "partner-a", "--scope", "read", "--days", "400"],
            "A token lives from 1 to 365 days (API_TOKEN_MAX_DAYS), not 400.",
        ),
    ],
)
def test_the_command_refuses_what_the_admin_refuses(partner_a, org_b, arguments, message):
    with pytest.raises(CommandError) as refused:
        call_command("create_api_token", *arguments, stdout=io.StringIO(), stderr=io.StringIO())
    assert str(refused.value) == message
    assert not APIToken.objects.exists()


def test_a_token_without_days_lives_api_token_days(partner_a, settings):
    settings.API_TOKEN_DAYS = 30
    token, _ = issue(partner_a)
    assert token.expiry - token.created == pytest.approx(datetime.timedelta(days=30), abs=datetime.timedelta(seconds=5))


# Expiring, revocable --------------------------------------------------------------------------------------------


def test_an_expired_token_is_a_401_naming_the_day(partner_a, org_a):
    token, key = issue(partner_a, org_a)
    past = timezone.now() - datetime.timedelta(days=1)
    APIToken.objects.filter(pk=token.pk).update(created=past - datetime.timedelta(days=90), expiry=past)
    response = keyed_client(key).get(ASSESSMENTS)
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"
    assert response.json() == {
        "errors": {"detail": [f"This token expired on {past:%Y-%m-%d}. Ask an administrator for a new one."]}
    }
    assert APIToken.objects.filter(pk=token.pk).exists()  # still listed for the administrator


def test_a_token_deleted_in_the_admin_is_a_401(client, staff_admin, partner_a, org_a):
    token, key = issue(partner_a, org_a)
    assert keyed_client(key).get(ASSESSMENTS).status_code == 200
    client.force_login(staff_admin)
    client.post(reverse("admin:recommendations_apitoken_delete", args=[token.pk]), {"post": "yes"})
    response = keyed_client(key).get(ASSESSMENTS)
    assert (response.status_code, response.json()) == (401, INVALID)
    revoked = APIToken.history.get(history_type="-")
    assert (revoked.history_user, revoked.name) == (staff_admin, "Partner site sync")


def test_the_owner_revokes_a_token_with_itself_even_a_read_only_one(partner_a, org_a):
    token, key = issue(partner_a, org_a, scope="read")
    client = keyed_client(key)
    assert client.get("/api/v1/token/").json() == {
        "name": "Partner site sync",
        "prefix": key[:8],
        "organisation": "defenders-watch",
        "scope": "read",
        "created": token.created.isoformat().replace("+00:00", "Z"),
        "expiry": token.expiry.isoformat().replace("+00:00", "Z"),
        "last_used_at": APIToken.objects.get().last_used_at.isoformat().replace("+00:00", "Z"),
    }
    assert client.delete("/api/v1/token/").status_code == 204
    assert not APIToken.objects.exists()
    assert APIToken.history.get(history_type="-").history_user == partner_a
    assert (client.get("/api/v1/token/").status_code, client.get(ASSESSMENTS).json()) == (401, INVALID)


def test_only_a_token_has_a_token_to_show(api_client, client, editor_a):
    assert api_client.get("/api/v1/token/").status_code == 401
    client.force_login(editor_a)
    response = client.get("/api/v1/token/")
    assert response.status_code == 403
    assert response.json() == {
        "errors": {
            "detail": [
                "Only a request authenticated with an API token (Authorization: Token <key>) has a token to show."
            ]
        }
    }


def test_last_use_is_recorded_at_most_every_few_minutes(partner_a, django_assert_num_queries):
    token, key = issue(partner_a)
    client = keyed_client(key)
    client.get("/api/v1/cycles/")
    first = APIToken.objects.get().last_used_at
    assert timezone.now() - first < datetime.timedelta(seconds=5)
    # the token with its user, the cycles: no write of last_used_at
    with django_assert_num_queries(2):
        client.get("/api/v1/cycles/")
    assert APIToken.objects.get().last_used_at == first


@pytest.mark.parametrize(
    "header",
    ["Token \xff\xfe", "Token abc\x00def", "Token " + "a" * 129, "Token ab-cd", "Token", "Token a b"],
    ids=["latin-1", "nul", "too-long", "dash", "no-key", "space"],
)
def test_a_malformed_key_is_a_401_never_a_500(api_client, header):
    api_client.credentials(HTTP_AUTHORIZATION=header)
    response = api_client.post(EVIDENCE, {"title": "A report"}, format="json")
    assert response.status_code == 401
    assert list(response.json()["errors"]) == ["detail"]


# Scoped ----------------------------------------------------------------------------------------------------


def test_a_read_token_reads_but_is_refused_every_write(token_client, partner_a, org_a, recommendation):
    mine = draft_of(recommendation, org_a)
    report = EvidenceSource.objects.create(title="World Report 2014")
    client = token_client(partner_a, org_a, scope="read")
    assert client.get(f"{ASSESSMENTS}{mine.pk}/").status_code == 200  # its organisation's draft
    writes = [
        client.post(ASSESSMENTS, assessment_payload(recommendation, "defenders-watch"), format="json"),
        client.post(EVIDENCE, {"title": "Another report"}, format="json"),
        client.patch(f"{ASSESSMENTS}{mine.pk}/", {"narrative": "x"}, format="json", **if_match(mine)),
        client.put(f"{EVIDENCE}{report.pk}/", {"title": "x"}, format="json", **if_match(report)),
        client.delete(f"{ASSESSMENTS}{mine.pk}/", **if_match(mine)),
        client.delete(f"{EVIDENCE}{report.pk}/", **if_match(report)),
    ]
    assert [(r.status_code, r.json()) for r in writes] == [(403, READ_ONLY)] * 6
    assert (ImplementationAssessment.objects.count(), EvidenceSource.objects.count()) == (1, 1)
    mine.refresh_from_db()
    assert mine.version == 1


# Tied to one organisation -------------------------------------------------------------------------------------


def test_a_token_of_a_does_not_write_for_the_users_other_organisation(
    token_client, client, editor_a_and_c, org_a, org_c, recommendation
):
    theirs = draft_of(recommendation, org_c)
    token_a = token_client(editor_a_and_c, org_a)
    # C's drafts are not seen, a change is refused naming A alone, and a new assessment for C is only submitted.
    assert token_a.get(f"{ASSESSMENTS}{theirs.pk}/").status_code == 404
    theirs.state = ImplementationAssessment.Publication.PUBLISHED
    theirs.save()
    response = token_a.patch(f"{ASSESSMENTS}{theirs.pk}/", {"narrative": "x"}, format="json", **if_match(theirs))
    assert response.status_code == 403
    assert response.json() == {
        "errors": {
            "detail": [
                "Your account may write assessments only for its own organisations (defenders-watch), "
                "not for central-asia-rights."
            ]
        }
    }
    created = token_a.post(ASSESSMENTS, assessment_payload(recommendation, "central-asia-rights"), format="json")
    assert (created.status_code, created.json()["state"]) == (201, "submitted")
    for_a = token_a.post(ASSESSMENTS, assessment_payload(recommendation, "defenders-watch"), format="json")
    assert (for_a.status_code, for_a.json()["state"]) == (201, "draft")
    # The same account, signed in, still writes for C (an editor's change to a published one: a revision).
    client.force_login(editor_a_and_c)
    url = f"{ASSESSMENTS}{theirs.pk}/"
    response = client.patch(url, json.dumps({"narrative": "y"}), content_type="application/json", **if_match(theirs))
    assert response.status_code == 202


def test_a_staff_administrators_token_does_not_act_as_one(token_client, staff_admin, org_a, recommendation):
    draft = draft_of(recommendation, org_a)
    published = draft_of(recommendation, org_a)
    published.state = ImplementationAssessment.Publication.PUBLISHED
    published.save()
    token = token_client(staff_admin)
    assert token.get(f"{ASSESSMENTS}{draft.pk}/").status_code == 404
    response = token.patch(f"{ASSESSMENTS}{published.pk}/", {"narrative": "x"}, format="json", **if_match(published))
    assert response.status_code == 403
    assert token.delete(f"{ASSESSMENTS}{published.pk}/", **if_match(published)).status_code == 403
    created = token.post(
        ASSESSMENTS, assessment_payload(recommendation, "defenders-watch", state="published"), format="json"
    )
    assert (created.status_code, created.json()["state"]) == (201, "submitted")


def test_a_token_without_organisation_reads_and_only_submits(token_client, partner_a, org_a, recommendation):
    published = draft_of(recommendation, org_a)
    published.state = ImplementationAssessment.Publication.PUBLISHED
    published.save()
    draft = draft_of(recommendation, org_a)
    client = token_client(partner_a)  # partner A is a member of A, but this token acts for no organisation
    listed = {a["id"] for a in client.get(ASSESSMENTS).json()["results"]}
    assert listed == {published.pk}
    assert client.get(f"{ASSESSMENTS}{draft.pk}/").status_code == 404
    created = client.post(
        ASSESSMENTS, assessment_payload(recommendation, "defenders-watch", state="published"), format="json"
    )
    assert (created.status_code, created.json()["state"]) == (201, "submitted")
    mine = ImplementationAssessment.objects.get(pk=created.json()["id"])
    assert client.get(f"{ASSESSMENTS}{mine.pk}/").status_code == 200  # its own submission
    assert (
        client.patch(f"{ASSESSMENTS}{mine.pk}/", {"narrative": "x"}, format="json", **if_match(mine)).status_code == 403
    )


def test_a_token_loses_what_its_user_loses(token_client, partner_a, org_a, recommendation):
    client = token_client(partner_a, org_a)
    Membership.objects.filter(user=partner_a).delete()
    created = client.post(ASSESSMENTS, assessment_payload(recommendation, "defenders-watch"), format="json")
    assert (created.status_code, created.json()["state"]) == (201, "submitted")
    partner_a.is_active = False
    partner_a.save()
    assert client.get(ASSESSMENTS).json() == {"errors": {"detail": ["User inactive or deleted."]}}


# The model ---------------------------------------------------------------------------------------------------


def test_a_token_reads_well_and_its_scope_is_constrained(partner_a, org_a):
    token, key = issue(partner_a, org_a)
    assert str(token) == f"Partner site sync ({key[:8]}…, partner-a, Defenders Watch)"
    assert (
        str(issue(partner_a)[0])
        == f"Partner site sync ({APIToken.objects.latest('id').prefix}…, partner-a, no organisation)"
    )
    with pytest.raises(IntegrityError):
        APIToken.objects.filter(pk=token.pk).update(scope="admin")


# DRF's plaintext tokens, converted by migration 0015 -----------------------------------------------------------


@pytest.fixture
def drf_token_table(db):
    """The table rest_framework.authtoken left behind (created in the test's transaction, gone after it)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TABLE authtoken_token (key varchar(40) PRIMARY KEY, created timestamptz NOT NULL, "
            "user_id integer NOT NULL UNIQUE)"
        )

    def insert(key: str, user) -> None:
        with connection.cursor() as cursor:
            cursor.execute(
                "INSERT INTO authtoken_token VALUES (%s, %s, %s)",
                [key, datetime.datetime(2019, 5, 4, tzinfo=datetime.UTC), user.pk],
            )

    return insert


def convert_drf_tokens() -> None:
    migration = importlib.import_module("recommendations.migrations.0016_api_tokens_from_drf")
    migration.convert_drf_tokens(apps, SimpleNamespace(connection=connection))


def test_a_converted_drf_key_still_authenticates_and_writes_for_the_users_organisation(
    drf_token_table, partner_a, editor_a_and_c, recommendation, settings
):
    drf_token_table(OLD_DRF_KEY, partner_a)
    drf_token_table("1" * 40, editor_a_and_c)
    convert_drf_tokens()
    converted = APIToken.objects.get(user=partner_a)
    assert (converted.name, converted.scope, converted.organisation.slug) == (
        "Converted from the token of 2019-05-04",
        "write",
        "defenders-watch",
    )
    assert converted.expiry.date() == (timezone.now() + datetime.timedelta(days=settings.API_TOKEN_DAYS)).date()
    # A user of two organisations: the token acts for none.
    assert APIToken.objects.get(user=editor_a_and_c).organisation is None
    response = keyed_client(OLD_DRF_KEY).post(
        ASSESSMENTS, assessment_payload(recommendation, "defenders-watch"), format="json"
    )
    assert (response.status_code, response.json()["state"]) == (201, "draft")
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM authtoken_token")
        assert cursor.fetchone() == (0,)  # no key left in plain text


def test_without_drf_tokens_the_conversion_does_nothing(db):
    convert_drf_tokens()
    assert not APIToken.objects.exists()
