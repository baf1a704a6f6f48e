"""Request logging and the anonymous page cache."""

from __future__ import annotations

import gzip
import hashlib
import logging
import re
import secrets
import time
from collections.abc import Callable, Iterator
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.http import (
    HttpRequest,
    HttpResponse,
    HttpResponseBadRequest,
    HttpResponseBase,
    JsonResponse,
    StreamingHttpResponse,
)
from django.middleware.gzip import GZipMiddleware
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.cache import get_conditional_response, patch_vary_headers
from django.utils.functional import SimpleLazyObject, empty
from django.utils.http import parse_http_date_safe
from django.utils.text import compress_string
from django.utils.translation import gettext as _

from registry.hours import next_change, opening_and_closing_times
from registry.stream_cache import accepts_gzip, capture, inflate
from registry.versioned_cache import VERSION_KEY, data_version, remember

request_logger = logging.getLogger("registry.request")

# Vary headers the cache key accounts for: Cookie by serving only cookie-less visitors, Accept-Language through the
# active language, Accept by putting it in the key, Accept-Encoding by keeping the body compressed and inflating it
# for a client that does not accept gzip. A response varying on anything else is not cached.
KEYED_VARY = frozenset({"cookie", "accept-language", "accept", "accept-encoding"})
# A page served stale carries a notice right after its <body> tag.
STALE_NOTICE_AFTER = re.compile(rb"<body[^>]*>", re.IGNORECASE)
# Text formats worth compressing: pages, JSON, and the exports (CSV, GeoJSON, XML).
COMPRESSIBLE_TYPES = ("text/", "application/json", "application/geo+json", "application/xml", "application/ld+json")
# Below this a gzip body is no smaller than the plain one.
COMPRESS_FROM_BYTES = 200
# Compressed bodies larger than this (exports) are inflated in pieces as they are sent, not in one piece.
INFLATE_IN_PIECES_ABOVE = 256 * 1024


def compressible(response: HttpResponseBase) -> bool:
    """Whether a response may be sent gzip-encoded. An API record's answer keeps its exact bytes: its strong ETag
    is what If-Match compares a write against, and gzip would weaken it (RFC 9110 8.8.3)."""
    if getattr(response, "keeps_strong_etag", False) or response.has_header("Content-Encoding"):
        return False
    return response.get("Content-Type", "").startswith(COMPRESSIBLE_TYPES)


class PageGZipMiddleware(GZipMiddleware):
    """Django's gzip (with its random padding against BREACH) for pages, API lists and exports: a phone's first
    view of the shelter list is a third of the bytes. Anonymous pages carry no secret to guess; a signed-in page's
    CSRF token is masked anew in every response, which with the padding leaves BREACH nothing stable to measure."""

    def process_response(self, request: HttpRequest, response: HttpResponseBase) -> HttpResponseBase:
        if not compressible(response):
            return response
        return super().process_response(request, response)


class RequestLogMiddleware:
    """One structured line per request (key=value, easy to grep and to parse by log shippers).

    Goes first in MIDDLEWARE so the duration covers the whole stack, redirects and errors included.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        counter = _QueryCounter()
        start = time.perf_counter()
        with connection.execute_wrapper(counter):
            response = self.get_response(request)
        if response.streaming and not response.is_async:
            # Exports query and render while they stream: count and time them until the last chunk is sent.
            response.streaming_content = _streamed(response.streaming_content, request, response, counter, start)
        else:
            _log(request, response, counter, start)
        return response


def _streamed(
    content: Iterator[bytes], request: HttpRequest, response: HttpResponseBase, counter: _QueryCounter, start: float
) -> Iterator[bytes]:
    try:
        with connection.execute_wrapper(counter):
            yield from content
    finally:
        _log(request, response, counter, start)


def _log(request: HttpRequest, response: HttpResponseBase, counter: _QueryCounter, start: float) -> None:
    if request_logger.isEnabledFor(logging.INFO):
        request_logger.info(
            "method=%s path=%s status=%s duration_ms=%.1f queries=%d user=%s cache=%s",
            request.method,
            _quote(request.get_full_path()),
            response.status_code,
            (time.perf_counter() - start) * 1000,
            counter.count,
            _user_label(request),
            getattr(request, "anon_cache", "-"),
        )


class _QueryCounter:
    def __init__(self) -> None:
        self.count = 0

    def __call__(self, execute: Callable[..., Any], sql: str, params: Any, many: bool, context: dict) -> Any:
        self.count += 1
        return execute(sql, params, many, context)


def _user_label(request: HttpRequest) -> str:
    # A user nobody looked up stays unlooked-up: logging must not add a query. "-" means not known.
    user = getattr(request, "user", None)
    if user is None:
        return "anon"
    if isinstance(user, SimpleLazyObject) and user._wrapped is empty:
        return "-" if settings.SESSION_COOKIE_NAME in request.COOKIES else "anon"
    return str(user.pk) if user.is_authenticated else "anon"


def _quote(value: str) -> str:
    """Paths are attacker-controlled: no spaces or quotes may break the key=value line."""
    if any(char in value for char in ' "\n\r\t'):
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r") + '"'
    return value


class RefuseNulMiddleware:
    """400 for an API URL, or any path, carrying a NUL byte (`%00`): PostgreSQL cannot compare text with one, so a
    lookup or filter holding it would fail in the database as a server error. Other characters are harmless
    there and reach the views (which refuse what they do not know)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        query = request.META.get("QUERY_STRING", "")
        if "\x00" in request.path or "%00" in query or "\x00" in query:
            message = _("The address contains a NUL character, which no record or filter can hold.")
            if request.path.startswith("/api/"):
                return JsonResponse({"detail": message}, status=400)
            if "\x00" in request.path:
                return HttpResponseBadRequest(message, content_type="text/plain; charset=utf-8")
            # In a page's query string it is left to the page's filter form, which says so next to the field.
        return self.get_response(request)


class AnonymousCacheMiddleware:
    """Serves repeated GETs by anonymous visitors from the cache, for `ANON_CACHE_SECONDS` (0 turns it off).

    A visitor counts as anonymous when they send no session or messages cookie and no Authorization header, so a
    signed-in user never receives a cached page and never fills the cache. The key is the full URL, the language,
    the Accept header and the data version (registry.versioned_cache), which every change to a record bumps.

    It sits near the top of MIDDLEWARE (after the security headers and static files): a hit skips sessions, the
    locale, CSRF, authentication and the policy header, and is sent with the headers the page was stored with. The
    body is kept gzip-compressed, sent as it is to the clients that accept gzip (nearly all) and inflated for the
    rest. A page that used a CSP nonce is replayed with a fresh nonce, so nonces are never reused across responses.
    Throttles run in the view, so a cache hit is not counted against them: it costs almost nothing.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        timeout = settings.ANON_CACHE_SECONDS
        if timeout <= 0 or not _is_anonymous_read(request):
            return self.get_response(request)
        key = _cache_key(request)
        found = cache.get_many([VERSION_KEY, key])  # the version and the page in one round trip
        version = found[VERSION_KEY] if VERSION_KEY in found else data_version()
        entry = found.get(key)
        if entry is not None and entry.get("version") == version and entry.get("fresh_until", 0) > time.time():
            request.anon_cache = "hit"
            response = _replay(request, entry)
        else:
            request.anon_cache = "miss"
            response = self.get_response(request)
            if entry is not None and getattr(response, "database_unavailable", False):
                # stale-if-error: the page as it was when last seen beats a 503, marked as possibly out of date.
                request.anon_cache = "stale"
                response = _replay(request, entry, stale=True)
            elif _is_cacheable(request, response):
                frozen = {**_freeze(request, response), "version": version, "fresh_until": _fresh_until(timeout)}
                if response.streaming:
                    response.streaming_content = _capture(response.streaming_content, key, frozen, response)
                else:
                    cache.set(key, _with_content(frozen, response), _kept_for())
        # For operators and the benchmark; says nothing about the visitor.
        response["X-Cache"] = request.anon_cache
        return response


def _fresh_until(timeout: int) -> float:
    """`timeout` seconds from now, but no later than the next instant an "open now" badge or the day could change:
    a page is never replayed with a shelter shown open after its closing time (registry.hours.next_change)."""
    clock_times = remember("opening-and-closing-times", opening_and_closing_times)
    return min(time.time() + timeout, next_change(clock_times).timestamp())


def _kept_for() -> int:
    # One entry per page, replaced when the page is next rendered: kept past its freshness only to be served if the
    # database fails (ANON_STALE_SECONDS).
    return settings.ANON_CACHE_SECONDS + settings.ANON_STALE_SECONDS


def _is_anonymous_read(request: HttpRequest) -> bool:
    if request.method != "GET":
        return False
    cookies = request.COOKIES
    if settings.SESSION_COOKIE_NAME in cookies or getattr(settings, "MESSAGE_COOKIE_NAME", "messages") in cookies:
        return False
    return "HTTP_AUTHORIZATION" not in request.META


# Not Django's get_cache_key(): it reads the learned Vary header list first, a second cache round trip per hit.
def _cache_key(request: HttpRequest) -> str:
    url = request.build_absolute_uri()
    # What LocaleMiddleware (further in) will choose: the URL's prefix, else the cookie or Accept-Language.
    language = translation.get_language_from_request(request, check_path=True)
    accept = request.META.get("HTTP_ACCEPT", "")
    digest = hashlib.sha256(f"{url}\n{language}\n{accept}".encode()).hexdigest()
    return f"anon-page:{digest}"


def _is_cacheable(request: HttpRequest, response: HttpResponseBase) -> bool:
    # A Set-Cookie (a session written, a CSRF token issued, a message) makes the page someone's own. Merely reading
    # the session (DRF's session authentication does, for every request) is harmless: a visitor without a session
    # cookie has an empty one.
    if response.status_code != 200 or response.cookies or (response.streaming and response.is_async):
        return False
    cache_control = response.get("Cache-Control", "").lower()
    if any(word in cache_control for word in ("private", "no-store", "no-cache")):
        return False
    vary = {part.strip().lower() for part in response.get("Vary", "").split(",") if part.strip()}
    if vary - KEYED_VARY or "*" in vary:
        return False
    session = getattr(request, "session", None)
    if session is not None and session.modified:
        return False
    return not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")


def _freeze(request: HttpRequest, response: HttpResponseBase) -> dict[str, Any]:
    nonce = getattr(request, "_csp_nonce", None)
    headers = {name: value for name, value in response.headers.items() if name.lower() not in _SET_ON_REPLAY}
    return {"status": response.status_code, "headers": headers, "nonce": nonce if isinstance(nonce, str) else None}


# Headers that depend on the body as it is sent (gzip or plain) or on the moment: set again on every replay.
_SET_ON_REPLAY = frozenset({"content-length", "content-encoding", "x-cache"})


def _with_content(entry: dict[str, Any], response: HttpResponseBase) -> dict[str, Any]:
    content: bytes = response.content
    if response.get("Content-Encoding") == "gzip":
        if entry["nonce"] is None:
            return {**entry, "content": content, "gzip": True}
        content = gzip.decompress(content)  # its nonce is replaced in the plain text
    if entry["nonce"] is None and compressible(response) and len(content) >= COMPRESS_FROM_BYTES:
        return {**entry, "content": compress_string(content), "gzip": True}
    # A page with a nonce stays plain: its nonce is replaced on every replay.
    return {**entry, "content": content, "gzip": False}


def _capture(
    content: Iterator[bytes], key: str, entry: dict[str, Any], response: HttpResponseBase | None = None
) -> Iterator[bytes]:
    """Streams an export on to the client unchanged and caches it, gzip-compressed, once complete."""
    encoded = response is not None and response.get("Content-Encoding") == "gzip"

    def store(body: bytes) -> None:
        # The data may have changed while this streamed; then the key's version is already stale and unread.
        cache.set(key, {**entry, "content": body, "gzip": True}, _kept_for())

    return capture(content, store, encoded=encoded)


def _replay(request: HttpRequest, entry: dict[str, Any], *, stale: bool = False) -> HttpResponseBase:
    content: bytes = entry["content"]
    encoded = entry.get("gzip", False)
    headers = dict(entry["headers"])
    if entry["nonce"]:
        nonce = secrets.token_urlsafe(16)
        content = content.replace(entry["nonce"].encode(), nonce.encode())
        for name in ("Content-Security-Policy", "Content-Security-Policy-Report-Only"):
            if name in headers:
                headers[name] = headers[name].replace(entry["nonce"], nonce)
    if stale and encoded:
        content, encoded = gzip.decompress(content), False
    response: HttpResponseBase
    if encoded and accepts_gzip(request):
        response = HttpResponse(content, status=entry["status"], headers=headers)
        response["Content-Encoding"] = "gzip"
        # Like GZipMiddleware: the compressed body is another representation, so a strong ETag becomes weak.
        if response.get("ETag", "").startswith('"'):
            response["ETag"] = "W/" + response["ETag"]
    elif encoded and len(content) > INFLATE_IN_PIECES_ABOVE:
        response = StreamingHttpResponse(inflate(content), status=entry["status"], headers=headers)
    elif encoded:
        response = HttpResponse(gzip.decompress(content), status=entry["status"], headers=headers)
    else:
        response = HttpResponse(content, status=entry["status"], headers=headers)
    if encoded:
        patch_vary_headers(response, ["Accept-Encoding"])
    if not response.streaming:
        response["Content-Length"] = str(len(response.content))
    if stale:
        _mark_stale(response, entry)
        return response
    # A client revalidating its copy (If-None-Match / If-Modified-Since) gets the 304 the view would have sent.
    last_modified = parse_http_date_safe(response["Last-Modified"]) if response.has_header("Last-Modified") else None
    return get_conditional_response(request, etag=response.get("ETag"), last_modified=last_modified, response=response)


def _mark_stale(response: HttpResponse, entry: dict[str, Any]) -> None:
    """Say so, to people on HTML pages and to programs in the headers (RFC 9111 Age; RFC 7234's Warning 110)."""
    fresh_until = entry.get("fresh_until", time.time())
    response["Age"] = str(max(0, int(time.time() - fresh_until + settings.ANON_CACHE_SECONDS)))
    response["Warning"] = '110 - "Response is Stale"'
    response["Cache-Control"] = "no-cache"
    if response.get("Content-Type", "").startswith("text/html"):
        notice = render_to_string("includes/stale_notice.html").encode()
        response.content = STALE_NOTICE_AFTER.sub(lambda match: match.group(0) + notice, response.content, count=1)
        response["Content-Length"] = str(len(response.content))
