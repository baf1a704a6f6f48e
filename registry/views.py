"""Public pages of shelters and states, and the list-page machinery every app's lists use.

Pages that combine several apps (home, a state's or region's page, a shelter with its projects and news) are
composed in config.views.
"""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

from django.contrib import messages
from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect
from django.utils.cache import patch_cache_control
from django.utils.decorators import method_decorator
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django.views.decorators.csrf import csrf_exempt
from django.views.generic import DetailView, FormView, ListView
from django_filters import FilterSet
from django_filters.views import FilterView

from registry import forms, selectors, services
from registry.filters import ShelterFilter, StateFilter, depends_on_time
from registry.forms import NEAR_RADII_KM, CorrectionReportForm, NearForm, NearPosition
from registry.hours import open_now_values
from registry.models import Shelter, ShelterStatus, State
from registry.versioned_cache import DEEPEST_PAGE, VersionedCountPaginator, query_key
from registry.visibility import sees_every_location

# Lists on detail pages show this many rows, then link to the filtered list for the rest.
RELATED_LIMIT = 50

# Shelters on one printed list page.
PRINT_PAGE_SIZE = 200

# Filters the API needs but a visitor does not: not shown on the HTML form and ignored there.
API_ONLY_FILTERS = ("modified_after",)


class ClampedPaginationMixin:
    """Out-of-range or non-numeric `page` values show the nearest page instead of an error. The number of matching
    rows is kept under the data version: the same filters give the same count until a record changes.

    Pages stop at `max_pages`: a page past it shows the last one, whose pagination says to narrow the list."""

    paginator_class = VersionedCountPaginator
    max_pages = DEEPEST_PAGE

    def get_paginator(self, queryset: QuerySet, per_page: int, **kwargs: Any) -> Paginator:
        return super().get_paginator(queryset, per_page, max_pages=self.max_pages, **kwargs)  # type: ignore[misc]

    def paginate_queryset(self, queryset: QuerySet, page_size: int) -> tuple[Paginator, Page, Any, bool]:
        request, page_kwarg = self.request, self.page_kwarg  # type: ignore[attr-defined]
        count_key = (
            None
            if depends_on_time(request.GET)
            else query_key("page-count", request.path, request.GET, ignore=[page_kwarg])
        )
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


class StaffLocationsNotStoredMixin:
    """Staff see confidential locations on these pages: the browser must not store them (nor, so, the offline
    copy the service worker keeps on the device)."""

    def render_to_response(self, context: dict[str, Any], **kwargs: Any) -> HttpResponse:
        response = super().render_to_response(context, **kwargs)  # type: ignore[misc]
        if sees_every_location(self.request.user):  # type: ignore[attr-defined]
            patch_cache_control(response, private=True, no_store=True)
        return response


@method_decorator(csrf_exempt, name="dispatch")  # POST here only reads (the position for near-me); nothing changes
class ShelterListView(StaffLocationsNotStoredMixin, FilteredListView):
    """The shelter finder. Without a status chosen it lists open shelters only.

    "Near me" arrives as a POST body (`lat`, `lon`, `radius`), the filters still in the query string: a body is not
    written to access logs, caches, browser history or Referer headers, so the position is never stored or logged.
    """

    filterset_class = ShelterFilter
    near: NearPosition | None = None

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        form = NearForm(request.POST)
        if form.is_valid():
            self.near = form.position()
        else:
            messages.error(request, _("Your position could not be read, so the list is not sorted by distance."))
        response = self.get(request, *args, **kwargs)
        # The visitor's own browser may keep it (for Back); no shared cache may.
        patch_cache_control(response, private=True, max_age=600)
        return response

    def get_filterset_kwargs(self, filterset_class: type[FilterSet]) -> dict[str, Any]:
        kwargs = super().get_filterset_kwargs(filterset_class)
        data = (kwargs["data"] or QueryDict()).copy()
        for name, values in filterset_class.page_defaults.items():
            if not [value for value in data.getlist(name) if value]:
                data.setlist(name, values)
        kwargs["data"] = data
        return kwargs

    def get_queryset(self) -> QuerySet[Shelter]:
        return Shelter.objects.for_cards().for_viewer(self.request.user)

    def get_paginate_by(self, queryset: QuerySet) -> int:
        # A list to print (`?print=1`) holds a whole state's shelters on one page.
        return PRINT_PAGE_SIZE if self.request.GET.get("print") else self.paginate_by

    def paginate_queryset(self, queryset: QuerySet, page_size: int) -> tuple[Paginator, Page, Any, bool]:
        if self.near is None:
            return super().paginate_queryset(queryset, page_size)
        near = self.near
        # Counted every time: a count kept in the cache would be keyed by the position.
        paginator = self.get_paginator(queryset.near(near.latitude, near.longitude, near.radius_km), page_size)
        page = paginator.get_page(self.request.GET.get(self.page_kwarg))
        return paginator, page, page.object_list, page.has_other_pages()

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        filterset = self.filterset
        valid = filterset.is_valid()
        return super().get_context_data(
            near=self.near,
            near_radii=NEAR_RADII_KM,
            map_data_url=selectors.shelter_map_url(filterset.data) if valid else "",
            shows_inactive=valid and set(filterset.form.cleaned_data.get("status") or []) != {ShelterStatus.ACTIVE},
            **kwargs,
        )


class ShelterDetailView(StaffLocationsNotStoredMixin, DetailView):
    """A shelter with its agreements; config.views.ShelterPageView adds the other apps' records about it."""

    def get_queryset(self) -> QuerySet[Shelter]:
        return Shelter.objects.for_detail().for_viewer(self.request.user)

    def get_object(self, queryset: QuerySet[Shelter] | None = None) -> Shelter:
        shelter = super().get_object(queryset)
        # What with_opening() annotates on the lists, worked out from the hours this page has read anyway.
        opening = open_now_values(
            list(shelter.hours.all()), shelter.local_time_zone, active=shelter.status == ShelterStatus.ACTIVE
        )
        shelter.has_hours, shelter.open_now = opening["has_hours"], opening["open_now"]
        return shelter

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(terms=selectors.shelter_terms(self.object), **kwargs)


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


class CorrectionReportView(FormView):
    """The correction form of one shelter: no account needed, CSRF-protected, rate-limited per client."""

    form_class = CorrectionReportForm
    template_name = "registry/correction_form.html"

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        self.shelter = get_object_or_404(Shelter.objects.public().select_related("state"), slug=kwargs["slug"])
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(shelter=self.shelter, **kwargs)

    def form_valid(self, form: CorrectionReportForm) -> HttpResponse:
        if not forms.allowed(self.request):
            form.add_error(None, _("You have sent several reports in a short time. Please try again later."))
            return self.render_to_response(self.get_context_data(form=form), status=HTTPStatus.TOO_MANY_REQUESTS)
        if not form.is_bot:  # a bot is thanked like anyone else, and nothing is kept
            services.correction_report_create(
                shelter=self.shelter,
                message=form.cleaned_data["message"],
                contact=form.cleaned_data["contact"],
                language=get_language() or "",
            )
        messages.success(self.request, _("Thank you. Staff will check your report and correct the page."))
        return redirect(self.shelter)


class ShelterOfflineListView(ListView):
    """Every active public shelter on one compact page (name, place, phone, services, hours), which the service
    worker keeps on the device so that it opens without signal."""

    template_name = "registry/shelter_offline_list.html"
    context_object_name = "shelters"

    def get_queryset(self) -> QuerySet[Shelter]:
        return Shelter.objects.active().public().for_offline().order_by("state__name", "name")
