"""remove_demo takes the demo out once real data is in, and load_demo (run by every `make run`) stays out then."""

import io

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.management import call_command

from recommendations import demo
from recommendations.models import (
    Briefing,
    DeletedObject,
    DemoData,
    EvidenceSource,
    ImplementationAssessment,
    Organisation,
    Position,
    ProposedRecommendation,
    Recommendation,
    RepeatLink,
    Review,
)
from tests.recommendations.conftest import upr_info_csv, upr_info_row

pytestmark = pytest.mark.django_db

# A real-format UPR Info export (Mac Roman, CR line ends) with three recommendations to Kazakhstan in the demo's
# two reviews, so real and demo rows share reviews, and repeat and ask suggestions link them after the import.
REAL_ROWS = [
    upr_info_row("Guarantee the safety of human rights defenders and journalists", source="Norway", session="7"),
    upr_info_row("Decriminalise defamation and bring it into the civil code", source="Ireland", session="20"),
    upr_info_row("Remove obstacles to peaceful assemblies", source="Norway", session="20", response="Noted"),
]


def command(name: str, *args: str) -> str:
    out = io.StringIO()
    call_command(name, *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def import_real_file(tmp_path) -> str:
    path = tmp_path / "upr-info-kazakhstan.csv"
    path.write_bytes(upr_info_csv(REAL_ROWS, encoding="mac_roman", newline="\r").getvalue())
    return command("import_recommendations", str(path))


@pytest.fixture
def demo_then_real(settings, tmp_path):
    settings.DEBUG = True
    command("load_demo")
    import_real_file(tmp_path)
    real = set(Recommendation.objects.exclude(import_key__startswith="demo-").values_list("pk", flat=True))
    assert (len(real), Recommendation.objects.count()) == (3, 3 + 16)
    return real


def test_remove_demo_leaves_only_the_real_rows(demo_then_real):
    out = command("remove_demo")

    assert set(Recommendation.objects.values_list("pk", flat=True)) == demo_then_real
    assert Position.objects.count() == 3
    assert not ImplementationAssessment.objects.exists()
    assert not EvidenceSource.objects.exists()
    assert not ProposedRecommendation.objects.exists()
    assert not Briefing.objects.exists()
    assert not RepeatLink.objects.exclude(earlier__in=demo_then_real, later__in=demo_then_real).exists()
    assert not Organisation.objects.filter(name=demo.ORGANISATION["name"]).exists()
    assert not get_user_model().objects.filter(username=demo.EDITOR_USERNAME).exists()
    assert out.splitlines() == [
        "Demo data removed (each deletion is in the history):",
        "  recommendations: 16",
        "  advocacy asks: 12",
        "  assessments: 12",
        "  briefings: 1",
        "  evidence sources: 6",
        "  memberships: 1",
        "  organisations: 1",
        "  users: 1",
        "Real data is as it was; load_demo will not load the demo again.",
    ]


def test_reviews_shared_with_real_rows_stay_without_the_demo_notes(demo_then_real):
    command("remove_demo")

    reviews = Review.objects.filter(state__iso3="KAZ").order_by("session__number")
    assert [(r.session.number, r.report_symbol, r.notes) for r in reviews] == [
        (7, "A/HRC/14/10", ""),
        (20, "A/HRC/28/10", ""),
    ]


def test_every_removal_is_in_the_history_and_partners_are_told(demo_then_real):
    demo_ids = set(Recommendation.objects.exclude(pk__in=demo_then_real).values_list("pk", flat=True))
    published = set(ImplementationAssessment.objects.values_list("pk", flat=True))

    command("remove_demo")

    deleted = Recommendation.history.filter(history_type="-").values_list("id", flat=True)
    assert set(deleted) == demo_ids
    assert ImplementationAssessment.history.filter(history_type="-").count() == 12
    assert set(DeletedObject.objects.filter(kind="recommendation").values_list("object_id", flat=True)) == demo_ids
    assert set(DeletedObject.objects.filter(kind="assessment").values_list("object_id", flat=True)) == published
    assert DemoData.history.filter(removed_at__isnull=False).count() == 1


def test_the_demo_alone_is_removed_with_its_reviews(settings):
    settings.DEBUG = True
    command("load_demo")

    command("remove_demo")

    assert not Recommendation.objects.exists()
    assert not Review.objects.exists()
    assert DemoData.objects.get().removed_at is not None


def test_load_demo_after_removal_loads_nothing_and_says_so(settings):
    settings.DEBUG = True
    command("load_demo")
    command("remove_demo")

    out = command("load_demo")

    assert out.startswith("Demo not loaded: it was removed on ")
    assert out.count("\n") == 1
    assert not Recommendation.objects.exists()
    assert not get_user_model().objects.exists()


def test_remove_demo_on_a_database_without_it_keeps_load_demo_away(settings):
    settings.DEBUG = True

    assert command("remove_demo") == "No demo data found; load_demo will not load it from now on.\n"
    assert command("load_demo").startswith("Demo not loaded: it was removed on ")
    assert not Recommendation.objects.exists()


def test_load_demo_with_real_data_loads_nothing_and_says_so(settings, tmp_path):
    settings.DEBUG = True
    import_real_file(tmp_path)

    out = command("load_demo")

    assert out == "Demo not loaded: the database holds real recommendations.\n"
    assert Recommendation.objects.count() == 3
    assert not Organisation.objects.exists()


HINT = "The demo data is still in the database beside yours: `.venv/bin/python manage.py remove_demo` removes it.\n"


def test_an_import_beside_the_demo_points_at_remove_demo_until_it_is_removed(settings, tmp_path):
    settings.DEBUG = True
    command("load_demo")

    assert import_real_file(tmp_path).endswith("Imported.\n" + HINT)
    command("remove_demo")
    assert import_real_file(tmp_path).endswith("Imported.\n")


def test_load_demo_beside_real_data_points_at_remove_demo(demo_then_real):
    out = command("load_demo")

    assert out == (
        "Demo not loaded again: real recommendations were imported; "
        "`.venv/bin/python manage.py remove_demo` removes the demo's.\n"
    )


def test_public_pages_work_after_removal(client, demo_then_real):
    command("remove_demo")
    real = Recommendation.objects.get(text__startswith="Decriminalise")

    for url in (
        "/",
        "/recommendations/",
        "/recommendations/?q=defamation",
        f"/recommendations/{real.pk}/",
        "/states/",
        "/states/KAZ/",
        "/states/KAZ/briefing/?affected_group=human-rights-defenders&cycle=1",
        "/themes/",
        "/compare/?state=KAZ&state=UZB",
        "/api/v1/recommendations/",
    ):
        assert client.get(url).status_code == 200, url
    page = client.get("/states/KAZ/").content.decode()
    assert "(summary)" not in page


def test_the_migration_marks_a_demo_loaded_before_it(settings):
    """A database where the demo was loaded with the former keys (sha256 without a prefix) gets them marked."""
    import hashlib
    import importlib

    migration = importlib.import_module("recommendations.migrations.0023_demo_data")
    settings.DEBUG = True
    command("load_demo")
    for data in demo.REVIEWS:
        for rec in data["recommendations"]:
            old = hashlib.sha256(f"upr-tracker-demo/KAZ/{data['session']}/{rec.key}".encode()).hexdigest()
            Recommendation.objects.filter(import_key=demo.import_key("KAZ", data["session"], rec.key)).update(
                import_key=old
            )
    DemoData.objects.all().delete()

    migration.mark_demo_rows(apps, None)

    assert demo.demo_recommendations().count() == 16
    marker = DemoData.objects.get()
    assert (marker.organisation.name, marker.editor.username) == (demo.ORGANISATION["name"], demo.EDITOR_USERNAME)
