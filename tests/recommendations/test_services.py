import datetime

import pytest

from recommendations import services
from recommendations.models import EvidenceSource, ImplementationStatus, Recommendation, Response

pytestmark = pytest.mark.django_db

D = datetime.date


@pytest.fixture
def recommendation(review_kaz_2010, make_recommendation, norway):
    return make_recommendation(review_kaz_2010, states=[norway])


def current(recommendation):
    return Recommendation.objects.values("current_status", "current_status_date").get(pk=recommendation.pk)


def test_current_status_follows_the_latest_assessment_not_the_latest_recorded(recommendation, org_a, org_b):
    services.record_assessment(
        recommendation=recommendation, status="partially_implemented", assessed_on=D(2014, 1, 10), organisation=org_a
    )
    services.record_assessment(
        recommendation=recommendation, status="not_implemented", assessed_on=D(2012, 7, 1), organisation=org_b
    )
    assert current(recommendation) == {"current_status": "partially_implemented", "current_status_date": D(2014, 1, 10)}


def test_deleting_an_organisation_takes_its_correction_proposals(recommendation, org_a, django_user_model):
    from recommendations.models import CorrectionProposal, Membership

    editor = django_user_model.objects.create_user(username="proposer", password="x", is_staff=True)
    Membership.objects.create(user=editor, organisation=org_a, role=Membership.Role.EDITOR)
    services.propose_correction(
        recommendation=recommendation,
        field="paragraph",
        proposed_value="97.52",
        source="A/HRC/14/10",
        user=editor,
        organisation=org_a,
    )
    counts = services.delete_organisation(organisation=org_a)
    assert counts["correction proposals"] == 1
    assert not CorrectionProposal.objects.exists()


def test_deleting_the_latest_assessment_falls_back_to_the_one_before(recommendation, org_a):
    services.record_assessment(
        recommendation=recommendation, status="not_implemented", assessed_on=D(2012, 7, 1), organisation=org_a
    )
    latest = services.record_assessment(
        recommendation=recommendation, status="fully_implemented", assessed_on=D(2016, 3, 1), organisation=org_a
    )
    services.delete_assessment(assessment=latest)
    assert current(recommendation) == {"current_status": "not_implemented", "current_status_date": D(2012, 7, 1)}
    services.delete_assessments(list(recommendation.assessments.all()))
    assert current(recommendation) == {"current_status": "", "current_status_date": None}


def test_status_filter_uses_the_denormalised_column(recommendation, review_kaz_2010, make_recommendation, org_a):
    other = make_recommendation(review_kaz_2010, "Decriminalise defamation")
    services.record_assessment(
        recommendation=recommendation, status="not_implemented", assessed_on=D(2014, 1, 1), organisation=org_a
    )
    not_implemented = Recommendation.objects.filter(current_status=ImplementationStatus.NOT_IMPLEMENTED)
    assert list(not_implemented) == [recommendation]
    assert other not in not_implemented


def test_assessment_keeps_its_citations(recommendation, org_a, editor_a):
    report = EvidenceSource.objects.create(title="World Report 2014", publisher="Human Rights Watch")
    assessment = services.record_assessment(
        recommendation=recommendation,
        status="not_implemented",
        assessed_on=D(2014, 1, 21),
        organisation=org_a,
        recorded_by=editor_a,
        citations=[(report, "Defenders face threats and detention", "p. 12")],
    )
    assert [(c.evidence, c.page) for c in assessment.citations.all()] == [(report, "p. 12")]
    assert assessment.recorded_by == editor_a


def test_position_history_is_kept_and_the_latest_is_current(recommendation):
    services.record_position(recommendation=recommendation, response="noted", source="A/HRC/14/10", date=D(2010, 6, 10))
    services.record_position(
        recommendation=recommendation, response="supported", source="Mid-term report", date=D(2012, 9, 1)
    )
    recommendation.refresh_from_db()
    assert (recommendation.response, recommendation.response_source) == (Response.SUPPORTED, "Mid-term report")
    assert list(recommendation.positions.values_list("response", flat=True)) == ["noted", "supported"]


def test_an_edit_that_leaves_the_status_keeps_updated_at(recommendation, org_a):
    assessment = services.record_assessment(
        recommendation=recommendation, status="not_implemented", assessed_on=D(2014, 1, 1), organisation=org_a
    )
    before = Recommendation.objects.get(pk=recommendation.pk).updated_at
    services.update_assessment(assessment=assessment, narrative="Still nothing done.")
    assert Recommendation.objects.get(pk=recommendation.pk).updated_at == before


def test_a_change_is_never_dated_before_the_row_it_changes(review_kaz_2010, make_recommendation):
    from django.db import transaction

    with transaction.atomic():  # as the importer and the admin do: create, then refresh
        recommendation = make_recommendation(review_kaz_2010, "Protect journalists")
        services.record_position(recommendation=recommendation, response="supported", date=D(2010, 6, 10))
    recommendation.refresh_from_db()
    assert recommendation.updated_at >= recommendation.created_at


def test_deleting_an_organisation_takes_what_it_holds_and_keeps_evidence_another_one_cites(
    recommendation, org_a, org_b
):
    from recommendations.models import DeletedObject, Organisation

    evidence = EvidenceSource.objects.create(organisation=org_a, title="Annual report", url="https://example.org/r")
    services.record_assessment(
        recommendation=recommendation,
        status="not_implemented",
        assessed_on=D(2012, 7, 1),
        organisation=org_a,
        citations=[(evidence, "", "")],
    )
    services.record_assessment(
        recommendation=recommendation,
        status="partially_implemented",
        assessed_on=D(2014, 1, 10),
        organisation=org_b,
        citations=[(evidence, "", "")],  # cited publicly by org_a's published assessment, so org_b may cite it
    )

    counts = services.delete_organisation(organisation=org_a)

    assert dict(+counts) == {"assessments": 1, "organisations": 1}
    assert not Organisation.objects.filter(pk=org_a.pk).exists()
    evidence.refresh_from_db()
    assert evidence.organisation is None and evidence.citations.count() == 1
    assert DeletedObject.objects.filter(kind="assessment").count() == 1
    assert current(recommendation) == {"current_status": "partially_implemented", "current_status_date": D(2014, 1, 10)}
