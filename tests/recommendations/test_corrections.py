"""Official data is protected: editors classify recommendations and propose corrections of their official data,
staff administrators accept (applied with history naming the proposal) or reject them."""

import pytest
from django.contrib.auth.models import Permission
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from recommendations import services
from recommendations.imports.service import import_recommendations
from recommendations.models import CorrectionProposal, Recommendation, Review, Session, Theme
from tests.recommendations.conftest import upr_info_csv, upr_info_row
from tests.security.html_forms import post_form

pytestmark = pytest.mark.django_db

ADD_URL = reverse("admin:recommendations_correctionproposal_add")
LIST_URL = reverse("admin:recommendations_correctionproposal_changelist")


def change_url(obj) -> str:
    return reverse(f"admin:recommendations_{obj._meta.model_name}_change", args=[obj.pk])


@pytest.fixture
def recommendation(review_kaz_2010, make_recommendation, france):
    made = make_recommendation(review_kaz_2010, "Protect human rights defenders", states=[france], paragraph="93.1")
    services.record_position(recommendation=made, response="supported", source="A/HRC/14/10 - Para. 93")
    made.refresh_from_db()
    return made


@pytest.fixture
def editor_with_model_permissions(editor_a):
    """Organisation A's editor, even granted every model permission on recommendations and positions."""
    codenames = [
        f"{action}_{model}"
        for action in ("add", "change", "delete", "view")
        for model in ("recommendation", "position")
    ]
    editor_a.user_permissions.add(*Permission.objects.filter(codename__in=codenames))
    return editor_a


def posted_form(client, url, **changes) -> dict:
    """The page's form as the browser sends it, with some fields changed (fields not on the form are posted too)."""
    data, _text_fields = post_form(client.get(url).content.decode())
    return {**data, **{name: value if isinstance(value, list) else [value] for name, value in changes.items()}}


OFFICIAL_CHANGES = {
    "text": "PWNED text",
    "paragraph": "1.1",
    "kind": "voluntary_pledge",
    "recommending_states": "NOR",
}


@pytest.mark.parametrize("field", [*OFFICIAL_CHANGES, "review"])
def test_editor_cannot_change_official_data_through_the_admin_form(
    client, recommendation, editor_with_model_permissions, norway, review_fra_2008, field
):
    client.force_login(editor_with_model_permissions)
    value = {**OFFICIAL_CHANGES, "recommending_states": str(norway.pk), "review": str(review_fra_2008.pk)}[field]
    before = Recommendation.objects.get(pk=recommendation.pk)
    response = client.post(
        change_url(recommendation), posted_form(client, change_url(recommendation), **{field: value})
    )
    assert response.status_code == 302
    after = Recommendation.objects.get(pk=recommendation.pk)
    assert (after.text, after.paragraph, after.kind, after.review_id) == (
        before.text,
        before.paragraph,
        before.kind,
        before.review_id,
    )
    assert list(after.recommending_states.values_list("iso3", flat=True)) == ["FRA"]


def test_editor_cannot_change_the_states_response_in_the_positions_inline(
    client, recommendation, editor_with_model_permissions
):
    client.force_login(editor_with_model_permissions)
    position = recommendation.positions.get()
    data = posted_form(
        client,
        change_url(recommendation),
        **{
            "positions-TOTAL_FORMS": "2",
            "positions-0-id": str(position.pk),
            "positions-0-recommendation": str(recommendation.pk),
            "positions-0-response": "noted",
            "positions-1-recommendation": str(recommendation.pk),
            "positions-1-response": "noted",
            "positions-1-source": "forged",
        },
    )
    client.post(change_url(recommendation), data)
    recommendation.refresh_from_db()
    assert recommendation.response == "supported"
    assert list(recommendation.positions.values_list("response", "source")) == [("supported", "A/HRC/14/10 - Para. 93")]


def test_editor_cannot_delete_a_recommendation_even_with_the_model_permission(
    client, recommendation, editor_with_model_permissions
):
    client.force_login(editor_with_model_permissions)
    url = reverse("admin:recommendations_recommendation_delete", args=[recommendation.pk])
    assert client.post(url, {"post": "yes"}).status_code == 403
    assert Recommendation.objects.filter(pk=recommendation.pk).exists()


def test_editor_classifies_a_recommendation_with_history(client, recommendation, editor_a):
    theme = Theme.objects.order_by("pk").first()
    client.force_login(editor_a)
    data = posted_form(client, change_url(recommendation), themes=[str(theme.pk)], action_category="3")
    client.post(change_url(recommendation), data)
    recommendation.refresh_from_db()
    assert list(recommendation.themes.all()) == [theme]
    assert recommendation.action_category == 3
    latest = recommendation.history.latest("history_id")
    assert (latest.history_user, latest.history_change_reason) == (
        editor_a,
        "Classification changed: action_category, themes",
    )


def test_a_save_that_changes_nothing_writes_no_history(client, recommendation, editor_a):
    client.force_login(editor_a)
    versions = recommendation.history.count()
    client.post(change_url(recommendation), posted_form(client, change_url(recommendation)))
    assert recommendation.history.count() == versions


def test_staff_administrator_still_changes_official_data(client, recommendation, staff_admin):
    client.force_login(staff_admin)
    client.post(change_url(recommendation), posted_form(client, change_url(recommendation), text="Corrected text"))
    recommendation.refresh_from_db()
    assert recommendation.text == "Corrected text"


@pytest.mark.parametrize("method", ["patch", "put", "delete"])
def test_the_api_does_not_let_editors_change_recommendations(token_client, editor_a, org_a, recommendation, method):
    client = token_client(editor_a, org_a)
    url = reverse("api:recommendation-detail", args=[recommendation.pk])
    response = getattr(client, method)(url, {"text": "PWNED", "response": "noted"}, format="json")
    assert response.status_code == 405
    recommendation.refresh_from_db()
    assert (recommendation.text, recommendation.response) == ("Protect human rights defenders", "supported")


def test_an_editors_import_may_not_change_the_official_response(editor_a, kazakhstan, norway):
    Review.objects.get_or_create(state=kazakhstan, session=Session.objects.get(number=7))
    import_recommendations(file=upr_info_csv([upr_info_row("Protect human rights defenders")]))
    noted = upr_info_csv([upr_info_row("Protect human rights defenders", response="Noted", action="3")])
    result = import_recommendations(file=noted, user=editor_a)
    assert not result.written
    assert [problem.message.split(":")[0] for problem in result.problems] == [
        "This row would change the official response of an existing recommendation"
    ]
    assert list(Recommendation.objects.values_list("response", "action_category")) == [("supported", 5)]


def test_an_editors_import_may_change_the_classification(editor_a, kazakhstan, norway):
    Review.objects.get_or_create(state=kazakhstan, session=Session.objects.get(number=7))
    import_recommendations(file=upr_info_csv([upr_info_row("Protect human rights defenders")]))
    result = import_recommendations(
        file=upr_info_csv([upr_info_row("Protect human rights defenders", action="3")]), user=editor_a
    )
    assert (result.written, result.updated, result.problems) == (True, 1, [])
    assert Recommendation.objects.get().action_category == 3


# Proposing ----------------------------------------------------------------------------------------------------


def propose(client, recommendation, org, **fields) -> object:
    data = {
        "recommendation": recommendation.pk,
        "field": "text",
        "proposed_value": "Protect all human rights defenders",
        "source": "https://undocs.org/A/HRC/14/10",
        "comment": "The import cut the word 'all'.",
        "organisation": org.pk,
        **fields,
    }
    return client.post(ADD_URL, data)


def test_the_recommendation_page_links_editors_to_a_new_proposal(client, recommendation, editor_a):
    client.force_login(editor_a)
    page = client.get(change_url(recommendation)).content.decode()
    assert f"{ADD_URL}?recommendation={recommendation.pk}" in page
    form = client.get(f"{ADD_URL}?recommendation={recommendation.pk}").content.decode()
    assert f'<option value="{recommendation.pk}" selected>' in form


def test_editor_proposes_a_correction(client, recommendation, editor_a, org_a):
    client.force_login(editor_a)
    assert propose(client, recommendation, org_a).status_code == 302
    proposal = CorrectionProposal.objects.get()
    assert (proposal.field, proposal.current_value, proposal.proposed_value, proposal.state) == (
        "text",
        "Protect human rights defenders",
        "Protect all human rights defenders",
        "pending",
    )
    assert (proposal.proposed_by, proposal.organisation) == (editor_a, org_a)
    recommendation.refresh_from_db()
    assert recommendation.text == "Protect human rights defenders"  # unchanged until accepted
    assert "Protect all human rights defenders" in client.get(change_url(recommendation)).content.decode()


@pytest.mark.parametrize(
    ("field", "value", "error"),
    [
        ("recommending_states", "FRA, XXX", "Unknown ISO3 codes: XXX."),
        ("response", "maybe", "Use one of: supported, noted, partially_supported, pending."),
        ("text", "Protect human rights defenders", "That is already the recommendation&#x27;s value."),
    ],
)
def test_a_proposal_the_field_cannot_hold_is_refused_on_the_form(
    client, recommendation, editor_a, org_a, field, value, error
):
    client.force_login(editor_a)
    response = propose(client, recommendation, org_a, field=field, proposed_value=value)
    assert response.status_code == 200
    assert error in response.content.decode()
    assert not CorrectionProposal.objects.exists()


def test_editor_may_not_propose_for_another_organisation(client, recommendation, editor_a, org_b):
    client.force_login(editor_a)
    assert propose(client, recommendation, org_b).status_code == 200  # the form offers only their organisations
    assert not CorrectionProposal.objects.exists()
    with pytest.raises(PermissionDenied):
        services.propose_correction(
            recommendation=recommendation,
            field="text",
            proposed_value="x",
            source="s",
            user=editor_a,
            organisation=org_b,
        )


# Deciding -----------------------------------------------------------------------------------------------------


@pytest.fixture
def proposal(recommendation, editor_a, org_a) -> CorrectionProposal:
    return services.propose_correction(
        recommendation=recommendation,
        field="text",
        proposed_value="Protect all human rights defenders",
        source="https://undocs.org/A/HRC/14/10",
        comment="MARKER-comment",
        user=editor_a,
        organisation=org_a,
    )


def decide(client, proposal, decision: str, note: str = ""):
    return client.post(change_url(proposal), {"decision": decision, "decision_note": note})


def test_staff_administrator_accepts_and_the_history_names_the_proposal(client, proposal, staff_admin):
    client.force_login(staff_admin)
    assert decide(client, proposal, "accept", "Checked against the report.").status_code == 302
    proposal.refresh_from_db()
    assert (proposal.state, proposal.decided_by, proposal.decision_note) == (
        "accepted",
        staff_admin,
        "Checked against the report.",
    )
    assert proposal.decided_at is not None
    recommendation = proposal.recommendation
    recommendation.refresh_from_db()
    assert recommendation.text == "Protect all human rights defenders"
    latest = recommendation.history.latest("history_id")
    assert (latest.history_user, latest.text) == (staff_admin, "Protect all human rights defenders")
    assert latest.history_change_reason == f"Correction proposal #{proposal.pk} (text) accepted"


def test_accepting_a_response_correction_corrects_the_latest_position(
    proposal, recommendation, editor_a, org_a, staff_admin
):
    response = services.propose_correction(
        recommendation=recommendation,
        field="response",
        proposed_value="Noted",
        source="A/HRC/14/10/Add.1",
        user=editor_a,
        organisation=org_a,
    )
    services.accept_correction(proposal=response, user=staff_admin)
    recommendation.refresh_from_db()
    assert recommendation.response == "noted"
    assert list(recommendation.positions.values_list("response", flat=True)) == ["noted"]
    assert recommendation.history.latest("history_id").history_change_reason == (
        f"Correction proposal #{response.pk} (response) accepted"
    )
    assert recommendation.positions.get().history.latest("history_id").history_user == staff_admin


def test_accepting_recommending_states(recommendation, editor_a, org_a, staff_admin, norway):
    proposal = services.propose_correction(
        recommendation=recommendation,
        field="recommending_states",
        proposed_value="nor, fra",
        source="A/HRC/14/10",
        user=editor_a,
        organisation=org_a,
    )
    assert (proposal.current_value, proposal.proposed_value) == ("FRA", "FRA, NOR")
    services.accept_correction(proposal=proposal, user=staff_admin)
    assert sorted(recommendation.recommending_states.values_list("iso3", flat=True)) == ["FRA", "NOR"]


def test_staff_administrator_rejects_with_a_note(client, proposal, staff_admin):
    client.force_login(staff_admin)
    decide(client, proposal, "reject", "The report says 'defenders', not 'all defenders'.")
    proposal.refresh_from_db()
    assert (proposal.state, proposal.decision_note) == ("rejected", "The report says 'defenders', not 'all defenders'.")
    proposal.recommendation.refresh_from_db()
    assert proposal.recommendation.text == "Protect human rights defenders"
    with pytest.raises(ValidationError, match="already Rejected"):  # a decided proposal is not decided again
        services.accept_correction(proposal=proposal, user=staff_admin)


def test_a_proposal_whose_value_changed_since_is_not_accepted_blindly(client, proposal, staff_admin):
    Recommendation.objects.filter(pk=proposal.recommendation_id).update(text="Protect defenders (edited meanwhile)")
    client.force_login(staff_admin)
    page = client.get(change_url(proposal)).content.decode()
    assert "Changed since proposed:" in page
    response = decide(client, proposal, "accept")
    assert response.status_code == 200
    assert "changed since the correction was proposed" in response.content.decode()
    proposal.refresh_from_db()
    assert proposal.state == "pending"
    with pytest.raises(services.CorrectionConflict):
        services.accept_correction(proposal=proposal, user=staff_admin)
    decide(client, proposal, "accept_despite_change")
    proposal.refresh_from_db()
    assert proposal.state == "accepted"
    assert Recommendation.objects.get(pk=proposal.recommendation_id).text == "Protect all human rights defenders"


def test_staff_accept_from_the_list(client, proposal, staff_admin):
    client.force_login(staff_admin)
    client.post(LIST_URL, {"action": "accept_action", "_selected_action": [proposal.pk]})
    proposal.refresh_from_db()
    assert proposal.state == "accepted"


def test_editors_neither_see_nor_decide_other_organisations_proposals(client, proposal, editor_b):
    client.force_login(editor_b)
    assert "MARKER-comment" not in client.get(LIST_URL).content.decode()
    assert client.get(change_url(proposal)).status_code in (302, 404)
    assert "MARKER-comment" not in client.get(change_url(proposal.recommendation)).content.decode()
    decide(client, proposal, "accept")
    client.post(LIST_URL, {"action": "accept_action", "_selected_action": [proposal.pk]})
    proposal.refresh_from_db()
    assert proposal.state == "pending"
    with pytest.raises(PermissionDenied):
        services.reject_correction(proposal=proposal, user=editor_b)


def test_the_proposer_sees_their_proposal_but_does_not_decide_it(client, proposal, editor_a):
    client.force_login(editor_a)
    page = client.get(change_url(proposal)).content.decode()
    assert "MARKER-comment" in page
    assert 'name="decision"' not in page
    decide(client, proposal, "accept")
    client.post(LIST_URL, {"action": "accept_action", "_selected_action": [proposal.pk]})
    proposal.refresh_from_db()
    assert proposal.state == "pending"
    with pytest.raises(PermissionDenied):
        services.accept_correction(proposal=proposal, user=editor_a)


def test_the_public_page_offers_signed_in_editors_a_correction(client, recommendation, editor_a):
    url = reverse("recommendations:detail", args=[recommendation.pk])
    link = f"{ADD_URL}?recommendation={recommendation.pk}"
    assert link not in client.get(url).content.decode()
    client.force_login(editor_a)
    assert link in client.get(url).content.decode()
