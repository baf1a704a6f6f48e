"""The list fast path: what a list serializer produces, computed from .values() rows instead of model instances."""

from __future__ import annotations

import re
from datetime import datetime
from operator import itemgetter
from types import SimpleNamespace
from typing import Any
from urllib.parse import quote

from django.core.exceptions import FieldDoesNotExist
from django.db import connection, models
from django.db.models import Model, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.http import RFC3986_SUBDELIMS
from rest_framework import ISO_8601, serializers
from rest_framework.settings import api_settings


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
