"""API viewsets for states, shelters, donors and cooperation agreements.

What every app's viewsets share (pagination, throttles, negotiation, ETags, exports, facets) is in registry.rest.
"""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import (
    OpenApiResponse,
    extend_schema_serializer,
)
from rest_framework import serializers

from registry.filters import AgreementFilter, DonorFilter, ShelterFilter, StateFilter
from registry.models import CooperationAgreement, Donor, Shelter, State
from registry.renderers import AgreementCSVRenderer, ShelterCSVRenderer, ShelterGeoJSONRenderer
from registry.rest.facets import FacetsMixin
from registry.rest.schema import CSV_RESPONSE, document, path_key
from registry.rest.viewsets import ApiModelViewSet
from registry.serializers import (
    AgreementSerializer,
    DonorDetailSerializer,
    DonorSerializer,
    ShelterListSerializer,
    ShelterSerializer,
    StateSerializer,
)


@extend_schema_serializer(many=False)
class FeatureCollectionSerializer(serializers.Serializer):
    """For the schema only: the GeoJSON export is written by ShelterGeoJSONRenderer."""

    type = serializers.ChoiceField(choices=["FeatureCollection"])
    features = serializers.ListField(child=serializers.DictField())


@document(
    noun="state",
    plural="states",
    lookup=path_key("iso_code", str(_("ISO 3166-2 code, e.g. MX-CHP."))),
    list_serializer=StateSerializer,
    serializer=StateSerializer,
)
class StateViewSet(ApiModelViewSet):
    """Mexico's 32 states with their border region and how many shelters and agreements each has."""

    queryset = State.objects.with_counts().order_by("name")
    serializer_class = StateSerializer
    filterset_class = StateFilter
    lookup_field = "iso_code"


@document(
    noun="shelter",
    plural="shelters",
    lookup=path_key("slug", str(_("The shelter's slug."))),
    list_serializer=ShelterListSerializer,
    serializer=ShelterSerializer,
    exports={
        "csv": ("text/csv", CSV_RESPONSE),
        "geojson": (
            "application/geo+json",
            OpenApiResponse(
                FeatureCollectionSerializer,
                description=str(_("RFC 7946 FeatureCollection; geometry is null for shelters without coordinates.")),
            ),
        ),
    },
)
class ShelterViewSet(FacetsMixin, ApiModelViewSet):
    """Shelters for people on the move, with their services, populations served and agreements."""

    model = Shelter
    serializer_class = ShelterSerializer
    list_serializer_class = ShelterListSerializer
    filterset_class = ShelterFilter
    lookup_field = "slug"
    export_renderer_classes = (ShelterCSVRenderer, ShelterGeoJSONRenderer)


@document(
    noun="donor",
    plural="donors",
    lookup=path_key("acronym", str(_("The donor's acronym, e.g. PRM."))),
    list_serializer=DonorSerializer,
    serializer=DonorSerializer,
    detail_serializer=DonorDetailSerializer,
)
class DonorViewSet(ApiModelViewSet):
    """Donors funding the agreements."""

    serializer_class = DonorDetailSerializer
    list_serializer_class = DonorSerializer
    filterset_class = DonorFilter
    lookup_field = "acronym"

    def get_queryset(self) -> QuerySet:
        if self.action == "list":
            return Donor.objects.all()
        return Donor.objects.prefetch_related(
            Prefetch("agreements", queryset=CooperationAgreement.objects.select_related("donor", "project"))
        )


@document(
    noun="cooperation agreement",
    plural="cooperation agreements",
    lookup=path_key("reference", str(_("The agreement's reference, e.g. PRM-2-albergue-hermanos-en-el-camino."))),
    list_serializer=AgreementSerializer,
    serializer=AgreementSerializer,
    exports={"csv": ("text/csv", CSV_RESPONSE)},
)
class AgreementViewSet(FacetsMixin, ApiModelViewSet):
    """Cooperation agreements bringing a donor's support to a shelter, with their support items."""

    serializer_class = AgreementSerializer
    filterset_class = AgreementFilter
    lookup_field = "reference"
    facet_state_path = "shelter__state"
    export_renderer_classes = (AgreementCSVRenderer,)

    def get_queryset(self) -> QuerySet:
        return CooperationAgreement.objects.for_list()
