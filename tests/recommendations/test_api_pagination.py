"""Keyset (cursor) pagination: complete, stable under concurrent writes, any ordering, any depth."""

import base64
import datetime
import json

import pytest
from django.utils import timezone

from recommendations import services
from recommendations.models import Recommendation, Review, Session
from states.models import State

pytestmark = pytest.mark.django_db

URL = "/api/v1/recommendations/"


@pytest.fixture
def rows(review_kaz_2010, review_fra_2008, make_recommendation) -> list[Recommendation]:
    """13 recommendations in three reviews, with many ties on session and action category."""
    brazil = Review.objects.create(state=State.objects.get(iso3="BRA"), session=Session.objects.get(number=27))
    made = []
    for index in range(13):
        review = (review_kaz_2010, review_fra_2008, brazil)[index % 3]
        action = (None, 3, 5)[index % 2 + (index % 5 == 0)]
        made.append(make_recommendation(review, f"Recommendation number {index}", action_category=action))
    return made


def walk(client, url: str) -> list[int]:
    seen = []
    while url:
        body = client.get(url).json()
        seen += [row["id"] for row in body["results"]]
        url = body["next"]
    return seen


def sort_key(recommendation: Recommendation, ordering: str):
    values = {
        "session": recommendation.review.session.number,
        "state_under_review": recommendation.review.state.iso3,
        "action_category": recommendation.action_category or 0,
        "id": recommendation.pk,
    }
    return tuple(-values[key[1:]] if key.startswith("-") else values[key] for key in ordering.split(","))


@pytest.mark.parametrize("ordering", ["id", "-id", "session,id", "-session,id", "-action_category,session,id"])
def test_walking_the_cursor_returns_every_row_once_in_order(api_client, rows, ordering):
    expected = [r.pk for r in sorted(rows, key=lambda r: sort_key(r, ordering))]
    assert walk(api_client, f"{URL}?ordering={ordering}&page_size=2") == expected


def test_string_ordering_with_ties_pages_correctly(api_client, rows):
    expected = [r.pk for r in sorted(rows, key=lambda r: (r.review.state.iso3, -r.pk))]
    assert walk(api_client, f"{URL}?ordering=state_under_review,-id&page_size=3") == expected


def test_previous_link_returns_the_previous_page(api_client, rows):
    first = api_client.get(URL, {"page_size": 4}).json()
    second = api_client.get(first["next"]).json()
    assert first["previous"] is None
    back = api_client.get(second["previous"]).json()
    assert [row["id"] for row in back["results"]] == [row["id"] for row in first["results"]]
    assert back["previous"] is None
    assert back["next"] is not None


def test_last_page_has_no_next(api_client, rows):
    body = api_client.get(URL, {"page_size": 13}).json()
    assert len(body["results"]) == 13
    assert body["next"] is None


def test_rows_changed_while_paging_are_neither_skipped_nor_repeated(api_client, rows, org_a):
    first = api_client.get(URL, {"page_size": 5}).json()
    # Between two requests an editor assesses a row already seen and a row not yet seen,
    # and a recommendation is deleted (gone, not a gap) and another is added (seen at the end).
    for row in (rows[1], rows[8]):
        services.record_assessment(
            recommendation=row, status="not_implemented", assessed_on=datetime.date(2020, 1, 1), organisation=org_a
        )
    services.delete_recommendations([rows[9]])
    added = Recommendation.objects.create(review=rows[0].review, text="Added while paging")
    seen = [row["id"] for row in first["results"]] + walk(api_client, first["next"])
    expected = [r.pk for r in rows if r.pk != rows[9].pk] + [added.pk]
    assert seen == expected


def test_sync_ordering_moves_a_row_changed_while_paging_to_the_end(api_client, rows, org_a):
    """With updated_since, rows come by (updated_at, id): a row changed mid-walk is seen again later, never lost."""
    base = timezone.now() - datetime.timedelta(days=1)
    for index, row in enumerate(rows):
        Recommendation.objects.filter(pk=row.pk).update(updated_at=base + datetime.timedelta(seconds=index // 2))
    since = (base - datetime.timedelta(minutes=5)).isoformat()
    first = api_client.get(URL, {"updated_since": since, "page_size": 4}).json()
    assert [row["id"] for row in first["results"]] == [r.pk for r in rows[:4]]
    for row in (rows[2], rows[6]):
        services.record_assessment(
            recommendation=row, status="fully_implemented", assessed_on=datetime.date(2021, 1, 1), organisation=org_a
        )
    rest = walk(api_client, first["next"])
    assert rest == [r.pk for r in rows[4:] if r.pk != rows[6].pk] + sorted([rows[2].pk, rows[6].pk])


def test_include_total_counts_the_filtered_rows(api_client, rows):
    body = api_client.get(URL, {"page_size": 2, "include_total": "true", "state_under_review": "KAZ"}).json()
    assert body["total"] == 5
    assert "total" not in api_client.get(URL, {"page_size": 2}).json()


def _cursor(payload: dict) -> str:
    return base64.urlsafe_b64encode(json.dumps(payload).encode()).decode().rstrip("=")


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        ({"k": ["id"], "v": ["abc"], "r": 0}, "Invalid cursor."),
        ({"k": ["id"], "v": [None], "r": 0}, "Invalid cursor."),
        ({"k": ["id"], "v": [[1]], "r": 0}, "Invalid cursor."),
        ({"k": ["id"], "v": [], "r": 0}, "This cursor belongs to another ordering; start again without a cursor."),
        (
            {"k": ["-session_number", "id"], "v": [7, 1], "r": 0},
            "This cursor belongs to another ordering; start again without a cursor.",
        ),
        ([1, 2], "Invalid cursor."),
    ],
)
def test_tampered_cursor_is_a_400(api_client, rows, payload, message):
    response = api_client.get(URL, {"cursor": _cursor(payload)})
    assert response.status_code == 400
    assert response.json() == {"errors": {"cursor": [message]}}


def test_tampered_datetime_cursor_is_a_400(api_client, rows):
    cursor = _cursor({"k": ["updated_at", "id"], "v": ["not a date", 1], "r": 0})
    response = api_client.get(URL, {"ordering": "updated_at", "cursor": cursor})
    assert response.json() == {"errors": {"cursor": ["Invalid cursor."]}}
