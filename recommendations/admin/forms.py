"""Forms of the editors' admin pages: assessments with a version guard, quick entry, the bulk action, evidence.

Forms that offer evidence or organisations are built for one user (`with_user`): they offer what
permissions.py lets that user see, and refuse evidence the assessment's organisation may not cite.
"""

from django import forms
from django.contrib import admin
from django.contrib.admin.widgets import AdminDateWidget, AutocompleteSelectMultiple, RelatedFieldWidgetWrapper
from django.core.exceptions import ValidationError
from django.forms.models import BaseInlineFormSet
from django.utils import formats, timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from recommendations import permissions, services
from recommendations.briefings import texts as briefing_texts
from recommendations.models import (
    Briefing,
    Citation,
    EvidenceSource,
    ImplementationAssessment,
    ImplementationStatus,
    Organisation,
)
from recommendations.models.storage import validate_document


def with_user(form_class: type, user) -> type:
    """The form class for one request's user (a subclass: the class itself is shared between requests)."""
    return type(form_class.__name__, (form_class,), {"user": user})


def citable(organisation_id: int, evidence: list[EvidenceSource]) -> bool:
    """Whether an assessment of the organisation may cite all of `evidence` (services.check_citable)."""
    try:
        services.check_citable(organisation_id, [(source, "", "") for source in evidence])
    except ValidationError:
        return False
    return True


def check_citable(organisation: Organisation | None, evidence: list[EvidenceSource], field: str) -> None:
    """A form error naming the field when the organisation may not cite one of `evidence`."""
    if organisation is not None and evidence and not citable(organisation.pk, evidence):
        message = gettext("%(organisation)s may cite only evidence it holds or that is cited publicly.")
        raise ValidationError({field: message % {"organisation": organisation}})


def visible_evidence(user):
    return permissions.visible(EvidenceSource.objects.all(), user)


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


def evidence_field(label: str) -> forms.ModelMultipleChoiceField:
    return forms.ModelMultipleChoiceField(
        queryset=EvidenceSource.objects.all(),
        required=False,
        widget=evidence_widget(),
        label=label,
        help_text=_(
            "Type to find a source; “+” adds a new one. Excerpt and page can be added on the assessment's page."
        ),
    )


class VersionGuardForm(forms.ModelForm):
    """A change form carrying the version the editor opened; saving over a newer one is refused.

    The check locks the row until the admin's transaction ends, so nobody can
    save between it and this save.
    """

    opened_version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    reverting = False  # restoring an earlier version replaces the current one deliberately
    user = None

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

    def clean(self) -> dict:
        cleaned = super().clean()
        instance = self.instance
        proposes = instance.pk is not None and permissions.can_revise(self.user, instance)
        if proposes and not permissions.can_publish(self.user, instance):
            waiting = instance.revisions.filter(state__in=services.OPEN_PUBLICATION_STATES).first()
            if waiting is not None:
                message = gettext(
                    "A proposed change to this assessment already awaits review (#%(id)s): "
                    "change that one, or ask a reviewer to publish or reject it first."
                )
                raise ValidationError(message % {"id": waiting.pk}, code="open_revision")
        return cleaned


# The conflict message of each kind of object: a whole sentence each, for the languages whose words agree with
# the noun (French "cette évaluation" but "ce briefing").
CONFLICT_MESSAGES = {
    ImplementationAssessment: _(
        "%(who)s saved this assessment after you opened it (%(when)s); your changes were not saved. It now reads: "
        "%(values)s. Reload the page and apply your changes again."
    ),
    EvidenceSource: _(
        "%(who)s saved this evidence source after you opened it (%(when)s); your changes were not saved. It now "
        "reads: %(values)s. Reload the page and apply your changes again."
    ),
    Briefing: _(
        "%(who)s saved this briefing after you opened it (%(when)s); your changes were not saved. It now reads: "
        "%(values)s. Reload the page and apply your changes again."
    ),
}


def conflict_message(current: ImplementationAssessment | EvidenceSource | Briefing) -> str:
    last = current.history.select_related("history_user").first()
    who = last.history_user.get_username() if last and last.history_user else gettext("someone")
    when = _moment(timezone.localtime(last.history_date)) if last else ""
    return CONFLICT_MESSAGES[current._meta.concrete_model] % {"who": who, "when": when, "values": _values(current)}


def _moment(moment) -> str:
    """ "07 December 2026 17:42" in English; the order and the month's name in the reader's language."""
    # Translators: a Django date format (https://docs.djangoproject.com/en/stable/ref/templates/builtins/#date):
    # d day, F month name, Y year, H:i time; write it in the order and with the words of your language.
    return formats.date_format(moment, gettext("d F Y H:i"))


def _values(current) -> str:
    if isinstance(current, ImplementationAssessment):
        return gettext(
            "status “%(status)s”, date %(date)s, organisation %(organisation)s, state %(state)s, "
            "narrative “%(narrative)s”"
        ) % {
            "status": current.get_status_display(),
            "date": current.assessed_on,
            "organisation": current.organisation,
            "state": current.get_state_display(),
            "narrative": current.narrative,
        }
    if isinstance(current, Briefing):
        return "; ".join(
            f"{language}: " + ", ".join(f"{part} “{text}”" for part, text in parts.items())
            for language, parts in current.texts.items()
        )
    return gettext("title “%(title)s”, publisher “%(publisher)s”, URL %(url)s") % {
        "title": current.title,
        "publisher": current.publisher,
        "url": current.url or gettext("(none)"),
    }


class _BriefingForm(VersionGuardForm):
    """The filters a briefing is for, and its texts in each language (briefings.text_fields)."""

    class Meta:
        model = Briefing
        fields = ["organisation", "state", "theme", "affected_group", "cycle", "published"]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for name, value in briefing_texts.initial_texts(self.instance.texts).items():
            self.initial.setdefault(name, value)

    def clean(self) -> dict:
        cleaned = super().clean()
        try:
            self.instance.texts = briefing_texts.texts_from(cleaned)
        except ValidationError as error:  # the fields' limits make this rare
            self.add_error(None, error)
        return cleaned


BriefingForm = type("BriefingForm", (_BriefingForm,), {"__module__": __name__, **briefing_texts.text_fields()})


class AssessmentEntryForm(forms.ModelForm):
    """One new assessment in the recommendation page's quick-entry inline, with its evidence."""

    evidence_sources = evidence_field(_("Evidence sources"))
    user = None

    class Meta:
        model = ImplementationAssessment
        fields = ["status", "assessed_on", "organisation", "narrative", "evidence_sources"]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["evidence_sources"].queryset = visible_evidence(self.user)

    def clean(self) -> dict:
        cleaned = super().clean()
        check_citable(cleaned.get("organisation"), list(cleaned.get("evidence_sources") or ()), "evidence_sources")
        return cleaned


class BulkAssessmentForm(forms.Form):
    """The intermediate page of "Record an assessment for the selected recommendations"."""

    status = forms.ChoiceField(label=_("Status"), choices=ImplementationStatus.choices)
    assessed_on = forms.DateField(label=_("Assessment date"), widget=AdminDateWidget)
    organisation = forms.ModelChoiceField(label=_("Organisation"), queryset=Organisation.objects.none())
    narrative = forms.CharField(
        label=_("Narrative"), widget=forms.Textarea(attrs={"rows": 4, "cols": 80}), required=False
    )
    evidence = evidence_field(_("Evidence"))

    def __init__(self, *args, user, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = permissions.organisation_choices(user)
        self.fields["evidence"].queryset = visible_evidence(user)

    def clean(self) -> dict:
        cleaned = super().clean()
        check_citable(cleaned.get("organisation"), list(cleaned.get("evidence") or ()), "evidence")
        return cleaned


class CitationForm(forms.ModelForm):
    """A citation on its own admin page: the evidence must be one the assessment's organisation may cite."""

    user = None

    class Meta:
        model = Citation
        fields = ["assessment", "evidence", "excerpt", "page"]

    def clean(self) -> dict:
        cleaned = super().clean()
        assessment = cleaned.get("assessment")
        if assessment is not None and cleaned.get("evidence") is not None:
            check_citable(assessment.organisation, [cleaned["evidence"]], "evidence")
        return cleaned


class CitationFormSet(BaseInlineFormSet):
    """An assessment's citations: each cites evidence the assessment's organisation may cite."""

    def clean(self) -> None:
        super().clean()
        organisation_id = self.instance.organisation_id
        kept = [f.cleaned_data for f in self.forms if f.cleaned_data and not f.cleaned_data.get("DELETE")]
        cited = [data["evidence"] for data in kept if data.get("evidence")]
        if organisation_id and cited and not citable(organisation_id, cited):
            raise ValidationError(gettext("Cite only evidence your organisation holds or that is cited publicly."))


class EvidenceSourceForm(VersionGuardForm):
    """An evidence source; a member adds it for one of their organisations (the first, unless they choose)."""

    url = forms.URLField(label=_("URL"), max_length=1000, required=False, assume_scheme="https")
    archive_url = forms.URLField(
        label=_("Archived copy"),
        max_length=1000,
        required=False,
        assume_scheme="https",
        help_text=EvidenceSource._meta.get_field("archive_url").help_text,
    )

    class Meta:
        model = EvidenceSource
        fields = [
            "organisation",
            "title",
            "publisher",
            "published_on",
            "kind",
            "url",
            "archive_url",
            "document_symbol",
            "document",
        ]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields.get("organisation")
        if field is not None and self.user is not None and not permissions.is_staff_admin(self.user):
            field.required = True
            field.empty_label = None

    def clean_document(self):
        document = self.cleaned_data.get("document")
        if document and hasattr(document, "content_type"):  # a new upload, not the stored file
            validate_document(document)
        return document
