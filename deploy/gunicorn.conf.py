"""Production WSGI server configuration (`make serve`).

Sync workers: every request is short and database-bound; two per core plus
one is gunicorn's rule of thumb. All state lives in PostgreSQL and Redis,
so any number of these processes, on any number of machines, serve alike.
"""

import multiprocessing
import os

bind = os.environ.get("BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1))
worker_class = "sync"
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 20
keepalive = 5
# Recycle workers now and then: bounds the damage of any slow leak.
max_requests = 20000
max_requests_jitter = 2000
# The app writes one JSON access line per request itself.
accesslog = None
errorlog = "-"


def child_exit(server, worker):
    """Let Prometheus' multiprocess mode forget dead workers' live gauges."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)
