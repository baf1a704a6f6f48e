"""Serializer fields and bases every app's API shares: strict input types, money and coordinates, own-URL links,
natural-key URL validation, optimistic-concurrency updates, and content in both languages."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models, transaction
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from modeltranslation.translator import NotRegistered, translator
from rest_framework import serializers

from registry.admin_mixins import claim_next_version
from registry.history import defer_history, record_history
from registry.localized import language_order

# Natural keys that name a record's URL: no slash, and starting with a letter or digit.
URL_KEY = RegexValidator(
    r"^[A-Za-z0-9][A-Za-z0-9 ._&-]*$", _("Letters, digits, spaces and - . _ & only, starting with a letter or digit.")
)

# Upper bounds for counts a client may send: far above any real shelter, far below database integer limits.
MAX_COUNT = 1_000_000

LANGUAGE_NAMES = {"es": _("In Spanish."), "en": _("In English.")}


def text_in_any_language(attrs: Mapping[str, Any], field: str, instance: Any = None) -> str:
    """The text a write gives (or the record has) for translated `field`, in the request's language first."""
    for code in language_order():
        text = attrs.get(f"{field}_{code}") or getattr(instance, f"{field}_{code}", "")
        if text:
            return text
    return ""


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


def translated_fields(model: type[models.Model] | None) -> tuple[str, ...]:
    """The model's fields written in both languages (registered in its app's translation.py)."""
    try:
        return tuple(translator.get_options_for_model(model).fields) if model is not None else ()
    except NotRegistered:
        return ()


def one_language_fields(model: type[models.Model]) -> dict[str, str]:
    """Translated fields that need text in at least one language (registry.models.one_language_required), with
    the constraint's message."""
    return {
        field: str(constraint.violation_error_message)
        for field in translated_fields(model)
        for constraint in model._meta.constraints
        if constraint.name.endswith(f"_{field}_in_one_language")
    }


class ApiModelSerializer(OneHistoryEntryMixin, serializers.ModelSerializer):
    """A ModelSerializer that takes input exactly as the schema describes it, with content in both languages.

    DRF is lenient: a text field takes 12 and trims "  x" before counting its length, a number field takes "12".
    The OpenAPI schema promises strings and integers, and clients are checked against it, so a value of the wrong
    JSON type, or text longer than allowed as sent, is refused with a field error.

    A translated field (`title`) reads in the request's language (`?lang=`, else Accept-Language), or in the other
    one when it has none; `title_es` and `title_en`, where a serializer lists them, read and write one language
    each. Writing `title` writes the request's language; sent alongside `title_<lang>`, the one that differs from
    the record wins (a full PUT of what a read gave, with one of them changed). A field the model requires in one
    language is refused when neither language would have text.
    """

    def get_fields(self) -> dict[str, serializers.Field]:
        fields = super().get_fields()
        translated = translated_fields(getattr(self.Meta, "model", None))
        for name, field in fields.items():
            base, _sep, code = name.rpartition("_")
            if name in translated:
                field.help_text = gettext(
                    "In the request's language (the lang parameter, else Accept-Language), or in the other language "
                    "when it has none. Writing it writes the request's language."
                )
            elif base in translated and code in LANGUAGE_NAMES:
                field.help_text = str(LANGUAGE_NAMES[code])
                field.allow_null = False  # an unwritten language is "", as the models store it
        return fields

    def run_validation(self, data: Any = serializers.empty) -> Any:
        attrs = super().run_validation(data)
        if isinstance(attrs, dict):
            errors = {}
            for field, message in one_language_fields(self.Meta.model).items():
                texts = [
                    attrs[key] if key in attrs else getattr(self.instance, key, "")
                    for key in (f"{field}_{code}" for code in LANGUAGE_NAMES)
                ]
                if (field in self.fields or f"{field}_es" in self.fields) and not any(texts):
                    errors[field] = [message]
            if errors:
                raise serializers.ValidationError(errors)
        return attrs

    def to_internal_value(self, data: Any) -> Any:
        attrs = self._strict_to_internal_value(data)
        current = (get_language() or settings.LANGUAGE_CODE).split("-")[0]
        instance = self.instance if isinstance(self.instance, models.Model) else None
        for field in translated_fields(self.Meta.model):
            if field in attrs:
                value, key = attrs.pop(field), f"{field}_{current}"
                # Both sent (a full PUT of what a read gave): the one the client changed wins.
                if key not in attrs or (instance is not None and value != getattr(instance, field)):
                    attrs[key] = value
        return attrs

    def _strict_to_internal_value(self, data: Any) -> Any:
        if isinstance(data, Mapping):
            errors = {}
            for name, field in self.fields.items():
                if field.read_only or name not in data or (data[name] is None and field.allow_null):
                    continue
                message = _wrong_type(field, data[name])
                if message:
                    errors[name] = [message]
            if self.parent is not None and getattr(self.root, "partial", False):
                # A nested record (an agreement's support item) is written whole even in a PATCH: the list given
                # replaces the current one, so nothing can be taken from a stored version of it.
                required = _("This field is required.")
                for name, field in self.fields.items():
                    if field.required and not field.read_only and name not in data:
                        errors.setdefault(name, [str(required)])
            if errors:
                raise serializers.ValidationError(errors)
        return super().to_internal_value(data)


def _wrong_type(field: serializers.Field, value: Any) -> str | None:
    if isinstance(field, serializers.ManyRelatedField) and isinstance(value, list):
        # Related records by key: a list of strings (SlugRelatedField would look 0 up as "0").
        return next(
            (_wrong_type(field.child_relation, item) for item in value if _wrong_type(field.child_relation, item)), None
        )
    if isinstance(field, serializers.SlugRelatedField) and not isinstance(value, str):
        return str(_("Give a string."))
    if isinstance(field, serializers.DecimalField | serializers.CharField) and not isinstance(value, str):
        return str(_("Give a string."))
    if isinstance(field, serializers.CharField) and field.max_length is not None and len(value) > field.max_length:
        return str(_("Give at most %(count)d characters.") % {"count": field.max_length})
    if isinstance(field, serializers.IntegerField) and (isinstance(value, bool) or not isinstance(value, int)):
        return str(_("Give a whole number."))
    if isinstance(field, serializers.FloatField) and (isinstance(value, bool) or not isinstance(value, int | float)):
        return str(_("Give a number."))
    return None


class StaleVersionError(Exception):
    """A write named a `version` the record has already moved past."""

    def __init__(self, current: int) -> None:
        self.current = current
        super().__init__(f"the record is at version {current}")


class VersionedUpdateMixin:
    """Optimistic concurrency, as in the admin. A write may name the `version` it was based on: if the record has
    moved on since, it fails with StaleVersionError (answered 409 with the current version). Either way the update
    claims the next version with a conditional UPDATE, so of two writes racing on one record only the first wins;
    the other fails with StaleEditError (answered 409 too)."""

    def get_fields(self) -> dict[str, serializers.Field]:
        fields = super().get_fields()  # type: ignore[misc]
        if "version" in fields:
            fields["version"] = serializers.IntegerField(
                min_value=1,
                required=False,
                help_text=_(
                    "Increases with every change. On a write, optional: the version your change is based on; if the "
                    "record has changed since, the write is refused with 409 and the current version."
                ),
            )
        return fields

    def create(self, validated_data: dict[str, Any]) -> Any:
        validated_data.pop("version", None)  # a new record starts at its first version
        return super().create(validated_data)  # type: ignore[misc]

    def update(self, instance: Any, validated_data: dict[str, Any]) -> Any:
        expected = validated_data.pop("version", None)
        if expected is not None and expected != instance.version:
            raise StaleVersionError(instance.version)
        with transaction.atomic():
            claim_next_version(instance, instance.version)
            return super().update(instance, validated_data)  # type: ignore[misc]
