"""API representations of states, shelters, donors and cooperation agreements.

Field lists are explicit. Related records are referenced by their natural keys (ISO code, slug, acronym, code), the
same keys the filters and the detail URLs use, so a client can feed one response into the next request. Validation
repeats the database constraints so a bad write answers 400 with field errors instead of failing in the database.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.core.validators import RegexValidator
from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.validators import UniqueValidator

from registry import services
from registry.models import (
    AgreementStatus,
    BorderRegion,
    CooperationAgreement,
    Donor,
    Language,
    PopulationGroup,
    Service,
    Shelter,
    State,
    SupportItem,
)
from registry.rest.serializers import (
    MAX_COUNT,
    URL_KEY,
    ApiLinkField,
    ApiModelSerializer,
    CoordinateField,
    MoneyField,
    QuantityField,
    VersionedUpdateMixin,
    reads,
    text_in_any_language,
)
from registry.validators import coordinate_errors


class StateSerializer(ApiModelSerializer):
    url = ApiLinkField("state-detail", "iso_code")
    region_label = serializers.SerializerMethodField()
    shelter_count = serializers.IntegerField(read_only=True, help_text=_("Shelters in the state."))
    agreement_count = serializers.IntegerField(read_only=True, help_text=_("Agreements with shelters in the state."))

    class Meta:
        model = State
        fields = [
            "url",
            "iso_code",
            "inegi_code",
            "name",
            "slug",
            "region",
            "region_label",
            "borders_country",
            "shelter_count",
            "agreement_count",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["created_at", "updated_at"]
        extra_kwargs = {
            "iso_code": {
                "validators": [
                    RegexValidator(r"^MX-[A-Z]{2,3}$", _("A Mexican ISO 3166-2 code: MX- and 2 or 3 capitals.")),
                    UniqueValidator(queryset=State.objects.all()),
                ],
                "help_text": _("ISO 3166-2 code, e.g. MX-CHP."),
            },
            "inegi_code": {"help_text": _("01 to 32, as text.")},
        }

    @reads("region")
    def get_region_label(self, state: State) -> str:
        return str(BorderRegion(state.region).label)

    def validate_inegi_code(self, value: str) -> str:
        if not (value.isascii() and value.isdigit() and len(value) == 2):
            raise serializers.ValidationError(_("Two digits, 01 to 32."))
        return value


class StateKeyField(serializers.SlugRelatedField):
    """A state by its ISO 3166-2 code."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("slug_field", "iso_code")
        if not kwargs.get("read_only"):
            kwargs.setdefault("queryset", State.objects.all())
        super().__init__(**kwargs)


class ShelterListSerializer(ApiModelSerializer):
    """The compact row of the list: what a map or a table needs, nothing fetched per row."""

    url = ApiLinkField("shelter-detail", "slug")
    state = StateKeyField(help_text=_("ISO 3166-2 code of the state, e.g. MX-CHP."))
    state_name = serializers.CharField(source="state.name", read_only=True)
    region = serializers.CharField(source="state.region", read_only=True, help_text=_("Border region of the state."))
    latitude = CoordinateField(min_value=-90, max_value=90, allow_null=True, required=False)
    longitude = CoordinateField(min_value=-180, max_value=180, allow_null=True, required=False)
    services = serializers.SlugRelatedField(
        many=True, slug_field="code", queryset=Service.objects.all(), required=False, help_text=_("Service codes.")
    )
    populations = serializers.SlugRelatedField(
        many=True,
        slug_field="code",
        queryset=PopulationGroup.objects.all(),
        required=False,
        help_text=_("Codes of the population groups served."),
    )

    class Meta:
        model = Shelter
        fields = [
            "url",
            "slug",
            "name",
            "state",
            "state_name",
            "region",
            "municipality",
            "address",
            "latitude",
            "longitude",
            "location_visibility",
            "operator_type",
            "status",
            "services",
            "populations",
            "capacity",
            "average_daily_arrivals",
            "peak_daily_arrivals",
            "last_verified",
            "version",
            "updated_at",
        ]
        read_only_fields = ["version", "updated_at"]


class AgreementSummarySerializer(ApiModelSerializer):
    url = ApiLinkField("agreement-detail", "reference")
    donor = serializers.CharField(source="donor.acronym", read_only=True)
    project = serializers.CharField(source="project.prima_id", read_only=True, allow_null=True, default=None)

    class Meta:
        model = CooperationAgreement
        fields = ["url", "reference", "donor", "project", "programme_phase", "programme_year", "status"]
        read_only_fields = fields


class ShelterSerializer(VersionedUpdateMixin, ShelterListSerializer):
    """The whole record; also what staff integrations write."""

    slug = serializers.SlugField(
        max_length=200,
        required=False,
        validators=[UniqueValidator(queryset=Shelter.objects.all())],
        help_text=_("Derived from the name when left out on creation."),
    )
    capacity = serializers.IntegerField(min_value=0, max_value=MAX_COUNT, allow_null=True, required=False)
    average_daily_arrivals = serializers.IntegerField(min_value=0, max_value=MAX_COUNT, allow_null=True, required=False)
    peak_daily_arrivals = serializers.IntegerField(min_value=0, max_value=MAX_COUNT, allow_null=True, required=False)
    agreements = AgreementSummarySerializer(many=True, read_only=True)
    # On the record, not the list rows: the list keeps its query count, and filters by language all the same.
    languages = serializers.SlugRelatedField(
        many=True,
        slug_field="code",
        queryset=Language.objects.all(),
        required=False,
        help_text=_("ISO 639-3 codes of the languages the staff speak, e.g. spa, hat (Haitian Creole), quc (K'iche')."),
    )

    class Meta(ShelterListSerializer.Meta):
        fields = [
            *ShelterListSerializer.Meta.fields[:-2],
            "languages",
            "opening_hours",
            "eligibility_notes",
            "accessibility_notes",
            "opening_hours_es",
            "opening_hours_en",
            "eligibility_notes_es",
            "eligibility_notes_en",
            "accessibility_notes_es",
            "accessibility_notes_en",
            "phone",
            "whatsapp",
            "email",
            "website",
            "agreements",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["version", "created_at", "updated_at"]
        # Name-per-state uniqueness is checked in validate(), as an error on `name` rather than on the pair.
        validators: list = []

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        errors: dict[str, str] = {}
        merged = {**self._current_values(), **attrs}
        latitude, longitude = merged.get("latitude"), merged.get("longitude")
        if (latitude is None) != (longitude is None):
            missing = "longitude" if longitude is None else "latitude"
            errors[missing] = _("Give latitude and longitude together, or neither.")
        # The model's own rule (Mexico, and the state's bounding box), as the admin and imports apply it.
        for field, error in coordinate_errors(
            state=merged.get("state"), latitude=latitude, longitude=longitude
        ).items():
            errors.setdefault(field, error.messages[0])
        average, peak = merged.get("average_daily_arrivals"), merged.get("peak_daily_arrivals")
        if average is not None and peak is not None and peak < average:
            errors["peak_daily_arrivals"] = _("The peak cannot be below the average daily arrivals.")
        if self.instance is None and not attrs.get("slug"):
            attrs["slug"] = slugify(attrs.get("name", ""))[:200]
            if not attrs["slug"]:
                errors["slug"] = _("Give a slug: none can be derived from this name.")
            elif Shelter.objects.filter(slug=attrs["slug"]).exists():
                errors["slug"] = _("A shelter with the slug %(slug)s exists; give another slug.") % attrs
        name, state = merged.get("name"), merged.get("state")
        if name and state:
            clash = Shelter.objects.filter(name=name, state=state)
            if self.instance is not None:
                clash = clash.exclude(pk=self.instance.pk)
            if clash.exists():
                errors["name"] = _("A shelter with this name exists in this state.")
        if errors:
            raise serializers.ValidationError(errors)
        return attrs

    def _current_values(self) -> dict[str, Any]:
        if self.instance is None:
            return {}
        fields = ("latitude", "longitude", "average_daily_arrivals", "peak_daily_arrivals", "name", "state")
        return {field: getattr(self.instance, field) for field in fields}


class DonorSerializer(ApiModelSerializer):
    url = ApiLinkField("donor-detail", "acronym")
    country = serializers.RegexField(
        r"^[A-Z]{2}$",
        required=False,
        allow_blank=True,
        max_length=2,
        help_text=_("ISO 3166-1 alpha-2 code in capitals, e.g. US."),
    )

    class Meta:
        model = Donor
        fields = ["url", "acronym", "name", "country", "website", "created_at", "updated_at"]
        read_only_fields = ["created_at", "updated_at"]
        extra_kwargs = {
            "acronym": {
                "validators": [URL_KEY, UniqueValidator(queryset=Donor.objects.all())],
                "help_text": _("Letters and digits (also - . _ & and spaces), e.g. PRM; it names the donor's URL."),
            }
        }


class DonorDetailSerializer(DonorSerializer):
    agreements = AgreementSummarySerializer(many=True, read_only=True)

    class Meta(DonorSerializer.Meta):
        fields = [*DonorSerializer.Meta.fields, "agreements"]


class SupportItemSerializer(ApiModelSerializer):
    quantity = QuantityField(allow_null=True, required=False)
    value_usd = MoneyField(allow_null=True, required=False)

    class Meta:
        model = SupportItem
        fields = [
            "category",
            "description",
            "description_es",
            "description_en",
            "quantity",
            "unit",
            "unit_es",
            "unit_en",
            "value_usd",
        ]


class AgreementSerializer(VersionedUpdateMixin, ApiModelSerializer):
    url = ApiLinkField("agreement-detail", "reference")
    shelter = serializers.SlugRelatedField(
        slug_field="slug", queryset=Shelter.objects.all(), help_text=_("Slug of the shelter.")
    )
    shelter_name = serializers.CharField(source="shelter.name", read_only=True)
    state = serializers.CharField(source="shelter.state.iso_code", read_only=True)
    state_name = serializers.CharField(source="shelter.state.name", read_only=True)
    region = serializers.CharField(source="shelter.state.region", read_only=True)
    donor = serializers.SlugRelatedField(
        slug_field="acronym", queryset=Donor.objects.all(), help_text=_("Acronym of the donor, e.g. PRM.")
    )
    donor_name = serializers.CharField(source="donor.name", read_only=True)
    project = serializers.SlugRelatedField(
        slug_field="prima_id",
        # The project model is named through the relation: the core does not import the projects app.
        queryset=CooperationAgreement._meta.get_field("project").related_model._default_manager.all(),
        allow_null=True,
        required=False,
        help_text=_("Prima ID of the project the agreement belongs to, if any."),
    )
    programme_phase = serializers.IntegerField(min_value=1, max_value=1000, required=False)
    programme_year = serializers.IntegerField(min_value=1990, max_value=2100, allow_null=True, required=False)
    items = SupportItemSerializer(
        many=True, required=False, help_text=_("Support items; on update, the list given replaces the current one.")
    )
    total_value_usd = serializers.SerializerMethodField(help_text=_("Sum of the items' values in USD."))

    class Meta:
        model = CooperationAgreement
        fields = [
            "url",
            "reference",
            "shelter",
            "shelter_name",
            "state",
            "state_name",
            "region",
            "donor",
            "donor_name",
            "project",
            "implementing_office",
            "implementing_office_es",
            "implementing_office_en",
            "signed_on",
            "programme_phase",
            "programme_year",
            "status",
            "items",
            "total_value_usd",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["version", "created_at", "updated_at"]
        extra_kwargs = {
            "status": {"default": AgreementStatus.SIGNED},
            "reference": {
                "validators": [URL_KEY, UniqueValidator(queryset=CooperationAgreement.objects.all())],
            },
        }
        # The shelter/donor/phase uniqueness is checked in validate(), with a message naming the clash.
        validators: list = []

    @extend_schema_field(
        {"type": "string", "format": "decimal", "nullable": True, "pattern": r"^\d+\.\d{2}$", "readOnly": True}
    )
    def get_total_value_usd(self, agreement: CooperationAgreement) -> str | None:
        values = [item.value_usd for item in agreement.items.all() if item.value_usd is not None]
        return f"{sum(values, Decimal('0')):.2f}" if values else None

    def validate_items(self, items: list[dict[str, Any]]) -> list[dict[str, Any]]:
        seen: set[tuple[str, str]] = set()
        for item in items:
            key = (item["category"], item.get("description_es", ""), item.get("description_en", ""))
            if key in seen:
                raise serializers.ValidationError(
                    _("Each item must differ by category or description: %(category)s / %(description)s repeats.")
                    % {"category": item["category"], "description": text_in_any_language(item, "description")}
                )
            seen.add(key)
        return items

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        instance = self.instance
        shelter = attrs.get("shelter", getattr(instance, "shelter", None))
        donor = attrs.get("donor", getattr(instance, "donor", None))
        phase = attrs.get("programme_phase", getattr(instance, "programme_phase", 1))
        clash = CooperationAgreement.objects.filter(shelter=shelter, donor=donor, programme_phase=phase)
        if instance is not None:
            clash = clash.exclude(pk=instance.pk)
        if shelter is not None and donor is not None and clash.exists():
            raise serializers.ValidationError(
                {"programme_phase": _("This shelter already has an agreement with this donor in this phase.")}
            )
        return attrs

    @transaction.atomic
    def create(self, validated_data: dict[str, Any]) -> CooperationAgreement:
        items = validated_data.pop("items", [])
        agreement = super().create(validated_data)
        services.agreement_items_add(agreement=agreement, items=items)
        return agreement

    @transaction.atomic
    def update(self, instance: CooperationAgreement, validated_data: dict[str, Any]) -> CooperationAgreement:
        items = validated_data.pop("items", None)
        agreement = super().update(instance, validated_data)
        if items is not None:
            services.agreement_items_replace(agreement=agreement, items=items)
        return agreement
