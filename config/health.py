"""Liveness and readiness endpoints for load balancers and the benchmark."""

from __future__ import annotations

import logging

from django.core.cache import caches
from django.db import DatabaseError, connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_safe

logger = logging.getLogger(__name__)
PROBE_KEY = "healthz:probe"


@never_cache
@require_safe
def healthz(request: HttpRequest) -> JsonResponse:
    """200 when the database answers a trivial query, 503 otherwise, so a balancer takes a broken node out.

    The cache is reported too, but only as "degraded": without it the node serves uncached, which is slower but
    correct, so taking it out of the balancer would turn a cache outage into an outage.
    """
    cache_state = "ok" if _cache_answers() else "degraded"
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError as exc:
        logger.error("healthz: database unavailable: %s", exc)
        return JsonResponse({"status": "error", "database": "unavailable", "cache": cache_state}, status=503)
    status = "ok" if cache_state == "ok" else "degraded"
    return JsonResponse({"status": status, "database": "ok", "cache": cache_state})


def _cache_answers() -> bool:
    backend = caches["default"]
    ping = getattr(backend, "ping", None)  # config.redis.RedisCache: asks Redis itself
    if ping is not None:
        return ping()
    try:
        backend.set(PROBE_KEY, 1, 30)
        return True
    except Exception as exc:  # any backend's failure (a full disk under the file cache) means the same here
        logger.error("healthz: cache unavailable: %s", exc)
        return False


@require_GET
def baseline(request: HttpRequest) -> HttpResponse:
    """A constant page behind the full middleware stack and no database work: the benchmark's ceiling.

    It reveals nothing and costs nothing, so it is safe to leave public.
    """
    return HttpResponse("ok\n", content_type="text/plain; charset=utf-8")
