"""Writes that touch several rows or models, in one place for every caller.

The admin, the API, the importers and management commands all record assessments, evidence and positions
through these functions, so validation, history, the recommendations' denormalised current status and
response, and the tombstones partners sync never drift from their history.

- `assessments`: record, change, publish, propose a revision of, delete assessments;
- `evidence`: evidence sources and citations (who may cite what);
- `recommendations`: current status and response, positions, deleting recommendations;
- `corrections`: editors' proposed corrections of official data, accepted or rejected by administrators;
- `organisations`: deleting an organisation with everything it holds;
- `following`: the States and themes an organisation's follow-up list watches;
- `reviews`: sending a submission back with a comment;
- `common`: the version guard (EditConflict) and tombstones.
"""

from recommendations.services.assessments import (
    OPEN_PUBLICATION_STATES,
    REVISABLE_FIELDS,
    OpenRevision,
    delete_assessment,
    delete_assessments,
    propose_revision,
    record_assessment,
    record_assessments,
    save_assessment,
    set_assessment_state,
    update_assessment,
)
from recommendations.services.common import EditConflict, claim_version, write_tombstones
from recommendations.services.corrections import (
    CorrectionConflict,
    accept_correction,
    normalised_value,
    official_value,
    propose_correction,
    reject_correction,
)
from recommendations.services.evidence import (
    adopt_submitted_evidence,
    check_citable,
    delete_evidence_source,
    evidence_for_citation,
    known_evidence,
    save_citation,
    save_evidence_source,
)
from recommendations.services.following import set_followed
from recommendations.services.organisations import delete_organisation
from recommendations.services.recommendations import (
    classify_recommendation,
    delete_recommendations,
    record_position,
)
from recommendations.services.reviews import send_back

__all__ = [
    "OPEN_PUBLICATION_STATES",
    "REVISABLE_FIELDS",
    "CorrectionConflict",
    "EditConflict",
    "OpenRevision",
    "accept_correction",
    "adopt_submitted_evidence",
    "check_citable",
    "claim_version",
    "classify_recommendation",
    "delete_assessment",
    "delete_assessments",
    "delete_evidence_source",
    "delete_organisation",
    "delete_recommendations",
    "normalised_value",
    "official_value",
    "propose_correction",
    "evidence_for_citation",
    "known_evidence",
    "propose_revision",
    "record_assessment",
    "record_assessments",
    "record_position",
    "reject_correction",
    "save_assessment",
    "save_citation",
    "save_evidence_source",
    "send_back",
    "set_followed",
    "set_assessment_state",
    "update_assessment",
    "write_tombstones",
]
