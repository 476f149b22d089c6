"""Organisations: deleting one with everything it holds."""

from collections import Counter

from django.db import transaction

from recommendations.models import (
    APIToken,
    Briefing,
    CorrectionProposal,
    EvidenceSource,
    ImplementationAssessment,
    Membership,
    Organisation,
    ProposedRecommendation,
)
from recommendations.services.assessments import delete_assessments
from recommendations.services.evidence import delete_evidence_source, save_evidence_source


@transaction.atomic
def delete_organisation(*, organisation: Organisation) -> Counter:
    """Delete an organisation and what it holds, each row with its history; returns the counts by kind.

    Its assessments go with their citations (tombstones for the published ones; their recommendations' status
    follows), its advocacy asks with their matches, its briefing texts, its correction proposals, memberships and
    API tokens, and its evidence sources (a tombstone for any that was public) — except a source another
    organisation's assessment cites, which stays, held by no organisation, like one sent with the public form.
    """
    counts = Counter()
    counts["assessments"] = delete_assessments(ImplementationAssessment.objects.filter(organisation=organisation))
    counts["advocacy asks"] = _delete(ProposedRecommendation.objects.filter(organisation=organisation))
    counts["briefings"] = _delete(Briefing.objects.filter(organisation=organisation))
    counts["correction proposals"] = _delete(CorrectionProposal.objects.filter(organisation=organisation))
    for evidence in EvidenceSource.objects.filter(organisation=organisation):
        if evidence.citations.exists():
            evidence.organisation = None
            save_evidence_source(evidence=evidence)
        else:
            delete_evidence_source(evidence=evidence)
            counts["evidence sources"] += 1
    counts["API tokens"] = _delete(APIToken.objects.filter(organisation=organisation))
    counts["memberships"] = _delete(Membership.objects.filter(organisation=organisation))
    organisation.delete()
    counts["organisations"] = 1
    return counts


def _delete(queryset) -> int:
    """Delete through the ORM (a history row for each object, from its post_delete); returns how many."""
    return queryset.delete()[1].get(queryset.model._meta.label, 0)
