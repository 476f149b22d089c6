from django.contrib import admin
from django.utils.translation import gettext as _

from core.admin import ReferenceDataAdmin, StaffAdminInline, TranslatedNamesAdmin
from states.models import Bloc, BlocMembership, RegionalGroup, State, StateAlias
from states.names import cldr_name


@admin.register(RegionalGroup)
class RegionalGroupAdmin(TranslatedNamesAdmin, ReferenceDataAdmin):
    list_display = ["name", "code", "short_name"]
    search_fields = ["name", "code", "short_name"]


@admin.register(Bloc)
class BlocAdmin(TranslatedNamesAdmin, ReferenceDataAdmin):
    list_display = ["code", "name"]
    search_fields = ["code", "name"]


class StateAliasInline(StaffAdminInline, admin.TabularInline):
    model = StateAlias
    extra = 0


class BlocMembershipInline(StaffAdminInline, admin.TabularInline):
    model = BlocMembership
    extra = 0
    autocomplete_fields = ["bloc"]


@admin.register(State)
class StateAdmin(TranslatedNamesAdmin, ReferenceDataAdmin):
    list_display = ["name", "iso3", "iso2", "status", "regional_group"]
    list_filter = ["status", "regional_group", "blocs"]
    list_select_related = ["regional_group"]
    search_fields = ["name", "iso3", "iso2", "aliases__alias"]
    inlines = [StateAliasInline, BlocMembershipInline]

    def blank_name_help(self, obj, language: str) -> str:
        found = cldr_name(obj.iso2, language) if obj is not None else None
        if found is None:
            return _("Leave blank to show CLDR's name of the State, or the English name when CLDR has none.")
        return _("Leave blank to show CLDR's name: “%(name)s”.") % {"name": found}


@admin.register(StateAlias)
class StateAliasAdmin(ReferenceDataAdmin):
    list_display = ["alias", "state"]
    list_select_related = ["state"]
    search_fields = ["alias", "state__name", "state__iso3"]
    autocomplete_fields = ["state"]


@admin.register(BlocMembership)
class BlocMembershipAdmin(ReferenceDataAdmin):
    list_display = ["state", "bloc"]
    list_filter = ["bloc"]
    list_select_related = ["state", "bloc"]
    search_fields = ["state__name", "bloc__code"]
    autocomplete_fields = ["state", "bloc"]
