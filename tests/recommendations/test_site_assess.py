"""The one-screen assessment: who may open it, what each button does and says, evidence found or added, a known
link reused instead of a constraint error."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from recommendations.models import EvidenceSource, ImplementationAssessment, Membership, Organisation, Publication
from tests.site_data import assess, evidence

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


@pytest.fixture
def made(review_kaz_2010, make_recommendation):
    return make_recommendation(review_kaz_2010, "Protect human rights defenders", paragraph="93.1")


def _url(made) -> str:
    return reverse("recommendations:assess", args=[made.pk])


def _post(client, made, action: str, **fields):
    data = {"status": "partially_implemented", "assessed_on": "2014-03-01", "narrative": "Two were released."}
    return client.post(_url(made), {**data, **fields, "action": action}, follow=True)


def _messages(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


def test_anonymous_visitors_are_sent_to_sign_in(client, made):
    response = client.get(_url(made))
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_an_account_without_organisation_may_not_assess(client, django_user_model, made):
    client.force_login(django_user_model.objects.create_user(username="someone", password="x"))
    assert client.get(_url(made)).status_code == 403
    assert _post(client, made, "draft", organisation="1").status_code == 403


def test_the_only_organisation_is_preselected_and_the_date_is_today(client, editor_a, org_a, made):
    client.force_login(editor_a)
    response = client.get(_url(made))
    form = response.context["form"]
    assert form["organisation"].value() == org_a.pk
    assert form["assessed_on"].value() == timezone.localdate()
    html = response.content.decode()
    assert f'max="{timezone.localdate().isoformat()}"' in html
    assert "Save draft" in html and "Submit for review" in html
    assert ">Publish</button>" not in html  # an editor, not a reviewer


def test_save_draft_says_who_sees_it(client, editor_a, org_a, made):
    client.force_login(editor_a)
    response = _post(client, made, "draft", organisation=org_a.pk)
    assert _messages(response) == ["Saved as a draft: only members of Defenders Watch see it."]
    assessment = ImplementationAssessment.objects.get()
    assert (assessment.state, assessment.recorded_by, assessment.narrative) == ("draft", editor_a, "Two were released.")
    assert response.redirect_chain[-1][0] == reverse("recommendations:workspace")


def test_submit_says_reviewers_will_see_it(client, editor_a, org_a, made):
    client.force_login(editor_a)
    response = _post(client, made, "submit", organisation=org_a.pk)
    assert _messages(response) == ["Submitted: reviewers of Defenders Watch will see it in their workspace."]
    assert ImplementationAssessment.objects.get().state == Publication.SUBMITTED


def test_an_editor_cannot_publish(client, editor_a, org_a, made):
    client.force_login(editor_a)
    assert _post(client, made, "publish", organisation=org_a.pk).status_code == 403
    assert not ImplementationAssessment.objects.exists()


def test_a_reviewer_publishes_with_a_new_source(client, reviewer_a, org_a, made):
    client.force_login(reviewer_a)
    response = _post(
        client,
        made,
        "publish",
        organisation=org_a.pk,
        new_title="World Report 2014",
        new_url="https://www.hrw.org/wr2014",
        new_publisher="Human Rights Watch",
        new_page="p. 12",
        new_document=SimpleUploadedFile("report.pdf", PDF),
    )
    assert _messages(response) == ["Published: it is public now."]
    assessment = ImplementationAssessment.objects.get()
    assert assessment.state == Publication.PUBLISHED
    citation = assessment.citations.get()
    assert (citation.evidence.title, citation.evidence.organisation, citation.page) == (
        "World Report 2014",
        org_a,
        "p. 12",
    )
    assert citation.evidence.document.name.endswith(".pdf")
    made.refresh_from_db()
    assert made.current_status == "partially_implemented"


def test_an_upload_that_is_not_a_document_is_refused(client, editor_a, org_a, made):
    client.force_login(editor_a)
    bad = SimpleUploadedFile("report.pdf", b"MZ not a pdf")
    response = _post(client, made, "draft", organisation=org_a.pk, new_title="Report", new_document=bad)
    assert response.status_code == 400
    assert "Only PDF and Word (DOCX) documents" in response.content.decode()
    assert not ImplementationAssessment.objects.exists() and not EvidenceSource.objects.exists()


def test_a_known_link_cites_the_existing_source(client, editor_a, org_a, made):
    held = evidence("World Report 2014", url="https://www.hrw.org/wr2014", organisation=org_a)
    client.force_login(editor_a)
    response = _post(
        client, made, "draft", organisation=org_a.pk, new_title="Same thing again", new_url="https://www.hrw.org/wr2014"
    )
    assert response.status_code == 200
    assert _messages(response) == [
        "Saved as a draft: only members of Defenders Watch see it. The link you gave was already known: the "
        "assessment cites “World Report 2014”."
    ]
    assert EvidenceSource.objects.get() == held
    assert ImplementationAssessment.objects.get().citations.get().evidence == held


def test_the_link_check_names_the_known_source(client, editor_a, org_a):
    evidence("World Report 2014", url="https://www.hrw.org/wr2014", organisation=org_a)
    client.force_login(editor_a)
    url = reverse("recommendations:evidence-search")
    known = client.get(url, {"organisation": org_a.pk, "new_url": "https://www.hrw.org/wr2014"})
    assert "already known as “World Report 2014”" in known.content.decode()
    unknown = client.get(url, {"organisation": org_a.pk, "new_url": "https://example.org/new"})
    assert unknown.content.decode().strip() == ""


def test_search_offers_only_citable_sources(client, editor_a, org_a, org_b, made):
    evidence("Defenders report", url="https://a.example.org/1", organisation=org_a)
    evidence("Defenders secret of B", url="https://b.example.org/1", organisation=org_b)
    public_b = evidence("Defenders public of B", url="https://b.example.org/2", organisation=org_b)
    assess(made, "not_implemented", datetime.date(2013, 1, 1), by=org_b, cites=[(public_b, "", "")])
    client.force_login(editor_a)
    response = client.get(reverse("recommendations:evidence-search"), {"organisation": org_a.pk, "q": "defenders"})
    html = response.content.decode()
    assert "Defenders report" in html and "Defenders public of B" in html
    assert "secret of B" not in html


def test_search_for_another_organisation_is_refused(client, editor_b, org_a):
    evidence("Private of A", url="https://a.example.org/1", organisation=org_a)
    client.force_login(editor_b)
    response = client.get(reverse("recommendations:evidence-search"), {"organisation": org_a.pk, "q": "private"})
    assert response.status_code == 400
    assert "Private of A" not in response.content.decode()


def test_citing_an_existing_source_with_excerpt_and_page(client, editor_a, org_a, made):
    held = evidence("World Report 2014", url="https://www.hrw.org/wr2014", organisation=org_a)
    client.force_login(editor_a)
    fields = {"cite": [held.pk], f"excerpt-{held.pk}": "Two defenders freed", f"page-{held.pk}": "§4"}
    _post(client, made, "submit", organisation=org_a.pk, **fields)
    citation = ImplementationAssessment.objects.get().citations.get()
    assert (citation.evidence, citation.excerpt, citation.page) == (held, "Two defenders freed", "§4")


def test_another_organisations_private_source_cannot_be_cited(client, editor_a, org_a, org_b, made):
    private_b = evidence("Private of B", url="https://b.example.org/1", organisation=org_b)
    client.force_login(editor_a)
    response = _post(client, made, "draft", organisation=org_a.pk, cite=[private_b.pk])
    assert response.status_code == 400
    assert not ImplementationAssessment.objects.exists()


def test_an_editor_cannot_write_for_another_organisation(client, editor_a, org_b, made):
    client.force_login(editor_a)
    response = _post(client, made, "draft", organisation=org_b.pk)
    assert response.status_code == 400
    assert not ImplementationAssessment.objects.exists()


def test_a_date_after_today_is_refused(client, editor_a, org_a, made):
    client.force_login(editor_a)
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    response = _post(client, made, "draft", organisation=org_a.pk, assessed_on=tomorrow.isoformat())
    assert response.status_code == 400
    assert "This date is after today." in response.content.decode()


def test_editing_a_draft_then_submitting(client, editor_a, org_a, made):
    client.force_login(editor_a)
    _post(client, made, "draft", organisation=org_a.pk)
    assessment = ImplementationAssessment.objects.get()
    url = reverse("recommendations:assess-edit", args=[assessment.pk])
    page = client.get(url)
    assert page.context["form"]["narrative"].value() == "Two were released."
    data = {
        "status": "fully_implemented",
        "assessed_on": "2014-03-01",
        "narrative": "All released.",
        "opened_version": 1,
    }
    response = client.post(url, {**data, "action": "submit"}, follow=True)
    assert _messages(response) == ["Submitted: reviewers of Defenders Watch will see it in their workspace."]
    assessment.refresh_from_db()
    assert (assessment.state, assessment.status, assessment.narrative) == (
        "submitted",
        "fully_implemented",
        "All released.",
    )


def test_another_organisation_cannot_open_or_change_a_draft(client, editor_a, editor_b, org_a, made):
    client.force_login(editor_a)
    _post(client, made, "draft", organisation=org_a.pk, narrative="Secret draft")
    assessment = ImplementationAssessment.objects.get()
    client.force_login(editor_b)
    url = reverse("recommendations:assess-edit", args=[assessment.pk])
    assert client.get(url).status_code == 404
    assert (
        client.post(url, {"status": "not_implemented", "assessed_on": "2014-01-01", "action": "publish"}).status_code
        == 404
    )
    assessment.refresh_from_db()
    assert assessment.state == "draft"


def test_a_stale_edit_is_refused(client, editor_a, org_a, made):
    client.force_login(editor_a)
    _post(client, made, "draft", organisation=org_a.pk)
    assessment = ImplementationAssessment.objects.get()
    url = reverse("recommendations:assess-edit", args=[assessment.pk])
    data = {"status": "fully_implemented", "assessed_on": "2014-03-01", "opened_version": 1}
    client.post(url, {**data, "action": "draft"})
    response = client.post(url, {**data, "action": "draft"})
    assert response.status_code == 409


def test_the_public_page_links_editors_to_the_screen(client, editor_a, made):
    link = f'href="{_url(made)}"'
    assert link not in client.get(made.get_absolute_url()).content.decode()
    client.force_login(editor_a)
    assert link in client.get(made.get_absolute_url()).content.decode()


def test_the_admin_recommendation_page_links_to_the_screen(client, staff_admin, made):
    client.force_login(staff_admin)
    page = client.get(reverse("admin:recommendations_recommendation_change", args=[made.pk]))
    assert f'href="{_url(made)}"' in page.content.decode()


def test_a_member_of_two_organisations_chooses(client, editor_a, org_b, made):
    Membership.objects.create(user=editor_a, organisation=org_b)
    client.force_login(editor_a)
    form = client.get(_url(made)).context["form"]
    assert form["organisation"].value() is None
    names = [name for _pk, name in form.fields["organisation"].choices]
    assert names == ["Choose…", "Assembly Monitor", "Defenders Watch"]
    response = _post(client, made, "draft")
    assert response.status_code == 400 and not ImplementationAssessment.objects.exists()
    assert Organisation.objects.count() == 2
