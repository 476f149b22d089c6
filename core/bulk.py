"""Bulk reads and writes with a fixed number of statements per chunk, however large the chunk."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from django.db import connection
from django.db.models import NOT_PROVIDED
from django.db.models.expressions import RawSQL
from django.utils import timezone


def array(values: Iterable, sql_type: str) -> RawSQL:
    """`field__in=array(ids, "bigint")`: one array parameter where a plain list makes thousands of placeholders.

    Building, sending and planning an IN list of 2,000 values cost more than the query itself.
    """
    return RawSQL(f"SELECT unnest(%s::{sql_type}[])", [list(values)])


def next_ids(model, count: int) -> list[int]:
    """Primary keys for `count` new rows, taken from the table's sequence as an INSERT would."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [model._meta.db_table, model._meta.pk.column, count],
        )
        return [row[0] for row in cursor.fetchall()]


def copy_rows(model, columns: Sequence[str], rows: Iterable[tuple]) -> None:
    """Write new rows with COPY, one statement per table.

    This is bulk_create without its cost per value: a 100,000-row file brings
    about half a million rows (recommendations, their States, themes and
    positions), and Django's preparation of every value of every model
    instance was most of an import's time. Columns not given take the model's
    defaults, as bulk_create would write them, so a field added to the model
    later is still filled in.
    """
    defaults = _column_defaults(model, columns)
    quote = connection.ops.quote_name
    names = ", ".join(quote(column) for column in (*columns, *defaults))
    extra = tuple(defaults.values())
    with (
        connection.cursor() as cursor,
        cursor.cursor.copy(f"COPY {quote(model._meta.db_table)} ({names}) FROM STDIN") as copy,
    ):
        for row in rows:
            copy.write_row((*row, *extra))


def _column_defaults(model, given: Sequence[str]) -> dict[str, object]:
    now = timezone.now()
    defaults = {}
    for model_field in model._meta.concrete_fields:
        column = model_field.column
        if column in given or model_field.primary_key or model_field.generated:
            continue
        if model_field.db_default is not NOT_PROVIDED:
            continue  # the database fills it in
        if getattr(model_field, "auto_now", False) or getattr(model_field, "auto_now_add", False):
            defaults[column] = now
        else:
            defaults[column] = model_field.get_db_prep_save(model_field.get_default(), connection)
    return defaults


def write_history(model, where: str, ids: Sequence[int], history_type: str, user_id: int | None, reason: str) -> None:
    """Audit rows for rows written by COPY or bulk_update, which send no signals: one INSERT … SELECT.

    `where` names the column matched against `ids` ("id", or "recommendation_id"
    for the positions of new recommendations). The historical table's columns
    mirror the model's, plus simple-history's own.
    """
    if not ids:
        return
    historical = model.history.model
    columns = [f.column for f in historical._meta.concrete_fields if not f.name.startswith("history_")]
    quote = connection.ops.quote_name
    names = ", ".join(quote(column) for column in columns)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {quote(historical._meta.db_table)} "
            f"({names}, history_date, history_change_reason, history_type, history_user_id) "
            f"SELECT {names}, now(), %s, %s, %s FROM {quote(model._meta.db_table)} "
            f"WHERE {quote(where)} = ANY(%s::bigint[])",
            [reason, history_type, user_id, list(ids)],
        )
