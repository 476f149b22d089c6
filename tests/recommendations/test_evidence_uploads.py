"""Evidence documents: checked by their bytes, size-limited, stored privately, served only to who may see them."""

import datetime
import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from recommendations import services
from recommendations.models import EvidenceSource, Organisation

pytestmark = pytest.mark.django_db

ADD = reverse("admin:recommendations_evidencesource_add")
PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"


def docx_bytes() -> bytes:
    stream = io.BytesIO()
    with zipfile.ZipFile(stream, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return stream.getvalue()


def upload(client, name: str, content: bytes, title="Report"):
    """Added by editor A, for their organisation (Defenders Watch), as the add form preselects it."""
    organisation = Organisation.objects.get(slug="defenders-watch")
    data = {"title": title, "kind": "ngo_report", "document": SimpleUploadedFile(name, content)}
    return client.post(ADD, {**data, "organisation": organisation.pk})


@pytest.mark.parametrize(
    "content",
    [b"\x7fELF\x02\x01\x01" + b"\0" * 100, b"MZ\x90\x00" + b"\0" * 100, b"PK\x03\x04not really a zip"],
    ids=["elf", "windows-exe", "broken-zip"],
)
def test_renamed_executable_is_refused(client, editor_a, content):
    client.force_login(editor_a)
    response = upload(client, "report.pdf", content)
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["document"] == [
        "Only PDF and Word (DOCX) documents can be uploaded; this file is neither."
    ]
    assert not EvidenceSource.objects.exists()


def test_pdf_and_docx_are_accepted_by_content(client, editor_a):
    client.force_login(editor_a)
    assert upload(client, "report.pdf", PDF, "A").status_code == 302
    assert upload(client, "brief.docx", docx_bytes(), "B").status_code == 302
    assert EvidenceSource.objects.count() == 2


def test_a_pdf_named_docx_is_refused(client, editor_a):
    client.force_login(editor_a)
    response = upload(client, "report.docx", PDF)
    assert response.context["adminform"].form.errors["document"] == ["This file is a PDF document: name it .pdf."]


def test_size_limit(client, editor_a, settings):
    settings.UPLOAD_MAX_MB = 1
    client.force_login(editor_a)
    response = upload(client, "big.pdf", PDF + b"0" * (1024 * 1024))
    assert response.context["adminform"].form.errors["document"] == [
        "The file is larger than 1 MB, the largest upload allowed."
    ]
    assert not EvidenceSource.objects.exists()


def test_a_docx_zip_bomb_is_refused_without_unpacking_it(client, editor_a):
    from tests.recommendations.conftest import zip_bomb

    client.force_login(editor_a)
    response = upload(client, "brief.docx", zip_bomb("docx", megabytes=200).getvalue())
    assert response.context["adminform"].form.errors["document"] == [
        "The file would unpack to 201 MB, more than the 100 MB a DOCX or XLSX file may hold."
    ]
    assert not EvidenceSource.objects.exists()


def test_document_is_stored_outside_the_web_root_and_served_by_permission(
    client, editor_a, review_kaz_2010, make_recommendation, org_a, settings
):
    client.force_login(editor_a)
    upload(client, "report.pdf", PDF)
    evidence = EvidenceSource.objects.get()
    assert str(settings.PRIVATE_MEDIA_ROOT) in evidence.document.path
    url = reverse("recommendations:evidence-document", args=[evidence.pk])
    assessment = services.record_assessment(
        recommendation=make_recommendation(review_kaz_2010),
        status="not_implemented",
        assessed_on=datetime.date(2013, 1, 1),
        organisation=org_a,
        state="draft",
        citations=[(evidence, "", "")],
    )
    assert b"".join(client.get(url).streaming_content) == PDF  # the draft's organisation
    client.logout()
    assert client.get(url).status_code == 404  # the public, while only a draft cites it
    services.set_assessment_state(assessment=assessment, state="published")
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment")


# The document on the evidence's admin page ----------------------------------------------------------------


@pytest.fixture
def cited_document(client, editor_a, review_kaz_2010, make_recommendation, org_a):
    """Evidence with an uploaded PDF, cited by a published assessment of organisation A."""
    client.force_login(editor_a)
    upload(client, "report.pdf", PDF)
    client.logout()
    evidence = EvidenceSource.objects.get()
    services.record_assessment(
        recommendation=make_recommendation(review_kaz_2010),
        status="not_implemented",
        assessed_on=datetime.date(2013, 1, 1),
        organisation=org_a,
        state="published",
        citations=[(evidence, "", "")],
    )
    return evidence


def change_page(client, evidence):
    return client.get(reverse("admin:recommendations_evidencesource_change", args=[evidence.pk]))


def document_links(response) -> list[str]:
    from lxml import html

    tree = html.fromstring(response.content.decode())
    return [(a.get("href"), a.text_content().strip()) for a in tree.xpath("//a[contains(@href, '/document/')]")]


def test_the_read_only_page_links_the_document_to_its_permission_checked_download(client, cited_document, editor_b):
    client.force_login(editor_b)  # may see the evidence (a published assessment cites it), not change it
    response = change_page(client, cited_document)
    assert response.status_code == 200
    assert 'name="_save"' not in response.content.decode()  # no Save button
    download = reverse("recommendations:evidence-document", args=[cited_document.pk])
    assert document_links(response) == [(download, cited_document.document.name)]
    assert client.get(download).status_code == 200


def test_the_editable_page_links_the_document_to_its_permission_checked_download(client, cited_document, editor_a):
    client.force_login(editor_a)
    response = change_page(client, cited_document)
    assert response.status_code == 200
    download = reverse("recommendations:evidence-document", args=[cited_document.pk])
    assert document_links(response) == [(download, cited_document.document.name)]


def test_an_earlier_version_of_evidence_with_a_document_shows_the_link_too(client, cited_document, staff_admin):
    client.force_login(staff_admin)
    version = cited_document.history.earliest()
    url = reverse("admin:recommendations_evidencesource_simple_history", args=[cited_document.pk, version.history_id])
    response = client.get(url)
    assert response.status_code == 200
    download = reverse("recommendations:evidence-document", args=[cited_document.pk])
    assert document_links(response) == [(download, cited_document.document.name)]
