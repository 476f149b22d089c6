"""Admin for reference data (cycles, sessions, reviews, taxonomies), organisations, roles and tombstones."""

from django.contrib import admin

from core.admin import TranslatedNamesAdmin
from recommendations.admin.base import (
    PolicyAdmin,
    ReferenceDataAdmin,
    StaffAdminInline,
)
from recommendations.models import (
    SDG,
    AffectedGroup,
    Cycle,
    DeletedObject,
    Membership,
    Organisation,
    Review,
    Session,
    Theme,
    ThemeScheme,
)


@admin.register(Cycle)
class CycleAdmin(ReferenceDataAdmin):
    list_display = ["number", "start_year", "end_year"]
    search_fields = ["number"]


@admin.register(Session)
class SessionAdmin(ReferenceDataAdmin):
    list_display = ["number", "cycle", "start_date", "end_date"]
    list_filter = ["cycle"]
    list_select_related = ["cycle"]
    search_fields = ["number"]


@admin.register(Review)
class ReviewAdmin(ReferenceDataAdmin):
    list_display = ["state", "session", "review_date", "adoption_date", "report_symbol"]
    list_filter = ["session__cycle", "session", "state__regional_group"]
    list_select_related = ["state", "session"]
    search_fields = ["state__name", "state__iso3", "report_symbol", "addendum_symbol"]
    autocomplete_fields = ["state", "session"]


@admin.register(ThemeScheme)
class ThemeSchemeAdmin(TranslatedNamesAdmin, ReferenceDataAdmin):
    list_display = ["name", "slug", "version"]
    search_fields = ["name", "slug"]


@admin.register(Theme)
class ThemeAdmin(TranslatedNamesAdmin, ReferenceDataAdmin):
    list_display = ["name", "code", "scheme", "parent"]
    list_filter = ["scheme"]
    list_select_related = ["scheme", "parent"]
    search_fields = ["name", "code"]
    autocomplete_fields = ["parent"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(AffectedGroup)
class AffectedGroupAdmin(TranslatedNamesAdmin, ReferenceDataAdmin):
    list_display = ["name"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(SDG)
class SDGAdmin(TranslatedNamesAdmin, ReferenceDataAdmin):
    list_display = ["number", "name"]
    search_fields = ["name", "number"]


class MembershipInline(StaffAdminInline, admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Organisation)
class OrganisationAdmin(ReferenceDataAdmin):
    list_display = ["name", "kind", "website"]
    list_filter = ["kind"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [MembershipInline]


@admin.register(Membership)
class MembershipAdmin(ReferenceDataAdmin):
    list_display = ["user", "organisation", "role"]
    list_filter = ["role", "organisation"]
    list_select_related = ["user", "organisation"]
    search_fields = ["user__username", "organisation__name"]
    autocomplete_fields = ["user", "organisation"]


@admin.register(DeletedObject)
class DeletedObjectAdmin(PolicyAdmin):
    """Tombstones for API sync (/api/v1/deletions/): written by services.py, read-only here."""

    list_display = ["kind", "object_id", "deleted_at"]
    list_filter = ["kind"]
    search_fields = ["object_id"]
    date_hierarchy = "deleted_at"

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
