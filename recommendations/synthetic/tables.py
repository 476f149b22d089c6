"""What the generator does to the tables it fills: truncate them, take off what slows COPY down (indexes,
foreign keys, the triggers recomputing what it writes itself) and put it back, reset their sequences."""

from django.db import connection


def truncate(models: list) -> None:
    tables = ", ".join(connection.ops.quote_name(model._meta.db_table) for model in models)
    with connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {tables} RESTART IDENTITY CASCADE")


def drop_indexes_and_foreign_keys(models: list) -> list[str]:
    """Drop what slows COPY down; returns the statements that rebuild it (indexes first)."""
    tables = [model._meta.db_table for model in models]
    with connection.cursor() as cursor:
        cursor.execute(
            """SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid)
                 FROM pg_index i
                WHERE i.indrelid = ANY(%s::regclass[]) AND NOT i.indisprimary
                  AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)""",
            [tables],
        )
        indexes = cursor.fetchall()
        cursor.execute(
            """SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid)
                 FROM pg_constraint WHERE conrelid = ANY(%s::regclass[]) AND contype = 'f'""",
            [tables],
        )
        foreign_keys = cursor.fetchall()
        for table, name, _definition in foreign_keys:
            cursor.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
        for name, _definition in indexes:
            cursor.execute(f"DROP INDEX {name}")
    return [definition for _name, definition in indexes] + [
        f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}' for table, name, definition in foreign_keys
    ]


def disable_refresh_triggers(models: list) -> list[str]:
    """The generator writes each recommendation's current response and status itself: the triggers that
    recompute them (migration 0021) would look up every new row again, without the indexes dropped above.
    Returns the statements that enable them again (in this transaction: no other writer sees them off)."""
    tables = [model._meta.db_table for model in models]
    with connection.cursor() as cursor:
        cursor.execute(
            """SELECT t.tgrelid::regclass::text, t.tgname FROM pg_trigger t JOIN pg_proc p ON p.oid = t.tgfoid
                WHERE t.tgrelid = ANY(%s::regclass[]) AND p.proname LIKE 'recommendations\\_refresh\\_%%'""",
            [tables],
        )
        triggers = cursor.fetchall()
        for table, name in triggers:
            cursor.execute(f'ALTER TABLE {table} DISABLE TRIGGER "{name}"')
    return [f'ALTER TABLE {table} ENABLE TRIGGER "{name}"' for table, name in triggers]


def restore(statements: list[str]) -> None:
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL maintenance_work_mem = '512MB'")
        for statement in statements:
            cursor.execute(statement)


def reset_sequences(models: list) -> None:
    with connection.cursor() as cursor:
        for model in models:
            table = model._meta.db_table
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence(%s, 'id'), COALESCE(max(id), 0) + 1, false) FROM {table}",
                [table],
            )
