"""Admin for briefing texts (see recommendations/models/briefing.py and recommendations/briefings/).

Editors see and change only their organisations' briefings; staff
administrators all of them. Saves go through recommendations.briefings.save_briefing,
the write path the public editor form uses too, so history names the editor.
"""

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet

from recommendations import permissions
from recommendations.admin.base import OrganisationDataAdmin, VersionedHistoryMixin
from recommendations.admin.forms import BriefingForm
from recommendations.briefings import language_sections, save_briefing
from recommendations.models import Briefing


@admin.register(Briefing)
class BriefingAdmin(VersionedHistoryMixin, OrganisationDataAdmin):
    form = BriefingForm
    list_display = ["__str__", "organisation", "state", "theme", "affected_group", "cycle", "published", "updated_at"]
    list_filter = ["published", "organisation", "cycle"]
    list_select_related = ["organisation", "state", "theme", "affected_group", "cycle"]
    search_fields = ["texts", "state__name", "organisation__name"]
    autocomplete_fields = ["state", "theme", "affected_group"]  # organisation: a short select of the user's own
    readonly_fields = ["updated_by", "created_at", "updated_at"]

    def get_fieldsets(self, request, obj=None):
        """The filters, then the texts of each language in a section of its own, then publication."""
        languages = [
            (name, {"fields": [field.name for field in fields]})
            for _language, name, fields in language_sections(self.form())
        ]
        end = ["published", ("updated_by", "created_at", "updated_at")]
        # The hidden version travels with the form; it is listed so the admin renders it.
        end += ["opened_version"] if obj is not None else []
        return [
            (None, {"fields": ["organisation", "state", ("theme", "affected_group", "cycle")]}),
            *languages,
            (None, {"fields": end}),
        ]

    def get_queryset(self, request) -> QuerySet:
        # The organisation's own texts: other organisations' published ones are read on the briefing pages.
        return permissions.changeable(super().get_queryset(request), request.user)

    def save_model(self, request, obj, form, change):
        if not permissions.may_write_for(request.user, obj.organisation_id):
            raise PermissionDenied
        if change:
            obj.version = self.expected_version(request, form, obj) or obj.version
        save_briefing(briefing=obj, user=request.user)
