"""Content negotiation where an explicit `?format=` wins over the Accept header, and exports must be asked for."""

from __future__ import annotations

from typing import Any

from django.utils.http import parse_header_parameters
from django.utils.translation import gettext_lazy as _
from rest_framework.exceptions import NotFound
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.request import Request

from registry.renderers import ExportRenderer


class FormatFirstNegotiation(DefaultContentNegotiation):
    """An explicit `?format=` wins over the Accept header: `?format=csv` from a client that sends
    `Accept: application/json` by habit still gets the CSV, instead of 406.

    Without it, an export (a whole filtered dataset, megabytes) answers only an Accept header that names its media
    type, and never a browser's: Firefox and Chrome send `text/html,...,application/xml;q=0.9,*/*;q=0.8` to every
    URL, which would otherwise pick the IATI XML over the JSON page. Wildcards (`*/*`, `text/*`) get the page."""

    def select_renderer(self, request: Request, renderers: list[Any], format_suffix: str | None = None) -> Any:
        requested = format_suffix or request.query_params.get(self.settings.URL_FORMAT_OVERRIDE)
        if requested == "":
            raise NotFound(_("Name a format: json, or an export format this list offers."))
        if requested:
            renderer = self.filter_renderers(renderers, requested)[0]  # 404 for a format not offered here
            return renderer, renderer.media_type
        return super().select_renderer(request, self.accept_candidates(request, renderers), format_suffix)

    def accept_candidates(self, request: Request, renderers: list[Any]) -> list[Any]:
        """The renderers an Accept header may choose from: the pages' formats, and the exports it names."""
        if not any(isinstance(renderer, ExportRenderer) for renderer in renderers):
            return renderers
        named = self.named_media_types(request)
        if "text/html" in named:  # a browser's header: it names application/xml too, but wants a page
            named = set()
        return [r for r in renderers if not isinstance(r, ExportRenderer) or r.media_type in named]

    def named_media_types(self, request: Request) -> set[str]:
        """The exact media types (no wildcards, not refused with q=0) the Accept header lists."""
        named = set()
        for token in self.get_accept_list(request):  # bounded in length and count
            try:
                media_type, params = parse_header_parameters(token)
            except ValueError:  # too long to parse: names nothing
                continue
            if "*" not in media_type and not refused(params.get("q", "1")):
                named.add(media_type.lower())
        return named


def refused(quality: str) -> bool:
    """`q=0` (RFC 9110 12.4.2) marks a media type as not acceptable; an unreadable weight refuses nothing."""
    try:
        return float(quality) == 0
    except ValueError:
        return False
