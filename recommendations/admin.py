import datetime

from django.contrib import admin, messages
from django.contrib.postgres.search import SearchQuery
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef, QuerySet
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone

from recommendations import admin_import, permissions, services
from recommendations.admin_base import (
    OrganisationDataAdmin,
    PolicyAdmin,
    PolicyInline,
    ReferenceDataAdmin,
    StaffAdminInline,
    is_staff,
)
from recommendations.admin_forms import (
    AssessmentEntryForm,
    AssessmentForm,
    BulkAssessmentForm,
    CitationForm,
    CitationFormSet,
    EvidenceSourceForm,
    with_user,
)
from recommendations.models import (
    SDG,
    AffectedGroup,
    Citation,
    Cycle,
    DeletedObject,
    EvidenceSource,
    ImplementationAssessment,
    Membership,
    ModerationQueue,
    Organisation,
    Position,
    Recommendation,
    Review,
    Session,
    Theme,
    ThemeScheme,
)
from recommendations.models.recommendation import SEARCH_CONFIG


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
class ThemeSchemeAdmin(ReferenceDataAdmin):
    list_display = ["name", "slug", "version"]
    search_fields = ["name", "slug"]


@admin.register(Theme)
class ThemeAdmin(ReferenceDataAdmin):
    list_display = ["name", "code", "scheme", "parent"]
    list_filter = ["scheme"]
    list_select_related = ["scheme", "parent"]
    search_fields = ["name", "code"]
    autocomplete_fields = ["parent"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(AffectedGroup)
class AffectedGroupAdmin(ReferenceDataAdmin):
    list_display = ["name"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(SDG)
class SDGAdmin(ReferenceDataAdmin):
    list_display = ["number", "name"]
    search_fields = ["name", "number"]


class PositionInline(StaffAdminInline, admin.TabularInline):
    model = Position
    extra = 0


class AssessmentTimelineInline(PolicyInline, admin.TabularInline):
    """The recommendation's assessments the user may see, newest first, read-only with links to edit."""

    model = ImplementationAssessment
    verbose_name_plural = "assessment timeline"
    extra = 0
    fields = ["assessed_on", "status", "state", "organisation", "narrative"]
    readonly_fields = fields
    show_change_link = True
    ordering = ["-assessed_on", "-id"]

    def get_queryset(self, request) -> QuerySet:
        return super().get_queryset(request).select_related("organisation")

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def has_view_permission(self, request, obj=None) -> bool:
        return is_staff(request)


class AssessmentEntryInline(PolicyInline, admin.StackedInline):
    """Quick entry: new assessments with their evidence, saved through services.record_assessment."""

    model = ImplementationAssessment
    form = AssessmentEntryForm
    verbose_name = "new assessment"
    verbose_name_plural = "record an assessment"
    extra = 1
    fields = [("status", "assessed_on", "organisation"), "narrative", "evidence_sources"]

    def get_queryset(self, request) -> QuerySet:
        return super().get_queryset(request).none()

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        formset.form = with_user(formset.form, request.user)
        return formset

    def has_add_permission(self, request, obj=None) -> bool:
        return permissions.is_editor(request.user)

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def has_view_permission(self, request, obj=None) -> bool:
        return permissions.is_editor(request.user)


def months_ago(months: int) -> datetime.date:
    today = timezone.localdate()
    year, month = divmod(today.year * 12 + today.month - 1 - months, 12)
    return today.replace(year=year, month=month + 1, day=min(today.day, 28))


class NoAssessmentFromMyOrganisationFilter(admin.SimpleListFilter):
    title = "my organisations' assessments"
    parameter_name = "mine"

    def lookups(self, request, model_admin):
        return [("none", "No assessment from my organisations yet"), ("some", "Assessed by my organisations")]

    def queryset(self, request, queryset: QuerySet) -> QuerySet:
        if self.value() not in {"none", "some"}:
            return queryset
        mine = ImplementationAssessment.objects.filter(
            recommendation_id=OuterRef("pk"), organisation_id__in=permissions.organisations_for(request.user)
        )
        return queryset.filter(~Exists(mine) if self.value() == "none" else Exists(mine))


class LastAssessedFilter(admin.SimpleListFilter):
    title = "last assessed"
    parameter_name = "stale"
    MONTHS = (6, 12, 24, 36)

    def lookups(self, request, model_admin):
        return [(str(m), f"More than {m} months ago") for m in self.MONTHS] + [("never", "Never")]

    def queryset(self, request, queryset: QuerySet) -> QuerySet:
        value = self.value()
        if value == "never":
            return queryset.filter(current_status_date__isnull=True)
        if value and value.isdigit() and int(value) in self.MONTHS:
            return queryset.filter(current_status_date__lt=months_ago(int(value)))
        return queryset


@admin.register(Recommendation)
class RecommendationAdmin(ReferenceDataAdmin):
    """Staff administrators change recommendations; editors read them and record assessments on their page."""

    list_display = ["__str__", "short_text", "response", "action_category", "current_status", "current_status_date"]
    list_filter = [
        # Plain filters list every State and theme (small tables); "related only" would scan the join.
        "review__state",
        "review__session__cycle",
        "review__session",
        "themes",
        "response",
        "current_status",
        NoAssessmentFromMyOrganisationFilter,
        LastAssessedFilter,
        "action_category",
        "kind",
    ]
    list_select_related = ["review__state", "review__session"]
    search_fields = ["paragraph"]
    search_help_text = 'Full-text search of the recommendation text (websearch syntax: "exact phrase", -word, or).'
    autocomplete_fields = ["review", "recommending_states", "themes", "affected_groups", "sdgs"]
    readonly_fields = ["response", "response_source", "response_date", "current_status", "current_status_date"]
    inlines = [PositionInline, AssessmentTimelineInline, AssessmentEntryInline]
    actions = ["record_assessment_action"]

    @admin.display(description="Text")
    def short_text(self, obj: Recommendation) -> str:
        return obj.text if len(obj.text) <= 120 else obj.text[:117] + "…"

    def get_search_results(self, request, queryset, search_term):
        """The text through the search_vector column (GIN-indexed), the paragraph number exactly."""
        term = search_term.strip()
        if not term:
            return queryset, False
        query = SearchQuery(term, config=SEARCH_CONFIG, search_type="websearch")
        return queryset.filter(search_vector=query) | queryset.filter(paragraph=term), False

    def may_edit_recommendations(self, request) -> bool:
        return super().has_change_permission(request)

    def has_change_permission(self, request, obj=None) -> bool:
        # Editors "change" a recommendation only to add assessments inline; its fields stay read-only for them.
        return (is_staff(request) and permissions.is_editor(request.user)) or self.may_edit_recommendations(request)

    def get_readonly_fields(self, request, obj=None):
        if self.may_edit_recommendations(request):
            return self.readonly_fields
        return [
            *self.readonly_fields,
            "review",
            "paragraph",
            "text",
            "kind",
            "recommending_states",
            "action_category",
            "themes",
            "affected_groups",
            "sdgs",
            "import_key",
        ]

    def save_model(self, request, obj, form, change):
        if self.may_edit_recommendations(request):
            super().save_model(request, obj, form, change)

    def save_formset(self, request, form, formset, change):
        if formset.model is not ImplementationAssessment:
            return super().save_formset(request, form, formset, change)
        # Django's change message reads these; the assessments themselves are written by the service.
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
        for entry in formset.forms:
            if entry.has_changed() and entry.is_valid() and entry.cleaned_data:
                self._record_entry(request, form.instance, entry.cleaned_data)

    def _record_entry(self, request, recommendation: Recommendation, data: dict) -> None:
        organisation = data["organisation"]
        if not permissions.may_write_for(request.user, organisation.pk):
            raise PermissionDenied
        services.record_assessment(
            recommendation=recommendation,
            status=data["status"],
            assessed_on=data["assessed_on"],
            organisation=organisation,
            narrative=data.get("narrative", ""),
            recorded_by=request.user,
            state=permissions.initial_state(request.user, organisation.pk),
            citations=[(evidence, "", "") for evidence in data.get("evidence_sources") or ()],
        )

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        # Inline edits to positions go through the same refresh as every other write path.
        services.refresh_response([form.instance.pk])
        services.refresh_current_status([form.instance.pk])

    @admin.action(description="Record an assessment for the selected recommendations")
    def record_assessment_action(self, request, queryset):
        if not permissions.is_editor(request.user):
            raise PermissionDenied
        form = BulkAssessmentForm(request.POST if "apply" in request.POST else None, user=request.user)
        if form.is_valid():
            return self._record_bulk(request, queryset, form.cleaned_data)
        context = {
            **self.admin_site.each_context(request),
            "title": "Record an assessment",
            "opts": self.model._meta,
            "form": form,
            "media": self.media + form.media,
            "recommendations": queryset.select_related("review__state", "review__session")[:200],
            "count": queryset.count(),
            "selected": request.POST.getlist(admin.helpers.ACTION_CHECKBOX_NAME),
            "select_across": request.POST.get("select_across", "0"),
        }
        return TemplateResponse(request, "admin/recommendations/record_assessment.html", context)

    def _record_bulk(self, request, queryset, data: dict):
        organisation = data["organisation"]
        try:
            assessments = services.record_assessments(
                recommendations=list(queryset),
                status=data["status"],
                assessed_on=data["assessed_on"],
                organisation=organisation,
                narrative=data["narrative"],
                recorded_by=request.user,
                state=permissions.initial_state(request.user, organisation.pk),
                citations=[(evidence, "", "") for evidence in data["evidence"]],
            )
        except ValidationError as error:
            self.message_user(request, f"Nothing was recorded: {'; '.join(error.messages)}", messages.ERROR)
            return None
        self.message_user(request, f"Recorded {len(assessments)} assessments for {organisation}.", messages.SUCCESS)
        return None

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


class CitationInline(PolicyInline, admin.TabularInline):
    model = Citation
    formset = CitationFormSet
    extra = 1
    autocomplete_fields = ["evidence"]

    def has_add_permission(self, request, obj=None) -> bool:
        return obj is None or permissions.can_change_assessment(request.user, obj)

    def has_change_permission(self, request, obj=None) -> bool:
        return obj is None or permissions.can_change_assessment(request.user, obj)

    def has_delete_permission(self, request, obj=None) -> bool:
        return obj is None or permissions.can_change_assessment(request.user, obj)

    def has_view_permission(self, request, obj=None) -> bool:
        return is_staff(request)


class VersionedHistoryMixin:
    """History with restore for models with a version guard (admin_forms.VersionGuardForm)."""

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


@admin.register(ImplementationAssessment)
class ImplementationAssessmentAdmin(VersionedHistoryMixin, OrganisationDataAdmin):
    form = AssessmentForm
    list_display = ["recommendation", "status", "assessed_on", "organisation", "state", "recorded_by"]
    list_filter = ["state", "status", "assessor_kind", "organisation"]
    list_select_related = [
        "recommendation__review__state",
        "recommendation__review__session",
        "organisation",
        "recorded_by",
    ]
    search_fields = ["narrative", "organisation__name"]
    autocomplete_fields = ["recommendation", "organisation"]
    readonly_fields = ["state", "revision_of", "recorded_by", "created_at", "updated_at"]
    fields = [
        "recommendation",
        ("status", "assessed_on"),
        ("organisation", "assessor_kind"),
        "narrative",
        "submitter",
        ("state", "revision_of", "recorded_by", "created_at", "updated_at"),
    ]
    inlines = [CitationInline]
    actions = ["publish", "reject", "unpublish", "submit_for_review"]

    def get_fields(self, request, obj=None):
        # The hidden version travels with the form; it is listed so the admin renders it.
        return [*self.fields, "opened_version"] if obj is not None else self.fields

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and (obj.revision_of_id or obj.state == ImplementationAssessment.State.PUBLISHED):
            return [*self.readonly_fields, "recommendation", "organisation"]  # a revision changes the texts only
        return self.readonly_fields

    def has_change_permission(self, request, obj=None) -> bool:
        # An editor opens a published assessment to propose a change (saved as a revision for review).
        revisable = obj is not None and is_staff(request) and permissions.can_revise(request.user, obj)
        return super().has_change_permission(request, obj) or revisable

    def has_delete_permission(self, request, obj=None) -> bool:
        return super().has_change_permission(request, obj)

    def save_model(self, request, obj, form, change):
        if change and self._proposes(request, obj):
            obj.proposed = services.propose_revision(
                assessment=obj,
                user=request.user,
                expected_version=self.expected_version(request, form, obj),
                **{name: getattr(obj, name) for name in services.REVISABLE_FIELDS},
            )
            return
        if not permissions.may_write_for(request.user, obj.organisation_id):
            raise PermissionDenied
        if not change:
            obj.state = permissions.initial_state(request.user, obj.organisation_id)
        expected = self.expected_version(request, form, obj)
        services.save_assessment(assessment=obj, user=request.user, expected_version=expected)

    def _proposes(self, request, obj: ImplementationAssessment) -> bool:
        return permissions.can_revise(request.user, obj) and not permissions.can_publish(request.user, obj)

    def response_change(self, request, obj):
        proposed = getattr(obj, "proposed", None)
        if proposed is None:
            return super().response_change(request, obj)
        self.message_user(
            request,
            "Your change was saved as a proposed revision and submitted for review. The published assessment "
            "stays public as it was until a reviewer of your organisation publishes the change.",
            messages.SUCCESS,
        )
        return HttpResponseRedirect(
            reverse("admin:recommendations_implementationassessment_change", args=[proposed.pk])
        )

    def save_formset(self, request, form, formset, change):
        if getattr(form.instance, "proposed", None) is None:
            return super().save_formset(request, form, formset, change)
        # A proposed change copies the citations; Django's change message reads these.
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        services.refresh_current_status([form.instance.recommendation_id])

    def delete_model(self, request, obj):
        services.delete_assessment(assessment=obj)

    def delete_queryset(self, request, queryset):
        allowed = [a for a in queryset if permissions.can_delete_assessment(request.user, a)]
        if len(allowed) != len(queryset):
            raise PermissionDenied
        services.delete_assessments(allowed)

    def _move(self, request, queryset, state: str, verb: str, check) -> None:
        moved = refused = 0
        with transaction.atomic():
            for assessment in queryset.select_related("organisation"):
                if not check(request.user, assessment):
                    refused += 1
                    continue
                services.set_assessment_state(assessment=assessment, state=state, user=request.user)
                moved += 1
        if moved:
            self.message_user(request, f"{verb} {moved} assessment(s).", messages.SUCCESS)
        if refused:
            self.message_user(
                request,
                f"{refused} assessment(s) were left as they were: you may not do that to them.",
                messages.WARNING,
            )

    @admin.action(description="Publish the selected assessments (accept submissions)")
    def publish(self, request, queryset):
        self._move(request, queryset, ImplementationAssessment.State.PUBLISHED, "Published", permissions.can_publish)

    @admin.action(description="Reject the selected assessments")
    def reject(self, request, queryset):
        self._move(request, queryset, ImplementationAssessment.State.REJECTED, "Rejected", permissions.can_publish)

    @admin.action(description="Unpublish the selected assessments (back to draft)")
    def unpublish(self, request, queryset):
        self._move(request, queryset, ImplementationAssessment.State.DRAFT, "Unpublished", permissions.can_publish)

    @admin.action(description="Submit the selected drafts for review")
    def submit_for_review(self, request, queryset):
        drafts = queryset.filter(state=ImplementationAssessment.State.DRAFT)
        state = ImplementationAssessment.State.SUBMITTED
        self._move(request, drafts, state, "Submitted", permissions.can_change_assessment)


@admin.register(ModerationQueue)
class ModerationQueueAdmin(ImplementationAssessmentAdmin):
    """Submitted assessments (partners, the public form, editors asking for review) awaiting a reviewer."""

    list_filter = ["status", "organisation"]
    actions = ["publish", "reject"]

    def get_queryset(self, request) -> QuerySet:
        return super().get_queryset(request).filter(state=ImplementationAssessment.State.SUBMITTED)

    def has_add_permission(self, request) -> bool:
        return False

    # A proxy has no history of its own: the assessment's is the one.
    def history_view(self, request, object_id, extra_context=None):
        url = reverse("admin:recommendations_implementationassessment_history", args=[object_id])
        return HttpResponseRedirect(url)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        url = reverse("admin:recommendations_implementationassessment_simple_history", args=[object_id, version_id])
        return HttpResponseRedirect(url)


@admin.register(EvidenceSource)
class EvidenceSourceAdmin(VersionedHistoryMixin, OrganisationDataAdmin):
    form = EvidenceSourceForm
    list_display = ["title", "publisher", "published_on", "kind", "organisation"]
    list_filter = ["kind"]
    list_select_related = ["organisation"]
    search_fields = ["title", "publisher", "url", "document_symbol"]
    date_hierarchy = "published_on"

    def get_fields(self, request, obj=None):
        fields = super().get_fields(request, obj)
        return [name for name in fields if name != "opened_version" or obj is not None]

    def get_readonly_fields(self, request, obj=None):
        # Which organisation holds a source is set when it is added; staff administrators move it.
        if obj is not None and not permissions.is_staff_admin(request.user):
            return [*self.readonly_fields, "organisation"]
        return self.readonly_fields

    def save_model(self, request, obj, form, change):
        if not change and not permissions.may_write_for(request.user, obj.organisation_id):
            raise PermissionDenied
        expected = self.expected_version(request, form, obj)
        services.save_evidence_source(evidence=obj, user=request.user, expected_version=expected)

    def delete_model(self, request, obj):
        services.delete_evidence_source(evidence=obj)

    def delete_queryset(self, request, queryset):
        for evidence in queryset:
            if not permissions.can_change_evidence(request.user, evidence):
                raise PermissionDenied
            services.delete_evidence_source(evidence=evidence)


@admin.register(Citation)
class CitationAdmin(OrganisationDataAdmin):
    form = CitationForm
    list_display = ["evidence", "assessment", "page"]
    list_select_related = ["evidence", "assessment__organisation"]
    search_fields = ["excerpt", "evidence__title"]
    autocomplete_fields = ["assessment", "evidence"]

    def related_choices(self, db_field, request, queryset=None):
        if db_field.name == "assessment":  # cited from an assessment the user may change
            return permissions.changeable(ImplementationAssessment.objects.all(), request.user)
        return super().related_choices(db_field, request, queryset)

    def get_form(self, request, obj=None, change=False, **kwargs):
        return with_user(super().get_form(request, obj, change=change, **kwargs), request.user)

    def save_model(self, request, obj, form, change):
        if not permissions.can_change(request.user, obj.assessment):
            raise PermissionDenied
        services.save_citation(citation=obj, user=request.user)


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


# Registered by importing: Django autodiscovers recommendations.admin only.
from recommendations import admin_advocacy, admin_briefing, admin_followup, admin_tokens  # noqa: E402, F401

RecommendationAdmin.inlines = [*RecommendationAdmin.inlines, *admin_followup.REPEAT_INLINES]
