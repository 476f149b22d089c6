"""The one-screen assessment form: status, date, narrative, the sources it cites (found or new) and a button for
where it goes next (draft, submitted, published).

Sources are offered only from permissions.citable_evidence of the chosen organisation; a new source whose URL
the organisation may cite already becomes that source (services.evidence_for_citation), never a second one.
"""

from dataclasses import dataclass

from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from recommendations import permissions, services
from recommendations.models import (
    Citation,
    EvidenceSource,
    ImplementationAssessment,
    ImplementationStatus,
    Publication,
)
from recommendations.models.implementation import not_after_today
from recommendations.models.recommendation import TEXT_MAX_LENGTH
from recommendations.models.storage import validate_document

# The buttons: what each one makes of the assessment.
TARGETS = {"draft": Publication.DRAFT, "submit": Publication.SUBMITTED, "publish": Publication.PUBLISHED}
PAGE_MAX_LENGTH = Citation._meta.get_field("page").max_length
SEARCH_RESULTS = 10


def _evidence_field(name: str) -> forms.Field:
    return EvidenceSource._meta.get_field(name)


@dataclass
class Choice:
    """A source offered on the form, with what the editor typed for its citation."""

    source: EvidenceSource
    excerpt: str = ""
    page: str = ""
    checked: bool = False


class AssessForm(forms.Form):
    organisation = forms.TypedChoiceField(label=_("Organisation"), coerce=int, choices=())
    status = forms.ChoiceField(
        label=_("Implementation status"), choices=[("", _("Choose…")), *ImplementationStatus.choices]
    )
    assessed_on = forms.DateField(
        label=_("Date the assessment describes"),
        validators=[not_after_today],
        help_text=_("Today or earlier."),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    narrative = forms.CharField(
        label=_("What happened"),
        required=False,
        max_length=TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("In your organisation’s words: what the State did or did not do."),
    )
    cite = forms.TypedMultipleChoiceField(coerce=int, required=False, label=_("Sources to cite"))
    new_title = forms.CharField(label=_("Title"), required=False, max_length=_evidence_field("title").max_length)
    new_url = forms.URLField(
        label=_("Link"), required=False, max_length=_evidence_field("url").max_length, assume_scheme="https"
    )
    new_publisher = forms.CharField(
        label=_("Publisher"), required=False, max_length=_evidence_field("publisher").max_length
    )
    new_document = forms.FileField(
        label=_("Copy of the document (PDF or DOCX, optional)"),
        required=False,
        help_text=_("Shown only to those who may see an assessment citing it."),
    )
    new_excerpt = forms.CharField(
        label=_("Excerpt"), required=False, max_length=TEXT_MAX_LENGTH, widget=forms.Textarea(attrs={"rows": 2})
    )
    new_page = forms.CharField(label=_("Page or section"), required=False, max_length=PAGE_MAX_LENGTH)
    opened_version = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)

    def __init__(self, *args, user, assessment: ImplementationAssessment | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.user, self.assessment = user, assessment
        organisations = list(permissions.organisation_choices(user).order_by("name"))
        choices = [(o.pk, o.name) for o in organisations]
        if len(organisations) == 1:
            self.fields["organisation"].initial = organisations[0].pk
        else:  # several: the editor chooses, nothing is picked for them
            choices.insert(0, ("", _("Choose…")))
        self.fields["organisation"].choices = choices
        if assessment is not None:
            self.fields["organisation"].disabled = True
        self.fields["assessed_on"].widget.attrs["max"] = timezone.localdate().isoformat()
        self.organisation_id = self._organisation_id(organisations)
        citable = permissions.citable_evidence(self.organisation_id) if self.organisation_id else None
        self.citable = citable if citable is not None else EvidenceSource.objects.none()
        self.fields["cite"].choices = [(pk, pk) for pk in self._cited_ids()]

    def _organisation_id(self, organisations) -> int | None:
        if self.assessment is not None:
            return self.assessment.organisation_id
        allowed = {o.pk for o in organisations}
        raw = self.data.get("organisation") if self.is_bound else self.fields["organisation"].initial
        try:
            chosen = int(raw)
        except (TypeError, ValueError):
            return None
        return chosen if chosen in allowed else None

    def _cited_ids(self) -> list[int]:
        """The sources ticked (bound) that the organisation may cite: the only ones the form accepts."""
        wanted = []
        for raw in self.data.getlist("cite") if self.is_bound else []:
            if raw.isdigit() and len(raw) < 19:
                wanted.append(int(raw))
        return list(self.citable.filter(pk__in=wanted).values_list("pk", flat=True))

    def clean_new_document(self):
        document = self.cleaned_data.get("new_document")
        if document:
            validate_document(document)
        return document

    def clean(self) -> dict:
        data = super().clean()
        new_parts = [data.get(name) for name in ("new_url", "new_publisher", "new_document", "new_excerpt")]
        self.known = None
        if data.get("new_url") and self.organisation_id:
            self.known = services.known_evidence(organisation_id=self.organisation_id, url=data["new_url"])
        if any(new_parts) and not data.get("new_title") and self.known is None:
            self.add_error("new_title", _("Give the new source a title (or leave its fields empty)."))
        for pk in data.get("cite", []):
            if len(self.data.get(f"page-{pk}", "")) > PAGE_MAX_LENGTH:
                self.add_error(None, _("A page or section is at most %(n)s characters.") % {"n": PAGE_MAX_LENGTH})
        return data

    def cited(self) -> list[tuple[EvidenceSource, str, str]]:
        """The existing sources ticked, with their excerpts and pages (after is_valid())."""
        sources = self.citable.in_bulk(self.cleaned_data.get("cite", []))
        return [
            (source, self.data.get(f"excerpt-{pk}", "")[:TEXT_MAX_LENGTH], self.data.get(f"page-{pk}", ""))
            for pk, source in sources.items()
        ]

    def choices(self, query: str = "") -> list[Choice]:
        """The sources to show: those ticked (or cited by the assessment being edited), then up to
        SEARCH_RESULTS matching `query` by title or URL."""
        shown = self._ticked()
        if query and self.organisation_id:
            matching = self.citable.filter(
                Q(title__icontains=query) | Q(url__icontains=query) | Q(publisher__icontains=query)
            )
            ticked = {choice.source.pk for choice in shown}
            shown += [Choice(source) for source in matching.exclude(pk__in=ticked).order_by("title")[:SEARCH_RESULTS]]
        return shown

    def _ticked(self) -> list[Choice]:
        if not self.is_bound and self.assessment is not None:
            citations = self.assessment.citations.select_related("evidence")
            return [Choice(c.evidence, c.excerpt, c.page, True) for c in citations]
        sources = self.citable.in_bulk(self._cited_ids())
        return [
            Choice(source, self.data.get(f"excerpt-{pk}", ""), self.data.get(f"page-{pk}", ""), True)
            for pk, source in sources.items()
        ]
