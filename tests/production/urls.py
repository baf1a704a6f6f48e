"""The site's URLs plus views that fail or touch per-visitor state, for the error-page and cache tests."""

from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.urls import path
from django.utils.translation import get_language

from config.urls import urlpatterns as site_urlpatterns


def boom(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("deliberate failure in a test view")


def with_nonce(request: HttpRequest) -> HttpResponse:
    # Long enough for gzip (200 bytes and more), so a client that accepts gzip gets it compressed.
    return HttpResponse(f'<script nonce="{request.csp_nonce}">window.ok = 1;</script>' + "<p>filler</p>" * 20)


def with_cookie(request: HttpRequest) -> HttpResponse:
    response = HttpResponse("cookie")
    response.set_cookie("preference", "1")
    return response


def with_csrf_token(request: HttpRequest) -> HttpResponse:
    return HttpResponse(f'<input name="csrfmiddlewaretoken" value="{get_token(request)}">')


def with_session(request: HttpRequest) -> HttpResponse:
    request.session["visits"] = request.session.get("visits", 0) + 1
    return HttpResponse(f"visits: {request.session['visits']}")


def reads_session(request: HttpRequest) -> HttpResponse:
    return HttpResponse(f"signed in: {request.user.is_authenticated}")


def language(request: HttpRequest) -> HttpResponse:
    return HttpResponse(get_language())


urlpatterns = [
    *site_urlpatterns,
    path("boom/", boom),
    path("nonce/", with_nonce),
    path("cookie/", with_cookie),
    path("csrf/", with_csrf_token),
    path("session/", with_session),
    path("reads-session/", reads_session),
    path("language/", language),
]
