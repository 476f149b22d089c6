"""Partners' existing keys keep working: DRF's plaintext tokens become API tokens with the same key.

Each row of DRF's authtoken_token (rest_framework.authtoken, no longer installed) becomes an APIToken
holding the SHA-512 digest of the key and its first 15 characters, as knox stores every key. It
- expires API_TOKEN_DAYS after this migration (DRF's tokens never expired);
- has scope write (they could write);
- acts for the user's organisation when the user belongs to exactly one, else for none: it then reads
  and submits assessments for moderation only (a staff administrator's token no longer acts as one).
The converted rows are then deleted from authtoken_token, so that no key stays in plain text; the
empty table is left for the administrator to drop (README, "Upgrading"). Without that table (an
installation that never had DRF's tokens) there is nothing to do. Going back cannot restore the keys.
"""

import datetime
from collections import defaultdict

from django.conf import settings
from django.db import migrations
from django.utils import timezone
from knox.crypto import hash_token
from knox.settings import CONSTANTS

DRF_TABLE = "authtoken_token"


def convert_drf_tokens(apps, schema_editor) -> None:
    connection = schema_editor.connection
    if DRF_TABLE not in connection.introspection.table_names():
        return
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT key, user_id, created FROM {DRF_TABLE}")
        rows = cursor.fetchall()
    APIToken = apps.get_model("recommendations", "APIToken")
    only_organisation = _only_organisations(apps.get_model("recommendations", "Membership"), connection.alias)
    expiry = timezone.now() + datetime.timedelta(days=settings.API_TOKEN_DAYS)
    tokens = [
        APIToken(
            digest=hash_token(key),
            token_key=key[: CONSTANTS.TOKEN_KEY_LENGTH],
            user_id=user_id,
            organisation_id=only_organisation.get(user_id),
            scope="write",
            name=f"Converted from the token of {created:%Y-%m-%d}",
            expiry=expiry,
        )
        for key, user_id, created in rows
    ]
    APIToken.objects.using(connection.alias).bulk_create(tokens, ignore_conflicts=True)
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {DRF_TABLE}")


def _only_organisations(Membership, alias: str) -> dict[int, int]:
    """{user id: organisation id} of the users who belong to exactly one organisation."""
    organisations = defaultdict(list)
    for user_id, organisation_id in Membership.objects.using(alias).values_list("user_id", "organisation_id"):
        organisations[user_id].append(organisation_id)
    return {user_id: ids[0] for user_id, ids in organisations.items() if len(ids) == 1}


class Migration(migrations.Migration):
    dependencies = [
        ("recommendations", "0015_api_token"),
    ]

    operations = [
        migrations.RunPython(convert_drf_tokens, migrations.RunPython.noop, elidable=True),
    ]
