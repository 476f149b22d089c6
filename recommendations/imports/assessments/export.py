"""An organisation's assessments as sheet rows (sheet.COLUMNS), and optionally the recommendations of a search
that it has not assessed yet, as rows to fill in.

Everything is read through permissions.visible for the exporting user: another organisation's drafts never
reach the file, whatever is asked. Rows are produced lazily (server-side cursors in chunks), so a CSV export
streams with flat memory; an XLSX workbook is capped at imports.export.XLSX_MAX_ROWS rows.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from django.db.models import Exists, OuterRef, Prefetch, QuerySet
from django.utils.translation import gettext as _

from recommendations import permissions
from recommendations.imports.assessments.sheet import COLUMNS, LIST_SEPARATOR
from recommendations.imports.base import ImportFileError
from recommendations.models import Citation, EvidenceSource, ImplementationAssessment, Organisation, Recommendation
from recommendations.search.filters import RecommendationFilterSet

CHUNK_SIZE = 500
SEPARATOR = f"{LIST_SEPARATOR} "
_RECOMMENDATION = ("recommendation__review__state", "recommendation__review__session")
# By review (session, then State), recommendation and date: as an editor goes through a review.
_ORDER = (
    "recommendation__review__session__number",
    "recommendation__review__state__iso3",
    "recommendation_id",
    "assessed_on",
    "id",
)


class ExportError(ImportFileError):
    """The export cannot be made as asked (an invalid search)."""


def assessments(queryset: QuerySet[ImplementationAssessment], user) -> QuerySet[ImplementationAssessment]:
    """The assessments of `queryset` the user may see, with what a row shows (only sources they may see)."""
    evidence = permissions.visible(EvidenceSource.objects.all(), user)
    citations = Citation.objects.filter(evidence__in=evidence).select_related("evidence").order_by("id")
    return (
        permissions.visible(queryset, user)
        .select_related("organisation", *_RECOMMENDATION)
        .prefetch_related(Prefetch("citations", queryset=citations))
        .order_by(*_ORDER)
    )


def unassessed(organisation: Organisation, query: Mapping[str, object]) -> QuerySet[Recommendation]:
    """The recommendations of a search (the search page's query string) the organisation has no assessment of."""
    filterset = RecommendationFilterSet(data=query, queryset=Recommendation.objects.all())
    if not filterset.is_valid():
        reasons = "; ".join(f"{name}: {' '.join(errors)}" for name, errors in filterset.errors.items())
        raise ExportError(_("The search is not valid (%(reasons)s).") % {"reasons": reasons})
    assessed = ImplementationAssessment.objects.filter(organisation=organisation, recommendation=OuterRef("pk"))
    return filterset.qs.filter(~Exists(assessed)).select_related("review__state", "review__session")


def sheet_rows(
    organisation: Organisation, user, *, query: Mapping[str, object] | None = None
) -> Iterator[list[object]]:
    """The header, the organisation's assessments, then (with `query`) the recommendations left to assess.

    The search is checked now (ExportError), before any row is produced."""
    blanks = unassessed(organisation, query) if query is not None else None
    theirs = ImplementationAssessment.objects.filter(organisation=organisation)
    return _rows(organisation, assessments(theirs, user), blanks)


def selected_rows(queryset: QuerySet[ImplementationAssessment], user) -> Iterator[list[object]]:
    """The header and the assessments of `queryset` the user may see (of any organisation: the import refuses
    the rows of another organisation than the one it imports for)."""
    return _rows(None, assessments(queryset, user), None)


def _rows(organisation, assessed: QuerySet, blanks: QuerySet | None) -> Iterator[list[object]]:
    yield list(COLUMNS)
    for assessment in assessed.iterator(chunk_size=CHUNK_SIZE):
        yield _assessment_row(assessment)
    if blanks is not None:
        for recommendation in blanks.iterator(chunk_size=CHUNK_SIZE):
            yield _blank_row(organisation, recommendation)


def _context(organisation: Organisation, recommendation: Recommendation) -> dict[str, object]:
    review = recommendation.review
    return {
        "recommendation_id": recommendation.pk,
        "organisation": organisation.slug,
        "state_under_review": review.state.iso3,
        "session": review.session.number,
        "paragraph": recommendation.paragraph,
        "recommendation_text": recommendation.text,
    }


def _assessment_row(assessment: ImplementationAssessment) -> list[object]:
    cited = list(dict.fromkeys(c.evidence for c in assessment.citations.all() if c.evidence.url))
    values = {
        **_context(assessment.organisation, assessment.recommendation),
        "assessment_id": assessment.pk,
        "status": assessment.status,
        "assessed_on": assessment.assessed_on.isoformat(),
        "narrative": assessment.narrative,
        "publication_state": assessment.state,
        "version": assessment.version,
        "evidence_urls": SEPARATOR.join(source.url for source in cited),
        # A title with the separator in it would shift the titles after it.
        "evidence_titles": SEPARATOR.join(source.title.replace(LIST_SEPARATOR, ",") for source in cited),
        "revision_of": assessment.revision_of_id or "",
    }
    return [values.get(column, "") for column in COLUMNS]


def _blank_row(organisation: Organisation, recommendation: Recommendation) -> list[object]:
    values = _context(organisation, recommendation)
    return [values.get(column, "") for column in COLUMNS]
