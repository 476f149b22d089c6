"""The COPY-based importer sends no signals, so it writes the audit rows itself."""

import pytest

from recommendations.models import Position, Recommendation
from tests.recommendations.conftest import upr_info_csv, upr_info_row

pytestmark = pytest.mark.django_db


def test_import_leaves_history_naming_the_user(import_file, staff_admin):
    import_file(upr_info_csv([upr_info_row("Protect defenders"), upr_info_row("Free the press")]), user=staff_admin)
    history = Recommendation.history.order_by("text")
    assert [(h.text, h.history_type, h.history_user, h.history_change_reason) for h in history] == [
        ("Free the press", "+", staff_admin, "import"),
        ("Protect defenders", "+", staff_admin, "import"),
    ]
    assert Position.history.filter(history_type="+").count() == 2


def test_reimport_with_a_change_records_the_update(import_file):
    import_file(upr_info_csv([upr_info_row("Protect defenders", action="3")]))
    import_file(upr_info_csv([upr_info_row("Protect defenders", action="5")]))
    recommendation = Recommendation.objects.get()
    latest, first = recommendation.history.order_by("-history_id")[:2]
    assert (first.history_type, latest.history_type, latest.history_user) == ("+", "~", None)
    assert [c.field for c in latest.diff_against(first).changes] == ["action_category"]


def test_unchanged_reimport_adds_no_history(import_file):
    import_file(upr_info_csv([upr_info_row("Protect defenders")]))
    import_file(upr_info_csv([upr_info_row("Protect defenders")]))
    assert Recommendation.history.count() == 1
