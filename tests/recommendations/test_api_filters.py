"""Each recommendation filter returns exactly the rows it should.

The corpus below describes every recommendation in plain data; expected ids
are computed from that description by Python predicates, never by the API's
own query code. Decoys differ from the matching rows in one attribute only.
"""

import datetime
from typing import NamedTuple

import pytest

from recommendations import services
from recommendations.models import SDG, AffectedGroup, Recommendation, Review, Session, Theme
from states.models import State

pytestmark = pytest.mark.django_db

URL = "/api/v1/recommendations/"
BAD_DATE = "Enter an ISO 8601 date and time, e.g. 2024-05-01T00:00:00Z."

# Facts from the reference data, written out so expectations do not reuse the app's queries.
REGIONAL_GROUP = {
    "KAZ": "ASIA_PACIFIC",
    "FRA": "WEOG",
    "BRA": "GRULAC",
    "NOR": "WEOG",
    "MEX": "GRULAC",
    "EGY": "AFRICAN",
}
BLOCS = {"NOR": set(), "FRA": {"EU", "OIF", "ACS"}, "MEX": {"OAS", "OEI", "ACS"}, "EGY": {"OIC", "AU", "OIF", "AL"}}
SESSION_YEAR = {7: 2010, 2: 2008, 27: 2017}
SESSION_CYCLE = {7: 1, 2: 1, 27: 3}


class Row(NamedTuple):
    name: str
    sur: str
    session: int
    states: list[str]
    response: str
    action: int | None
    themes: list[str]
    groups: list[str]
    sdgs: list[int]
    status: str


CORPUS = [
    Row(
        "kaz-hrd",
        "KAZ",
        7,
        ["NOR", "FRA"],
        "supported",
        5,
        ["upr-info:human-rights-defenders"],
        ["human-rights-defenders"],
        [16],
        "not_implemented",
    ),
    Row("kaz-edu", "KAZ", 7, ["MEX"], "noted", 3, ["upr-info:right-to-education"], ["children"], [4], ""),
    Row(
        "kaz-women",
        "KAZ",
        7,
        ["EGY", "MEX"],
        "supported",
        4,
        ["upr-info:womens-rights"],
        ["women"],
        [5],
        "fully_implemented",
    ),
    Row(
        "fra-edu",
        "FRA",
        2,
        ["EGY"],
        "supported",
        2,
        ["ohchr:right-to-education"],
        ["children"],
        [4],
        "partially_implemented",
    ),
    Row("fra-hrd", "FRA", 2, ["NOR"], "noted", 5, ["ohchr:h1-human-rights-defenders"], ["journalists"], [16], ""),
    Row(
        "bra-hrd",
        "BRA",
        27,
        ["FRA", "EGY", "NOR"],
        "pending",
        None,
        ["upr-info:human-rights-defenders", "upr-info:womens-rights"],
        ["human-rights-defenders", "women"],
        [5, 16],
        "not_implemented",
    ),
    Row("bra-pledge", "BRA", 27, [], "partially_supported", 1, [], [], [], ""),
]


def _theme(key: str) -> Theme:
    scheme, slug = key.split(":")
    return Theme.objects.get(scheme__slug=scheme, slug=slug)


@pytest.fixture
def corpus(org_a) -> dict[str, Recommendation]:
    reviews = {}
    made = {}
    for name, sur, session, states, response, action, themes, groups, sdgs, status in CORPUS:
        review = reviews.get((sur, session))
        if review is None:
            review = reviews[(sur, session)] = Review.objects.create(
                state=State.objects.get(iso3=sur), session=Session.objects.get(number=session)
            )
        recommendation = Recommendation.objects.create(
            review=review,
            text=f"Recommendation {name}",
            action_category=action,
            kind="voluntary_pledge" if not states else "recommendation",
        )
        recommendation.recommending_states.set(State.objects.filter(iso3__in=states))
        recommendation.themes.set([_theme(key) for key in themes])
        recommendation.affected_groups.set(AffectedGroup.objects.filter(slug__in=groups))
        recommendation.sdgs.set(SDG.objects.filter(number__in=sdgs))
        services.record_position(recommendation=recommendation, response=response)
        if status:
            services.record_assessment(
                recommendation=recommendation, status=status, assessed_on=datetime.date(2014, 1, 1), organisation=org_a
            )
        made[name] = recommendation
    return made


def expected(corpus, predicate) -> list[int]:
    return sorted(corpus[row.name].pk for row in CORPUS if predicate(row._asdict()))


def ids(client, query: str) -> list[int]:
    response = client.get(f"{URL}?{query}&page_size=500")
    assert response.status_code == 200, response.json()
    return [row["id"] for row in response.json()["results"]]


@pytest.mark.parametrize(
    ("query", "predicate"),
    [
        ("state_under_review=KAZ", lambda r: r["sur"] == "KAZ"),
        ("state_under_review=kaz", lambda r: r["sur"] == "KAZ"),
        ("state_under_review=KAZ&state_under_review=BRA", lambda r: r["sur"] in {"KAZ", "BRA"}),
        ("recommending_state=NOR", lambda r: "NOR" in r["states"]),
        ("recommending_state=NOR&recommending_state=EGY", lambda r: {"NOR", "EGY"} & set(r["states"])),
        ("regional_group=WEOG", lambda r: REGIONAL_GROUP[r["sur"]] == "WEOG"),
        ("recommending_regional_group=GRULAC", lambda r: any(REGIONAL_GROUP[s] == "GRULAC" for s in r["states"])),
        ("bloc=EU", lambda r: any("EU" in BLOCS[s] for s in r["states"])),
        ("bloc=OIF", lambda r: any("OIF" in BLOCS[s] for s in r["states"])),
        ("cycle=3", lambda r: SESSION_CYCLE[r["session"]] == 3),
        ("cycle=1&cycle=3", lambda r: SESSION_CYCLE[r["session"]] in {1, 3}),
        ("session=7&session=2", lambda r: r["session"] in {7, 2}),
        ("year=2008", lambda r: SESSION_YEAR[r["session"]] == 2008),
        ("year=2008&year=2010", lambda r: SESSION_YEAR[r["session"]] in {2008, 2010}),
        ("response=supported", lambda r: r["response"] == "supported"),
        ("response=supported&response=noted", lambda r: r["response"] in {"supported", "noted"}),
        ("action_category=5", lambda r: r["action"] == 5),
        ("kind=voluntary_pledge", lambda r: not r["states"]),
        ("theme=upr-info:human-rights-defenders", lambda r: "upr-info:human-rights-defenders" in r["themes"]),
        ("theme=right-to-education", lambda r: any(t.endswith(":right-to-education") for t in r["themes"])),
        ("theme=ohchr:right-to-education", lambda r: "ohchr:right-to-education" in r["themes"]),
        ("affected_group=women", lambda r: "women" in r["groups"]),
        ("sdg=16", lambda r: 16 in r["sdgs"]),
        ("sdg=4&sdg=5", lambda r: {4, 5} & set(r["sdgs"])),
        ("status=not_implemented", lambda r: r["status"] == "not_implemented"),
        ("status=none", lambda r: r["status"] == ""),
        ("status=none&status=fully_implemented", lambda r: r["status"] in {"", "fully_implemented"}),
    ],
)
def test_filter_returns_exactly_the_matching_rows(api_client, corpus, query, predicate):
    assert ids(api_client, query) == expected(corpus, predicate)


@pytest.mark.parametrize(
    ("query", "predicate"),
    [
        (
            "state_under_review=KAZ&response=supported",
            lambda r: r["sur"] == "KAZ" and r["response"] == "supported",
        ),
        (
            "theme=human-rights-defenders&status=not_implemented&recommending_state=FRA",
            lambda r: (
                "upr-info:human-rights-defenders" in r["themes"]
                and r["status"] == "not_implemented"
                and "FRA" in r["states"]
            ),
        ),
        (
            "bloc=OIF&sdg=4&sdg=16&cycle=1",
            lambda r: (
                any("OIF" in BLOCS[s] for s in r["states"])
                and {4, 16} & set(r["sdgs"])
                and SESSION_CYCLE[r["session"]] == 1
            ),
        ),
    ],
)
def test_filters_combine_with_and(api_client, corpus, query, predicate):
    assert ids(api_client, query) == expected(corpus, predicate)


@pytest.mark.parametrize("query", ["cycle=9", "year=1999", "cycle=9&state_under_review=KAZ"])
def test_a_cycle_or_year_without_sessions_matches_nothing(api_client, client, corpus, query):
    listed = api_client.get(f"{URL}?{query}&include_total=true")
    assert listed.status_code == 200
    assert (listed.json()["results"], listed.json()["total"]) == ([], 0)
    assert api_client.get(f"{URL}facets/?{query}&facet=theme&facet=cycle").status_code == 200
    page = client.get(f"/recommendations/?{query}")
    assert page.status_code == 200


def test_many_to_many_filters_never_repeat_a_row(api_client, corpus):
    # bra-hrd has three recommending States, two of them in the OIF/EU blocs, and two matching themes.
    query = "bloc=EU&bloc=OIF&theme=upr-info:human-rights-defenders&theme=upr-info:womens-rights"
    found = ids(api_client, query)
    assert found.count(corpus["bra-hrd"].pk) == 1
    assert len(found) == len(set(found))


def test_updated_since_returns_rows_changed_at_or_after(api_client, corpus):
    cutoff = datetime.datetime(2030, 1, 1, tzinfo=datetime.UTC)
    Recommendation.objects.filter(pk=corpus["kaz-edu"].pk).update(updated_at=cutoff)
    Recommendation.objects.filter(pk=corpus["fra-hrd"].pk).update(updated_at=cutoff + datetime.timedelta(seconds=1))
    assert ids(api_client, "updated_since=2030-01-01T00:00:00Z") == sorted([corpus["kaz-edu"].pk, corpus["fra-hrd"].pk])
    assert ids(api_client, "updated_since=2030-01-01T00:00:00.5%2B00:00") == [corpus["fra-hrd"].pk]


def test_blank_values_are_ignored(api_client, corpus):
    assert ids(api_client, "response=&state_under_review=") == sorted(r.pk for r in corpus.values())


@pytest.mark.parametrize(
    ("query", "errors"),
    [
        ("state_under_review=XYZ", {"state_under_review": ["Unknown ISO3 code: XYZ."]}),
        ("recommending_state=KAZ&recommending_state=12", {"recommending_state": ["Unknown ISO3 code: 12."]}),
        ("regional_group=EUROPE", {"regional_group": ["Unknown regional group code: EUROPE."]}),
        ("bloc=NATO", {"bloc": ["Unknown bloc code: NATO."]}),
        ("theme=upr-info:h1-human-rights-defenders", {"theme": ["Unknown theme: upr-info:h1-human-rights-defenders."]}),
        ("affected_group=aliens", {"affected_group": ["Unknown affected group: aliens."]}),
        (
            "response=accepted",
            {"response": ["Unknown response: accepted. Choose from: supported, noted, partially_supported, pending."]},
        ),
        (
            "status=done",
            {
                "status": [
                    "Unknown status: done. Choose from: not_implemented, partially_implemented, "
                    "fully_implemented, none."
                ]
            },
        ),
        ("sdg=18", {"sdg": ["Out of range: 18 (SDG from 1 to 17)."]}),
        ("session=seven", {"session": ["Not a whole number: seven."]}),
        ("updated_since=yesterday", {"updated_since": [BAD_DATE]}),
        (
            "updated_since=9999-12-31T23:59:59-23:00",
            {"updated_since": ["Enter an ISO 8601 date and time, e.g. 2024-05-01T00:00:00Z."]},
        ),
        ("q=" + "x" * 201, {"q": ["Ensure this value has at most 200 characters (it has 201)."]}),
        ("q=%00", {"q": ["Null characters are not allowed."]}),
        ("theme=%00", {"theme": ["Null characters are not allowed."]}),
        (
            "ordering=text",
            {
                "ordering": [
                    "Unknown ordering: text. Choose from: id, session, state_under_review, action_category, "
                    "updated_at, created_at, rank (prefix with - for descending)."
                ]
            },
        ),
        ("ordering=-rank", {"ordering": ["Ordering by rank needs a full-text search (q)."]}),
        ("page_size=501", {"page_size": ["Must be a whole number from 1 to 500."]}),
        ("page_size=0", {"page_size": ["Must be a whole number from 1 to 500."]}),
        ("cursor=not-a-cursor", {"cursor": ["Invalid cursor."]}),
        ("include_total=maybe", {"include_total": ["Must be true or false."]}),
    ],
)
def test_bad_parameter_is_a_400_naming_it(api_client, corpus, query, errors):
    response = api_client.get(f"{URL}?{query}")
    assert response.status_code == 400
    assert response.json() == {"errors": errors}


def test_every_bad_filter_is_reported_at_once(api_client, db):
    response = api_client.get(f"{URL}?state_under_review=XYZ&state_under_review=QQQ&response=yes&sdg=0")
    assert response.status_code == 400
    assert response.json() == {
        "errors": {
            "state_under_review": ["Unknown ISO3 code: XYZ.", "Unknown ISO3 code: QQQ."],
            "response": ["Unknown response: yes. Choose from: supported, noted, partially_supported, pending."],
            "sdg": ["Out of range: 0 (SDG from 1 to 17)."],
        }
    }


def test_a_percent_sign_in_a_value_is_quoted_not_formatted(api_client, db):
    response = api_client.get(f"{URL}?state_under_review=%25s%25&response=%25(x)s&ordering=%25d")
    assert response.json() == {
        "errors": {
            "state_under_review": ["Unknown ISO3 code: %S%."],
            "response": ["Unknown response: %(x)s. Choose from: supported, noted, partially_supported, pending."],
            "ordering": [
                "Unknown ordering: %d. Choose from: id, session, state_under_review, action_category, updated_at, "
                "created_at, rank (prefix with - for descending)."
            ],
        }
    }
