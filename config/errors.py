"""The site's answer to an unhandled error: 503 with Retry-After while the database is unreachable, 500 otherwise;
JSON for the API, an HTML page for everything else. Neither touches the database."""

from __future__ import annotations

import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.views import defaults

# Seconds a client is asked to wait: long enough for a database restart or fail-over, short enough to retry soon.
RETRY_AFTER_SECONDS = 30


def server_error(request: HttpRequest) -> HttpResponse:
    """handler500: Django calls it while handling the exception, so sys.exc_info() is the error being answered."""
    error = sys.exc_info()[1]
    api = request.path.startswith("/api/")
    if isinstance(error, OperationalError | InterfaceError):
        # A connection refused or lost (and the like: a fail-over, a full connection limit): the request may well
        # succeed in a moment, so 503 rather than 500. The anonymous page cache may still replace it by the page
        # it holds (config.middleware).
        if api:
            response: HttpResponse = JsonResponse(
                {"detail": _("The database is unavailable; retry after Retry-After seconds.")}, status=503
            )
        else:
            response = HttpResponse(render_to_string("503.html"), status=503)
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        response["Cache-Control"] = "no-store"
        response.database_unavailable = True
        return response
    if api:
        return JsonResponse({"detail": _("Server error.")}, status=500)
    return defaults.server_error(request)
