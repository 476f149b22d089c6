"""Admin for recommendations: their page with its assessment timeline, quick entry and repeats; filters;
the bulk "record an assessment" action; imports (admin/imports.py)."""

import datetime

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Exists, OuterRef, QuerySet
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from recommendations import permissions, services
from recommendations.admin import imports as admin_import
from recommendations.admin.base import (
    PolicyInline,
    ReadOnlyInline,
    ReferenceDataAdmin,
    StaffAdminInline,
    is_staff,
)
from recommendations.admin.corrections import CorrectionInline, propose_link
from recommendations.admin.followup import REPEAT_INLINES
from recommendations.admin.forms import (
    AssessmentEntryForm,
    BulkAssessmentForm,
    with_user,
)
from recommendations.models import (
    ImplementationAssessment,
    Position,
    Recommendation,
)
from recommendations.search.text import text_matches


class PositionInline(StaffAdminInline, admin.TabularInline):
    """The State's responses: official data, changed by staff administrators only (editors propose corrections)."""

    model = Position
    extra = 0


class AssessmentTimelineInline(ReadOnlyInline):
    """The recommendation's assessments the user may see, newest first, read-only with links to edit."""

    model = ImplementationAssessment
    verbose_name_plural = _("assessment timeline")
    fields = ["assessed_on", "status", "state", "organisation", "narrative"]
    ordering = ["-assessed_on", "-id"]
    related = ("organisation",)


class AssessmentEntryInline(PolicyInline, admin.StackedInline):
    """Quick entry: new assessments with their evidence, saved through services.record_assessment."""

    model = ImplementationAssessment
    form = AssessmentEntryForm
    verbose_name = _("new assessment")
    verbose_name_plural = _("record an assessment")
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
    title = _("my organisations' assessments")
    parameter_name = "mine"

    def lookups(self, request, model_admin):
        return [("none", _("No assessment from my organisations yet")), ("some", _("Assessed by my organisations"))]

    def queryset(self, request, queryset: QuerySet) -> QuerySet:
        if self.value() not in {"none", "some"}:
            return queryset
        mine = ImplementationAssessment.objects.filter(
            recommendation_id=OuterRef("pk"), organisation_id__in=permissions.organisations_for(request.user)
        )
        return queryset.filter(~Exists(mine) if self.value() == "none" else Exists(mine))


class LastAssessedFilter(admin.SimpleListFilter):
    title = _("last assessed")
    parameter_name = "stale"
    MONTHS = (6, 12, 24, 36)

    def lookups(self, request, model_admin):
        ago = [
            (str(m), ngettext("More than %(n)s month ago", "More than %(n)s months ago", m) % {"n": m})
            for m in self.MONTHS
        ]
        return [*ago, ("never", _("Never"))]

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
    search_help_text = _(
        'Full-text search of the recommendation text: "exact phrase", or, AND, NOT, -word, (parentheses), prefix*.'
    )
    autocomplete_fields = ["review", "recommending_states", "themes", "affected_groups", "sdgs"]
    readonly_fields = ["response", "response_source", "response_date", "current_status", "current_status_date"]
    # The form's own fields; which of them a user may change is permissions.recommendation_fields_changeable's.
    FORM_FIELDS = [
        "review",
        "paragraph",
        "text",
        "language",
        "kind",
        "recommending_states",
        "action_category",
        "themes",
        "affected_groups",
        "sdgs",
        "import_key",
    ]
    inlines = [PositionInline, CorrectionInline, AssessmentTimelineInline, AssessmentEntryInline, *REPEAT_INLINES]
    actions = ["record_assessment_action"]

    @admin.display(description=_("Text"))
    def short_text(self, obj: Recommendation) -> str:
        return obj.text if len(obj.text) <= 120 else obj.text[:117] + "…"

    def get_search_results(self, request, queryset, search_term):
        """The text through the search_vector column (GIN-indexed), the paragraph number exactly."""
        term = search_term.strip()
        if not term:
            return queryset, False
        return queryset.filter(text_matches(term)) | queryset.filter(paragraph=term), False

    def may_edit_recommendations(self, request) -> bool:
        """Whether the user changes everything (staff administrators); model permissions no longer suffice."""
        return is_staff(request) and permissions.may_change_recommendation_field(request.user, "text")

    def has_change_permission(self, request, obj=None) -> bool:
        # Editors "change" a recommendation to classify it and add assessments inline; its official data stays
        # read-only for them (permissions.recommendation_fields_changeable).
        return (is_staff(request) and permissions.is_editor(request.user)) or super().has_change_permission(request)

    def has_delete_permission(self, request, obj=None) -> bool:
        # Deleting a recommendation deletes official data: staff administrators only, whatever model permissions.
        return self.may_edit_recommendations(request)

    def get_readonly_fields(self, request, obj=None):
        changeable = permissions.recommendation_fields_changeable(request.user)
        locked = [name for name in self.FORM_FIELDS if name not in changeable]
        extra = ["propose_correction"] if obj is not None and permissions.may_propose_correction(request.user) else []
        return [*self.readonly_fields, *locked, *extra]

    @admin.display(description=_("Official data"))
    def propose_correction(self, obj: Recommendation) -> str:
        return propose_link(obj)

    def save_model(self, request, obj, form, change):
        if self.may_edit_recommendations(request):
            super().save_model(request, obj, form, change)
        elif change:
            self._classify(request, obj, form.cleaned_data)

    def _classify(self, request, obj: Recommendation, data: dict) -> None:
        changeable = permissions.recommendation_fields_changeable(request.user)
        classification = {name: data[name] for name in self.FORM_FIELDS if name in changeable and name in data}
        # The stored recommendation, not the form's instance (which holds the posted values already).
        stored = Recommendation.objects.get(pk=obj.pk)
        services.classify_recommendation(recommendation=stored, user=request.user, **classification)

    def save_related(self, request, form, formsets, change):
        if self.may_edit_recommendations(request):
            return super().save_related(request, form, formsets, change)
        for formset in formsets:  # the classification was saved by _classify, through the service
            self.save_formset(request, form, formset, change=change)
        return None

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
            state=permissions.initial_publication_state(request.user, organisation.pk),
            citations=[(evidence, "", "") for evidence in data.get("evidence_sources") or ()],
        )

    @admin.action(description=_("Record an assessment for the selected recommendations"))
    def record_assessment_action(self, request, queryset):
        if not permissions.is_editor(request.user):
            raise PermissionDenied
        form = BulkAssessmentForm(request.POST if "apply" in request.POST else None, user=request.user)
        if form.is_valid():
            return self._record_bulk(request, queryset, form.cleaned_data)
        context = {
            **self.admin_site.each_context(request),
            "title": gettext("Record an assessment"),
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
                state=permissions.initial_publication_state(request.user, organisation.pk),
                citations=[(evidence, "", "") for evidence in data["evidence"]],
            )
        except ValidationError as error:
            message = gettext("Nothing was recorded: %(errors)s") % {"errors": "; ".join(error.messages)}
            self.message_user(request, message, messages.ERROR)
            return None
        count = len(assessments)
        message = ngettext(
            "Recorded %(count)s assessment for %(organisation)s.",
            "Recorded %(count)s assessments for %(organisation)s.",
            count,
        )
        self.message_user(request, message % {"count": count, "organisation": organisation}, messages.SUCCESS)
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
