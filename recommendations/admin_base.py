"""What every admin page shares: history (simple-history) and the permission rules of permissions.py."""

from simple_history.admin import SimpleHistoryAdmin

from recommendations import permissions


def is_staff(request) -> bool:
    return request.user.is_active and request.user.is_staff


class ReferenceDataAdmin(SimpleHistoryAdmin):
    """Reference data (States, themes, sessions, organisations …): staff read it, staff administrators change it.

    Every change is recorded with its author; "History" on a change page
    shows the versions and restores an earlier one.
    """

    def has_module_permission(self, request) -> bool:
        return is_staff(request)

    def has_view_permission(self, request, obj=None) -> bool:
        return is_staff(request)

    # Model permissions granted in the admin (a user's or a group's) still count.
    def has_add_permission(self, request, *args) -> bool:
        return permissions.is_staff_admin(request.user) or super().has_add_permission(request, *args)

    def has_change_permission(self, request, obj=None) -> bool:
        return permissions.is_staff_admin(request.user) or super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None) -> bool:
        return permissions.is_staff_admin(request.user) or super().has_delete_permission(request, obj)


class StaffAdminInline:
    """An inline only staff administrators change (editors see it read-only)."""

    def has_add_permission(self, request, obj=None) -> bool:
        return permissions.is_staff_admin(request.user)

    def has_change_permission(self, request, obj=None) -> bool:
        return permissions.is_staff_admin(request.user)

    def has_delete_permission(self, request, obj=None) -> bool:
        return permissions.is_staff_admin(request.user)

    def has_view_permission(self, request, obj=None) -> bool:
        return is_staff(request)


class EditorPermissionsMixin:
    """Staff read; editors add; whether one object may be changed or deleted is permissions.py's call.

    Subclasses name the rule: ``can_change_object = staticmethod(permissions.can_change_…)``,
    and ``can_delete_object`` when deleting follows another rule.
    """

    can_change_object = None
    can_delete_object = None

    # An organisation field offers only the organisations the user may write for.
    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "organisation":
            kwargs["queryset"] = permissions.organisation_choices(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def has_module_permission(self, request) -> bool:
        return is_staff(request)

    def has_view_permission(self, request, obj=None) -> bool:
        return is_staff(request)

    def has_add_permission(self, request) -> bool:
        return permissions.is_editor(request.user)

    def has_change_permission(self, request, obj=None) -> bool:
        if obj is None:
            return permissions.is_editor(request.user)
        return self.can_change_object(request.user, obj)

    def has_delete_permission(self, request, obj=None) -> bool:
        if obj is None:
            return permissions.is_editor(request.user)
        return (self.can_delete_object or self.can_change_object)(request.user, obj)
