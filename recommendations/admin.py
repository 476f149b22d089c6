from django.contrib import admin
from django.urls import path
from rest_framework.authtoken.admin import TokenAdmin

from recommendations import admin_import, services
from recommendations.models import (
    SDG,
    AffectedGroup,
    Citation,
    Cycle,
    DeletedObject,
    EvidenceSource,
    ImplementationAssessment,
    Membership,
    Organisation,
    Position,
    Recommendation,
    Review,
    Session,
    Theme,
    ThemeScheme,
)


@admin.register(Cycle)
class CycleAdmin(admin.ModelAdmin):
    list_display = ["number", "start_year", "end_year"]
    search_fields = ["number"]


@admin.register(Session)
class SessionAdmin(admin.ModelAdmin):
    list_display = ["number", "cycle", "start_date", "end_date"]
    list_filter = ["cycle"]
    list_select_related = ["cycle"]
    search_fields = ["number"]


@admin.register(Review)
class ReviewAdmin(admin.ModelAdmin):
    list_display = ["state", "session", "review_date", "adoption_date", "report_symbol"]
    list_filter = ["session__cycle", "session", "state__regional_group"]
    list_select_related = ["state", "session"]
    search_fields = ["state__name", "state__iso3", "report_symbol", "addendum_symbol"]
    autocomplete_fields = ["state", "session"]


@admin.register(ThemeScheme)
class ThemeSchemeAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "version"]
    search_fields = ["name", "slug"]


@admin.register(Theme)
class ThemeAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "scheme", "parent"]
    list_filter = ["scheme"]
    list_select_related = ["scheme", "parent"]
    search_fields = ["name", "code"]
    autocomplete_fields = ["parent"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(AffectedGroup)
class AffectedGroupAdmin(admin.ModelAdmin):
    list_display = ["name"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(SDG)
class SDGAdmin(admin.ModelAdmin):
    list_display = ["number", "name"]
    search_fields = ["name", "number"]


class PositionInline(admin.TabularInline):
    model = Position
    extra = 0


class AssessmentInline(admin.TabularInline):
    model = ImplementationAssessment
    extra = 0
    fields = ["status", "assessed_on", "organisation", "assessor_kind", "narrative"]
    autocomplete_fields = ["organisation"]
    show_change_link = True


@admin.register(Recommendation)
class RecommendationAdmin(admin.ModelAdmin):
    list_display = ["__str__", "short_text", "response", "action_category", "current_status"]
    list_filter = ["review__session__cycle", "response", "current_status", "action_category", "kind", "themes__scheme"]
    list_select_related = ["review__state", "review__session"]
    search_fields = ["text", "paragraph", "review__state__name"]
    autocomplete_fields = ["review", "recommending_states", "themes", "affected_groups", "sdgs"]
    readonly_fields = ["response", "response_source", "response_date", "current_status", "current_status_date"]
    inlines = [PositionInline, AssessmentInline]

    @admin.display(description="Text")
    def short_text(self, obj: Recommendation) -> str:
        return obj.text if len(obj.text) <= 120 else obj.text[:117] + "…"

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        # Inline edits to positions or assessments go through the same refresh
        # as every other write path.
        services.refresh_response([form.instance.pk])
        services.refresh_current_status([form.instance.pk])

    def get_urls(self):
        # Before the default URLs, whose "<object_id>/" would swallow "import/".
        view = self.admin_site.admin_view
        return [
            path("import/", view(self.import_view), name="recommendations_recommendation_import"),
            path(
                "import/template.<str:file_type>",
                view(self.import_template_view),
                name="recommendations_recommendation_import_template",
            ),
            path(
                "import/<str:token>/problems.csv",
                view(self.import_problems_view),
                name="recommendations_recommendation_import_problems",
            ),
            *super().get_urls(),
        ]

    def delete_model(self, request, obj):
        services.delete_recommendations([obj])

    def delete_queryset(self, request, queryset):
        # Through the service, so partners syncing deletions see tombstones.
        services.delete_recommendations(list(queryset))

    def import_view(self, request):
        return admin_import.import_view(self, request)

    def import_template_view(self, request, file_type):
        return admin_import.template_view(self, request, file_type)

    def import_problems_view(self, request, token):
        return admin_import.problems_view(self, request, token)


class CitationInline(admin.TabularInline):
    model = Citation
    extra = 1
    autocomplete_fields = ["evidence"]


@admin.register(ImplementationAssessment)
class ImplementationAssessmentAdmin(admin.ModelAdmin):
    list_display = ["recommendation", "status", "assessed_on", "organisation", "recorded_by"]
    list_filter = ["status", "assessor_kind", "organisation"]
    list_select_related = [
        "recommendation__review__state",
        "recommendation__review__session",
        "organisation",
        "recorded_by",
    ]
    search_fields = ["narrative", "recommendation__text", "organisation__name"]
    autocomplete_fields = ["recommendation", "organisation"]
    readonly_fields = ["recorded_by"]
    inlines = [CitationInline]

    def save_model(self, request, obj, form, change):
        if not change:
            obj.recorded_by = request.user
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        services.refresh_current_status([form.instance.recommendation_id])

    def delete_model(self, request, obj):
        services.delete_assessment(assessment=obj)

    def delete_queryset(self, request, queryset):
        services.delete_assessments(queryset)


@admin.register(EvidenceSource)
class EvidenceSourceAdmin(admin.ModelAdmin):
    list_display = ["title", "publisher", "published_on", "kind"]
    list_filter = ["kind"]
    search_fields = ["title", "publisher", "url", "document_symbol"]
    date_hierarchy = "published_on"

    def delete_model(self, request, obj):
        services.delete_evidence_source(evidence=obj)

    def delete_queryset(self, request, queryset):
        for evidence in queryset:
            services.delete_evidence_source(evidence=evidence)


@admin.register(Citation)
class CitationAdmin(admin.ModelAdmin):
    list_display = ["evidence", "assessment", "page"]
    list_select_related = ["evidence", "assessment__organisation"]
    search_fields = ["excerpt", "evidence__title"]
    autocomplete_fields = ["assessment", "evidence"]


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "website"]
    list_filter = ["kind"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [MembershipInline]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "organisation", "role"]
    list_filter = ["role", "organisation"]
    list_select_related = ["user", "organisation"]
    search_fields = ["user__username", "organisation__name"]
    autocomplete_fields = ["user", "organisation"]


@admin.register(DeletedObject)
class DeletedObjectAdmin(admin.ModelAdmin):
    """Tombstones for API sync (/api/v1/deletions/): written by services.py, read-only here."""

    list_display = ["kind", "object_id", "deleted_at"]
    list_filter = ["kind"]
    search_fields = ["object_id"]
    date_hierarchy = "deleted_at"

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


# Partner API tokens are created in the admin ("Auth Token › Tokens"), one per account; the
# account must be a member of the organisation it writes for.
TokenAdmin.autocomplete_fields = ["user"]
