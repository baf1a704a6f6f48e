"""Template helpers for the public site: language links, the list filter form, active filters and chart geometry."""

from __future__ import annotations

from typing import Any

from django import forms, template
from django.conf import settings
from django.forms.utils import pretty_name
from django.http import HttpRequest, QueryDict
from django.urls import reverse, translate_url
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, get_language_info
from django.utils.translation import gettext_lazy as _
from django.utils.translation import override as override_language
from django_filters import FilterSet

from registry.models import BorderRegion
from registry.versioned_cache import query_key, remember

register = template.Library()

# Query parameters that are not filters and never show as a removable filter.
NOT_FILTERS = {"page"}


@register.simple_tag(takes_context=True)
def language_links(context: dict[str, Any]) -> list[dict[str, Any]]:
    """The current page in every language, keeping the query string; the home page when a page has no twin.

    Worked out once per request and language: the head's hreflang links and the header's switcher both ask, and
    each link resolves and reverses the URL."""
    request: HttpRequest | None = context.get("request")
    current = context.get("LANGUAGE_CODE", settings.LANGUAGE_CODE)
    known = getattr(request, "_language_links", None)
    if known is not None and known[0] == current:
        return known[1]
    links = []
    here = request.get_full_path() if request else ""
    for code, _name in settings.LANGUAGES:
        # The page's own language needs no resolving: it is this URL.
        url = here if code == current else translate_url(here, code) if request else ""
        if not url or (code != current and url == here):
            with override_language(code):
                url = reverse("home")
        info = get_language_info(code)
        links.append({"code": code, "name": info["name_local"], "url": url, "current": code == current})
    if request is not None:
        request._language_links = (current, links)
    return links


@register.simple_tag(takes_context=True)
def absolute_url(context: dict[str, Any], path: str = "") -> str:
    """An absolute URL for canonical links and Open Graph: the given path, or the current path without query."""
    request: HttpRequest | None = context.get("request")
    if request is None:
        return path
    return request.build_absolute_uri(path or request.path)


def _value_labels(form: forms.Form, name: str) -> dict[str, str]:
    """Map the submitted values of a valid field to what a visitor reads (state name rather than ISO code)."""
    field = form.fields[name]
    cleaned = getattr(form, "cleaned_data", {}).get(name)
    if cleaned in (None, "", []):
        return {}
    if isinstance(field, forms.ModelMultipleChoiceField):
        key = field.to_field_name or "pk"
        return {str(getattr(obj, key)): str(obj) for obj in cleaned}
    if isinstance(field, forms.ChoiceField):
        return {str(value): str(label) for value, label in field.choices if value not in (None, "")}
    return {}


@register.simple_tag(takes_context=True)
def active_filters(context: dict[str, Any], filterset: FilterSet) -> list[dict[str, str]]:
    """One entry per value in the query string, with the link that removes only that value."""
    request: HttpRequest = context["request"]
    form = filterset.form
    form.is_valid()  # already run by the view; cached
    entries = []
    # A page default sent back by the form (the open-shelters status) is not a choice of the visitor's.
    defaults = getattr(filterset, "page_defaults", {})
    for name in request.GET:
        if name in NOT_FILTERS or name not in form.fields:
            continue
        if name in defaults and [v for v in request.GET.getlist(name) if v] == defaults[name]:
            continue
        labels = _value_labels(form, name)
        for value in request.GET.getlist(name):
            if value == "":
                continue
            # The form submits every field, so the query string is full of blanks: leave them out of the link.
            remaining = QueryDict(mutable=True)
            for key, values in request.GET.lists():
                kept = [v for v in values if v and not (key == name and v == value)]
                if kept and key not in NOT_FILTERS and kept != defaults.get(key):
                    remaining.setlist(key, kept)
            query = remaining.urlencode()
            entries.append(
                {
                    "name": name,
                    "label": str(form.fields[name].label or name),
                    "value": labels.get(value, value),
                    "remove_url": f"{request.path}?{query}" if query else request.path,
                }
            )
    return entries


# Sort keys of the FilterSets' OrderingFilters, labelled in the visitor's language (django-filter fixes its own
# labels when the FilterSet class is defined, in whatever language was active then).
ORDERING_LABELS = {
    "name": _("Name"),
    "title": _("Title"),
    "state": _("State"),
    "region": _("Border region"),
    "inegi_code": _("INEGI code"),
    "capacity": _("Capacity"),
    "last_verified": _("Last verified"),
    "updated": _("Last updated"),
    "start_year": _("Start year"),
    "budget": _("Budget"),
    "published_on": _("Publication date"),
}


def ordering_choices(filterset: FilterSet) -> list[tuple[str, str]]:
    choices = []
    for param in filterset.filters["ordering"].param_map:
        label = ORDERING_LABELS.get(param, pretty_name(param))
        choices.append((param, str(label)))
        choices.append((f"-{param}", _("%(field)s (descending)") % {"field": label}))
    return choices


def prepare_filter_form(filterset: FilterSet) -> None:
    """Give the shared FilterSet's form the widgets a public page needs; the filters themselves are unchanged.

    Only needed to render the form, which `filter_form` does once per query string and data version. The
    FilterSet's help texts document API parameters; a page shows the FilterSet's `visitor_hints` instead.
    Several values are picked with checkboxes (a multi-select list box needs Ctrl or Cmd).
    """
    form = filterset.form
    hints = getattr(filterset, "visitor_hints", {})
    for name, field in form.fields.items():
        field.help_text = hints.get(name, "")
        if isinstance(field, forms.ModelMultipleChoiceField | forms.MultipleChoiceField):
            field.widget = forms.CheckboxSelectMultiple()
            field.widget.choices = field.choices
        elif isinstance(field, forms.ChoiceField) and hasattr(field, "empty_label"):
            if name == "ordering":
                field.choices = ordering_choices(filterset)
            field.empty_label = _("Default order") if name == "ordering" else _("Any")
            # The widget holds its own copy of the choices, made before the label changed.
            field.widget.choices = field.choices
        elif isinstance(field, forms.DateField):
            field.widget = forms.DateInput(attrs={"type": "date"})
        if name == "q":
            field.widget.input_type = "search"
    # Bound fields copy the help text when they are made (validation already made them): make them again.
    form._bound_fields_cache.clear()


@register.filter
def region_groups(field: forms.BoundField) -> list[tuple[str, list[forms.BoundWidget]]]:
    """A state field's checkboxes grouped by border region, north to south, for one fieldset per region."""
    groups: dict[str, list[forms.BoundWidget]] = {region.value: [] for region in BorderRegion}
    for option in field.subwidgets:
        state = getattr(option.data["value"], "instance", None)
        groups[getattr(state, "region", BorderRegion.CENTRE)].append(option)
    return [(str(BorderRegion(region).label), options) for region, options in groups.items() if options]


@register.simple_tag(takes_context=True)
def filter_form(context: template.Context, filterset: FilterSet) -> str:
    """The list page's filter form (includes/filter_form.html), kept under the data version.

    The form depends only on the page, the language and the query string (selected values, errors, active
    filters), and on reference data that a change to any record invalidates; rendering its 32-state select and
    checkbox lists is about half the cost of a list page.
    """
    request: HttpRequest = context["request"]
    key = query_key(f"filter-form:{get_language()}", request.path, request.GET, ignore=NOT_FILTERS)

    def render() -> str:
        prepare_filter_form(filterset)
        return str(context.template.engine.get_template("includes/filter_form.html").render(context))

    # Our own template's output, escaped as it rendered; a plain str once it has been through the cache.
    return mark_safe(remember(key, render))  # noqa: S308


@register.filter
def is_checkbox_group(field: forms.BoundField) -> bool:
    return isinstance(field.field.widget, forms.CheckboxSelectMultiple)


@register.inclusion_tag("includes/support_chart.html")
def support_chart(rows: list, chart_id: str, title: str, description: str) -> dict[str, Any]:
    """A horizontal bar chart (inline SVG) with two bars per row, plus the same numbers as a table.

    Horizontal positions are percentages of the SVG's width rather than a scaled viewBox, so the text keeps its
    size on a phone and only the bars get shorter.
    """
    label_end, bars_start, bars_span = 41, 43, 48  # percent of the width
    row_height, bar_height, top = 38, 13, 6
    peak = max([max(r.shelters, r.agreements) for r in rows] + [1])
    bars = []
    for i, row in enumerate(rows):
        y = top + i * row_height
        shelter_pct = round(bars_span * row.shelters / peak, 2)
        agreement_pct = round(bars_span * row.agreements / peak, 2)
        bars.append(
            {
                "row": row,
                "label_y": y + bar_height + 5,
                "shelter_y": y,
                "shelter_width": f"{shelter_pct}%",
                "shelter_text_x": f"{bars_start + shelter_pct + 1}%",
                "shelter_text_y": y + bar_height - 2,
                "agreement_y": y + bar_height + 2,
                "agreement_width": f"{agreement_pct}%",
                "agreement_text_x": f"{bars_start + agreement_pct + 1}%",
                "agreement_text_y": y + 2 * bar_height + 1,
            }
        )
    return {
        "rows": rows,
        "bars": bars,
        "chart_id": chart_id,
        "title": title,
        "description": description,
        "height": top + len(rows) * row_height + 4,
        "label_x": f"{label_end}%",
        "bars_x": f"{bars_start}%",
        "bar_height": bar_height,
    }


# Filters shown outside the "Filter and sort" disclosure, always visible.
PRIMARY_FILTERS = ("q",)


@register.simple_tag
def primary_filter_names() -> tuple[str, ...]:
    return PRIMARY_FILTERS
