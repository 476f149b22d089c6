"""recommendation.current_status/current_status_date and response/response_source/response_date, kept by
statement triggers with transition tables.

Until now Python copied them (services.refresh_current_status and refresh_response, called from seven write
paths); a write that forgot the call, a queryset update or raw SQL left a recommendation showing a status
nobody had published. Now each statement that inserts, updates or deletes assessments (or positions)
refreshes the recommendations it touched, once per statement however many rows it wrote:
- current status: the latest published assessment (assessed_on, then id), or none;
- response: the latest position (date, nulls first, then id), or none.
A recommendation whose copy is already right is not written, so its updated_at (what partners sync by) moves
only when what they see changes. updated_at = clock_timestamp(), not now(): now() is the transaction's start,
earlier than the created_at of a row made in the same transaction.
"""

from django.db import migrations

# {kind}: the trigger's name part; {table}: the history table; {changed}: the columns whose change matters.
FUNCTION = """
CREATE FUNCTION recommendations_refresh_{kind}() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    ids bigint[];
BEGIN
    IF TG_OP = 'INSERT' THEN
        SELECT array_agg(DISTINCT recommendation_id) INTO ids FROM new_rows;
    ELSIF TG_OP = 'DELETE' THEN
        SELECT array_agg(DISTINCT recommendation_id) INTO ids FROM old_rows;
    ELSE
        SELECT array_agg(DISTINCT moved.recommendation_id) INTO ids
          FROM new_rows AS n JOIN old_rows AS o ON o.id = n.id,
               LATERAL (VALUES (n.recommendation_id), (o.recommendation_id)) AS moved(recommendation_id)
         WHERE ({changed}) IS DISTINCT FROM ({changed_old});
    END IF;
    IF ids IS NOT NULL THEN
        {refresh}
    END IF;
    RETURN NULL;
END
$$;
"""

REFRESH_STATUS = """UPDATE recommendations_recommendation AS r
           SET current_status = COALESCE(latest.status, ''),
               current_status_date = latest.assessed_on,
               updated_at = clock_timestamp()
          FROM unnest(ids) AS changed(id)
          LEFT JOIN LATERAL (
                SELECT a.status, a.assessed_on
                  FROM recommendations_implementationassessment AS a
                 WHERE a.recommendation_id = changed.id AND a.state = 'published'
                 ORDER BY a.assessed_on DESC, a.id DESC
                 LIMIT 1
          ) AS latest ON true
         WHERE r.id = changed.id
           AND (r.current_status <> COALESCE(latest.status, '')
                OR r.current_status_date IS DISTINCT FROM latest.assessed_on);"""

REFRESH_RESPONSE = """UPDATE recommendations_recommendation AS r
           SET response = COALESCE(latest.response, ''),
               response_source = COALESCE(latest.source, ''),
               response_date = latest.date,
               updated_at = clock_timestamp()
          FROM unnest(ids) AS changed(id)
          LEFT JOIN LATERAL (
                SELECT p.response, p.source, p.date
                  FROM recommendations_position AS p
                 WHERE p.recommendation_id = changed.id
                 ORDER BY p.date DESC NULLS LAST, p.id DESC
                 LIMIT 1
          ) AS latest ON true
         WHERE r.id = changed.id
           AND (r.response <> COALESCE(latest.response, '')
                OR r.response_source <> COALESCE(latest.source, '')
                OR r.response_date IS DISTINCT FROM latest.date);"""


def _columns(names: str, alias: str) -> str:
    return ", ".join(f"{alias}.{name}" for name in names.split())


def _triggers(kind: str, table: str, columns: str, refresh: str) -> str:
    sql = FUNCTION.format(
        kind=kind, changed=_columns(columns, "n"), changed_old=_columns(columns, "o"), refresh=refresh
    )
    for event, tables in (
        ("INSERT", "NEW TABLE AS new_rows"),
        ("UPDATE", "NEW TABLE AS new_rows OLD TABLE AS old_rows"),
        ("DELETE", "OLD TABLE AS old_rows"),
    ):
        sql += f"""
CREATE TRIGGER {kind}_after_{event.lower()}
    AFTER {event} ON {table} REFERENCING {tables}
    FOR EACH STATEMENT EXECUTE FUNCTION recommendations_refresh_{kind}();
"""
    return sql


def _drop(kind: str, table: str) -> str:
    drops = "".join(f"DROP TRIGGER {kind}_after_{event} ON {table};\n" for event in ("insert", "update", "delete"))
    return drops + f"DROP FUNCTION recommendations_refresh_{kind}();\n"


ASSESSMENTS = "recommendations_implementationassessment"
POSITIONS = "recommendations_position"


class Migration(migrations.Migration):
    dependencies = [("recommendations", "0020_review_copies_by_triggers")]

    operations = [
        migrations.RunSQL(
            _triggers("current_status", ASSESSMENTS, "recommendation_id status assessed_on state", REFRESH_STATUS),
            reverse_sql=_drop("current_status", ASSESSMENTS),
            elidable=False,
        ),
        migrations.RunSQL(
            _triggers("response", POSITIONS, "recommendation_id response source date", REFRESH_RESPONSE),
            reverse_sql=_drop("response", POSITIONS),
            elidable=False,
        ),
    ]
