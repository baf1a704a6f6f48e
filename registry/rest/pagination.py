"""Page-number pagination with a capped, client-chosen page size, refusing bad values rather than guessing.

Pages stop at DEEPEST_PAGE: a page past it answers 400 naming `page` (one past the last, 404 as ever), so that a
client that walks every page learns where it stopped instead of silently missing the rest; the filters narrow a
list, `modified_after` reads what changed since a sync, and the exports carry every record at once."""

from __future__ import annotations

import re
from typing import Any

from django.core.paginator import InvalidPage
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.pagination import PageNumberPagination
from rest_framework.request import Request

from registry.filters import depends_on_time
from registry.versioned_cache import DEEPEST_PAGE, VersionedCountPaginator, query_key, shared_cache_usable

_DIGITS = re.compile(r"[0-9]+")


class ApiPagination(PageNumberPagination):
    """`page` from 1, `page_size` from 1 to 100. Anything else is refused with a message rather than guessed at."""

    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 100
    last_page_strings = ()

    def get_page_size(self, request: Request) -> int:
        values = request.query_params.getlist(self.page_size_query_param)
        if not values:
            return self.page_size
        raw = values[0]
        if len(values) > 1 or not _DIGITS.fullmatch(raw) or not 1 <= int(raw) <= self.max_page_size:
            raise ValidationError(
                {
                    self.page_size_query_param: [
                        _("Give a whole number from 1 to %(max)d.") % {"max": self.max_page_size}
                    ]
                }
            )
        return int(raw)

    def page_number(self, request: Request) -> int:
        values = request.query_params.getlist(self.page_query_param)
        if not values:
            return 1
        if len(values) > 1 or not _DIGITS.fullmatch(values[0]) or int(values[0]) < 1:
            raise ValidationError({self.page_query_param: [_("Give a whole number from 1.")]})
        return int(values[0])

    def check_parameters(self, request: Request) -> None:
        """Refuse a bad `page` or `page_size` even where they do not apply (exports cover every page)."""
        self.page_number(request)
        self.get_page_size(request)

    def paginate_queryset(self, queryset: QuerySet, request: Request, view: Any = None) -> list | None:
        number = self.page_number(request)
        self.request = request
        paginator = VersionedCountPaginator(queryset, self.get_page_size(request), count_key=count_key(request))
        try:
            paginator.validate_number(number)
        except InvalidPage as exc:
            raise NotFound(_("Page %(page)s is past the last page.") % {"page": number}) from exc
        if number > DEEPEST_PAGE:
            raise ValidationError({self.page_query_param: [too_deep_message()]})
        self.page = paginator.page(number)
        return list(self.page)

    def get_schema_operation_parameters(self, view: Any) -> list[dict[str, Any]]:
        return [
            {
                "name": self.page_query_param,
                "required": False,
                "in": "query",
                "description": str(
                    _("Page number, from 1 to %(deepest)d; a page past the last answers 404.")
                    % {"deepest": DEEPEST_PAGE}
                    + " "
                    + too_deep_message()
                ),
                "schema": {"type": "integer", "minimum": 1, "maximum": DEEPEST_PAGE},
            },
            {
                "name": self.page_size_query_param,
                "required": False,
                "in": "query",
                "description": str(
                    _("Records per page, from 1 to %(max)d (default %(default)d).")
                    % {"max": self.max_page_size, "default": self.page_size}
                ),
                "schema": {"type": "integer", "minimum": 1, "maximum": self.max_page_size},
            },
        ]


def too_deep_message() -> str:
    return str(
        _(
            "Pages past %(deepest)d are not served: narrow the list with its filters (state, region, ...), read "
            "the changes since your last sync with modified_after, or export every record (format=csv where offered)."
        )
        % {"deepest": DEEPEST_PAGE}
    )


def count_key(request: Request) -> str | None:
    if not shared_cache_usable() or depends_on_time(request.query_params):
        return None
    return query_key("api-count", request.path, request.query_params, ignore=("page", "page_size", "format"))
