"""Content negotiation where an explicit `?format=` wins over the Accept header."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework.exceptions import NotFound
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.request import Request


class FormatFirstNegotiation(DefaultContentNegotiation):
    """An explicit `?format=` wins over the Accept header: `?format=csv` from a client that sends
    `Accept: application/json` by habit still gets the CSV, instead of 406."""

    def select_renderer(self, request: Request, renderers: list[Any], format_suffix: str | None = None) -> Any:
        requested = format_suffix or request.query_params.get(self.settings.URL_FORMAT_OVERRIDE)
        if requested == "":
            raise NotFound(_("Name a format: json, or an export format this list offers."))
        if requested:
            renderer = self.filter_renderers(renderers, requested)[0]  # 404 for a format not offered here
            return renderer, renderer.media_type
        return super().select_renderer(request, renderers, format_suffix)
