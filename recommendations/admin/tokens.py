"""Admin for API tokens: staff administrators issue and revoke them; staff see and revoke their own.

The key is shown once, in the message after the token is saved; only its digest is stored, and
neither is shown again. A token's user, organisation, scope and lifetime are fixed when it is
issued: to change them, issue another token and delete this one.
"""

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from recommendations import permissions
from recommendations.admin.base import PolicyAdmin, is_staff
from recommendations.models import APIToken

ISSUED_FIELDS = ["user", "organisation", "scope"]


class APITokenAddForm(forms.ModelForm):
    days = forms.IntegerField(label=_("Lifetime (days)"))  # bounds from the settings of the moment, in __init__

    class Meta:
        model = APIToken
        fields = ["name", *ISSUED_FIELDS]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["days"] = forms.IntegerField(
            label=_("Lifetime (days)"),
            min_value=1,
            max_value=settings.API_TOKEN_MAX_DAYS,
            initial=settings.API_TOKEN_DAYS,
            help_text=gettext("The key is refused after this many days (at most %(max)s).")
            % {"max": settings.API_TOKEN_MAX_DAYS},
        )


class ExpiredFilter(admin.SimpleListFilter):
    title = _("expiry")
    parameter_name = "expired"

    def lookups(self, request, model_admin):
        return [("no", _("Valid")), ("yes", _("Expired"))]

    def queryset(self, request, queryset: QuerySet) -> QuerySet:
        if self.value() == "yes":
            return queryset.filter(expiry__lte=timezone.now())
        if self.value() == "no":
            return queryset.filter(expiry__gt=timezone.now())
        return queryset


@admin.register(APIToken)
class APITokenAdmin(PolicyAdmin):
    list_display = ["name", "key_prefix", "user", "organisation", "scope", "created", "expiry", "last_used_at"]
    list_filter = ["scope", ExpiredFilter, "organisation"]
    list_select_related = ["user", "organisation"]
    search_fields = ["name", "user__username", "organisation__name", "token_key"]
    autocomplete_fields = ["user"]
    readonly_fields = ["key_prefix", *ISSUED_FIELDS, "created", "expiry", "last_used_at"]
    ordering = ["-created"]

    @admin.display(description=_("key begins with"))
    def key_prefix(self, token: APIToken) -> str:
        return format_html("<code>{}…</code>", token.prefix)

    def get_fields(self, request, obj=None) -> list[str]:
        if obj is None:
            return ["name", *ISSUED_FIELDS, "days"]
        return ["name", *self.readonly_fields]

    def get_readonly_fields(self, request, obj=None) -> list[str]:
        return [] if obj is None else self.readonly_fields

    def get_form(self, request, obj=None, **kwargs):
        if obj is None:
            kwargs["form"] = APITokenAddForm
        return super().get_form(request, obj, **kwargs)

    def save_model(self, request, obj: APIToken, form, change: bool) -> None:
        key = None if change else obj.set_new_key(days=form.cleaned_data["days"])
        super().save_model(request, obj, form, change)
        if key:
            message = gettext(
                "The key of “%(name)s” is %(key)s — copy it now: it is shown only this once and "
                "cannot be read back. Send it to its user over a secure channel."
            )
            self.message_user(request, message % {"name": obj.name, "key": key}, messages.WARNING)

    # Who sees a token (its user, staff administrators) is permissions.py's rule; the list shows those.
    def has_add_permission(self, request) -> bool:
        return permissions.is_staff_admin(request.user)

    def has_change_permission(self, request, obj=None) -> bool:
        return permissions.is_staff_admin(request.user)

    def has_delete_permission(self, request, obj=None) -> bool:
        return is_staff(request) and (obj is None or permissions.can_change(request.user, obj))
