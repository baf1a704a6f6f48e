"""The HSDS 3.1 API: `/`, `/services`, `/services/{id}`, `/organizations`, `/locations`, `/service_at_locations`
(each with `/{id}`), read-only, in the JSON and paging that HSDS's OpenAPI description sets out.

Lists take HSDS's `page` and `per_page`, `search`, `modified_after`, `taxonomy_term_id` (the services offered and
population groups served are the registry's two taxonomies), `organization_id` where HSDS has it, plus
the registry's own shelter filters (`state`, `region`, `service`, `population`, `status`, ...) through the same
FilterSet as the shelter pages and API, so the three always agree. `full=true` nests each service fully, as
`/services/{id}` does.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from rest_framework import viewsets
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from registry.filters import ShelterFilter
from registry.hsds import mapping
from registry.models import Shelter
from registry.rest.json import JSONRenderer

HSDS_VERSION = "3.1"
HSDS_PROFILE = "https://docs.openreferral.org/en/v3.1/"
HSDS_OPENAPI = "https://raw.githubusercontent.com/openreferral/specification/3.1/schema/openapi.json"
PER_PAGE, MAX_PER_PAGE = 20, 100
_DIGITS = re.compile(r"[0-9]+")
_TRUE, _FALSE = {"true", "1"}, {"false", "0"}


class HsdsView(APIView):
    """What every HSDS endpoint shares: anyone reads, nobody writes, JSON only; authentication and throttles are
    the API's (REST_FRAMEWORK settings)."""

    permission_classes = [AllowAny]
    renderer_classes = [JSONRenderer]
    http_method_names = ["get", "head", "options"]
    schema = None  # described by HSDS's own OpenAPI document, not the registry's


class HsdsRootView(HsdsView):
    def get(self, request: Request) -> Response:
        return Response({"version": HSDS_VERSION, "profile": HSDS_PROFILE, "openapi_url": HSDS_OPENAPI})


def _whole_number(request: Request, name: str, default: int, maximum: int | None = None) -> int:
    values = request.query_params.getlist(name)
    if not values:
        return default
    if len(values) > 1 or not _DIGITS.fullmatch(values[0]) or int(values[0]) < 1:
        raise ValidationError({name: [_("Give a whole number from 1.")]})
    if maximum is not None and int(values[0]) > maximum:
        raise ValidationError({name: [_("Give a whole number from 1 to %(max)d.") % {"max": maximum}]})
    return int(values[0])


def _flag(request: Request, name: str) -> bool:
    value = request.query_params.get(name, "false").lower()
    if value not in _TRUE | _FALSE:
        raise ValidationError({name: [_("Give true or false.")]})
    return value in _TRUE


class ShelterRecordViewSet(HsdsView, viewsets.ViewSet):
    """One kind of HSDS record made from shelters: `kind` names it, `brief`/`full` render it."""

    kind = "service"
    brief: Callable[[Shelter], dict[str, Any]] = staticmethod(mapping.service)
    full: Callable[[Shelter], dict[str, Any]] = staticmethod(mapping.full_service)
    #: Whether the list takes HSDS's organization_id parameter.
    by_organization = True

    def shelters(self) -> QuerySet:
        return Shelter.objects.for_list().prefetch_related("languages")

    def filtered(self, request: Request) -> QuerySet:
        data = request.query_params.copy()
        if "search" in data:
            data.setlist("q", data.pop("search"))
        queryset = self.shelters()
        if self.by_organization and "organization_id" in data:
            owner = mapping.shelter_uuid_of(data["organization_id"], "organization")
            queryset = queryset.filter(uuid=owner) if owner else queryset.none()
        if "taxonomy_term_id" in data:
            queryset = queryset.filter(mapping.with_term(data["taxonomy_term_id"]))
        filterset = ShelterFilter(data, queryset=queryset, request=request)
        if not filterset.is_valid():
            raise ValidationError(filterset.errors)
        return filterset.qs

    def list(self, request: Request) -> Response:
        full = _flag(request, "full")
        number = _whole_number(request, "page", 1)
        size = _whole_number(request, "per_page", PER_PAGE, MAX_PER_PAGE)
        queryset = self.filtered(request)
        total = queryset.count()
        pages = max(1, math.ceil(total / size))
        if number > pages:
            raise NotFound(_("Page %(page)s is past the last page.") % {"page": number})
        shelters = list(queryset[(number - 1) * size : number * size])
        render = self.full if full else self.brief
        return Response(
            {
                "total_items": total,
                "total_pages": pages,
                "page_number": number,
                "size": len(shelters),
                "first_page": number == 1,
                "last_page": number == pages,
                "empty": total == 0,
                "contents": [render(shelter) for shelter in shelters],
            }
        )

    def retrieve(self, request: Request, pk: str) -> Response:
        shelter_uuid = mapping.shelter_uuid_of(pk, self.kind)
        shelter = self.shelters().filter(uuid=shelter_uuid).first() if shelter_uuid else None
        if shelter is None:
            raise NotFound(_("No %(record)s with this id.") % {"record": self.kind.replace("_", " ")})
        return Response(self.full(shelter))


class ServiceViewSet(ShelterRecordViewSet):
    kind = "service"
    brief = staticmethod(mapping.service)
    full = staticmethod(mapping.full_service)


class OrganizationViewSet(ShelterRecordViewSet):
    kind = "organization"
    brief = staticmethod(mapping.organization)
    full = staticmethod(mapping.full_organization)
    by_organization = False


class LocationViewSet(ShelterRecordViewSet):
    kind = "location"
    brief = staticmethod(mapping.location)
    full = staticmethod(mapping.location)


class ServiceAtLocationViewSet(ShelterRecordViewSet):
    kind = "service_at_location"
    brief = staticmethod(mapping.service_at_location)
    full = staticmethod(mapping.full_service_at_location)
