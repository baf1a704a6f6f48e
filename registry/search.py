"""Accent- and case-insensitive text matching, and distances between coordinates, computed in the database.

`fold` is one lookup for every database: `name__fold__contains="juarez"` matches "Ciudad Juárez". PostgreSQL
folds with its `unaccent` extension (created by a migration); SQLite has no such function, so each SQLite connection
gets one written in Python that folds the same way. The searched word is folded here, in Python, with the same
rules, so both sides of the comparison agree on either database.
"""

from __future__ import annotations

import math
import unicodedata
from typing import Any

from django.db.backends.signals import connection_created
from django.db.models import CharField, F, FloatField, Func, TextField, Transform, Value
from django.db.models.expressions import Combinable
from django.db.models.functions import ASin, Cast, Cos, Power, Radians, Sin, Sqrt

EARTH_RADIUS_KM = 6371.0088  # the mean radius (IUGG)
KM_PER_DEGREE_LATITUDE = math.pi * EARTH_RADIUS_KM / 180


# The standard library's Unicode tables do this in one line; a transliteration library would add nothing here.
def fold_text(value: str | None) -> str | None:
    """Lower case without diacritics: "Nuevo León" -> "nuevo leon", "Ñuu" -> "nuu"."""
    if value is None:
        return None
    decomposed = unicodedata.normalize("NFKD", value)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).lower()


class Fold(Transform):
    lookup_name = "fold"

    def as_sql(self, compiler: Any, connection: Any, **extra_context: Any) -> tuple[str, list[Any]]:
        # Databases other than the two supported ones still get case-insensitivity.
        return super().as_sql(compiler, connection, function="LOWER", **extra_context)

    def as_postgresql(self, compiler: Any, connection: Any, **extra_context: Any) -> tuple[str, list[Any]]:
        sql, params = compiler.compile(self.lhs)
        return f"LOWER(UNACCENT({sql}))", params

    def as_sqlite(self, compiler: Any, connection: Any, **extra_context: Any) -> tuple[str, list[Any]]:
        sql, params = compiler.compile(self.lhs)
        return f"REGISTRY_FOLD({sql})", params


CharField.register_lookup(Fold)
TextField.register_lookup(Fold)


def _add_sqlite_fold(sender: Any, connection: Any, **kwargs: Any) -> None:
    if connection.vendor == "sqlite":
        connection.connection.create_function("REGISTRY_FOLD", 1, fold_text, deterministic=True)


connection_created.connect(_add_sqlite_fold, dispatch_uid="registry.search.sqlite_fold")


# Spanish gender and number endings, dropped from words of five letters or more so that "médico" finds "Atención
# médica" and "mujeres" finds "Mujer"; hand-written because substring matching needs a prefix of the word, which a
# stemmer's output (snowball's, say) is not always.
ENDINGS = ("es", "os", "as", "o", "a", "s")


def search_words(text: str, limit: int = 8) -> list[str]:
    """The folded words of a query, each cut to the part every form of it shares; every one must match. At most
    `limit` words, so a pasted paragraph stays cheap."""
    words = []
    for part in text.split()[:limit]:
        word = fold_text(part) or ""
        if len(word) >= 5:
            word = next((word[: -len(end)] for end in ENDINGS if word.endswith(end)), word)
        if word:
            words.append(word)
    return words


# Hand-written over Django's math functions: GeoDjango's distances need PostGIS and GDAL, and SpatiaLite on SQLite.
def distance_km(latitude: float, longitude: float, lat_field: str = "latitude", lon_field: str = "longitude") -> Func:
    """Great-circle (haversine) distance in km from a point to each row's coordinates, as a database expression."""

    def radians(name: str) -> Combinable:
        return Radians(Cast(F(name), FloatField()))

    lat1, lon1 = math.radians(latitude), math.radians(longitude)
    half_dlat = (radians(lat_field) - Value(lat1)) / Value(2.0)
    half_dlon = (radians(lon_field) - Value(lon1)) / Value(2.0)
    a = Power(Sin(half_dlat), 2) + Value(math.cos(lat1)) * Cos(radians(lat_field)) * Power(Sin(half_dlon), 2)
    return Value(2 * EARTH_RADIUS_KM) * ASin(Sqrt(a), output_field=FloatField())


def bounding_box(latitude: float, longitude: float, radius_km: float) -> tuple[float, float, float, float]:
    """(min_lat, max_lat, min_lon, max_lon) of a box holding every point within `radius_km`; near the poles or
    the antimeridian it falls back to every longitude (Mexico is neither, but the arithmetic should not lie)."""
    dlat = radius_km / KM_PER_DEGREE_LATITUDE
    min_lat, max_lat = max(-90.0, latitude - dlat), min(90.0, latitude + dlat)
    widest = max(abs(min_lat), abs(max_lat))
    if widest >= 89.0:
        return min_lat, max_lat, -180.0, 180.0
    dlon = radius_km / (KM_PER_DEGREE_LATITUDE * math.cos(math.radians(widest)))
    if longitude - dlon < -180 or longitude + dlon > 180:
        return min_lat, max_lat, -180.0, 180.0
    return min_lat, max_lat, longitude - dlon, longitude + dlon
