"""FilterSets shared by the public list pages and the API, so the two can never disagree.

Every list filters by `state` (ISO 3166-2 codes, repeatable) and `region` (north, centre, south); partners sync
with `modified_after`. Invalid values are form errors: a 400 in the API, a message on the page.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import django_filters as filters
from django import forms
from django.core.exceptions import FieldDoesNotExist
from django.db.models import ManyToManyField, Model, Q, QuerySet
from django.db.models.constants import LOOKUP_SEP
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext_lazy as _
from django_filters.constants import EMPTY_VALUES
from django_filters.fields import IsoDateTimeField

from registry.localized import every_language
from registry.models import (
    AgreementStatus,
    BorderRegion,
    CooperationAgreement,
    Donor,
    Language,
    OperatorType,
    PopulationGroup,
    Service,
    Shelter,
    ShelterStatus,
    State,
    SupportCategory,
    SupportItem,
)
from registry.search import fold_text
from registry.visibility import published_q


def semi_join_q(model: type[Model], lookup: str, value: Any) -> Q:
    """`Q(**{lookup: value})`, but where the path crosses a to-many relation (a many-to-many, or the reverse of a
    foreign key) a semi-join, `pk IN (SELECT owner FROM link table WHERE ...)`: a join repeats a row for each
    match, and the SELECT DISTINCT that removes the repeats sorts every matching row before a page can be taken.
    Several values keep their meaning (any of them), and the list's order can still be read from an index."""
    parts = lookup.split(LOOKUP_SEP)
    current, hop = model, None
    for position, part in enumerate(parts):
        try:
            field = current._meta.get_field(part)
        except FieldDoesNotExist:
            break  # a lookup (in, icontains) or a transform
        if not field.is_relation:
            break
        if field.many_to_many or field.one_to_many:
            hop = position
            break
        current = field.related_model
    if hop is None:
        return Q(**{lookup: value})
    rest = LOOKUP_SEP.join(parts[hop + 1 :])
    if hop > 0:  # to-many further along (none of the filters today): the same rows, by their own keys
        return Q(pk__in=model._base_manager.filter(**{lookup: value}).values("pk"))
    field = model._meta.get_field(parts[0])
    if isinstance(field, ManyToManyField):  # declared here: the link table, from this side
        owner, target, through = field.m2m_field_name(), field.m2m_reverse_field_name(), field.remote_field.through
    elif field.many_to_many:  # declared on the other model
        owner, target, through = field.field.m2m_reverse_field_name(), field.field.m2m_field_name(), field.through
    else:  # the reverse of a foreign key: the related rows themselves
        related = field.related_model._base_manager.filter(**{rest: value})
        return Q(pk__in=related.values(field.field.attname))
    return Q(pk__in=through._base_manager.filter(**{f"{target}__{rest}": value}).values(f"{owner}_id"))


class SemiJoinMixin:
    """A filter that never adds DISTINCT: through a to-many relation it is a semi-join (`semi_join_q`)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, distinct=False, **kwargs)  # type: ignore[call-arg]

    def filter(self, qs: QuerySet, value: Any) -> QuerySet:
        if value in EMPTY_VALUES:
            return qs
        return qs.filter(semi_join_q(qs.model, f"{self.field_name}__{self.lookup_expr}", value))  # type: ignore[attr-defined]


class LinkedCharFilter(SemiJoinMixin, filters.CharFilter):
    pass


class LinkedChoiceFilter(SemiJoinMixin, filters.ChoiceFilter):
    pass


class LinkedModelChoiceFilter(filters.ModelMultipleChoiceFilter):
    """Rows linked to any of the chosen records (`field_name` ends with the records' `to_field_name`), by their
    primary keys, which the form has already read; never with DISTINCT (`semi_join_q`)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, distinct=False, **kwargs)

    def filter(self, qs: QuerySet, value: Any) -> QuerySet:
        if not value:
            return qs
        key = self.extra["to_field_name"]
        path = "pk" if self.field_name == key else self.field_name.removesuffix(f"{LOOKUP_SEP}{key}")
        return qs.filter(semi_join_q(qs.model, f"{path}__in", [record.pk for record in value]))


def state_filter(field_name: str) -> LinkedModelChoiceFilter:
    """`field_name` is the path to the state's ISO code, e.g. `shelter__state__iso_code`, or `states__iso_code`
    through a many-to-many (then a semi-join: `semi_join_q`)."""
    return LinkedModelChoiceFilter(
        field_name=field_name,
        to_field_name="iso_code",
        queryset=State.objects.all(),
        label=_("State"),
        help_text=_("ISO 3166-2 code, e.g. MX-CHP; repeat the parameter for several states."),
    )


class StableOrderingFilter(filters.OrderingFilter):
    """A sort ends with the primary key, in the direction of the last key chosen: among equal values (the same
    capacity, or none) the database may otherwise return rows in any order, so that a row shows on two pages or
    on none; in one direction, a single index serves the sort both ways."""

    def filter(self, qs: QuerySet, value: Any) -> QuerySet:
        if value in EMPTY_VALUES:
            return qs
        ordering = [self.get_ordering_value(param) for param in value]
        return qs.order_by(*ordering, "-pk" if ordering[-1].startswith("-") else "pk")


def region_filter() -> filters.ChoiceFilter:
    """`region`, through the model's QuerySet `in_region()`: the one definition of "in this border region" (a
    semi-join where records reach states through a many-to-many), shared by the lists, the API and the pages."""
    return filters.ChoiceFilter(
        method=in_region,
        choices=BorderRegion.choices,
        label=_("Border region"),
        help_text=_("north, centre or south."),
    )


def in_region(queryset: QuerySet, name: str, value: str) -> QuerySet:
    return queryset.in_region(value)


# `+06:00` sent unencoded in a query string arrives as " 06:00" (a + means a space there).
UNENCODED_PLUS_OFFSET = re.compile(r"^(.*T[0-9:.,]+) ([0-9]{2}(:?[0-9]{2})?)$")


class UTCIsoDateTimeField(IsoDateTimeField):
    """An ISO 8601 date-time with its offset (or Z), turned to UTC. A time without one is refused: read as Mexico
    City time it would silently shift a partner's sync by six hours. Any offset up to ±23:59 is valid ISO 8601, but
    PostgreSQL refuses offsets beyond ±15:59, and a date near year 1 or 9999 may not survive the shift at all."""

    def to_python(self, value: object) -> datetime | None:
        if isinstance(value, str):
            value = UNENCODED_PLUS_OFFSET.sub(r"\1+\2", value.strip())
            if _is_naive(value):
                raise forms.ValidationError(
                    _("Give the time with its offset from UTC, e.g. 2024-05-01T12:00:00Z or 2024-05-01T06:00-06:00."),
                    code="offset_required",
                )
        parsed = super().to_python(value)
        if parsed is None or timezone.is_naive(parsed):
            return parsed
        try:
            return parsed.astimezone(UTC)
        except OverflowError as exc:
            raise forms.ValidationError(_("Enter a date-time between the years 1 and 9999."), code="invalid") from exc


def _is_naive(value: str) -> bool:
    try:
        parsed = parse_datetime(value)
    except ValueError:
        return False  # well formed but impossible (month 13): the field's own message says so
    return parsed is not None and parsed.tzinfo is None


class UTCIsoDateTimeFilter(filters.IsoDateTimeFilter):
    field_class = UTCIsoDateTimeField


def touched(model: type[Model], field: str, since: datetime) -> QuerySet:
    """`field` (a foreign key) of every stored version, deletions included, of the `model` records changed since
    `since`: the records they point to now, and those they pointed to before a move. From the model's history."""
    changed = model.history.filter(history_date__gte=since).values("id")  # type: ignore[attr-defined]
    return model.history.filter(id__in=changed).values(field)  # type: ignore[attr-defined]


def modified_after_filter(related: Callable[[datetime], Q] | None = None) -> filters.IsoDateTimeFilter:
    """`modified_after`: the records whose representation changed at or after the time: their own fields, and,
    through `related(since)`, what they show of other records (a state's region in its shelters, a new agreement
    in its shelter's detail). A few unchanged records may come along; none that changed is left out."""

    def modified(queryset: QuerySet, name: str, value: datetime) -> QuerySet:
        condition = Q(updated_at__gte=value)
        if related is not None:
            condition |= related(value)
        return queryset.filter(condition)

    return UTCIsoDateTimeFilter(
        method=modified,
        label=_("Modified after"),
        help_text=_(
            "ISO 8601 date-time with an offset or Z; only records whose representation changed at or after it "
            "(their own fields or what they show of related records). Deletions: the list's deleted/ endpoint."
        ),
    )


def shelter_related_changes(since: datetime) -> Q:
    agreements = CooperationAgreement.objects.filter(
        Q(donor__updated_at__gte=since) | Q(project__updated_at__gte=since)
    )
    return (
        Q(state__updated_at__gte=since)
        | Q(pk__in=touched(CooperationAgreement, "shelter_id", since))
        | Q(pk__in=agreements.values("shelter_id"))
    )


def state_related_changes(since: datetime) -> Q:
    # The counts: shelters created, deleted or moved, and agreements of the state's shelters.
    agreement_shelters = Shelter.objects.filter(pk__in=touched(CooperationAgreement, "shelter_id", since))
    return Q(pk__in=touched(Shelter, "state_id", since)) | Q(pk__in=agreement_shelters.values("state_id"))


def donor_related_changes(since: datetime) -> Q:
    agreements = CooperationAgreement.objects.filter(project__updated_at__gte=since)
    return Q(pk__in=touched(CooperationAgreement, "donor_id", since)) | Q(pk__in=agreements.values("donor_id"))


def agreement_related_changes(since: datetime) -> Q:
    return (
        Q(shelter__updated_at__gte=since)
        | Q(shelter__state__updated_at__gte=since)
        | Q(donor__updated_at__gte=since)
        | Q(project__updated_at__gte=since)
        | Q(pk__in=touched(SupportItem, "agreement_id", since))
    )


def text_search(fields: list[str]):
    """A filter method matching every word of the query against any of `fields` (case-insensitive); a field
    across a to-many relation (an agreement's items) is a semi-join, so no row comes twice."""

    def search(queryset: QuerySet, name: str, value: str) -> QuerySet:
        for word in value.split()[:8]:
            condition = Q()
            for field in fields:
                condition |= semi_join_q(queryset.model, f"{field}__icontains", word)
            queryset = queryset.filter(condition)
        return queryset

    return search


class StateFilter(filters.FilterSet):
    state = state_filter("iso_code")
    region = region_filter()
    modified_after = modified_after_filter(state_related_changes)
    ordering = StableOrderingFilter(
        fields=(("name", "name"), ("inegi_code", "inegi_code"), ("region", "region")),
        label=_("Sort by"),
    )

    class Meta:
        model = State
        fields: list[str] = []


def shelter_search(queryset: QuerySet, name: str, value: str) -> QuerySet:
    return queryset.search(value)


def municipality_search(queryset: QuerySet, name: str, value: str) -> QuerySet:
    folded = fold_text(value.strip())
    # Only where the municipality is published: a confidential shelter's town must not be confirmable by search.
    return queryset.filter(published_q("municipality"), municipality__fold__contains=folded) if folded else queryset


def _checked(value: object) -> bool:
    return value is True or str(value).lower() in StrictBooleanField.TRUE


class RawCheckboxInput(forms.CheckboxInput):
    """A checkbox that hands the field the value as sent, so a wrong one can be refused rather than read as ticked."""

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs, check_test=_checked)

    def value_from_datadict(self, data: Any, files: Any, name: str) -> Any:
        return data.get(name)


class StrictBooleanField(forms.Field):
    """true/1 (on, from the page's checkbox) or false/0; anything else is an error, not a guess."""

    widget = RawCheckboxInput
    TRUE = frozenset({"true", "1", "on"})
    FALSE = frozenset({"false", "0"})

    def to_python(self, value: Any) -> bool | None:
        if value in (None, ""):
            return None
        if isinstance(value, bool):
            return value
        text = str(value).lower()
        if text in self.TRUE | self.FALSE:
            return text in self.TRUE
        raise forms.ValidationError(_("Give true or false."), code="invalid")


class StrictBooleanFilter(filters.BooleanFilter):
    field_class = StrictBooleanField


def open_now(queryset: QuerySet, name: str, value: bool) -> QuerySet:
    return queryset.open_at() if value else queryset


#: Filters whose result depends on the clock, not only on the data: no count or export is kept for them.
TIME_DEPENDENT_FILTERS = frozenset({"open_now"})


def depends_on_time(params: Any) -> bool:
    return any(name in params for name in TIME_DEPENDENT_FILTERS)


class ShelterFilter(filters.FilterSet):
    q = filters.CharFilter(
        method=shelter_search,
        label=_("Search"),
        max_length=200,
        help_text=_(
            "Words that must all appear (accents and case ignored) in the name, municipality, address, state, "
            "or a service or population served."
        ),
    )
    open_now = StrictBooleanFilter(
        method=open_now,
        label=_("Only those open now"),
        help_text=_("true: only active shelters within their weekly opening hours now, in their own time zone."),
    )
    state = state_filter("state__iso_code")
    region = region_filter()
    municipality = filters.CharFilter(
        method=municipality_search,
        label=_("Municipality or city"),
        max_length=120,
        help_text=_("Part of the municipality's name; accents and case ignored."),
    )
    service = LinkedModelChoiceFilter(
        field_name="services__code", to_field_name="code", queryset=Service.objects.all(), label=_("Service")
    )
    population = LinkedModelChoiceFilter(
        field_name="populations__code",
        to_field_name="code",
        queryset=PopulationGroup.objects.all(),
        label=_("Population served"),
    )
    language = LinkedModelChoiceFilter(
        field_name="languages__code",
        to_field_name="code",
        queryset=Language.objects.all(),
        label=_("Language spoken"),
        help_text=_("ISO 639-3 code, e.g. hat (Haitian Creole) or quc (K'iche'); repeat for several (any of them)."),
    )
    operator_type = filters.ChoiceFilter(choices=OperatorType.choices, label=_("Operator type"))
    # A plain column cannot repeat a row: no DISTINCT (django-filter's default for a multiple choice).
    status = filters.MultipleChoiceFilter(
        distinct=False,
        choices=ShelterStatus.choices,
        label=_("Status"),
        help_text=_("Repeat the parameter for several statuses. The public list shows active shelters by default."),
    )
    modified_after = modified_after_filter(shelter_related_changes)
    ordering = StableOrderingFilter(
        fields=(
            ("name", "name"),
            ("state__name", "state"),
            ("capacity", "capacity"),
            ("last_verified", "last_verified"),
            ("updated_at", "updated"),
        ),
        label=_("Sort by"),
    )

    # What the public page says under a field, for visitors (the help texts above document the API).
    visitor_hints = {
        "q": _("For example: Juárez, médico, mujeres"),
        "status": _("Only open shelters are shown unless you tick another status."),
    }
    # What the public page shows when the visitor chose nothing: open shelters only.
    page_defaults = {"status": [ShelterStatus.ACTIVE.value]}

    class Meta:
        model = Shelter
        fields: list[str] = []


class DonorFilter(filters.FilterSet):
    q = filters.CharFilter(method=text_search(["name", "acronym"]), label=_("Search"), max_length=200)
    state = state_filter("agreements__shelter__state__iso_code")
    region = region_filter()
    country = filters.CharFilter(field_name="country", lookup_expr="iexact", label=_("Country"), max_length=2)
    modified_after = modified_after_filter(donor_related_changes)
    ordering = StableOrderingFilter(fields=(("name", "name"), ("acronym", "acronym")), label=_("Sort by"))

    class Meta:
        model = Donor
        fields: list[str] = []


class AgreementFilter(filters.FilterSet):
    q = filters.CharFilter(
        method=text_search(["reference", "shelter__name", "donor__acronym", *every_language("items__description")]),
        label=_("Search"),
        max_length=200,
    )
    state = state_filter("shelter__state__iso_code")
    region = region_filter()
    shelter = filters.CharFilter(field_name="shelter__slug", label=_("Shelter (slug)"), max_length=200)
    donor = filters.CharFilter(field_name="donor__acronym", lookup_expr="iexact", label=_("Donor"), max_length=20)
    project = filters.CharFilter(field_name="project__prima_id", label=_("Project (Prima ID)"), max_length=20)
    status = filters.ChoiceFilter(choices=AgreementStatus.choices, label=_("Status"))
    programme_phase = filters.NumberFilter(
        field_name="programme_phase", label=_("Programme phase"), min_value=1, max_value=1000
    )
    programme_year = filters.NumberFilter(
        field_name="programme_year", label=_("Programme year"), min_value=1990, max_value=2100
    )
    category = LinkedChoiceFilter(
        field_name="items__category", choices=SupportCategory.choices, label=_("Support category")
    )
    modified_after = modified_after_filter(agreement_related_changes)
    ordering = StableOrderingFilter(
        fields=(("reference", "reference"), ("signed_on", "signed_on"), ("programme_phase", "programme_phase")),
        label=_("Sort by"),
    )

    class Meta:
        model = CooperationAgreement
        fields: list[str] = []
