"""Gunicorn settings for production: `gunicorn upr_tracker.wsgi` reads this file from the working directory.

Threaded workers (gthread): a request mostly waits on PostgreSQL, so threads
overlap those waits without the memory of more processes. Every setting can
be overridden from the environment (GUNICORN_*), or on the command line.
"""

import multiprocessing
import os


def _int(name: str, default: int) -> int:
    value = os.environ.get(name, "")
    return int(value) if value.strip() else default


bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
worker_class = "gthread"
# Two processes per core is plenty when each has threads; at least two so one slow request never blocks all.
workers = _int("GUNICORN_WORKERS", max(2, multiprocessing.cpu_count()))
threads = _int("GUNICORN_THREADS", 4)
# Streamed exports (export.csv of the whole table takes about a minute at a million rows) must not be cut off;
# a request that is still sending data is not stuck. The database's statement timeout bounds each query.
timeout = _int("GUNICORN_TIMEOUT", 300)
graceful_timeout = _int("GUNICORN_GRACEFUL_TIMEOUT", 60)
keepalive = _int("GUNICORN_KEEPALIVE", 5)
# Recycle workers now and then so a slow leak can never grow without bound.
max_requests = _int("GUNICORN_MAX_REQUESTS", 5000)
max_requests_jitter = _int("GUNICORN_MAX_REQUESTS_JITTER", 500)
accesslog = os.environ.get("GUNICORN_ACCESSLOG", "-") or None
errorlog = "-"
# Behind a reverse proxy on the same host; set FORWARDED_ALLOW_IPS to the proxy's address otherwise.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")


def post_worker_init(worker) -> None:
    """Read the count index (recommendations/search/index/) before the worker takes requests: seconds at a
    million recommendations, which no reader should wait for."""
    from recommendations.search.index.store import warm

    warm()
