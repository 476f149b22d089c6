from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from recommendations.models import APIToken, Organisation


class Command(BaseCommand):
    help = (
        "Issue an API token and print its key, once: only a digest is stored. The user must be a member "
        "of the organisation; without --organisation the token only reads and submits assessments for moderation."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--user", required=True, help="Username of the token's account.")
        parser.add_argument("--organisation", metavar="SLUG", help="The organisation the token acts for.")
        parser.add_argument("--scope", required=True, choices=APIToken.Scope.values)
        parser.add_argument("--days", type=int, help=f"Lifetime (default API_TOKEN_DAYS, {settings.API_TOKEN_DAYS}).")
        parser.add_argument("--name", default="", help='What it is for, e.g. "Partner site sync".')

    def handle(self, *args, **options) -> None:
        user = self._user(options["user"])
        organisation = self._organisation(options["organisation"])
        name = options["name"] or f"Issued to {user.get_username()} by create_api_token"
        try:
            token, key = APIToken.objects.issue(
                user=user, organisation=organisation, scope=options["scope"], name=name, days=options["days"]
            )
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        self.stderr.write(f"Issued {token}, expiring {token.expiry:%Y-%m-%d %H:%M} UTC. The key (shown only now):")
        self.stdout.write(key)

    def _user(self, username: str):
        try:
            return get_user_model().objects.get_by_natural_key(username)
        except get_user_model().DoesNotExist:
            raise CommandError(f"No user {username!r}.") from None

    def _organisation(self, slug: str | None) -> Organisation | None:
        if slug is None:
            return None
        try:
            return Organisation.objects.get(slug=slug)
        except Organisation.DoesNotExist:
            raise CommandError(f"No organisation with the slug {slug!r}.") from None
