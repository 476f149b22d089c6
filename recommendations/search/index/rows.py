"""What the count index reads of the recommendations: their filterable columns and their links, as arrays.

Read with COPY in PostgreSQL's binary format and decoded by numpy: a million recommendations with their
two million links arrive in a few seconds, where a Python object per row would take several times that
(bench/NOTES.md). Every column is read as a non-null int4 so that a row has a fixed width; text columns
are numbered by their choices (0: a value the index does not know, never matched by a filter).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from recommendations.models import ImplementationStatus, Recommendation, Response
from recommendations.search.filters import GroupThrough, SdgThrough, ThemeThrough, Through

RESPONSES = ("", *Response.values)
KINDS = tuple(Recommendation.Kind.values)
STATUSES = ("", *ImplementationStatus.values)

# The recommendation's columns, in the order COLUMNS_SQL selects them.
COLUMNS = ("id", "state", "session", "response", "action_category", "kind", "status", "language")


def _texts(values: tuple[str, ...]) -> str:
    """An SQL array of the code's own choices (letters and underscores: nothing to escape)."""
    assert all(value.replace("_", "").isalnum() or value == "" for value in values)
    return "ARRAY[" + ", ".join(f"'{value}'" for value in values) + "]::text[]"


COLUMNS_SQL = f"""
SELECT id::int4, state_under_review_id::int4, coalesce(session_number, 0)::int4,
       coalesce(array_position({_texts(RESPONSES)}, response), 0)::int4,
       coalesce(action_category, 0)::int4,
       coalesce(array_position({_texts(KINDS)}, kind), 0)::int4,
       coalesce(array_position({_texts(STATUSES)}, current_status), 0)::int4,
       (ascii(substr(language, 1, 1)) * 256 + ascii(substr(language, 2, 1)))::int4
  FROM {Recommendation._meta.db_table} {{where}}
"""
# Each link as (recommendation, the linked value): the dimension's name, then its SQL.
LINKS_SQL = {
    "recommending_state": f"SELECT recommendation_id::int4, state_id::int4 FROM {Through._meta.db_table} l {{where}}",
    "theme": f"SELECT recommendation_id::int4, theme_id::int4 FROM {ThemeThrough._meta.db_table} l {{where}}",
    "affected_group": (
        f"SELECT recommendation_id::int4, affectedgroup_id::int4 FROM {GroupThrough._meta.db_table} l {{where}}"
    ),
    "sdg": f"SELECT recommendation_id::int4, sdg_id::int4 FROM {SdgThrough._meta.db_table} l {{where}}",
}
LINK_MODELS = (Through, ThemeThrough, GroupThrough, SdgThrough)
_SIGNATURE_AND_HEADER = 19  # PGCOPY signature (11 bytes), flags (4), header extension length (4, always 0)
_TRAILER = 2  # the int16 -1 that ends the data


@dataclass
class Rows:
    """The recommendations read: `columns[name]` one array per column (COLUMNS), aligned; `links[dimension]`
    a pair of aligned arrays (recommendation ids, linked values)."""

    columns: dict[str, np.ndarray]
    links: dict[str, tuple[np.ndarray, np.ndarray]]


def read(cursor, ids: list[int] | None = None) -> Rows:
    """Every recommendation (ids None) or those of `ids`, through a cursor (Django's, or psycopg's)."""
    listed = "'{" + ",".join(str(int(pk)) for pk in ids) + "}'::bigint[]" if ids is not None else ""
    own = f"WHERE id = ANY({listed})" if ids is not None else ""
    linked = f"WHERE l.recommendation_id = ANY({listed})" if ids is not None else ""
    columns = ints(cursor, COLUMNS_SQL.format(where=own), len(COLUMNS))
    links = {name: tuple(ints(cursor, sql.format(where=linked), 2)) for name, sql in LINKS_SQL.items()}
    return Rows(columns=dict(zip(COLUMNS, columns, strict=True)), links=links)


def language_code(number: int) -> str:
    """A language code from its number in COLUMNS_SQL (two ASCII letters)."""
    return chr(number // 256) + chr(number % 256)


def language_number(code: str) -> int:
    return ord(code[0]) * 256 + ord(code[1]) if len(code) == 2 else -1


def ints(cursor, sql: str, width: int) -> list[np.ndarray]:
    """The int4 columns of `sql`'s rows (no parameters left in it), one array each, through COPY … (FORMAT
    binary). No column may be NULL."""
    data = bytearray()
    with cursor.copy(f"COPY ({sql}) TO STDOUT (FORMAT binary)") as copy:
        for block in copy:
            data += block
    fields = [("count", ">i2")] + [item for i in range(width) for item in ((f"n{i}", ">i4"), (f"v{i}", ">i4"))]
    body = np.frombuffer(data, dtype=np.dtype(fields), offset=_SIGNATURE_AND_HEADER, count=_rows(data, width))
    return [body[f"v{i}"].astype(np.int64) for i in range(width)]


def _rows(data: bytearray, width: int) -> int:
    size = len(data) - _SIGNATURE_AND_HEADER - _TRAILER
    return max(size, 0) // (2 + 8 * width)
