import pytest
from django.core.management import CommandError, call_command

from recommendations.imports.assessments import ExportError
from tests.recommendations import sheet_helpers
from tests.recommendations.sheet_helpers import exported, exported_xlsx, xlsx_dicts

pytestmark = pytest.mark.django_db
recorded = sheet_helpers.recorded  # the fixture


def test_an_editor_exports_her_organisations_assessments_with_their_context(recorded, org_a, editor_a):
    rows = exported(org_a, editor_a)
    assert [row["narrative"] for row in rows] == ["Draft of A", "Published by A"]
    draft = rows[0]
    assert draft == {
        **draft,
        "assessment_id": str(recorded["draft"].pk),
        "recommendation_id": str(recorded["defenders"].pk),
        "organisation": "defenders-watch",
        "state_under_review": "KAZ",
        "session": "7",
        "paragraph": "93.1",
        "recommendation_text": "Protect human rights defenders",
        "status": "not_implemented",
        "assessed_on": "2014-01-01",
        "publication_state": "draft",
        "version": "1",
        "evidence_urls": "https://hrw.org/wr2014",
        "evidence_titles": "World Report 2014",
    }


def test_the_export_never_holds_another_organisations_drafts(recorded, org_a, org_b, editor_a, editor_b):
    assert "Draft of B" not in str(exported(org_b, editor_a))
    # B's editor asking for A's sheet gets only what anyone may see: A's published assessment.
    assert [row["narrative"] for row in exported(org_a, editor_b)] == ["Published by A"]


def test_recommendations_of_a_search_not_yet_assessed_follow_as_rows_to_fill_in(recorded, org_a, editor_a):
    rows = exported(org_a, editor_a, query={"state_under_review": "KAZ"})
    blanks = [row for row in rows if not row["assessment_id"]]
    assert [(row["paragraph"], row["status"], row["narrative"]) for row in blanks] == [("93.3", "", "")]


def test_an_invalid_search_is_refused_before_anything_is_written(recorded, org_a, editor_a):
    with pytest.raises(ExportError, match="state_under_review"):
        exported(org_a, editor_a, query={"state_under_review": "NOWHERE"})


def test_the_xlsx_export_has_the_same_rows(recorded, org_a, editor_a):
    rows = xlsx_dicts(exported_xlsx(org_a, editor_a, query={"state_under_review": "KAZ"}))
    assert [row["paragraph"] for row in rows] == ["93.1", "93.2", "93.3"]
    assert rows[0]["narrative"] == "Draft of A"


def test_the_command_writes_csv_and_xlsx(recorded, org_a, editor_a, tmp_path):
    call_command(
        "export_assessments", "--organisation", "defenders-watch", "--user", "editor-a", "-o", tmp_path / "a.xlsx"
    )
    assert [row["narrative"] for row in xlsx_dicts((tmp_path / "a.xlsx").open("rb"))] == [
        "Draft of A",
        "Published by A",
    ]
    query = "https://upr.example.org/recommendations/?state_under_review=KAZ"
    call_command(
        "export_assessments", "--organisation", "defenders-watch", "--user", "editor-a", "-o", tmp_path / "a.csv",
        "--unassessed", query,
    )  # fmt: skip
    assert "Investigate torture" in (tmp_path / "a.csv").read_text()


def test_the_command_refuses_unknown_organisations_users_and_searches(recorded, editor_a):
    with pytest.raises(CommandError, match="Unknown organisation"):
        call_command("export_assessments", "--organisation", "nobody", "--user", "editor-a")
    with pytest.raises(CommandError, match="Unknown or inactive user"):
        call_command("export_assessments", "--organisation", "defenders-watch", "--user", "nobody")
    with pytest.raises(CommandError, match="not valid"):
        call_command(
            "export_assessments", "--organisation", "defenders-watch", "--user", "editor-a", "--unassessed", "cycle=x"
        )
