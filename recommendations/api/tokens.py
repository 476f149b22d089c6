"""/api/v1/token/: the token a request is made with. GET shows what it may do and until when, DELETE revokes it.

Apart from recommendations/api/auth.py, which DRF imports with its settings, before any view.
"""

from django.utils.translation import gettext_lazy
from rest_framework import generics, mixins, permissions, serializers
from rest_framework.request import Request
from rest_framework.response import Response

from recommendations.models import APIToken


class CurrentTokenSerializer(serializers.ModelSerializer):
    organisation = serializers.SlugRelatedField(slug_field="slug", read_only=True, allow_null=True)

    class Meta:
        model = APIToken
        fields = ["name", "prefix", "organisation", "scope", "created", "expiry", "last_used_at"]
        read_only_fields = fields


class HasAPIToken(permissions.IsAuthenticated):
    message = gettext_lazy(
        "Only a request authenticated with an API token (Authorization: Token <key>) has a token to show."
    )

    def has_permission(self, request: Request, view) -> bool:
        return super().has_permission(request, view) and isinstance(request.auth, APIToken)


class CurrentTokenView(mixins.RetrieveModelMixin, mixins.DestroyModelMixin, generics.GenericAPIView):
    """The token this request was made with: GET shows what it may do and until when, DELETE revokes it."""

    serializer_class = CurrentTokenSerializer
    permission_classes = [HasAPIToken]
    any_token_scope = True  # a read-only token may revoke itself too

    def get_object(self) -> APIToken:
        return self.request.auth

    def perform_destroy(self, token: APIToken) -> None:
        token._history_user = self.request.user  # the history of tokens names who revoked it
        token.delete()

    def get(self, request: Request, *args, **kwargs) -> Response:
        return self.retrieve(request, *args, **kwargs)

    def delete(self, request: Request, *args, **kwargs) -> Response:
        return self.destroy(request, *args, **kwargs)
