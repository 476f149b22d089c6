import hashlib
import io

import pytest

from recommendations.imports import detect, import_key
from recommendations.imports.base import ImportFileError
from recommendations.models import Position, Recommendation, Review
from tests.recommendations.conftest import upr_info_csv, upr_info_row

pytestmark = pytest.mark.django_db

HABRE = "Bring the former head of State of Chad, Mr. Hissène Habré, to justice (Equité et Réconciliation)"
QUOTED = "Ensure the Ombudsman’s Office can act on “all” complaints – urgently"


def texts():
    return sorted(Recommendation.objects.values_list("text", flat=True))


@pytest.mark.parametrize(
    ("encoding", "newline", "detected"),
    [
        ("mac_roman", "\r", "mac_roman"),  # the real exports
        ("cp1252", "\r\n", "cp1252"),
        ("utf-8-sig", "\n", "utf-8-sig"),
        ("utf-8", "\r\n", "utf-8"),
        ("utf-8", "\r", "utf-8"),
    ],
)
def test_encoding_and_line_endings_are_detected(import_file, encoding, newline, detected):
    rows = [upr_info_row(HABRE), upr_info_row(QUOTED, source="France")]
    file = upr_info_csv(rows, encoding=encoding, newline=newline)
    assert detect.detect_encoding(file) == detected
    result = import_file(file)
    assert (result.format, result.created, result.problems) == ("upr-info", 2, [])
    assert texts() == sorted([HABRE, QUOTED])


@pytest.mark.parametrize("encoding", ["mac_roman", "cp1252"])
@pytest.mark.parametrize(
    "text",
    [
        "Ensure the Instance Equité et Réconciliation works",  # only é: "EquitŽ" in the wrong one
        "Respect the State’s obligations",  # only ’: "Stateís" in the wrong one
        "Consult Señor Núñez",
        "Implement the 2009–2014 plan",
    ],
)
def test_single_byte_encodings_are_told_apart_by_their_accents(encoding, text):
    file = upr_info_csv([upr_info_row(text)], encoding=encoding, newline="\r")
    assert detect.detect_encoding(file) == encoding


def test_cp1252_undefined_bytes_mean_mac_roman():
    # Mac Roman "è" is 0x8F, a byte Windows-1252 does not define.
    assert detect.detect_encoding(io.BytesIO("Hissène".encode("mac_roman"))) == "mac_roman"


def test_html_entities_are_decoded_and_unknown_sender_is_a_warning(import_file):
    rows = [upr_info_row("Ratify the Convention &#40;CEDAW&#41; &amp; its Protocol", source="&#40;Unknown&#41;")]
    result = import_file(upr_info_csv(rows))
    assert result.created == 1
    assert [(p.row, p.column, p.level, p.message) for p in result.problems] == [
        ("2", "From", "warning", "Recommending State is (Unknown) in the source: imported without one.")
    ]
    recommendation = Recommendation.objects.get()
    assert recommendation.text == "Ratify the Convention (CEDAW) & its Protocol"
    assert list(recommendation.recommending_states.all()) == []


def test_historical_and_alternative_state_names_resolve(import_file):
    rows = [
        upr_info_row("Abolish the death penalty", to="Libyan Arab Jamahiriya", source="Swaziland", session="9"),
        upr_info_row(
            "Protect minorities",
            to="Libyan Arab Jamahiriya",
            source="The Former Yugoslav Republic of Macedonia",
            session="9",
        ),
        upr_info_row("Protect journalists", to="Libyan Arab Jamahiriya", source="Trinidad & Tobago", session="9"),
    ]
    result = import_file(upr_info_csv(rows))
    assert (result.created, result.errors) == (3, [])
    assert Review.objects.get().state.iso3 == "LBY"
    assert sorted(Recommendation.objects.values_list("recommending_states__iso3", flat=True)) == ["MKD", "SWZ", "TTO"]


def test_unknown_state_is_a_row_error_with_suggestions(import_file):
    result = import_file(upr_info_csv([upr_info_row("Protect defenders", source="Norwey")]))
    assert [(p.row, p.column, p.message) for p in result.errors] == [
        ("2", "From", "Unknown State 'Norwey'. Did you mean Norway?")
    ]
    assert not result.written
    assert Recommendation.objects.count() == 0


@pytest.mark.parametrize(
    ("wording", "response"),
    [
        ("Accepted", "supported"),
        ("Supported", "supported"),
        ("Noted", "noted"),
        ("Partially accepted", "partially_supported"),
        ("Partially supported", "partially_supported"),
        ("Pending", "pending"),
        ("Deferred", "pending"),
    ],
)
def test_responses_map_to_positions(import_file, wording, response):
    import_file(upr_info_csv([upr_info_row("Protect defenders", response=wording)]))
    recommendation = Recommendation.objects.get()
    assert recommendation.response == response
    assert list(recommendation.positions.values_list("response", "source")) == [(response, "")]


def test_voluntary_pledge_has_no_recommending_state_and_no_response(import_file):
    row = upr_info_row("Submit a mid-term report", to="Kazakhstan", source="Kazakhstan", response="Voluntary pledge")
    result = import_file(upr_info_csv([row]))
    assert result.problems == []
    pledge = Recommendation.objects.get()
    assert (pledge.kind, pledge.response, pledge.recommending_states.count()) == ("voluntary_pledge", "", 0)
    assert Position.objects.count() == 0


def test_issues_become_upr_info_themes(import_file):
    import_file(upr_info_csv([upr_info_row("Protect defenders", issues="Human rights defenders,Women's rights")]))
    themes = Recommendation.objects.get().themes.values_list("scheme__slug", "name")
    assert sorted(themes) == [("upr-info", "Human rights defenders"), ("upr-info", "Women's rights")]


@pytest.mark.parametrize(
    ("changes", "column", "message"),
    [
        (
            {"issues": "Human rights defenders,Space law"},
            "Issue",
            "Unknown theme 'upr-info:Space law' in the 'upr-info' scheme.",
        ),
        ({"action": "7"}, "Action", "Action category must be 1 to 5, not '7'."),
        ({"response": "Maybe"}, "Response", "Unknown response 'Maybe'."),
        ({"session": "99"}, "Session", "Unknown session '99' (sessions are numbered 1 to 54)."),
        ({"to": "Kazakstan"}, "To", "Unknown State 'Kazakstan'. Did you mean Kazakhstan or Pakistan?"),
    ],
)
def test_bad_values_are_row_errors_naming_the_column(import_file, changes, column, message):
    result = import_file(upr_info_csv([upr_info_row("Protect defenders", **changes)]))
    assert [(p.row, p.column, p.message) for p in result.errors] == [("2", column, message)]


def test_blank_action_category_is_allowed(import_file):
    import_file(upr_info_csv([upr_info_row("Protect defenders", action="")]))
    assert Recommendation.objects.get().action_category is None


def test_one_recommendation_per_row_with_its_recommending_state(import_file):
    rows = [upr_info_row("Protect defenders", source="Norway"), upr_info_row("Protect defenders", source="France")]
    result = import_file(upr_info_csv(rows))
    assert result.created == 2
    pairs = Recommendation.objects.values_list("text", "recommending_states__iso3")
    assert sorted(pairs) == [("Protect defenders", "FRA"), ("Protect defenders", "NOR")]


def test_reviews_are_created_once_per_state_and_session(import_file, review_kaz_2010):
    rows = [
        upr_info_row("Protect defenders", session="7"),
        upr_info_row("Free the press", session="7"),
        upr_info_row("Protect defenders", session="20"),
    ]
    result = import_file(upr_info_csv(rows))
    assert result.created_reviews == ["Kazakhstan — session 20"]
    assert sorted(Review.objects.values_list("session__number", flat=True)) == [7, 20]
    assert review_kaz_2010.recommendations.count() == 2


def test_import_key_is_the_hash_of_normalised_text_and_states(import_file):
    import_file(upr_info_csv([upr_info_row("  Protect   human rights Defenders. ", source="Norway")]))
    expected = hashlib.sha256(b"protect human rights defenders|NOR").hexdigest()
    assert Recommendation.objects.get().import_key == expected == import_key("Protect human rights defenders", ["NOR"])


def test_exact_duplicate_rows_are_imported_once_and_reported(import_file):
    row = upr_info_row("Protect defenders")
    result = import_file(upr_info_csv([row, upr_info_row("Free the press"), row]), chunk_size=2)
    assert (result.rows, result.created, result.duplicates) == (3, 2, 1)
    assert [(p.row, p.column, p.level, p.message) for p in result.problems] == [
        ("4", "Text", "warning", "Exact duplicate of row 2: imported once.")
    ]
    assert Recommendation.objects.count() == 2


def test_same_recommendation_with_another_response_is_a_conflict(import_file):
    rows = [upr_info_row("Protect defenders"), upr_info_row("Protect defenders", response="Noted")]
    result = import_file(upr_info_csv(rows))
    assert [(p.row, p.column, p.message) for p in result.errors] == [
        ("3", "Text", "Same recommendation as row 2 but a different response: skipped.")
    ]
    assert Recommendation.objects.count() == 0


def test_queries_do_not_grow_with_the_rows(import_file, django_assert_num_queries):
    small = upr_info_csv([upr_info_row(f"Recommendation {n}") for n in range(3)])
    large = upr_info_csv([upr_info_row(f"Recommendation {n}", session=str(20 + n % 2)) for n in range(300)])
    # Once: States and aliases (StateResolver), the savepoint and its release, the import lock, sessions,
    # SDGs, theme schemes, themes and affected groups. Per chunk: the reviews (find, create), the existing
    # recommendations, new primary keys and the history rows of the new recommendations and positions
    # (two INSERT … SELECT). (COPY statements bypass Django's query log.) The suggestions computed
    # after an import cost a fixed number of statements per State and are counted in test_followup.py.
    # An import that grows the recommendations by more than 50 rows and a tenth also reads the planner's
    # estimate of the table and ANALYZEs the 7 tables it writes (statistics_upkeep.py): 8 more, once.
    for file, queries in ((small, 16), (large, 16 + 8)):
        with django_assert_num_queries(queries):
            import_file(file, suggest=False)
        Recommendation.objects.all().delete()


def test_a_file_that_changes_a_response_back_makes_it_current_again(import_file):
    for wording in ("Accepted", "Noted", "Accepted", "Accepted"):
        import_file(upr_info_csv([upr_info_row("Protect defenders", response=wording)]))
    recommendation = Recommendation.objects.get()
    assert recommendation.response == "supported"
    assert list(recommendation.positions.order_by("id").values_list("response", flat=True)) == [
        "supported",
        "noted",
        "supported",
    ]


def test_a_later_dated_position_is_kept_and_the_difference_reported(import_file):
    import datetime

    from recommendations import services

    import_file(upr_info_csv([upr_info_row("Protect defenders", response="Noted")]))
    recommendation = Recommendation.objects.get()
    services.record_position(
        recommendation=recommendation, response="supported", source="Mid-term report", date=datetime.date(2012, 5, 1)
    )
    result = import_file(upr_info_csv([upr_info_row("Protect defenders", response="Noted")]))
    assert result.counts()["unchanged"] == 1
    assert [(p.row, p.column, p.level, p.message) for p in result.problems] == [
        (
            "2",
            "Response",
            "warning",
            "The file's position (noted) differs from the current one, supported since 2012-05-01: "
            "that later, dated position is kept.",
        )
    ]
    assert Position.objects.count() == 2


def test_wrong_columns_are_refused():
    from recommendations.imports import upr_info

    with pytest.raises(ImportFileError, match="Not a UPR Info export"):
        upr_info.parse(upr_info_csv([], header=["To", "Text", "From"]))


def test_reimporting_keeps_other_sources_themes(import_file):
    from recommendations.models import Theme

    import_file(upr_info_csv([upr_info_row("Protect defenders")]))
    recommendation = Recommendation.objects.get()
    ohchr_theme = Theme.objects.get(scheme__slug="ohchr", code="H1")
    recommendation.themes.add(ohchr_theme)
    result = import_file(upr_info_csv([upr_info_row("Protect defenders", issues="Human rights defenders,Justice")]))
    assert [change.fields for change in result.changes] == [("themes",)]
    names = sorted(recommendation.themes.values_list("scheme__slug", "name"))
    assert names == [
        ("ohchr", "Human rights defenders"),
        ("upr-info", "Human rights defenders"),
        ("upr-info", "Justice"),
    ]


@pytest.mark.samples
def test_real_sessions_01_05_export(import_file, samples_dir):
    path = samples_dir / "upr-info" / "upr-info-sessions-01-05.csv"
    with path.open("rb") as file:
        assert detect.detect_encoding(file) == "mac_roman"
        result = import_file(file)
    # 6,094 data rows, none an exact duplicate: one recommendation each. The nine rows
    # whose sender is "(Unknown)" are imported without a recommending State.
    assert result.counts() == {
        "rows": 6094,
        "created": 6094,
        "updated": 0,
        "unchanged": 0,
        "skipped": 0,
        "duplicates": 0,
        "merged": 0,
    }
    assert result.errors == []
    assert len(result.warnings) == 9
    assert Recommendation.objects.count() == 6094
    assert Recommendation.objects.filter(response="supported").count() == 4087
    assert Recommendation.objects.filter(response="noted").count() == 2007
    assert Recommendation.objects.filter(recommending_states=None).count() == 9
    assert Recommendation.objects.filter(text__contains="Hissène Habré").count() == 2
    assert Recommendation.objects.filter(text__contains="Instance Equité").count() == 1
    before = list(Recommendation.objects.order_by("id").values_list("id", "updated_at"))
    with path.open("rb") as file:
        again = import_file(file)
    assert again.counts() == {
        "rows": 6094,
        "created": 0,
        "updated": 0,
        "unchanged": 6094,
        "skipped": 0,
        "duplicates": 0,
        "merged": 0,
    }
    assert list(Recommendation.objects.order_by("id").values_list("id", "updated_at")) == before


@pytest.mark.samples
def test_real_export_reimports_without_any_change(import_file, samples_dir):
    path = samples_dir / "upr-info" / "upr-info-kazakhstan-sessions-07-20.csv"
    with path.open("rb") as file:
        first = import_file(file)
        before = list(Recommendation.objects.order_by("id").values_list("id", "updated_at"))
        second = import_file(file)
    assert (first.created, first.errors) == (327, [])
    assert second.counts() == {
        "rows": 327,
        "created": 0,
        "updated": 0,
        "unchanged": 327,
        "skipped": 0,
        "duplicates": 0,
        "merged": 0,
    }
    assert list(Recommendation.objects.order_by("id").values_list("id", "updated_at")) == before
    assert Position.objects.count() == 327
