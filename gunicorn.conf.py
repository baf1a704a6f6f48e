"""gunicorn settings for the production server: `gunicorn -c gunicorn.conf.py config.wsgi`.

Every value can be overridden from the environment (the names below), so one file serves a laptop, a VM and a
container. The app itself is stateless: scale out by running more of these behind a balancer, sharing PostgreSQL
and a Redis cache (CACHE_URL).
"""

import multiprocessing
import os
from pathlib import Path

import environ

# The same .env the Django settings read, so WEB_CONCURRENCY and friends can live there too.
environ.Env.read_env(Path(__file__).resolve().parent / ".env", overwrite=False)


def _int(name: str, default: int) -> int:
    value = os.environ.get(name, "")
    return int(value) if value.strip() else default


# The classic 2 x cores + 1, capped: the app is mostly waiting on PostgreSQL, but every worker holds its own
# database connection and ~60-100 MB, and a small VM must not be driven into swap.
_cores = multiprocessing.cpu_count()
workers = _int("WEB_CONCURRENCY", min(2 * _cores + 1, 12))
# Threaded workers, even with one thread: the worker's main thread keeps reporting to the master while a request
# runs, so `timeout` catches a hung worker without killing a long export mid-stream (a sync worker is killed after
# `timeout` seconds of any one request, and the client gets a truncated 200). One thread by default: the pages are
# CPU-bound, and two threads of one worker contend for its GIL, which shows as a long latency tail (bench/, at
# concurrency 16 on 2 cores: baseline p99 60-230 ms with 2 threads, 11-16 ms with 1, the same throughput).
# Idle keep-alive connections wait in the worker's main loop, not in its thread.
worker_class = "gthread"
threads = _int("GUNICORN_THREADS", 1)

bind = os.environ.get("GUNICORN_BIND", f"{os.environ.get('HOST', '127.0.0.1')}:{os.environ.get('PORT', '8000')}")
# Seconds without a heartbeat before the master restarts a worker (see worker_class).
timeout = _int("GUNICORN_TIMEOUT", 30)
graceful_timeout = _int("GUNICORN_GRACEFUL_TIMEOUT", 30)
keepalive = _int("GUNICORN_KEEPALIVE", 5)
# Recycle workers now and then so a slow leak cannot grow forever; the jitter keeps them from restarting together.
# Not too often: a fresh worker compiles its templates again, and at a few thousand requests/s 10,000 meant a
# restart every few seconds.
max_requests = _int("GUNICORN_MAX_REQUESTS", 50000)
max_requests_jitter = _int("GUNICORN_MAX_REQUESTS_JITTER", 5000)
# Load the app before forking: workers share its memory pages and a broken deploy fails at start, not per request.
preload_app = True
# Trust X-Forwarded-* only from the local reverse proxy (what SECURE_PROXY_SSL_HEADER relies on).
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")

# Logs go to stdout/stderr for the service manager or container runtime to collect.
# The access log is key=value, one line per request; set GUNICORN_ACCESS_LOG="" to rely on the app's own
# request log (registry.request, which adds the user, the query count and the cache outcome) alone.
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-") or None
access_log_format = (
    'ts=%(t)s remote=%(h)s method=%(m)s path="%(U)s" query="%(q)s" status=%(s)s bytes=%(B)s '
    'duration_ms=%(M)s referer="%(f)s" agent="%(a)s"'
)
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
proc_name = "registry"
