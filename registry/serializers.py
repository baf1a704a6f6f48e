"""API representations of states, shelters, donors and cooperation agreements.

Field lists are explicit. Related records are referenced by their natural keys (ISO code, slug, acronym, code), the
same keys the filters and the detail URLs use, so a client can feed one response into the next request. Validation
repeats the database constraints so a bad write answers 400 with field errors instead of failing in the database.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
from operator import itemgetter
from types import SimpleNamespace
from typing import Any
from urllib.parse import quote

from django.core.exceptions import FieldDoesNotExist
from django.core.validators import RegexValidator
from django.db import connection, models, transaction
from django.db.models import Model, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.http import RFC3986_SUBDELIMS
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import ISO_8601, serializers
from rest_framework.settings import api_settings
from rest_framework.validators import UniqueValidator

from projects.models import Project
from registry.admin_mixins import claim_next_version
from registry.models import (
    AgreementStatus,
    BorderRegion,
    CooperationAgreement,
    Donor,
    PopulationGroup,
    Service,
    Shelter,
    State,
    SupportItem,
)
from registry.validators import coordinate_errors

# Natural keys that name a record's URL: no slash, and starting with a letter or digit.
URL_KEY = RegexValidator(
    r"^[A-Za-z0-9][A-Za-z0-9 ._&-]*$", _("Letters, digits, spaces and - . _ & only, starting with a letter or digit.")
)

# Upper bounds for counts a client may send: far above any real shelter, far below database integer limits.
MAX_COUNT = 1_000_000


def reads(*paths: str) -> Callable[[Any], Any]:
    """Marks a SerializerMethodField's method as computed from these plain columns alone, so the list fast path
    can call it with an object carrying just them."""

    def mark(method: Any) -> Any:
        method.values_paths = list(paths)
        return method

    return mark


@extend_schema_field(
    {"type": "string", "format": "decimal", "pattern": r"^\d{1,12}(\.\d{1,2})?$", "example": "1500.00"}
)
class MoneyField(serializers.DecimalField):
    """A non-negative amount in USD with cents, written and read as a string ("1500.00")."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_digits", 14)
        kwargs.setdefault("decimal_places", 2)
        kwargs.setdefault("min_value", Decimal("0"))
        super().__init__(**kwargs)


@extend_schema_field({"type": "string", "format": "decimal", "pattern": r"^\d{1,10}(\.\d{1,2})?$", "example": "250.00"})
class QuantityField(MoneyField):
    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_digits", 12)
        super().__init__(**kwargs)


class CoordinateField(serializers.FloatField):
    """Degrees as a JSON number; stored with the model's six decimal places (about 10 cm)."""

    def to_internal_value(self, data: Any) -> Decimal:
        value = super().to_internal_value(data)
        # The range is checked here, before rounding: 1e307 degrees cannot even be rounded to six places.
        if self.max_value is not None and value > self.max_value:
            self.fail("max_value", max_value=self.max_value)
        if self.min_value is not None and value < self.min_value:
            self.fail("min_value", min_value=self.min_value)
        return Decimal(repr(value)).quantize(Decimal("0.000001"), rounding=ROUND_HALF_UP)


class ApiLinkField(serializers.HyperlinkedIdentityField):
    """The record's own API URL."""

    def __init__(self, view_name: str, lookup_field: str, **kwargs: Any) -> None:
        super().__init__(view_name=f"api:{view_name}", lookup_field=lookup_field, **kwargs)


class ApiModelSerializer(serializers.ModelSerializer):
    """A ModelSerializer that takes input exactly as the schema describes it.

    DRF is lenient: a text field takes 12 and trims "  x" before counting its length, a number field takes "12".
    The OpenAPI schema promises strings and integers, and clients are checked against it, so a value of the wrong
    JSON type, or text longer than allowed as sent, is refused with a field error.
    """

    def to_internal_value(self, data: Any) -> Any:
        if isinstance(data, Mapping):
            errors = {}
            for name, field in self.fields.items():
                if field.read_only or name not in data or (data[name] is None and field.allow_null):
                    continue
                message = _wrong_type(field, data[name])
                if message:
                    errors[name] = [message]
            if errors:
                raise serializers.ValidationError(errors)
        return super().to_internal_value(data)


def _wrong_type(field: serializers.Field, value: Any) -> str | None:
    if isinstance(field, serializers.DecimalField | serializers.CharField) and not isinstance(value, str):
        return str(_("Give a string."))
    if isinstance(field, serializers.CharField) and field.max_length is not None and len(value) > field.max_length:
        return str(_("Give at most %(count)d characters.") % {"count": field.max_length})
    if isinstance(field, serializers.IntegerField) and (isinstance(value, bool) or not isinstance(value, int)):
        return str(_("Give a whole number."))
    if isinstance(field, serializers.FloatField) and (isinstance(value, bool) or not isinstance(value, int | float)):
        return str(_("Give a number."))
    return None


class VersionedUpdateMixin:
    """An update claims the record's next `version` with a conditional UPDATE, as the admin does, so of two writes
    racing on one record only the first wins; the other fails with StaleEditError (answered 409)."""

    def update(self, instance: Any, validated_data: dict[str, Any]) -> Any:
        with transaction.atomic():
            claim_next_version(instance, instance.version)
            return super().update(instance, validated_data)  # type: ignore[misc]


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

    class Meta(ShelterListSerializer.Meta):
        fields = [
            *ShelterListSerializer.Meta.fields[:-2],
            "opening_hours",
            "languages",
            "eligibility_notes",
            "accessibility_notes",
            "phone",
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
        fields = ["category", "description", "quantity", "unit", "value_usd"]


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
        queryset=Project.objects.all(),
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
            key = (item["category"], item["description"])
            if key in seen:
                raise serializers.ValidationError(
                    _("Each item must differ by category or description: %(category)s / %(description)s repeats.")
                    % item
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
        SupportItem.objects.bulk_create(SupportItem(agreement=agreement, **item) for item in items)
        return agreement

    @transaction.atomic
    def update(self, instance: CooperationAgreement, validated_data: dict[str, Any]) -> CooperationAgreement:
        items = validated_data.pop("items", None)
        agreement = super().update(instance, validated_data)
        if items is not None:
            agreement.items.all().delete()
            SupportItem.objects.bulk_create(SupportItem(agreement=agreement, **item) for item in items)
        return agreement


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


# --- the list fast path -------------------------------------------------------------------------------------------


class RelatedKeys:
    """The keys (codes, ISO codes, slugs) of the records a many-to-many field links to, for many owners at once,
    in the related model's ordering, as prefetch_related would return them.

    Plain SQL: for a page of ids the ORM would spend longer preparing `owner IN (...)` than the database takes to
    answer it.
    """

    def __init__(self, m2m: models.ManyToManyField, key: str) -> None:
        ordering = m2m.related_model._meta.ordering
        if not all(isinstance(part, str) for part in ordering):
            raise Unsupported(m2m.name)
        through, related = m2m.remote_field.through, m2m.related_model
        quote_name = connection.ops.quote_name
        columns = {
            "through": quote_name(through._meta.db_table),
            "owner": quote_name(through._meta.get_field(m2m.m2m_field_name()).column),
            "target": quote_name(through._meta.get_field(m2m.m2m_reverse_field_name()).column),
            "related": quote_name(related._meta.db_table),
            "pk": quote_name(related._meta.pk.column),
            "key": quote_name(related._meta.get_field(key).column),
        }
        order = ", ".join(
            f"r.{quote_name(related._meta.get_field(o.lstrip('-')).column)}{' DESC' if o.startswith('-') else ''}"
            for o in [*ordering, related._meta.pk.name]
        )
        self.sql = (
            "SELECT t.{owner}, r.{key} FROM {through} t INNER JOIN {related} r ON r.{pk} = t.{target} "
            "WHERE t.{owner} IN ({ids}) ORDER BY t.{owner}, " + order
        ).format(ids="{ids}", **columns)

    @classmethod
    def of(cls, model: type[Model], field_name: str, key: str) -> RelatedKeys:
        return cls(model._meta.get_field(field_name), key)

    def fetch(self, ids: list[Any]) -> dict[Any, list[Any]]:
        grouped: dict[Any, list[Any]] = {}
        if ids:
            with connection.cursor() as cursor:
                cursor.execute(self.sql.format(ids=", ".join(["%s"] * len(ids))), ids)
                for owner, key in cursor.fetchall():
                    grouped.setdefault(owner, []).append(key)
        return grouped


class Unsupported(Exception):
    """The serializer has a field the values() path cannot produce; the list falls back to the serializer."""


_URL_SAFE = RFC3986_SUBDELIMS + "/~:@"  # what Django's reverse() leaves unquoted in a path argument
_KEY_PLACEHOLDER = "__key__"


class ValuesPlan:
    """Produces exactly what a list serializer would, from .values() rows instead of model instances.

    A page of 100 model instances, each passed through DRF's field machinery, costs far more than the queries
    behind it. The plan reads each serializer field once: a plain or dotted-source field becomes a values() path
    whose raw value still goes through the field's own to_representation (same formatting); a slug relation to one
    record becomes `<fk>__<slug_field>`; a slug relation to many becomes one query on the through table for the
    whole page, in the related model's ordering, as prefetch_related would return them; the record's link is
    reversed once per request and completed with each key. A serializer with anything else (nested serializers,
    method fields, properties) has no plan and is serialized the ordinary way. tests/api check both paths agree.
    """

    def __init__(
        self, serializer_class: type[serializers.Serializer], annotations: frozenset[str] = frozenset()
    ) -> None:
        model = serializer_class.Meta.model
        self.model = model
        self.annotations = annotations
        self.paths: list[str] = ["pk"]
        self.columns: list[tuple[str, str, Any]] = []
        unsupported = (serializers.RelatedField, serializers.BaseSerializer, serializers.SerializerMethodField)
        serializer = serializer_class()
        for name, field in serializer.fields.items():
            if field.write_only:
                continue
            if isinstance(field, serializers.HyperlinkedIdentityField):
                path = self._path(model, annotations, [field.lookup_field])
                self.columns.append(("url", name, (field.view_name, field.lookup_url_kwarg, path)))
            elif isinstance(field, serializers.ManyRelatedField):
                self.columns.append(("many", name, self._many(model, field)))
                continue
            elif isinstance(field, serializers.SlugRelatedField):
                path = self._path(model, annotations, [*field.source_attrs, field.slug_field])
                self.columns.append(("value", name, (path, None)))
            elif isinstance(field, serializers.SerializerMethodField) and hasattr(
                method := getattr(serializer, field.method_name), "values_paths"
            ):
                self.columns.append(("method", name, (method, method.values_paths)))
                self.paths.extend(method.values_paths)
                continue
            elif isinstance(field, unsupported):
                raise Unsupported(name)
            else:
                path = self._path(model, annotations, field.source_attrs)
                self.columns.append(("value", name, (path, self._formatter(field))))
            self.paths.append(path)

    @staticmethod
    def _formatter(field: serializers.Field) -> Any:
        """The field's to_representation, or None where it would hand back the database value unchanged."""
        if type(field) in _IDENTITY_FIELDS or (
            isinstance(field, serializers.ChoiceField) and all(isinstance(key, str) for key in field.choices)
        ):
            return None
        iso = str(getattr(field, "format", api_settings.DATETIME_FORMAT)).lower() == ISO_8601
        if isinstance(field, serializers.DateTimeField) and type(field).to_representation is _DRF_DATETIME and iso:
            return _iso_datetime
        return field.to_representation

    @staticmethod
    def _path(model: type[Model], annotations: frozenset[str], attrs: list[str]) -> str:
        if len(attrs) == 1 and attrs[0] in annotations:  # a count or sum the queryset adds
            return attrs[0]
        current = model
        for position, attr in enumerate(attrs):
            try:
                model_field = current._meta.get_field(attr)
            except FieldDoesNotExist as exc:  # a property or method
                raise Unsupported(attr) from exc
            last = position == len(attrs) - 1
            if model_field.many_to_many or model_field.one_to_many or (model_field.is_relation and last):
                raise Unsupported(attr)
            if model_field.is_relation:
                current = model_field.related_model
        return "__".join(attrs)

    @staticmethod
    def _many(model: type[Model], field: serializers.ManyRelatedField) -> tuple[Any, ...]:
        child = field.child_relation
        if not isinstance(child, serializers.SlugRelatedField) or len(field.source_attrs) != 1:
            raise Unsupported(field.field_name)
        try:
            m2m = model._meta.get_field(field.source_attrs[0])
        except FieldDoesNotExist as exc:
            raise Unsupported(field.field_name) from exc
        if not isinstance(m2m, models.ManyToManyField):
            raise Unsupported(field.field_name)
        return (RelatedKeys(m2m, child.slug_field),)

    def values(self, queryset: QuerySet) -> QuerySet:
        return queryset.prefetch_related(None).values(*dict.fromkeys(self.paths))

    def rows(self, page: list[dict[str, Any]], request: Any) -> list[dict[str, Any]]:
        ids = [row["pk"] for row in page]
        zone = timezone.get_current_timezone()
        # Columns that need work get a function of (row, zone), whose result is put into the row under a key of its
        # own; then one itemgetter (C code) reads every column in the serializer's order at once.
        computed: list[tuple[str, Any]] = []
        keys: list[str] = []
        for kind, name, spec in self.columns:
            key = f"\0{name}"
            if kind == "many":
                grouped = spec[0].fetch(ids)
                computed.append((key, lambda row, zone, grouped=grouped: grouped.get(row["pk"], [])))
            elif kind == "url":
                view_name, kwarg, path = spec
                url = reverse(view_name, kwargs={kwarg: _KEY_PLACEHOLDER})
                prefix, suffix = request.build_absolute_uri(url).split(_KEY_PLACEHOLDER)
                computed.append((key, lambda row, zone, p=path, a=prefix, b=suffix: a + _url_part(row[p]) + b))
            elif kind == "method":
                method, paths = spec
                computed.append(
                    (key, lambda row, zone, m=method, ps=paths: m(SimpleNamespace(**{p: row[p] for p in ps})))
                )
            elif spec[1] is None:
                key = spec[0]  # the value as the database gave it
            elif spec[1] is _iso_datetime:
                computed.append((key, lambda row, zone, p=spec[0]: _iso_datetime(row[p], zone)))
            else:
                computed.append((key, lambda row, zone, p=spec[0], f=spec[1]: None if row[p] is None else f(row[p])))
            keys.append(key)
        names = [name for _kind, name, _spec in self.columns]
        read = itemgetter(*keys)
        out = []
        for row in page:
            for key, compute in computed:
                row[key] = compute(row, zone)
            values = read(row)
            out.append(dict(zip(names, values if len(keys) > 1 else (values,), strict=True)))
        return out


def _url_part(value: Any) -> str:
    text = str(value)
    return text if _PLAIN_KEY.fullmatch(text) else quote(text, safe=_URL_SAFE)


def _iso_datetime(value: datetime | None, zone: Any) -> str | None:
    """DRF's DateTimeField output (ISO 8601 in the current time zone, "Z" for UTC), without its per-value lookups."""
    if value is None:
        return None
    text = value.astimezone(zone).isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


_DRF_DATETIME = serializers.DateTimeField.to_representation
# Fields whose to_representation returns a database value of theirs as it is.
_IDENTITY_FIELDS = {
    serializers.CharField,
    serializers.SlugField,
    serializers.EmailField,
    serializers.URLField,
    serializers.RegexField,
    serializers.IntegerField,
    serializers.BooleanField,
}
_PLAIN_KEY = re.compile(r"[-A-Za-z0-9_.~]+")

_plans: dict[tuple[type, frozenset[str]], ValuesPlan | None] = {}


def values_plan(serializer_class: type[serializers.Serializer], queryset: QuerySet | None = None) -> ValuesPlan | None:
    """The plan for this serializer over this queryset's annotations, worked out once per process; None when its
    fields need the ordinary path."""
    annotations = frozenset(queryset.query.annotations) if queryset is not None else frozenset()
    key = (serializer_class, annotations)
    if key not in _plans:
        try:
            _plans[key] = ValuesPlan(serializer_class, annotations)
        except Unsupported:
            _plans[key] = None
    return _plans[key]
