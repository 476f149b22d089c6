"""A recommendation as the API shows it: the detail, each row of a list, each line of the JSON Lines export.

The only implementation of that representation (serializers.RecommendationSerializer only declares its
shape, for the OpenAPI schema). It is built from ONE query per batch of ids, without model instances
or serializer fields, which per row cost more than the query itself: each row comes with its review's
report symbol and its lists as arrays of ids, read from the link tables' covering indexes. The names
behind the ids (States, themes, affected groups, SDGs, sessions) come from the reference tables held
in memory (search/lookups.py), in the order the models give them: joining those tables in the
statement cost more than the rows themselves. Figures in bench/NOTES.md. Those names follow the active
language (lookups.localized); the JSON Lines export keeps them in English.
"""

from __future__ import annotations

import datetime
import itertools
from collections.abc import Iterable, Iterator

import psycopg
from django.db import connections
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from psycopg.pq import Format
from rest_framework import serializers

from core.prepared import prepared_cursor
from recommendations.api.fields import link_template, marked_snippet
from recommendations.models import Recommendation
from recommendations.search import lookups
from recommendations.search.query import parse
from recommendations.search.text import headline_options, tsquery_sql

_SQL = """
SELECT r.id, r.paragraph, r.text, r.language, r.kind, r.response, r.response_source, r.action_category,
       r.current_status, r.current_status_date, r.created_at, r.updated_at, r.review_id, r.state_under_review_id,
       r.session_number,
       (SELECT rv.report_symbol FROM recommendations_review rv WHERE rv.id = r.review_id),
       ARRAY(SELECT t.state_id FROM recommendations_recommendation_recommending_states t
              WHERE t.recommendation_id = r.id),
       ARRAY(SELECT t.theme_id FROM recommendations_recommendation_themes t WHERE t.recommendation_id = r.id),
       ARRAY(SELECT t.affectedgroup_id FROM recommendations_recommendation_affected_groups t
              WHERE t.recommendation_id = r.id),
       ARRAY(SELECT t.sdg_id FROM recommendations_recommendation_sdgs t WHERE t.recommendation_id = r.id),
       {snippet}
  FROM recommendations_recommendation r
 WHERE r.id = ANY(%(ids)s::bigint[])
"""
# Each text parsed with its own language's configuration, as its search vector was (search/text.py).
_SNIPPET = "ts_headline(recommendations_search_config(r.language), r.text, {query}, %(options)s)"
_WITHOUT_SNIPPET = "NULL"
_DATETIME = serializers.DateTimeField()
# psycopg's own loader of timestamps (C, with psycopg[binary]) for created_at and updated_at. Django's, a
# Python subclass of it that sets the connection's time zone (UTC), costs 10 µs a value: 1 ms for a page
# of 50, as much as the statement (bench/NOTES.md). psycopg's gives the same instants, in the time zone of
# the session, which Django sets to the connection's.
_TIMESTAMPTZ = psycopg.postgres.types["timestamptz"].oid
_TIMESTAMPTZ_LOADER = psycopg.adapters.get_loader(_TIMESTAMPTZ, Format.TEXT)


def recommendation_representations(
    ids: Iterable[int], request: HttpRequest | None, *, search_text: str = "", snippets: bool = False
) -> dict[int, dict]:
    """The representation of each id, by id: the detail's, or with `snippets` a list row's.

    One query whatever the number of ids (and the data version, when the request has not read it;
    the reference tables when they changed); ids that do not exist are left out. With `snippets`, a
    non-empty `search_text` adds the highlighted snippet, else it is null.
    """
    ids = list(ids)
    if not ids:
        return {}
    reference = lookups.localized()  # names in the reader's language; codes and slugs as ever
    return _representations(ids, _Links(request, reference), snippets, search_text if snippets else "")


def streamed_representations(queryset: QuerySet, request: HttpRequest | None, *, chunk_size: int) -> Iterator[dict]:
    """The detail's representation of every recommendation of `queryset`, in its order; memory stays flat.

    The ids come through a server-side cursor, their representations one query per `chunk_size` ids.
    The reference tables are read when this is called, within the request's reads (a streamed
    response's rows come after the view has returned); the rows as they are consumed. Names stay in
    English whatever the request's language: an export is data, read back by the table importer and
    compared across downloads (docs/api.md).
    """
    ids = queryset.values_list("pk", flat=True).iterator(chunk_size=chunk_size)
    return _in_chunks(ids, _Links(request, lookups.current()), chunk_size)


def _in_chunks(ids: Iterator[int], links: _Links, chunk_size: int) -> Iterator[dict]:
    while chunk := list(itertools.islice(ids, chunk_size)):
        found = _representations(chunk, links, False, "")
        yield from (found[pk] for pk in chunk if pk in found)


def _representations(ids: list[int], links: _Links, with_snippet: bool, search_text: str) -> dict[int, dict]:
    connection = connections[Recommendation.objects.db]
    params = {"ids": ids}
    snippet = _WITHOUT_SNIPPET
    node = parse(search_text) if search_text else None  # validated by the FilterSet
    if node is not None:
        snippet = _SNIPPET.format(query=tsquery_sql(node, connection))
        params["options"] = headline_options(connection)
    # Without a search its text is always the same: prepared, PostgreSQL plans it once per connection.
    with prepared_cursor(connection.alias) if node is None else connection.cursor() as cursor:
        cursor.cursor.adapters.register_loader(_TIMESTAMPTZ, _TIMESTAMPTZ_LOADER)
        cursor.execute(_SQL.format(snippet=snippet), params)
        rows = cursor.fetchall()
    return {row[0]: _representation(row, links, with_snippet) for row in rows}


class _Links:
    """What every row's representation shares: URL templates, the reference tables, how times are written."""

    def __init__(self, request: HttpRequest | None, reference: lookups.Lookups) -> None:
        self.recommendation = link_template("api:recommendation-detail", request)
        self.review = link_template("api:review-detail", request)
        self.reference = reference
        utc = timezone.get_current_timezone_name() == "UTC"
        self.datetime = _utc_datetime if utc else _DATETIME.to_representation


def _utc_datetime(value: datetime.datetime | None) -> str | None:
    """DateTimeField.to_representation (ISO 8601, UTC written Z) when the current time zone is UTC,
    without its per-call machinery: PostgreSQL hands values over in UTC (Django's connection time zone)."""
    if value is None:
        return None
    written = value.isoformat()
    if not written.endswith("+00:00"):
        return _DATETIME.to_representation(value)
    return written[:-6] + "Z"


def _representation(row: tuple, links: _Links, with_snippet: bool) -> dict:
    (pk, paragraph, text, language, kind, response, response_source, action_category, status, status_date,
     created_at, updated_at, review_id, state_id, session_number, report_symbol, recommending_states, themes,
     affected_groups, sdgs, snippet) = row  # fmt: skip
    reference = links.reference
    session = reference.sessions[session_number]
    _position, iso3, name = reference.states[state_id]
    representation = {
        "id": pk,
        "url": f"{links.recommendation[0]}{pk}{links.recommendation[1]}",
        "paragraph": paragraph,
        "text": text,
        "language": language,
        "kind": kind,
        "state_under_review": {"iso3": iso3, "name": name},
        "recommending_states": [
            {"iso3": code, "name": label} for _p, code, label in lookups.ordered(reference.states, recommending_states)
        ],
        "session": session.number,
        "cycle": session.cycle,
        "year": session.year,
        "review": {
            "id": review_id,
            "url": f"{links.review[0]}{review_id}{links.review[1]}",
            "report_symbol": report_symbol,
        },
        "response": response or None,
        "response_source": response_source,
        "action_category": action_category,
        "themes": [{**theme} for _p, theme in lookups.ordered(reference.themes, themes)],
        "affected_groups": [
            {"slug": slug, "name": label}
            for _p, slug, label in lookups.ordered(reference.affected_groups, affected_groups)
        ],
        "sdgs": [{"number": number, "name": label} for _p, number, label in lookups.ordered(reference.sdgs, sdgs)],
        "status": status or None,
        "status_date": status_date.isoformat() if status_date else None,
        "created_at": links.datetime(created_at),
        "updated_at": links.datetime(updated_at),
    }
    if with_snippet:
        representation["snippet"] = marked_snippet(snippet)
    return representation
