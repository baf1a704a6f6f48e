"""Liveness and readiness endpoints for load balancers and the benchmark."""

from __future__ import annotations

import logging

from django.db import DatabaseError, connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_safe

logger = logging.getLogger(__name__)


@never_cache
@require_safe
def healthz(request: HttpRequest) -> JsonResponse:
    """200 when the database answers a trivial query, 503 otherwise, so a balancer takes a broken node out."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError as exc:
        logger.error("healthz: database unavailable: %s", exc)
        return JsonResponse({"status": "error", "database": "unavailable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


@require_GET
def baseline(request: HttpRequest) -> HttpResponse:
    """A constant page behind the full middleware stack and no database work: the benchmark's ceiling.

    It reveals nothing and costs nothing, so it is safe to leave public.
    """
    return HttpResponse("ok\n", content_type="text/plain; charset=utf-8")
