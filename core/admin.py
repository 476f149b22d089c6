"""What every admin page shares: history (simple-history) guarded by a policy.

A `guard` answers five questions — `visible(queryset, user)`, `can_see(user, obj)`, `can_change(user, obj)`,
`can_read_history(user, obj)`, `may_revert(user, obj)` — and every list, page, related-field choice
(select, autocomplete, raw id, popup), history page and restore of a GuardedAdmin asks it. The default,
STAFF_READS, is reference data's: staff read everything, staff administrators change it.
recommendations/admin/base.py plugs in recommendations/permissions.py, the policy of organisation data.
"""

from django import forms
from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import Http404
from django.utils.translation import gettext as _
from simple_history.admin import SimpleHistoryAdmin

from core.localized import NAME_MAX_LENGTH, translation_languages
from core.roles import is_staff_admin


def is_staff(request) -> bool:
    return request.user.is_active and request.user.is_staff


class StaffReads:
    """Reference data: staff see everything (the admin asks is_staff first), staff administrators change it."""

    @staticmethod
    def visible(queryset, user):
        return queryset

    @staticmethod
    def can_see(user, obj) -> bool:
        return True

    can_read_history = can_see

    @staticmethod
    def can_change(user, obj) -> bool:
        return is_staff_admin(user)

    may_revert = can_change

    @staticmethod
    def holds_organisation_data(model) -> bool:
        return False


STAFF_READS = StaffReads()


class RelatedChoices:
    """Related fields offer only what the guard lets the user see."""

    guard = STAFF_READS

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        kwargs["queryset"] = self.related_choices(db_field, request, kwargs.get("queryset"))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        kwargs["queryset"] = self.related_choices(db_field, request, kwargs.get("queryset"))
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def related_choices(self, db_field: models.Field, request, queryset=None):
        queryset = queryset if queryset is not None else db_field.related_model._default_manager.all()
        return self.guard.visible(queryset, request.user)


class GuardedInline(RelatedChoices):
    """An inline's rows and choices through the guard, like GuardedAdmin's."""

    def get_queryset(self, request):
        return self.guard.visible(super().get_queryset(request), request.user)


class GuardedAdmin(RelatedChoices, SimpleHistoryAdmin):
    """Staff read the admin; the guard decides which rows, and which of them they change."""

    def get_queryset(self, request):
        return self.guard.visible(super().get_queryset(request), request.user)

    def has_module_permission(self, request) -> bool:
        return is_staff(request)

    def has_view_permission(self, request, obj=None) -> bool:
        return is_staff(request) and (obj is None or self.guard.can_see(request.user, obj))

    def has_change_permission(self, request, obj=None) -> bool:
        if obj is None:
            return self.may_change_some(request)
        return is_staff(request) and self.guard.can_change(request.user, obj)

    def has_delete_permission(self, request, obj=None) -> bool:
        return self.has_change_permission(request, obj)

    def may_change_some(self, request) -> bool:
        return is_staff_admin(request.user)

    # History: the versions of an object the user may see now; restoring one needs change permission on it.
    def history_view(self, request, object_id, extra_context=None):
        self._current(request, object_id)
        if not self._has_versions():
            return admin.ModelAdmin.history_view(self, request, object_id, extra_context)  # the admin's log
        return super().history_view(request, object_id, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if not str(version_id).isdigit() or not self._has_versions():
            raise Http404
        current = self._current(request, object_id)
        if request.method == "POST" and not self.guard.may_revert(request.user, current):
            raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)

    def _has_versions(self) -> bool:
        return hasattr(self.model._meta, "simple_history_manager_attribute")

    def _current(self, request, object_id):
        """The object as it is now, if the user may read its history; else 404 (403 when it is visible)."""
        obj = self.get_queryset(request).filter(pk=unquote(object_id)).first()
        if obj is None:
            if is_staff_admin(request.user):  # a deleted object's history, for administrators
                return self.model(pk=unquote(object_id))
            raise Http404
        if not self.guard.can_read_history(request.user, obj):
            raise PermissionDenied
        return obj

    def has_view_history_permission(self, request, obj=None) -> bool:
        return is_staff(request) and (obj is None or self.guard.can_read_history(request.user, obj))

    def has_change_history_permission(self, request, obj=None) -> bool:
        return is_staff(request) and obj is not None and self.guard.may_revert(request.user, obj)


class ReferenceDataAdmin(GuardedAdmin):
    """Reference data (States, themes, sessions, organisations …): staff read it, staff administrators change it.

    Model permissions granted in the admin (a user's or a group's) still count, for models without an
    organisation rule. Every change is recorded with its author; "History" restores an earlier version.
    """

    def has_add_permission(self, request, *args) -> bool:
        return is_staff_admin(request.user) or self._granted(request, "add")

    def has_change_permission(self, request, obj=None) -> bool:
        return super().has_change_permission(request, obj) or self._granted(request, "change")

    def has_delete_permission(self, request, obj=None) -> bool:
        return super().has_change_permission(request, obj) or self._granted(request, "delete")

    def _granted(self, request, action: str) -> bool:
        if self.guard.holds_organisation_data(self.model):
            return False
        return is_staff(request) and request.user.has_perm(f"{self.opts.app_label}.{action}_{self.opts.model_name}")


class StaffAdminInline(GuardedInline):
    """An inline only staff administrators change (editors see what they may of it, read-only)."""

    def has_add_permission(self, request, obj=None) -> bool:
        return is_staff_admin(request.user)

    def has_change_permission(self, request, obj=None) -> bool:
        return is_staff_admin(request.user)

    def has_delete_permission(self, request, obj=None) -> bool:
        return is_staff_admin(request.user)

    def has_view_permission(self, request, obj=None) -> bool:
        return is_staff(request)


class TranslatedNamesAdmin:
    """The admin of a reference model with name_translations (core/localized.py): one field per language of the
    site (settings.LANGUAGES) beside the English name, instead of the raw JSON. A blank field removes that
    language's name (readers then see the English one); languages the site does not offer are kept as stored."""

    exclude = ["name_translations"]

    def get_form(self, request, obj=None, change=False, **kwargs):
        fields = {
            f"name_{code}": forms.CharField(
                label=_("Name (%(language)s)") % {"language": language},
                required=False,
                max_length=NAME_MAX_LENGTH,
                help_text=self.blank_name_help(obj, code),
            )
            for code, language in translation_languages()
        }
        kwargs["form"] = type(self.form.__name__, (TranslatedNamesForm, self.form), fields)
        return super().get_form(request, obj, change=change, **kwargs)

    def blank_name_help(self, obj, language: str) -> str:
        """What readers see in `language` when its field is left blank."""
        return _("Leave blank to show the English name.")

    def get_fields(self, request, obj=None):
        """The names in other languages right after the English name."""
        fields = list(super().get_fields(request, obj))
        names = [field for field in fields if field.startswith("name_")]
        rest = [field for field in fields if field not in names]
        at = rest.index("name") + 1 if "name" in rest else len(rest)
        return [*rest[:at], *names, *rest[at:]]


class TranslatedNamesForm(forms.ModelForm):
    """Fills the name_<language> fields from the row's name_translations and stores them back."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        stored = self.instance.name_translations or {}
        for code, _language in translation_languages():
            self.fields[f"name_{code}"].initial = stored.get(code, "")

    def clean(self) -> dict:
        cleaned = super().clean()
        offered = [code for code, _language in translation_languages()]
        translations = {
            code: name for code, name in (self.instance.name_translations or {}).items() if code not in offered
        }
        for code in offered:
            name = (cleaned.get(f"name_{code}") or "").strip()
            if name:
                translations[code] = name
        self.instance.name_translations = translations
        return cleaned
