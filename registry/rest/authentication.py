"""Session authentication for cookie-carrying requests only (named in REST_FRAMEWORK settings)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from drf_spectacular.authentication import SessionScheme
from rest_framework.authentication import SessionAuthentication
from rest_framework.request import Request


class CookieSessionAuthentication(SessionAuthentication):
    """Session authentication that does not open the session of a request carrying no session cookie.

    Such a request is anonymous anyway; leaving the session untouched keeps the response free of `Vary: Cookie`,
    so the anonymous page cache (config.middleware) can serve repeated API reads as it serves pages.
    """

    def authenticate(self, request: Request) -> Any:
        if settings.SESSION_COOKIE_NAME not in request._request.COOKIES:
            return None
        return super().authenticate(request)


class CookieSessionScheme(SessionScheme):
    target_class = "registry.rest.authentication.CookieSessionAuthentication"
