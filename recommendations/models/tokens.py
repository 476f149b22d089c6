"""API tokens: django-rest-knox's hashed tokens, named, scoped, expiring and bound to one organisation.

Only a SHA-512 digest of the key is stored (knox); the key itself is shown once, by the admin or by
`manage.py create_api_token`, and cannot be read back. recommendations/api/auth.py authenticates
`Authorization: Token <key>` against these rows, refuses a `read` token's writes, and marks the
user object so that recommendations/permissions.py lets it act only for the token's organisation.
"""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from knox.models import AbstractAuthToken, AuthTokenManager, get_digest_token
from knox.settings import CONSTANTS
from simple_history.models import HistoricalRecords

from recommendations.models.implementation import Membership, Organisation

PREFIX_LENGTH = 8


def lifetime_error(days: int) -> str | None:
    """Why a token may not live `days` days (API_TOKEN_MAX_DAYS), or None."""
    if 1 <= days <= settings.API_TOKEN_MAX_DAYS:
        return None
    values = {"max": settings.API_TOKEN_MAX_DAYS, "days": days}
    return gettext("A token lives from 1 to %(max)s days (API_TOKEN_MAX_DAYS), not %(days)s.") % values


class APITokenManager(AuthTokenManager):
    def create(self, *args, **kwargs):
        # Knox's create() issues a token without a name, scope check or membership check.
        raise TypeError("Issue API tokens with APIToken.objects.issue(), which validates them.")

    def issue(
        self, *, user, organisation: Organisation | None, scope: str, name: str, days: int | None = None
    ) -> tuple["APIToken", str]:
        """A new token and its key, which is not stored: the caller shows it once.

        Validated like the admin's form: the user must be a member of the organisation, the lifetime
        within API_TOKEN_MAX_DAYS (API_TOKEN_DAYS when not given).
        """
        token = self.model(user=user, organisation=organisation, scope=scope, name=name)
        key = token.set_new_key(days=settings.API_TOKEN_DAYS if days is None else days)
        token.full_clean(exclude=["digest"])
        token.save(force_insert=True)
        return token, key


class TokenScope(models.TextChoices):
    READ = "read", _("Read only")
    WRITE = "write", _("Read and write")


class APIToken(AbstractAuthToken):
    """A partner's or editor's key to the API (knox keeps only its digest)."""

    Scope = TokenScope  # defined before the model, where Meta's constraint can name its values

    # Knox keys its table by the digest; an id keeps digests out of admin URLs, logs and history.
    id = models.BigAutoField(_("ID"), primary_key=True)
    digest = models.CharField(_("digest"), max_length=CONSTANTS.DIGEST_LENGTH, unique=True, editable=False)
    # Knox's fields as knox declares them, with labels in the reader's language.
    token_key = models.CharField(
        _("token key"), max_length=CONSTANTS.MAXIMUM_TOKEN_PREFIX_LENGTH + CONSTANTS.TOKEN_KEY_LENGTH, db_index=True
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="auth_token_set", verbose_name=_("user")
    )
    created = models.DateTimeField(_("created"), auto_now_add=True)
    # Knox allows tokens without expiry; ours always expire (API_TOKEN_DAYS, at most API_TOKEN_MAX_DAYS).
    expiry = models.DateTimeField(_("expires at"), help_text=_("After this moment the key is refused."))
    name = models.CharField(
        _("name"),
        max_length=100,
        help_text=_('What the token is for, e.g. "Partner site sync"; shown in the list of tokens.'),
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="api_tokens",
        verbose_name=_("organisation"),
        help_text=_(
            "The one organisation requests with this token act for (the user must be a member). "
            "Without one, the token reads and submits assessments for moderation only."
        ),
    )
    scope = models.CharField(
        _("scope"),
        max_length=10,
        choices=Scope.choices,
        default=Scope.READ,
        help_text=_("A read-only token is refused every write (403)."),
    )
    last_used_at = models.DateTimeField(
        _("last used at"), null=True, blank=True, editable=False, help_text=_("Recorded at most every few minutes.")
    )

    objects = APITokenManager()
    # Who issued and who revoked each token (the digest is not kept; last use is not a change).
    history = HistoricalRecords(excluded_fields=["digest", "last_used_at"])

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        constraints = [
            models.CheckConstraint(condition=models.Q(scope__in=TokenScope.values), name="api_token_scope_valid"),
            models.CheckConstraint(condition=models.Q(expiry__gt=models.F("created")), name="api_token_expires"),
        ]

    def __str__(self) -> str:
        organisation = self.organisation or gettext("no organisation")
        return f"{self.name} ({self.prefix}…, {self.user}, {organisation})"

    def clean(self) -> None:
        if self.user_id and self.organisation_id and not self.is_member():
            message = gettext(
                "%(user)s is not a member of %(organisation)s: add the membership first, "
                "or issue the token without an organisation."
            )
            raise ValidationError({"organisation": message % {"user": self.user, "organisation": self.organisation}})

    def is_member(self) -> bool:
        return Membership.objects.filter(user_id=self.user_id, organisation_id=self.organisation_id).exists()

    def set_new_key(self, *, days: int) -> str:
        """Give the token a new random key (knox) that expires in `days` days; only its digest is kept."""
        if error := lifetime_error(days):
            raise ValidationError({"expiry": error})
        self.digest, key = get_digest_token()
        self.token_key = key[: CONSTANTS.TOKEN_KEY_LENGTH]
        self.expiry = timezone.now() + datetime.timedelta(days=days)
        return key

    @property
    def prefix(self) -> str:
        """The key's first characters, enough to recognise it by (knox stores 15 to look keys up)."""
        return self.token_key[:PREFIX_LENGTH]

    @property
    def expired(self) -> bool:
        return self.expiry <= timezone.now()

    @property
    def may_write(self) -> bool:
        return self.scope == self.Scope.WRITE
