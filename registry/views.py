"""Public pages of shelters and states, and the list-page machinery every app's lists use.

Pages that combine several apps (home, a state's or region's page, a shelter with its projects and news) are
composed in config.views.
"""

from __future__ import annotations

from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.views.generic import DetailView
from django_filters import FilterSet
from django_filters.views import FilterView

from registry import selectors
from registry.filters import ShelterFilter, StateFilter
from registry.models import Shelter, State
from registry.versioned_cache import VersionedCountPaginator, query_key

# Lists on detail pages show this many rows, then link to the filtered list for the rest.
RELATED_LIMIT = 50

# Filters the API needs but a visitor does not: not shown on the HTML form and ignored there.
API_ONLY_FILTERS = ("modified_after",)


class ClampedPaginationMixin:
    """Out-of-range or non-numeric `page` values show the nearest page instead of an error. The number of matching
    rows is kept under the data version: the same filters give the same count until a record changes."""

    paginator_class = VersionedCountPaginator

    def paginate_queryset(self, queryset: QuerySet, page_size: int) -> tuple[Paginator, Page, Any, bool]:
        request, page_kwarg = self.request, self.page_kwarg  # type: ignore[attr-defined]
        count_key = query_key("page-count", request.path, request.GET, ignore=[page_kwarg])
        paginator = self.get_paginator(  # type: ignore[attr-defined]
            queryset, page_size, allow_empty_first_page=True, count_key=count_key
        )
        page = paginator.get_page(request.GET.get(page_kwarg))
        return paginator, page, page.object_list, page.has_other_pages()


class FilteredListView(ClampedPaginationMixin, FilterView):
    """A list page driven by the FilterSet the API shares; invalid filters show form errors and no rows."""

    paginate_by = 20
    template_name_suffix = "_list"

    def get_filterset(self, filterset_class: type[FilterSet]) -> FilterSet:
        filterset = super().get_filterset(filterset_class)
        for name in API_ONLY_FILTERS:
            filterset.form.fields.pop(name, None)
        return filterset


class ShelterListView(FilteredListView):
    filterset_class = ShelterFilter

    def get_queryset(self) -> QuerySet[Shelter]:
        return Shelter.objects.for_cards()


class ShelterDetailView(DetailView):
    """A shelter with its agreements; config.views.ShelterPageView adds the other apps' records about it."""

    queryset = Shelter.objects.for_detail()


class StateListView(FilteredListView):
    """The 32 states grouped by border region, on one page; `state`, `region` and `ordering` narrow or sort them."""

    filterset_class = StateFilter
    paginate_by = None

    def get_queryset(self) -> QuerySet[State]:
        return State.objects.with_counts()

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["region_groups"] = [g for g in selectors.states_by_region(list(self.object_list)) if g.states]
        return context
