"""Serializer fields and bases every app's API shares: strict input types, money and coordinates, own-URL links,
natural-key URL validation, and optimistic-concurrency updates."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.core.validators import RegexValidator
from django.db import transaction
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from registry.admin_mixins import claim_next_version
from registry.history import defer_history, record_history

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


class OneHistoryEntryMixin:
    """A write through the API is one history entry holding its many-to-many values, as in the admin (DRF saves
    the record, then each list: simple-history alone would write an entry for each step; see registry.history)."""

    def create(self, validated_data: dict[str, Any]) -> Any:
        model = self.Meta.model  # type: ignore[attr-defined]
        names = {field.name for field in model._meta.many_to_many}
        lists = {name: validated_data.pop(name) for name in list(validated_data) if name in names}
        instance = model(**validated_data)
        defer_history(instance)
        instance.save()
        for name, value in lists.items():
            getattr(instance, name).set(value)
        record_history(instance, created=True, user=self._history_user())
        return instance

    def update(self, instance: Any, validated_data: dict[str, Any]) -> Any:
        defer_history(instance)
        instance = super().update(instance, validated_data)  # type: ignore[misc]
        record_history(instance, created=False, user=self._history_user())
        return instance

    def _history_user(self) -> Any:
        request = self.context.get("request")  # type: ignore[attr-defined]
        return getattr(request, "user", None)


class ApiModelSerializer(OneHistoryEntryMixin, serializers.ModelSerializer):
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
