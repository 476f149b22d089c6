"""Each row of an assessment sheet: checked against the database, then created, changed, proposed or left alone.

- A row with an assessment_id changes that assessment of the organisation, and only when it differs from what
  is stored (re-importing a file changes nothing). Its version must be the stored one: an older one is a
  conflict, reported for the row, never written over a colleague's edit.
- A row without one records a new assessment, unless the organisation already has one of the recommendation
  at that date: the same one (a file imported again) is left alone, a different one is refused.
- A published assessment changed by a member who does not publish becomes a proposed revision
  (services.propose_revision), as in the admin; the publication state moves only as permissions.may_move says.
- Evidence is cited by URL: a source with that URL the organisation may cite and the user may see is reused
  (its own first), otherwise a new source of the organisation is created. Citations of sources without a URL,
  which the sheet cannot name, are kept.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Case, IntegerField, Prefetch, Value, When
from django.utils.translation import gettext as _

from recommendations import permissions, services
from recommendations.imports.assessments.result import SheetResult
from recommendations.imports.assessments.sheet import (
    ASSESSED_ON,
    ASSESSMENT_ID,
    ORGANISATION,
    PUBLICATION_STATE,
    RECOMMENDATION_ID,
    VERSION,
    SheetRow,
)
from recommendations.imports.base import Problem
from recommendations.imports.result import Change
from recommendations.models import Citation, EvidenceSource, ImplementationAssessment, Publication, Recommendation

PUBLISHED = Publication.PUBLISHED
_CITATIONS = Prefetch("citations", queryset=Citation.objects.select_related("evidence").order_by("id"))


class Run:
    """One import: the organisation's assessments and the file's recommendations loaded once, then row by row."""

    def __init__(self, organisation, user, result: SheetResult) -> None:
        self.organisation, self.user, self.result = organisation, user, result
        self.sources: dict[str, EvidenceSource] = {}
        self.seen_ids: set[int] = set()
        self.seen_new: set[tuple[int, object]] = set()

    def run(self, rows: list[SheetRow]) -> None:
        self._load(rows)
        for row in rows:
            self.result.rows += 1
            if row.blank:
                self.result.blank += 1
            else:
                self._handle(row)

    def _load(self, rows: list[SheetRow]) -> None:
        ids = {row.assessment_id for row in rows if row.assessment_id}
        recommendation_ids = {row.recommendation_id for row in rows if row.recommendation_id}
        mine = ImplementationAssessment.objects.filter(organisation=self.organisation).prefetch_related(_CITATIONS)
        # Locked until the import ends: what is compared is what is written over.
        self.stored = {a.pk: a for a in mine.filter(pk__in=ids).select_for_update(of=("self",))}
        self.recommendations = Recommendation.objects.select_related("review__state", "review__session").in_bulk(
            recommendation_ids
        )
        self.by_date: dict[tuple[int, object], list[ImplementationAssessment]] = {}
        for assessment in mine.filter(recommendation_id__in=recommendation_ids, revision_of__isnull=True):
            self.by_date.setdefault((assessment.recommendation_id, assessment.assessed_on), []).append(assessment)

    def _handle(self, row: SheetRow) -> None:
        if not row.has_errors:
            self._check(row)
        if not row.has_errors:
            self._write(row)
        self.result.problems.extend(row.problems)
        if row.has_errors:
            self.result.skipped += 1

    # Checks ---------------------------------------------------------------------------------------------------

    def _check(self, row: SheetRow) -> None:
        if row.organisation and row.organisation != self.organisation.slug:
            row.error(
                ORGANISATION,
                _("This row is an assessment of %(other)s, not of %(organisation)s: import it for that organisation.")
                % {"other": row.organisation, "organisation": self.organisation.slug},
            )
            return
        if row.recommendation_id not in self.recommendations:
            row.error(RECOMMENDATION_ID, _("Unknown recommendation id %(id)s.") % {"id": row.recommendation_id})
            return
        if row.assessment_id is None:
            self._check_new(row)
        else:
            self._check_existing(row)

    def _check_new(self, row: SheetRow) -> None:
        key = (row.recommendation_id, row.assessed_on)
        if key in self.seen_new:
            row.error(ASSESSED_ON, _("An earlier row records an assessment of this recommendation at this date."))
            return
        self.seen_new.add(key)
        same_date = self.by_date.get(key, [])
        if same_date and not any(self._same(a, row, self._new_state(row)) for a in same_date):
            row.error(
                ASSESSED_ON,
                _(
                    "%(organisation)s already has an assessment of this recommendation dated %(date)s (id %(id)s): "
                    "give its assessment_id and version to change it."
                )
                % {"organisation": self.organisation, "date": row.assessed_on, "id": same_date[0].pk},
            )
            return
        if not same_date and not permissions.may_move(
            self.user, self.organisation.pk, self._initial_state(), self._new_state(row)
        ):
            row.error(PUBLICATION_STATE, self._may_not_publish())

    def _check_existing(self, row: SheetRow) -> None:
        stored = self.stored.get(row.assessment_id)
        if row.assessment_id in self.seen_ids:
            row.error(ASSESSMENT_ID, _("An earlier row changes the same assessment."))
            return
        self.seen_ids.add(row.assessment_id)
        if stored is None:
            row.error(
                ASSESSMENT_ID,
                _("%(organisation)s has no assessment %(id)s: leave the id blank to record a new assessment.")
                % {"organisation": self.organisation, "id": row.assessment_id},
            )
        elif stored.recommendation_id != row.recommendation_id:
            row.error(
                RECOMMENDATION_ID,
                _("Assessment %(id)s is of recommendation %(recommendation)s: it cannot move to another one.")
                % {"id": stored.pk, "recommendation": stored.recommendation_id},
            )
        elif self._changed_fields(stored, row) and row.version != stored.version:
            self.result.conflicts += 1
            row.error(
                VERSION,
                _(
                    "Conflict: assessment %(id)s was changed by someone else since this file was exported (version "
                    "%(file)s in the file, %(stored)s now). Export it again and redo your change."
                )
                % {"id": stored.pk, "file": row.version, "stored": stored.version},
            )

    def _initial_state(self) -> str:
        return permissions.initial_publication_state(self.user, self.organisation.pk)

    def _new_state(self, row: SheetRow) -> str:
        return row.publication_state or self._initial_state()

    def _may_not_publish(self) -> str:
        return _("Only reviewers of %(organisation)s publish, unpublish or reject its assessments.") % {
            "organisation": self.organisation
        }

    # Comparing ------------------------------------------------------------------------------------------------

    def _changed_fields(self, stored: ImplementationAssessment, row: SheetRow) -> list[str]:
        wanted = {
            "status": row.status,
            "assessed_on": row.assessed_on,
            "narrative": row.narrative,
            "state": row.publication_state or stored.state,
        }
        changed = [name for name, value in wanted.items() if _stored_value(stored, name) != value]
        if _urls(stored) != row.evidence_urls:
            changed.append("evidence")
        return changed

    def _same(self, stored: ImplementationAssessment, row: SheetRow, state: str) -> bool:
        return not self._changed_fields(stored, row) and stored.state == state

    # Writing --------------------------------------------------------------------------------------------------

    def _write(self, row: SheetRow) -> None:
        sources, created = dict(self.sources), self.result.evidence_created
        try:
            with transaction.atomic():
                self._apply(row)
        except (ValidationError, services.EditConflict, services.OpenRevision) as exc:
            self.sources, self.result.evidence_created = sources, created  # rolled back with the row
            row.problems.append(Problem(row.row, _error_column(exc), _error_message(exc)))

    def _apply(self, row: SheetRow) -> None:
        if row.assessment_id is None:
            self._create(row)
            return
        stored = self.stored[row.assessment_id]
        changed = self._changed_fields(stored, row)
        if not changed:
            self.result.unchanged += 1
        elif stored.state == PUBLISHED and not permissions.can_publish(self.user, stored):
            self._propose(row, stored)
        else:
            self._update(row, stored, changed)

    def _create(self, row: SheetRow) -> None:
        if self.by_date.get((row.recommendation_id, row.assessed_on)):
            self.result.unchanged += 1  # the same assessment, from an earlier import of the file
            return
        services.record_assessment(
            recommendation=self.recommendations[row.recommendation_id],
            status=row.status,
            assessed_on=row.assessed_on,
            organisation=self.organisation,
            recorded_by=self.user,
            narrative=row.narrative,
            citations=self._citations(row, []),
            state=self._new_state(row),
        )
        self.result.created += 1

    def _update(self, row: SheetRow, stored: ImplementationAssessment, changed: list[str]) -> None:
        state = row.publication_state or stored.state
        if not permissions.can_change(self.user, stored) or not permissions.can_move(self.user, stored, state):
            row.error(PUBLICATION_STATE, self._may_not_publish())
            return
        citations = self._citations(row, stored.citations.all()) if "evidence" in changed else None
        services.update_assessment(
            assessment=stored,
            citations=citations,
            expected_version=row.version,
            user=self.user,
            status=row.status,
            assessed_on=row.assessed_on,
            narrative=row.narrative,
            state=state,
        )
        self.result.updated += 1
        self.result.changes.append(Change(row.row, str(self.recommendations[row.recommendation_id]), tuple(changed)))

    def _propose(self, row: SheetRow, stored: ImplementationAssessment) -> None:
        """A member's change of a published assessment waits for a reviewer, as a revision."""
        if row.publication_state not in ("", PUBLISHED):
            row.error(PUBLICATION_STATE, self._may_not_publish())
            return
        open_states = services.OPEN_PUBLICATION_STATES
        pending = stored.revisions.filter(state__in=open_states).prefetch_related(_CITATIONS).first()
        if pending is not None and not self._changed_fields(pending, _with_state(row, pending.state)):
            self.result.unchanged += 1  # proposed by an earlier import of the file
            return
        services.propose_revision(
            assessment=stored,
            user=self.user,
            expected_version=row.version,
            citations=self._citations(row, stored.citations.all()),
            status=row.status,
            assessed_on=row.assessed_on,
            narrative=row.narrative,
        )
        self.result.proposed += 1
        self.result.changes.append(
            Change(row.row, str(self.recommendations[row.recommendation_id]), (_("proposed revision"),))
        )

    def _citations(self, row: SheetRow, current) -> list[tuple[EvidenceSource, str, str]]:
        """The stored citations of URLs the row still names (with their excerpts and pages) and of sources
        without a URL, then the row's new URLs."""
        urls = row.evidence_urls
        kept = [(c.evidence, c.excerpt, c.page) for c in current if not c.evidence.url or c.evidence.url in urls]
        held = {evidence.url for evidence, _excerpt, _page in kept}
        return kept + [(self._source(url, title), "", "") for url, title in row.evidence if url not in held]

    def _source(self, url: str, title: str) -> EvidenceSource:
        if url not in self.sources:
            own_first = Case(
                When(organisation_id=self.organisation.pk, then=Value(0)), default=1, output_field=IntegerField()
            )
            citable = permissions.citable_evidence(self.organisation.pk).filter(url=url)
            found = permissions.visible(citable, self.user).order_by(own_first, "pk").first()
            if found is None:
                found = services.save_evidence_source(
                    evidence=EvidenceSource(organisation=self.organisation, title=title or url[:500], url=url),
                    user=self.user,
                )
                self.result.evidence_created += 1
            self.sources[url] = found
        return self.sources[url]


def _stored_value(stored: ImplementationAssessment, name: str):
    value = getattr(stored, name)
    return value.strip() if name == "narrative" else value


def _urls(assessment: ImplementationAssessment) -> set[str]:
    return {citation.evidence.url for citation in assessment.citations.all() if citation.evidence.url}


def _with_state(row: SheetRow, state: str) -> SheetRow:
    """The row as a proposed revision compares: in the revision's state."""
    copy = SheetRow(**{**row.__dict__, "problems": []})
    copy.publication_state = state
    return copy


def _error_column(exc: Exception) -> str:
    if isinstance(exc, services.EditConflict):
        return VERSION
    if isinstance(exc, ValidationError) and hasattr(exc, "error_dict"):
        return next(iter(exc.error_dict))
    return ""


def _error_message(exc: Exception) -> str:
    if isinstance(exc, services.EditConflict):
        return _("Conflict: someone else changed this assessment since this file was exported. Export it again.")
    if isinstance(exc, services.OpenRevision):
        return _(
            "This published assessment already has a proposed change awaiting review (assessment %(id)s): "
            "change that row instead."
        ) % {"id": exc.revision.pk}
    return " ".join(exc.messages)
