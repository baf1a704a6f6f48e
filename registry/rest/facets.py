"""`facets/`: counts of the matching records per state and per border region, for any viewset with a state."""

from __future__ import annotations

from django.db.models import Count
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import (
    extend_schema,
)
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from registry.models import BorderRegion, State
from registry.rest.schema import NOT_ACCEPTABLE, NOT_MODIFIED, THROTTLED, UNAVAILABLE, VALIDATION_ERROR


class StateFacetSerializer(serializers.Serializer):
    iso_code = serializers.CharField()
    name = serializers.CharField()
    region = serializers.ChoiceField(choices=State._meta.get_field("region").choices)
    count = serializers.IntegerField()


class RegionFacetSerializer(serializers.Serializer):
    region = serializers.ChoiceField(choices=State._meta.get_field("region").choices)
    label = serializers.CharField()
    count = serializers.IntegerField()


class FacetsSerializer(serializers.Serializer):
    count = serializers.IntegerField(help_text=_("Records matching the filter."))
    states = StateFacetSerializer(many=True, help_text=_("Matching records per state (states with none left out)."))
    regions = RegionFacetSerializer(many=True, help_text=_("Matching records per border region."))


FACETS_SCHEMA = extend_schema(
    summary="Count matching records per state and border region",
    description=str(
        _("Takes the same filters as the list; counts the matching records per state and per border region.")
    ),
    filters=True,
    responses={
        200: FacetsSerializer,
        304: NOT_MODIFIED,
        400: VALIDATION_ERROR,
        406: NOT_ACCEPTABLE,
        429: THROTTLED,
        503: UNAVAILABLE,
    },
)


class FacetsMixin:
    """`facets/`: how many records match the current filter, per state and per border region."""

    facet_state_path = "state"

    @FACETS_SCHEMA
    @action(detail=False, methods=["get"], pagination_class=None)
    def facets(self, request: Request) -> Response:
        matching_ids = self.filter_queryset(self.get_queryset()).order_by().values("pk")
        model = self.get_queryset().model
        matching = model.objects.filter(pk__in=matching_ids)
        path = self.facet_state_path
        per_state = (
            matching.filter(**{f"{path}__isnull": False})
            .values(f"{path}__iso_code", f"{path}__name", f"{path}__region")
            .annotate(count=Count("pk", distinct=True))
            .order_by(f"{path}__name")
        )
        per_region = dict(
            matching.filter(**{f"{path}__isnull": False})
            .values_list(f"{path}__region")
            .annotate(count=Count("pk", distinct=True))
            .order_by()
        )
        data = {
            "count": matching.count(),
            "states": [
                {
                    "iso_code": row[f"{path}__iso_code"],
                    "name": row[f"{path}__name"],
                    "region": row[f"{path}__region"],
                    "count": row["count"],
                }
                for row in per_state
            ],
            "regions": [
                {"region": value, "label": str(label), "count": per_region.get(value, 0)}
                for value, label in BorderRegion.choices
            ],
        }
        return Response(FacetsSerializer(data).data)
