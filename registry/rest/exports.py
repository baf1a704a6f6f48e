"""Streamed exports (`?format=csv|geojson|iati`) of every record matching a list's filters, with an ETag.

Outside transactions the document is kept (compressed) under the data version, so until a record changes the same
export is a cache read and a revalidation is answered without touching the database.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator

from django.core.cache import cache
from django.db.models import Count, Max, QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseBase, StreamingHttpResponse
from django.utils import timezone
from django.utils.cache import get_conditional_response, patch_vary_headers, quote_etag
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from rest_framework.exceptions import NotFound

from registry.filters import depends_on_time
from registry.renderers import ExportRenderer
from registry.stream_cache import accepts_gzip, capture, inflate
from registry.versioned_cache import data_version, shared_cache_usable
from registry.visibility import sees_every_location

# Cached results live under the data version, which every change bumps; the timeout only bounds memory use.
EXPORT_CACHE_SECONDS = 3600
# Small pieces (one CSV line each) are gathered so the server writes fewer, larger chunks.
WRITE_BYTES = 32_768


def export_response(request: HttpRequest, renderer: ExportRenderer, queryset: QuerySet) -> HttpResponseBase:
    """The whole filtered `queryset` as `renderer`'s document, or 304 if the client's copy is current."""
    if not renderer.allows_empty and not queryset.exists():
        message = _("Nothing matches these filters, and a %(format)s file must hold at least one record.")
        raise NotFound(message % {"format": renderer.format.upper()})
    if shared_cache_usable():
        etag = _etag(request, renderer, str(data_version()))
    else:
        # In a transaction the version may not know this connection's writes: validate by the data itself.
        summary = queryset.order_by().aggregate(count=Count("pk", distinct=True), latest=Max("updated_at"))
        etag = _etag(request, renderer, f"{summary['count']}|{summary['latest']}")
    # Answered here, before the export is read, not by ConditionalGetMiddleware once it has been.
    not_modified = get_conditional_response(request, etag=etag)
    if not_modified is not None:
        return not_modified
    stored, key = None, None
    if shared_cache_usable():
        key = f"api-export:{etag}"
        stored = cache.get(key)
    content_type = f"{renderer.media_type}; charset={renderer.charset}"
    response: HttpResponseBase
    if stored is not None and accepts_gzip(request):
        # Kept gzip-compressed: sent as it is, a tenth of the bytes and no work.
        response = HttpResponse(stored, content_type=content_type)
        response["Content-Encoding"] = "gzip"
        patch_vary_headers(response, ["Accept-Encoding"])
    elif stored is not None:
        response = StreamingHttpResponse(inflate(stored), content_type=content_type)
    else:
        pieces = _encoded(renderer.stream(renderer.rows(queryset)), renderer.charset)
        if key is not None:
            pieces = capture(pieces, lambda body: cache.set(key, body, EXPORT_CACHE_SECONDS))
        response = StreamingHttpResponse(pieces, content_type=content_type)
    response["Content-Disposition"] = renderer.content_disposition()
    response["ETag"] = etag
    patch_vary_headers(response, ["Accept"])
    return response


def _etag(request: HttpRequest, renderer: ExportRenderer, state: str) -> str:
    # Staff exports hold confidential locations: never the same document (nor cached copy) as the public's.
    audience = "staff" if sees_every_location(getattr(request, "user", None)) else "public"
    if depends_on_time(request.GET):  # "open now" changes with the clock: an export holds for its minute
        audience += timezone.now().strftime("|%Y%m%d%H%M")
    material = f"{renderer.format}|{request.get_full_path()}|{get_language()}|{audience}|{state}"
    return "W/" + quote_etag(hashlib.blake2b(material.encode(), digest_size=16).hexdigest())


def _encoded(pieces: Iterator[str], charset: str) -> Iterator[bytes]:
    buffer: list[str] = []
    size = 0
    for piece in pieces:
        buffer.append(piece)
        size += len(piece)
        if size >= WRITE_BYTES:
            yield "".join(buffer).encode(charset)
            buffer, size = [], 0
    if buffer:
        yield "".join(buffer).encode(charset)
