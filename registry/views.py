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
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.cache import patch_cache_control
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django.views.generic import DetailView, FormView, ListView
from django_filters import FilterSet
from django_filters.views import FilterView

from registry import forms, selectors, services
from registry.filters import ShelterFilter, StateFilter, depends_on_time
from registry.forms import CorrectionReportForm
from registry.models import Shelter, State
from registry.versioned_cache import VersionedCountPaginator, query_key
from registry.visibility import sees_every_location

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


class ShelterListView(StaffLocationsNotStoredMixin, FilteredListView):
    filterset_class = ShelterFilter

    def get_queryset(self) -> QuerySet[Shelter]:
        return Shelter.objects.for_cards().for_viewer(self.request.user)


class ShelterDetailView(StaffLocationsNotStoredMixin, DetailView):
    """A shelter with its agreements; config.views.ShelterPageView adds the other apps' records about it."""

    def get_queryset(self) -> QuerySet[Shelter]:
        return Shelter.objects.for_detail().for_viewer(self.request.user)


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
