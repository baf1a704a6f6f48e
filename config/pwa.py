"""The Progressive Web App's two root files: the web app manifest and the service worker.

The service worker must be served from the site's root for its scope to cover every page (a script under
/static/ could only control /static/); it is the static file static/js/sw.js, read through the staticfiles
finders, so it is an ordinary same-origin script under the site's CSP.
"""

from __future__ import annotations

from functools import cache

from django.contrib.staticfiles import finders
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.templatetags.static import static
from django.utils.translation import gettext as _
from django.utils.translation import override
from django.views.decorators.http import require_GET

THEME = "#0b4f71"


@cache
def _service_worker_source() -> bytes:
    path = finders.find("js/sw.js")
    with open(path, "rb") as script:
        return script.read()


@require_GET
def service_worker(request: HttpRequest) -> HttpResponse:
    response = HttpResponse(_service_worker_source(), content_type="text/javascript; charset=utf-8")
    response["Service-Worker-Allowed"] = "/"
    response["Cache-Control"] = "no-cache"  # browsers check for a new worker on every visit
    return response


@require_GET
def manifest(request: HttpRequest) -> JsonResponse:
    with override("es"):  # Spanish first: the audience on the routes
        data = {
            "name": _("Migrant shelter registry"),
            "short_name": _("Shelters"),
            "description": _("Shelters for migrants in Mexico: where they are, when they open, how to reach them."),
            "lang": "es",
            "start_url": "/es/shelters/",
            "scope": "/",
            "display": "standalone",
            "background_color": "#ffffff",
            "theme_color": THEME,
            "icons": [
                {"src": static("img/icon-192.png"), "sizes": "192x192", "type": "image/png"},
                {"src": static("img/icon-512.png"), "sizes": "512x512", "type": "image/png"},
                {"src": static("img/icon.svg"), "sizes": "any", "type": "image/svg+xml"},
            ],
        }
    return JsonResponse(data, content_type="application/manifest+json", json_dumps_params={"ensure_ascii": False})
