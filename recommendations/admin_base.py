"""What every admin page shares: history (simple-history) and the one policy of permissions.py.

Every ModelAdmin of the project derives from PolicyAdmin, which loads what it lists, shows, offers in a
related field (select, autocomplete, raw id, popup) and shows in its history through permissions.visible,
and asks permissions.can_change before a change, a delete or a restore from history. tests/security checks
that every registered admin does.
"""

from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import Http404
from simple_history.admin import SimpleHistoryAdmin

from recommendations import permissions


def is_staff(request) -> bool:
    return request.user.is_active and request.user.is_staff


class RelatedChoices:
    """Related fields offer only what the user may see: selects, autocompletes, raw ids and popups."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        kwargs["queryset"] = self.related_choices(db_field, request, kwargs.get("queryset"))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        kwargs["queryset"] = self.related_choices(db_field, request, kwargs.get("queryset"))
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def related_choices(self, db_field: models.Field, request, queryset=None):
        if db_field.related_model is permissions.Organisation and db_field.name == "organisation":
            return permissions.organisation_choices(request.user)
        queryset = queryset if queryset is not None else db_field.related_model._default_manager.all()
        return permissions.visible(queryset, request.user)


class PolicyInline(RelatedChoices):
    """An inline's rows and choices through permissions.py, like PolicyAdmin's."""

    def get_queryset(self, request):
        return permissions.visible(super().get_queryset(request), request.user)


class PolicyAdmin(RelatedChoices, SimpleHistoryAdmin):
    """Staff read the admin; permissions.py decides which rows, and which of them they change."""

    def get_queryset(self, request):
        return permissions.visible(super().get_queryset(request), request.user)

    def has_module_permission(self, request) -> bool:
        return is_staff(request)

    def has_view_permission(self, request, obj=None) -> bool:
        return is_staff(request) and (obj is None or permissions.can_see(request.user, obj))

    def has_change_permission(self, request, obj=None) -> bool:
        if obj is None:
            return self.may_change_some(request)
        return is_staff(request) and permissions.can_change(request.user, obj)

    def has_delete_permission(self, request, obj=None) -> bool:
        return self.has_change_permission(request, obj)

    def may_change_some(self, request) -> bool:
        return permissions.is_staff_admin(request.user)

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
        if request.method == "POST" and not permissions.may_revert(request.user, current):
            raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)

    def _has_versions(self) -> bool:
        return hasattr(self.model._meta, "simple_history_manager_attribute")

    def _current(self, request, object_id):
        """The object as it is now, if the user may read its history; else 404 (403 when it is visible)."""
        obj = self.get_queryset(request).filter(pk=unquote(object_id)).first()
        if obj is None:
            if permissions.is_staff_admin(request.user):  # a deleted object's history, for administrators
                return self.model(pk=unquote(object_id))
            raise Http404
        if not permissions.can_read_history(request.user, obj):
            raise PermissionDenied
        return obj

    def has_view_history_permission(self, request, obj=None) -> bool:
        return is_staff(request) and (obj is None or permissions.can_read_history(request.user, obj))

    def has_change_history_permission(self, request, obj=None) -> bool:
        return is_staff(request) and obj is not None and permissions.may_revert(request.user, obj)


class ReferenceDataAdmin(PolicyAdmin):
    """Reference data (States, themes, sessions, organisations …): staff read it, staff administrators change it.

    Model permissions granted in the admin (a user's or a group's) still count, for models without an
    organisation rule. Every change is recorded with its author; "History" restores an earlier version.
    """

    def has_add_permission(self, request, *args) -> bool:
        return permissions.is_staff_admin(request.user) or self._granted(request, "add")

    def has_change_permission(self, request, obj=None) -> bool:
        return super().has_change_permission(request, obj) or self._granted(request, "change")

    def has_delete_permission(self, request, obj=None) -> bool:
        return super().has_change_permission(request, obj) or self._granted(request, "delete")

    def _granted(self, request, action: str) -> bool:
        if permissions.holds_organisation_data(self.model):
            return False
        return is_staff(request) and request.user.has_perm(f"{self.opts.app_label}.{action}_{self.opts.model_name}")


class OrganisationDataAdmin(PolicyAdmin):
    """Organisation data: members add it for their organisations and change what permissions.py lets them."""

    def has_add_permission(self, request, *args) -> bool:
        return is_staff(request) and permissions.is_editor(request.user)

    def may_change_some(self, request) -> bool:
        return is_staff(request) and permissions.is_editor(request.user)


class StaffAdminInline(PolicyInline):
    """An inline only staff administrators change (editors see what they may of it, read-only)."""

    def has_add_permission(self, request, obj=None) -> bool:
        return permissions.is_staff_admin(request.user)

    def has_change_permission(self, request, obj=None) -> bool:
        return permissions.is_staff_admin(request.user)

    def has_delete_permission(self, request, obj=None) -> bool:
        return permissions.is_staff_admin(request.user)

    def has_view_permission(self, request, obj=None) -> bool:
        return is_staff(request)
