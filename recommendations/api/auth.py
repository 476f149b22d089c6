"""`Authorization: Token <key>`: django-rest-knox's token authentication, with this project's rules.

- Knox finds the token by the key's first 15 characters and compares SHA-512 digests in constant
  time; the key itself is stored nowhere (recommendations/models/tokens.py).
- An expired token is a 401 naming the day it expired. It stays listed in the admin until an
  administrator deletes it (knox would delete it when presented, reading all of the user's tokens on
  every request to do so).
- A `read` token is refused every unsafe method with a 403, on every DRF view: DRF authenticates
  before it checks a view's permissions, so no view, present or future, can forget the check.
- The token is put on the user object as `user.api_token`: recommendations/permissions.py then lets
  the request act only for the token's organisation, and never as a staff administrator.
- `last_used_at` is recorded at most every LAST_USED_PRECISION, so that a busy client does not
  write a row per request.
"""

import datetime
import re

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from knox.auth import TokenAuthentication as KnoxTokenAuthentication
from rest_framework import permissions
from rest_framework.exceptions import AuthenticationFailed, PermissionDenied
from rest_framework.request import Request

from recommendations.models import APIToken

KEY = re.compile(r"[0-9A-Za-z]{1,128}")
LAST_USED_PRECISION = datetime.timedelta(minutes=5)
READ_ONLY_MESSAGE = gettext_lazy(
    "This API token is read-only (scope read): it may not create, change or delete anything. "
    "Ask an administrator for a token with scope write."
)


class TokenAuthentication(KnoxTokenAuthentication):
    def authenticate(self, request: Request):
        result = super().authenticate(request)
        if result is not None:
            refuse_read_only_writes(request, result[1])
        return result

    def authenticate_credentials(self, token: bytes):
        # Keys are hexadecimal (knox's 64 characters, DRF's 40 before): anything else is refused before
        # knox decodes it (invalid UTF-8 would be a 500) or PostgreSQL sees it (a NUL byte would be one too).
        if not KEY.fullmatch(token.decode("latin-1")):
            raise AuthenticationFailed(_("Invalid token."))
        return super().authenticate_credentials(token)

    def validate_user(self, auth_token: APIToken):
        """Called by knox once the key matched: refuse expired tokens, then mark the user."""
        user, token = super().validate_user(auth_token)
        if token.expired:
            raise AuthenticationFailed(
                _("This token expired on %(date)s. Ask an administrator for a new one.")
                % {"date": f"{token.expiry:%Y-%m-%d}"}
            )
        record_use(token)
        user.api_token = token
        return user, token

    def _cleanup_token(self, auth_token: APIToken) -> bool:
        # Knox deletes expired tokens here, before the key is compared; validate_user refuses them instead.
        return False


def refuse_read_only_writes(request: Request, token: APIToken) -> None:
    view = request.parser_context.get("view")
    if request.method in permissions.SAFE_METHODS or token.may_write or getattr(view, "any_token_scope", False):
        return
    raise PermissionDenied(READ_ONLY_MESSAGE)


def record_use(token: APIToken) -> None:
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_PRECISION:
        APIToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
