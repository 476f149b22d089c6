"""Forms of the editors' admin pages: assessments with a version guard, quick entry, the bulk action, evidence."""

from django import forms
from django.contrib import admin
from django.contrib.admin.widgets import AdminDateWidget, AutocompleteSelectMultiple, RelatedFieldWidgetWrapper
from django.core.exceptions import ValidationError
from django.utils import timezone

from recommendations.evidence_files import validate_document
from recommendations.models import EvidenceSource, ImplementationAssessment, ImplementationStatus, Organisation


def evidence_widget() -> RelatedFieldWidgetWrapper:
    """A multi-select autocomplete of evidence sources with the admin's "+" popup to create one on the spot."""
    relation = ImplementationAssessment._meta.get_field("evidence").remote_field
    return RelatedFieldWidgetWrapper(
        AutocompleteSelectMultiple(ImplementationAssessment._meta.get_field("evidence"), admin.site),
        relation,
        admin.site,
        can_add_related=True,
        can_change_related=False,
        can_view_related=False,
    )


def evidence_field() -> forms.ModelMultipleChoiceField:
    return forms.ModelMultipleChoiceField(
        queryset=EvidenceSource.objects.all(),
        required=False,
        widget=evidence_widget(),
        help_text="Type to find a source; “+” adds a new one. Excerpt and page can be added on the assessment's page.",
    )


class VersionGuardForm(forms.ModelForm):
    """A change form carrying the version the editor opened; saving over a newer one is refused.

    The check locks the row until the admin's transaction ends, so nobody can
    save between it and this save.
    """

    opened_version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    reverting = False  # restoring an earlier version replaces the current one deliberately

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None:
            self.fields["opened_version"].initial = self.instance.version

    def clean(self) -> dict:
        cleaned = super().clean()
        if self.instance.pk is not None and not self.reverting:
            current = type(self.instance).objects.select_for_update().get(pk=self.instance.pk)
            opened = cleaned.get("opened_version")
            if opened is not None and opened != current.version:
                raise ValidationError(conflict_message(current), code="conflict")
        return cleaned


class AssessmentForm(VersionGuardForm):
    class Meta:
        model = ImplementationAssessment
        fields = ["recommendation", "status", "assessed_on", "organisation", "assessor_kind", "narrative", "submitter"]


def conflict_message(current: ImplementationAssessment | EvidenceSource) -> str:
    last = current.history.select_related("history_user").first()
    who = last.history_user.get_username() if last and last.history_user else "someone"
    when = timezone.localtime(last.history_date).strftime("%d %B %Y %H:%M") if last else ""
    noun = "assessment" if isinstance(current, ImplementationAssessment) else "evidence source"
    if isinstance(current, ImplementationAssessment):
        values = (
            f"status “{current.get_status_display()}”, date {current.assessed_on}, "
            f"organisation {current.organisation}, state {current.get_state_display()}, "
            f"narrative “{current.narrative}”"
        )
    else:
        values = f"title “{current.title}”, publisher “{current.publisher}”, URL {current.url or '(none)'}"
    return (
        f"{who} saved this {noun} after you opened it ({when}); your changes were not "
        f"saved. It now reads: {values}. Reload the page and apply your changes again."
    )


class AssessmentEntryForm(forms.ModelForm):
    """One new assessment in the recommendation page's quick-entry inline, with its evidence."""

    evidence_sources = evidence_field()

    class Meta:
        model = ImplementationAssessment
        fields = ["status", "assessed_on", "organisation", "narrative", "evidence_sources"]


class BulkAssessmentForm(forms.Form):
    """The intermediate page of "Record an assessment for the selected recommendations"."""

    status = forms.ChoiceField(choices=ImplementationStatus.choices)
    assessed_on = forms.DateField(label="Assessment date", widget=AdminDateWidget)
    organisation = forms.ModelChoiceField(queryset=Organisation.objects.none())
    narrative = forms.CharField(widget=forms.Textarea(attrs={"rows": 4, "cols": 80}), required=False)
    evidence = evidence_field()

    def __init__(self, *args, organisations, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations


class EvidenceSourceForm(VersionGuardForm):
    url = forms.URLField(label="URL", max_length=1000, required=False, assume_scheme="https")
    archive_url = forms.URLField(
        label="Archived copy",
        max_length=1000,
        required=False,
        assume_scheme="https",
        help_text=EvidenceSource._meta.get_field("archive_url").help_text,
    )

    class Meta:
        model = EvidenceSource
        fields = ["title", "publisher", "published_on", "kind", "url", "archive_url", "document_symbol", "document"]

    def clean_document(self):
        document = self.cleaned_data.get("document")
        if document and hasattr(document, "content_type"):  # a new upload, not the stored file
            validate_document(document)
        return document
