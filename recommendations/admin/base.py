"""The admin bases of organisation data: core.admin's guarded admin with recommendations/permissions.py as guard.

Every ModelAdmin and inline here derives from one of these, so what it lists, shows, offers in a related
field and shows in its history is permissions.visible's, and a change, delete or restore asks
permissions.can_change. tests/security checks that every registered admin does.
"""

from django.contrib import admin
from django.db.models import QuerySet

from core import admin as core_admin
from core.admin import is_staff
from recommendations import permissions
from recommendations.admin.forms import with_user

__all__ = [
    "OrganisationDataAdmin",
    "PolicyAdmin",
    "PolicyInline",
    "ReadOnlyInline",
    "ReferenceDataAdmin",
    "StaffAdminInline",
    "VersionedHistoryMixin",
    "is_staff",
]


class PolicyChoices:
    """The policy as guard; an organisation field offers the organisations the user writes for."""

    guard = permissions

    def related_choices(self, db_field, request, queryset=None):
        if db_field.related_model is permissions.Organisation and db_field.name == "organisation":
            return permissions.organisation_choices(request.user)
        return super().related_choices(db_field, request, queryset)


class PolicyInline(PolicyChoices, core_admin.GuardedInline):
    pass


class PolicyAdmin(PolicyChoices, core_admin.GuardedAdmin):
    pass


class ReadOnlyInline(PolicyInline, admin.TabularInline):
    """Related rows listed for staff to read, through the policy, with links to change them on their own pages."""

    extra = 0
    show_change_link = True
    related: tuple[str, ...] = ()  # joined to each row (select_related)

    def get_queryset(self, request) -> QuerySet:
        return super().get_queryset(request).select_related(*self.related)

    def get_readonly_fields(self, request, obj=None):
        return self.fields

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def has_view_permission(self, request, obj=None) -> bool:
        return is_staff(request)


class ReferenceDataAdmin(PolicyChoices, core_admin.ReferenceDataAdmin):
    pass


class StaffAdminInline(PolicyChoices, core_admin.StaffAdminInline):
    pass


class OrganisationDataAdmin(PolicyAdmin):
    """Organisation data: members add it for their organisations and change what permissions.py lets them."""

    def has_add_permission(self, request, *args) -> bool:
        return is_staff(request) and permissions.is_editor(request.user)

    def may_change_some(self, request) -> bool:
        return is_staff(request) and permissions.is_editor(request.user)


class VersionedHistoryMixin:
    """History with restore for models with a version guard (admin/forms.py VersionGuardForm): assessments,
    evidence sources, briefing texts."""

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = with_user(super().get_form(request, obj, change=change, **kwargs), request.user)
        if getattr(request, "upr_reverting", False):
            form = type("RevertForm", (form,), {"reverting": True})
        return form

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        # Restoring an earlier version deliberately replaces the current one: no stale-version check.
        request.upr_reverting = True
        return super().history_form_view(request, object_id, version_id, extra_context)

    def expected_version(self, request, form, obj) -> int | None:
        if getattr(request, "upr_reverting", False):
            return type(obj).objects.values_list("version", flat=True).get(pk=obj.pk)
        return form.cleaned_data.get("opened_version")
