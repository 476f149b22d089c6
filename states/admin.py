from django.contrib import admin

from states.models import Bloc, BlocMembership, RegionalGroup, State, StateAlias


@admin.register(RegionalGroup)
class RegionalGroupAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "short_name"]
    search_fields = ["name", "code", "short_name"]


@admin.register(Bloc)
class BlocAdmin(admin.ModelAdmin):
    list_display = ["code", "name"]
    search_fields = ["code", "name"]


class StateAliasInline(admin.TabularInline):
    model = StateAlias
    extra = 0


class BlocMembershipInline(admin.TabularInline):
    model = BlocMembership
    extra = 0
    autocomplete_fields = ["bloc"]


@admin.register(State)
class StateAdmin(admin.ModelAdmin):
    list_display = ["name", "iso3", "iso2", "status", "regional_group"]
    list_filter = ["status", "regional_group", "blocs"]
    list_select_related = ["regional_group"]
    search_fields = ["name", "iso3", "iso2", "aliases__alias"]
    inlines = [StateAliasInline, BlocMembershipInline]


@admin.register(StateAlias)
class StateAliasAdmin(admin.ModelAdmin):
    list_display = ["alias", "state"]
    list_select_related = ["state"]
    search_fields = ["alias", "state__name", "state__iso3"]
    autocomplete_fields = ["state"]


@admin.register(BlocMembership)
class BlocMembershipAdmin(admin.ModelAdmin):
    list_display = ["state", "bloc"]
    list_filter = ["bloc"]
    list_select_related = ["state", "bloc"]
    search_fields = ["state__name", "bloc__code"]
    autocomplete_fields = ["state", "bloc"]
