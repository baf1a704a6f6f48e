"""Figures that combine several apps, for the home page.

A fixed number of queries whatever the number of records; kept under the data version (registry.versioned_cache),
so until a record changes they cost one cache read.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Sum

from projects.models import Project
from registry.models import State
from registry.selectors import states_with_support
from registry.versioned_cache import remember


@dataclass(frozen=True)
class KeyFigures:
    active_shelters: int
    states_covered: int
    agreements: int
    projects: int
    total_budget_usd: Decimal


def key_figures(states: list[State] | None = None) -> KeyFigures:
    """Shelters, states and agreements from `states_with_support()` (pass its result to save its queries), plus one
    query for the projects and their budget."""
    if states is None:
        states = states_with_support()
    projects = remember(
        "figures:projects", lambda: Project.objects.aggregate(count=Count("id"), budget=Sum("budget_usd"))
    )
    return KeyFigures(
        active_shelters=sum(s.shelter_count for s in states),
        states_covered=sum(1 for s in states if s.shelter_count),
        agreements=sum(s.agreement_count for s in states),
        projects=projects["count"],
        total_budget_usd=projects["budget"] or Decimal(0),
    )
