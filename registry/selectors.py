"""Read-only aggregates of states, shelters and agreements for the home page, state index and region pages, and
the vocabulary terms of one shelter for its page.

Each function runs a fixed number of queries whatever the number of shelters, agreements or projects; the counts
are kept under the data version (registry.versioned_cache), so until a record changes they cost one cache read.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from django.db import DEFAULT_DB_ALIAS
from django.db.models import Count, F, Model, QuerySet, Value
from django.http import QueryDict
from django.urls import reverse

from registry.models import (
    BorderRegion,
    CooperationAgreement,
    Language,
    PopulationGroup,
    Service,
    Shelter,
    ShelterStatus,
    State,
)
from registry.versioned_cache import remember


@dataclass
class SupportRow:
    """Shelters and agreements in one state or one border region."""

    label: str
    shelters: int
    agreements: int
    url: str = ""
    code: str = ""


@dataclass
class RegionGroup:
    region: str
    label: str
    states: list[State] = field(default_factory=list)

    @property
    def shelter_count(self) -> int:
        return sum(s.shelter_count for s in self.states)

    @property
    def agreement_count(self) -> int:
        return sum(s.agreement_count for s in self.states)


def support_counts() -> dict[int, tuple[int, int]]:
    """Active shelters and agreements per state id, in two grouped counts (every agreement belongs to a shelter,
    every shelter to a state). Kept under the data version: they change only when a record does."""

    def count() -> dict[int, tuple[int, int]]:
        shelters = dict(
            Shelter.objects.filter(status=ShelterStatus.ACTIVE)
            .order_by()
            .values_list("state_id")
            .annotate(n=Count("id"))
        )
        agreements = dict(
            CooperationAgreement.objects.order_by().values_list("shelter__state_id").annotate(n=Count("id"))
        )
        return {pk: (shelters.get(pk, 0), agreements.get(pk, 0)) for pk in shelters.keys() | agreements.keys()}

    return remember("figures:support-by-state", count)


def states_with_support() -> list[State]:
    """All 32 states by name, each with `shelter_count` (active shelters) and `agreement_count`."""
    counts = support_counts()
    states = list(State.objects.order_by("name"))
    for state in states:
        state.shelter_count, state.agreement_count = counts.get(state.pk, (0, 0))
    return states


def support_by_state(states: list[State]) -> list[SupportRow]:
    """States that have an active shelter or an agreement, busiest first."""
    rows = [
        SupportRow(s.name, s.shelter_count, s.agreement_count, s.get_absolute_url(), s.iso_code)
        for s in states
        if s.shelter_count or s.agreement_count
    ]
    return sorted(rows, key=lambda r: (-r.agreements, -r.shelters, r.label))


def support_by_region(states: list[State]) -> list[SupportRow]:
    """The three border regions, north to south, with the totals of their states."""
    rows = []
    for region in BorderRegion:
        in_region = [s for s in states if s.region == region.value]
        rows.append(
            SupportRow(
                str(region.label),
                sum(s.shelter_count for s in in_region),
                sum(s.agreement_count for s in in_region),
                reverse("region_detail", kwargs={"region": region.value}),
                region.value,
            )
        )
    return rows


# Query parameters of the shelter list that do not choose shelters (the map shows every match, in no order).
NOT_MAP_FILTERS = frozenset({"page", "ordering"})


def shelter_map_url(data: QueryDict) -> str:
    """The GeoJSON of every shelter the list's filters match: the API's export, with the same filters (and the
    page's defaults spelled out), leaving out blanks, which the API refuses."""
    params = [(name, v) for name, values in data.lists() if name not in NOT_MAP_FILTERS for v in values if v]
    return f"{reverse('api:shelter-list')}?{urlencode([*params, ('format', 'geojson')])}"


def states_by_region(states: list[State]) -> list[RegionGroup]:
    """The state index: states grouped by border region, north to south."""
    groups = {region.value: RegionGroup(region.value, str(region.label)) for region in BorderRegion}
    for s in states:
        groups[s.region].states.append(s)
    return list(groups.values())


def rows_by_kind(parts: dict[str, QuerySet], columns: Sequence[str], order: Sequence[str]) -> dict[str, list[list]]:
    """Several small reads of the same shape in one query (UNION ALL) instead of one each: on a page a query costs
    mostly building and sending it, not its few rows. Each part annotates `columns`; the rows come back by part,
    ordered within it by `order` (some of the columns), in the database's collation as the parts' own order was.

    Read through link tables, or a plain `QuerySet(model)` for a model with translated fields: the manager
    django-modeltranslation gives it may put values_list() columns in any order, and a UNION pairs them by
    position."""
    queries = [part.order_by().annotate(kind=Value(kind)).values_list("kind", *columns) for kind, part in parts.items()]
    found: dict[str, list[list]] = {kind: [] for kind in parts}
    for kind, *values in queries[0].union(*queries[1:], all=True).order_by("kind", *order):
        found[kind].append(values)
    return found


def instances(
    model: type[Model], names: Sequence[str | None], rows: list[list], db: str = DEFAULT_DB_ALIAS
) -> list[Any]:
    """Model instances from rows whose columns are the fields `names` (None: a column to skip), the model's other
    fields deferred, as a queryset would make them."""
    fields = [f.attname for f in model._meta.concrete_fields if f.attname in names]  # from_db's order
    positions = [list(names).index(name) for name in fields]
    return [model.from_db(db, fields, [row[i] for i in positions]) for row in rows]


@dataclass(frozen=True)
class ShelterTerms:
    """A shelter's services, populations served and staff languages, each in its model's order."""

    services: list[Service]
    populations: list[PopulationGroup]
    languages: list[Language]


TERM_FIELDS = ("id", "code", "name_es", "name_en")


def shelter_terms(shelter: Shelter) -> ShelterTerms:
    """The three vocabularies of one shelter in one query instead of a prefetch each; instances as a prefetch
    gives them, so `name` is in the page's language."""
    relations = {"services": Shelter.services, "populations": Shelter.populations, "languages": Shelter.languages}
    parts = {}
    for kind, relation in relations.items():
        term = relation.field.m2m_reverse_field_name()  # service, populationgroup, language
        parts[kind] = relation.through.objects.filter(shelter=shelter).annotate(
            # Language's order is position, code; the others', code.
            rank=F(f"{term}__position") if relation.rel.model is Language else Value(0),
            **{f"term_{name}": F(f"{term}__{name}") for name in TERM_FIELDS},
        )
    rows = rows_by_kind(parts, ["rank", *(f"term_{name}" for name in TERM_FIELDS)], order=["rank", "term_code"])
    return ShelterTerms(
        **{
            kind: instances(relation.rel.model, [None, *TERM_FIELDS], rows[kind])
            for kind, relation in relations.items()
        }
    )
