"""PostgreSQL going away under a running app: a quick 503 with Retry-After, never a 500, and recovery by itself.

Requests go through Django's real WSGI handler (not the test client, which turns off the
connection housekeeping that runs at the start and end of every request), on the test's own
database connection, so the connection the app keeps between requests (CONN_MAX_AGE) is the
one these tests break: terminated by PostgreSQL, or pointed at a port where nothing listens.
bench/faults.py shows the same against a real server restart under gunicorn.
"""

import time
from contextlib import contextmanager
from wsgiref.util import setup_testing_defaults

import pytest
from django.core.handlers.wsgi import WSGIHandler
from django.db import DatabaseError, connection, connections
from django.test import RequestFactory

from core.errors import RETRY_AFTER_SECONDS, UNAVAILABLE, server_error

# Real commits and a real connection that other sessions can see and terminate (the reference data
# that migrations load is put back afterwards).
real_connection = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def get(path: str) -> tuple[int, dict[str, str], bytes]:
    """One GET through the WSGI handler as a server would call it, request_started and request_finished included."""
    environ = {"REQUEST_METHOD": "GET", "PATH_INFO": path.partition("?")[0], "QUERY_STRING": path.partition("?")[2]}
    setup_testing_defaults(environ)
    answer = {}

    def start_response(status, headers, exc_info=None):
        answer.update(status=int(status.split()[0]), headers=dict(headers))

    result = WSGIHandler()(environ, start_response)
    try:
        body = b"".join(result)
    finally:
        result.close()
    return answer["status"], answer["headers"], body


def terminate(pid: int) -> None:
    """pg_terminate_backend from another session, then wait until the backend has gone."""
    other = connections.create_connection("default")
    try:
        with other.cursor() as cursor:
            cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
            assert cursor.fetchone() == (True,)
            for _ in range(100):
                cursor.execute("SELECT 1 FROM pg_stat_activity WHERE pid = %s", [pid])
                if cursor.fetchone() is None:
                    return
                time.sleep(0.05)
        raise AssertionError(f"backend {pid} still there")
    finally:
        other.close()


@contextmanager
def settings_dict_changed(**changes):
    """The default connection, closed and reopened with other settings for a while (and back afterwards)."""
    saved = {key: connection.settings_dict[key] for key in changes}
    connection.close()
    connection.settings_dict.update(changes)
    try:
        yield
    finally:
        connection.close()
        connection.settings_dict.update(saved)


def backend_pid() -> int:
    return connection.connection.info.backend_pid


@real_connection
def test_request_after_its_kept_connection_was_terminated_reconnects_and_answers_200():
    assert get("/api/v1/recommendations/?page_size=1")[0] == 200
    killed = backend_pid()  # kept open for the next request (CONN_MAX_AGE)
    terminate(killed)

    status, _headers, _body = get("/api/v1/recommendations/?page_size=1")

    # CONN_HEALTH_CHECKS: the first query of the request found the connection dead and opened a new one.
    assert status == 200
    assert backend_pid() != killed


@real_connection
def test_request_that_hits_a_terminated_connection_gets_503_json_and_the_next_one_recovers():
    # Without the health check, the request meets the dead connection: what a query in flight meets when
    # PostgreSQL restarts.
    with settings_dict_changed(CONN_HEALTH_CHECKS=False):
        assert get("/api/v1/recommendations/?page_size=1")[0] == 200
        terminate(backend_pid())

        status, headers, body = get("/api/v1/recommendations/?page_size=1")
        assert (status, headers["Retry-After"], headers["Content-Type"]) == (503, "5", "application/json")
        assert body == b'{"errors": {"detail": ["' + UNAVAILABLE.encode() + b'"]}}'

        # The end of that request dropped the broken connection; the next one connects again.
        assert get("/api/v1/recommendations/?page_size=1")[0] == 200


@real_connection
def test_while_the_database_is_unreachable_pages_and_api_answer_503_quickly_then_200_once_it_is_back():
    with settings_dict_changed(HOST="127.0.0.1", PORT="1"):  # nothing listens on port 1: connection refused
        started = time.perf_counter()
        page = get("/states/KAZ/")
        elapsed = time.perf_counter() - started
        api = get("/api/v1/recommendations/?state_under_review=KAZ")

    status, headers, body = page
    assert (status, headers["Retry-After"]) == (503, str(RETRY_AFTER_SECONDS))
    assert headers["Content-Type"].startswith("text/html")
    assert b"<h1>Temporarily unavailable</h1>" in body
    assert elapsed < 2
    status, headers, body = api
    assert (status, headers["Retry-After"], headers["Content-Type"]) == (503, "5", "application/json")
    assert body == b'{"errors": {"detail": ["' + UNAVAILABLE.encode() + b'"]}}'
    assert get("/states/KAZ/")[0] == 200
    assert get("/api/v1/recommendations/?state_under_review=KAZ")[0] == 200


def test_connection_attempts_give_up_after_connect_timeout():
    # An unreachable host (packets dropped, not refused) must not pin a worker thread for minutes.
    assert connection.settings_dict["OPTIONS"]["connect_timeout"] == 5
    assert connection.get_connection_params()["connect_timeout"] == 5


def test_other_errors_are_still_a_500_without_retry_after():
    request = RequestFactory().get("/api/v1/recommendations/")
    try:
        raise ValueError("a bug, not an outage")
    except ValueError:
        response = server_error(request)

    assert response.status_code == 500
    assert "Retry-After" not in response


@pytest.mark.django_db
def test_database_errors_other_than_lost_connections_are_still_a_500():
    # IntegrityError, DataError, ProgrammingError: a bug or bad data, which waiting does not fix.
    request = RequestFactory().get("/recommendations/")
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT no_such_column FROM states_state")
    except DatabaseError:
        response = server_error(request)

    assert response.status_code == 500
