"""Admin for assessments (with the moderation queue and proposed revisions), evidence sources and citations."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpResponseRedirect
from django.urls import path, reverse
from django.utils.translation import gettext, ngettext, ngettext_lazy
from django.utils.translation import gettext_lazy as _

from recommendations import permissions, services
from recommendations.admin import assessment_sheets
from recommendations.admin.base import (
    OrganisationDataAdmin,
    PolicyInline,
    VersionedHistoryMixin,
    is_staff,
)
from recommendations.admin.forms import (
    AssessmentForm,
    CitationForm,
    CitationFormSet,
    EvidenceSourceForm,
    with_user,
)
from recommendations.models import (
    Citation,
    EvidenceSource,
    ImplementationAssessment,
    ModerationQueue,
    Publication,
)


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
    actions = ["publish", "reject", "unpublish", "submit_for_review", "export_xlsx", "export_csv"]

    def get_urls(self):
        if self.model is not ImplementationAssessment:  # the moderation queue, a proxy, has no sheets of its own
            return super().get_urls()
        # Before the default URLs, whose "<object_id>/" would swallow them.
        view = self.admin_site.admin_view
        return [
            path("export/", view(self.export_view), name="recommendations_implementationassessment_export"),
            path("import/", view(self.import_view), name="recommendations_implementationassessment_import"),
            *super().get_urls(),
        ]

    def export_view(self, request):
        return assessment_sheets.export_view(self, request)

    def import_view(self, request):
        return assessment_sheets.import_view(self, request)

    @admin.action(description=_("Export the selected assessments (XLSX sheet to edit and import)"))
    def export_xlsx(self, request, queryset):
        return assessment_sheets.export_selected(self, request, queryset, "xlsx")

    @admin.action(description=_("Export the selected assessments (CSV sheet to edit and import)"))
    def export_csv(self, request, queryset):
        return assessment_sheets.export_selected(self, request, queryset, "csv")

    def get_fields(self, request, obj=None):
        # The hidden version travels with the form; it is listed so the admin renders it.
        return [*self.fields, "opened_version"] if obj is not None else self.fields

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and (obj.revision_of_id or obj.state == Publication.PUBLISHED):
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
            obj.state = permissions.initial_publication_state(request.user, obj.organisation_id)
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
            gettext(
                "Your change was saved as a proposed revision and submitted for review. The published assessment "
                "stays public as it was until a reviewer of your organisation publishes the change."
            ),
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

    def delete_model(self, request, obj):
        services.delete_assessment(assessment=obj)

    def delete_queryset(self, request, queryset):
        allowed = [a for a in queryset if permissions.can_delete_assessment(request.user, a)]
        if len(allowed) != len(queryset):
            raise PermissionDenied
        services.delete_assessments(allowed)

    # What each move says it did; the count chooses the plural form when the message is formatted.
    MOVED = {
        Publication.PUBLISHED: ngettext_lazy(
            "Published %(count)s assessment.", "Published %(count)s assessments.", "count"
        ),
        Publication.REJECTED: ngettext_lazy(
            "Rejected %(count)s assessment.", "Rejected %(count)s assessments.", "count"
        ),
        Publication.DRAFT: ngettext_lazy(
            "Unpublished %(count)s assessment.", "Unpublished %(count)s assessments.", "count"
        ),
        Publication.SUBMITTED: ngettext_lazy(
            "Submitted %(count)s assessment.", "Submitted %(count)s assessments.", "count"
        ),
    }

    def _move(self, request, queryset, publication: str) -> None:
        moved = refused = 0
        with transaction.atomic():
            # Those already where they are asked to go are left alone: no write, no history row.
            for assessment in queryset.exclude(state=publication).select_related("organisation"):
                if not permissions.can_move(request.user, assessment, publication):
                    refused += 1
                    continue
                services.set_assessment_state(assessment=assessment, state=publication, user=request.user)
                moved += 1
        if moved:
            self.message_user(request, self.MOVED[publication] % {"count": moved}, messages.SUCCESS)
        if refused:
            message = ngettext(
                "%(count)s assessment was left as it was: you may not do that to it.",
                "%(count)s assessments were left as they were: you may not do that to them.",
                refused,
            )
            self.message_user(request, message % {"count": refused}, messages.WARNING)

    @admin.action(description=_("Publish the selected assessments (accept submissions)"))
    def publish(self, request, queryset):
        self._move(request, queryset, Publication.PUBLISHED)

    @admin.action(description=_("Reject the selected assessments"))
    def reject(self, request, queryset):
        self._move(request, queryset, Publication.REJECTED)

    @admin.action(description=_("Unpublish the selected assessments (back to draft)"))
    def unpublish(self, request, queryset):
        published = queryset.exclude(state=Publication.DRAFT)
        self._move(request, published, Publication.DRAFT)

    @admin.action(description=_("Submit the selected drafts for review"))
    def submit_for_review(self, request, queryset):
        drafts = queryset.filter(state=Publication.DRAFT)
        self._move(request, drafts, Publication.SUBMITTED)


@admin.register(ModerationQueue)
class ModerationQueueAdmin(ImplementationAssessmentAdmin):
    """Submitted assessments (partners, the public form, editors asking for review) awaiting a reviewer."""

    list_filter = ["status", "organisation"]
    actions = ["publish", "reject"]

    def get_queryset(self, request) -> QuerySet:
        return super().get_queryset(request).filter(state=Publication.SUBMITTED)

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
