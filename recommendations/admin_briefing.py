"""Admin for briefing texts (see recommendations/models/briefing.py and states/briefing.py).

Editors see and change only their organisations' briefings; staff
administrators all of them. Saves go through states.briefing.save_briefing,
the write path the public editor form uses too, so history names the editor.
"""

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from simple_history.admin import SimpleHistoryAdmin

from recommendations import permissions
from recommendations.admin_base import EditorPermissionsMixin
from recommendations.models import Briefing
from states.briefing import save_briefing


def _may_change(user, briefing: Briefing) -> bool:
    return permissions.may_write_for(user, briefing.organisation_id)


@admin.register(Briefing)
class BriefingAdmin(EditorPermissionsMixin, SimpleHistoryAdmin):
    list_display = ["__str__", "organisation", "state", "theme", "affected_group", "cycle", "published", "updated_at"]
    list_filter = ["published", "organisation", "cycle"]
    list_select_related = ["organisation", "state", "theme", "affected_group", "cycle"]
    search_fields = ["title", "introduction", "conclusion", "state__name", "organisation__name"]
    autocomplete_fields = ["state", "theme", "affected_group"]  # organisation: a short select of the user's own
    readonly_fields = ["updated_by", "created_at", "updated_at"]
    fields = [
        "organisation",
        "state",
        ("theme", "affected_group", "cycle"),
        "title",
        "introduction",
        "conclusion",
        "published",
        ("updated_by", "created_at", "updated_at"),
    ]

    can_change_object = staticmethod(_may_change)

    def get_queryset(self, request) -> QuerySet:
        briefings = super().get_queryset(request)
        if permissions.is_staff_admin(request.user):
            return briefings
        return briefings.filter(organisation_id__in=permissions.organisations_for(request.user))

    def save_model(self, request, obj, form, change):
        if not permissions.may_write_for(request.user, obj.organisation_id):
            raise PermissionDenied
        save_briefing(briefing=obj, user=request.user)
