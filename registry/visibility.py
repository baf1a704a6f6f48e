"""What a shelter publishes of its location: the one place that decides it.

Some shelters must not publish where they are. `Shelter.location_visibility` says how much of the location is
public (exact, municipality only, hidden); `published_fields()` turns that into the location fields that may leave
the admin, and everything public reads through it:

- `Shelter.objects.public()` (or `.for_viewer(user)`, which keeps everything for staff): a queryset whose rows come
  out with the unpublished parts blanked, whether they are read as model instances, `values()` dicts or
  `values_list()` tuples, so pages, the API (its values fast path too), every export, the sitemap and search all
  get the same answer. A blanked instance refuses to be saved.
- `mask_row(row, prefix="shelter__")` for `values()` rows read through another model (an agreement's shelter).
- `Shelter.public_location`, the published part of one instance.

Nothing is jittered: a moved point averaged over several exports would lead back to the real one.
Database-side expressions over the raw columns (a distance sort, a bounding-box filter) see the real location, so a
public list computing them must first restrict itself to `location_visibility="exact"` (`published_q()`).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import models
from django.db.models import Q
from django.db.models.query import (
    FlatValuesListIterable,
    ModelIterable,
    NamedValuesListIterable,
    ValuesIterable,
    ValuesListIterable,
)
from django.db.models.utils import create_namedtuple_class
from django.utils.translation import gettext_lazy as _

LOCATION_FIELDS = ("municipality", "address", "latitude", "longitude")
VISIBILITY_FIELD = "location_visibility"
# What an unpublished location field reads as.
BLANK: dict[str, Any] = {"municipality": "", "address": "", "latitude": None, "longitude": None}


class LocationVisibility(models.TextChoices):
    EXACT = "exact", _("Exact: address and map point are public")
    MUNICIPALITY = "municipality", _("Municipality only")
    HIDDEN = "hidden", _("Hidden: only the state is public")


_PUBLISHED: dict[str, frozenset[str]] = {
    LocationVisibility.EXACT: frozenset(LOCATION_FIELDS),
    LocationVisibility.MUNICIPALITY: frozenset({"municipality"}),
    LocationVisibility.HIDDEN: frozenset(),
}


def published_fields(visibility: str | None) -> frozenset[str]:
    """The location fields a shelter with this visibility publishes; an unknown value publishes none."""
    return _PUBLISHED.get(visibility or "", frozenset())


def published_q(field: str, prefix: str = "") -> Q:
    """Rows whose `field` (a location field) is public, e.g. to search addresses only where they are shown."""
    visibilities = [value for value, fields in _PUBLISHED.items() if field in fields]
    return Q(**{f"{prefix}{VISIBILITY_FIELD}__in": visibilities})


@dataclass(frozen=True)
class PublicLocation:
    """The published part of a shelter's location (blank where it is not published)."""

    municipality: str
    address: str
    latitude: Decimal | None
    longitude: Decimal | None

    @property
    def has_point(self) -> bool:
        return self.latitude is not None and self.longitude is not None


def public_location(visibility: str | None, values: dict[str, Any]) -> PublicLocation:
    shown = published_fields(visibility)
    return PublicLocation(**{name: values[name] if name in shown else BLANK[name] for name in LOCATION_FIELDS})


def mask_row(row: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    """Blank, in a `values()` row, the location fields (named `<prefix><field>`) its visibility does not publish.
    A row without `<prefix>location_visibility` is treated as hidden."""
    shown = published_fields(row.get(prefix + VISIBILITY_FIELD))
    for name in LOCATION_FIELDS:
        key = prefix + name
        if key in row and name not in shown:
            row[key] = BLANK[name]
    return row


def mask_instance(obj: Any) -> Any:
    """Blank the unpublished location fields of a model instance (a deferred visibility counts as hidden)."""
    visibility = obj.__dict__.get(VISIBILITY_FIELD)
    shown = published_fields(visibility)
    for name in LOCATION_FIELDS:
        if name in obj.__dict__ and name not in shown:
            obj.__dict__[name] = BLANK[name]
    obj._location_masked = True
    return obj


# --- the masking queryset ------------------------------------------------------------------------------------------
# Django builds every result row through the queryset's `_iterable_class`; a public queryset swaps in a subclass
# that masks what it yields. Subclasses keep Django's own `issubclass(..., ModelIterable)` checks working.


class _MaskedModelIterable(ModelIterable):
    def __iter__(self) -> Iterator[Any]:
        for obj in super().__iter__():
            yield mask_instance(obj)


class _MaskedValuesIterable(ValuesIterable):
    def __iter__(self) -> Iterator[dict[str, Any]]:
        strip = getattr(self.queryset, "_strip_visibility", False)
        for row in super().__iter__():
            mask_row(row)
            if strip:
                del row[VISIBILITY_FIELD]
            yield row


class _MaskedTuples:
    """values_list() in every shape: read full tuples, mask them by column name, then shape them as asked."""

    shape = "tuple"

    def __iter__(self) -> Iterator[Any]:
        queryset = self.queryset  # type: ignore[attr-defined]
        query = queryset.query
        names = [*query.extra_select, *query.values_select, *query.annotation_select]
        if queryset._fields:  # Django's ValuesListIterable hands the columns back in the order asked for
            names = [*queryset._fields, *(f for f in query.annotation_select if f not in queryset._fields)]
        strip = getattr(self.queryset, "_strip_visibility", False)  # type: ignore[attr-defined]
        keep = [i for i, name in enumerate(names) if not (strip and name == VISIBILITY_FIELD)]
        kept_names = [names[i] for i in keep]
        requested = getattr(queryset, "_requested_fields", None)
        if requested and set(requested) == set(kept_names):  # as asked, whatever order the query took
            keep = [names.index(name) for name in requested]
            kept_names = list(requested)
        make = create_namedtuple_class(*kept_names) if self.shape == "named" else None
        for values in ValuesListIterable(self.queryset, self.chunked_fetch, self.chunk_size):  # type: ignore[attr-defined]
            row = mask_row(dict(zip(names, values, strict=True)))
            out = tuple(row[names[i]] for i in keep)
            if self.shape == "flat":
                yield out[0]
            elif make is not None:
                yield make(*out)
            else:
                yield out


class _MaskedValuesListIterable(_MaskedTuples, ValuesListIterable):
    pass


class _MaskedNamedValuesListIterable(_MaskedTuples, NamedValuesListIterable):
    shape = "named"


class _MaskedFlatValuesListIterable(_MaskedTuples, FlatValuesListIterable):
    shape = "flat"


_MASKED = {
    ModelIterable: _MaskedModelIterable,
    ValuesIterable: _MaskedValuesIterable,
    ValuesListIterable: _MaskedValuesListIterable,
    NamedValuesListIterable: _MaskedNamedValuesListIterable,
    FlatValuesListIterable: _MaskedFlatValuesListIterable,
}


def masked_iterable(plain: type) -> type:
    """The masking twin of a row-building class, made once. Dict rows from a subclass of Django's (such as
    django-modeltranslation's fallback values) keep its behaviour with the masking on top; tuples, whoever would
    build them, are rebuilt by _MaskedTuples from plain values_list rows. Any other shape is refused, not leaked."""
    if plain not in _MASKED:
        name = plain.__name__
        if issubclass(plain, FlatValuesListIterable) or "FlatValuesList" in name:
            masked: type = _MaskedFlatValuesListIterable
        elif issubclass(plain, NamedValuesListIterable) or "NamedValuesList" in name:
            masked = _MaskedNamedValuesListIterable
        elif issubclass(plain, ValuesListIterable) or "ValuesList" in name:
            masked = _MaskedValuesListIterable
        elif issubclass(plain, ValuesIterable):
            masked = type(f"Masked{name}", (_MaskedValuesIterable, plain), {})
        elif issubclass(plain, ModelIterable):
            masked = type(f"Masked{name}", (_MaskedModelIterable, plain), {})
        else:
            raise TypeError(f"A public shelter queryset cannot produce {name} rows.")
        _MASKED[plain] = masked
        _UNMASKED.setdefault(masked, plain)
    return _MASKED[plain]


_UNMASKED = {masked: plain for plain, masked in _MASKED.items()}


class LocationMaskingQuerySet(models.QuerySet):
    """`public()` marks a queryset whose rows leave with unpublished location fields blanked."""

    _location_masked = False
    _strip_visibility = False
    _requested_fields: tuple[str, ...] | None = None

    def public(self) -> Any:
        clone = self._chain()
        clone._location_masked = True
        return clone

    def for_viewer(self, user: Any) -> Any:
        """Everything for staff; the published locations for everyone else."""
        return self if sees_every_location(user) else self.public()

    @property
    def is_public(self) -> bool:
        return self._location_masked

    def _clone(self) -> Any:
        clone = super()._clone()
        clone._location_masked = self._location_masked
        clone._strip_visibility = self._strip_visibility
        clone._requested_fields = self._requested_fields
        return clone

    def values_list(self, *fields: Any, flat: bool = False, named: bool = False) -> Any:
        clone = super().values_list(*fields, flat=flat, named=named)
        clone._requested_fields = fields if all(isinstance(f, str) for f in fields) else None
        return clone

    def _values(self, *fields: str, **expressions: Any) -> Any:
        # A masked row needs its visibility: fetch it alongside location fields, and drop it again on the way out.
        strip = (
            self._location_masked
            and bool(fields)
            and VISIBILITY_FIELD not in fields
            and any(name in LOCATION_FIELDS for name in fields)
        )
        clone = super()._values(*fields, *([VISIBILITY_FIELD] if strip else []), **expressions)
        clone._strip_visibility = strip
        return clone

    @property  # type: ignore[override]
    def _iterable_class(self) -> type:
        plain = self.__dict__.get("_plain_iterable_class", ModelIterable)
        if not self._location_masked:
            return plain
        return masked_iterable(plain)

    @_iterable_class.setter
    def _iterable_class(self, value: type) -> None:
        self.__dict__["_plain_iterable_class"] = _UNMASKED.get(value, value)


def sees_every_location(user: Any) -> bool:
    """Staff see every location, on the public pages and in the API too; everyone else sees what is published."""
    return bool(user is not None and user.is_authenticated and user.is_active and user.is_staff)
