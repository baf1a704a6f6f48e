"""The list fast path (registry.rest.values_plan.ValuesPlan) must produce exactly what the list serializers produce."""

from datetime import date
from decimal import Decimal

import pytest
from django.utils import translation
from rest_framework.request import Request
from rest_framework.test import APIRequestFactory

from news.api import ArticleViewSet
from projects.api import ProjectViewSet, ThematicAreaViewSet
from registry.api import AgreementViewSet, DonorViewSet, ShelterViewSet, StateViewSet
from registry.rest.values_plan import ValuesPlan, values_plan
from registry.serializers import AgreementSerializer, ShelterListSerializer
from tests.api.conftest import build_dataset
from tests.factories import ArticleFactory, ProjectFactory, ShelterFactory, ThematicAreaFactory, state

pytestmark = pytest.mark.django_db

# Lists served through the values() path; the others (nested items, a bilingual property) use their serializer.
# Thematic areas have one since their names are translated fields (values() falls back like the model does).
WITH_PLAN = [StateViewSet, ShelterViewSet, DonorViewSet, ProjectViewSet, ArticleViewSet, ThematicAreaViewSet]
WITHOUT_PLAN = [AgreementViewSet]


def serializer_class(viewset):
    return viewset.list_serializer_class or viewset.serializer_class


def list_queryset(viewset):
    return viewset(action="list", kwargs={}).get_queryset()


def test_the_lists_that_matter_have_a_plan():
    # Shelters, projects and news are the big lists partners page through; a field added to their list serializers
    # that the fast path cannot produce would silently slow them down, so it must fail here instead.
    assert values_plan(ShelterListSerializer) is not None
    for viewset in WITH_PLAN:
        assert values_plan(serializer_class(viewset), list_queryset(viewset)) is not None, viewset.__name__


def test_serializers_with_nested_or_computed_fields_have_none():
    assert values_plan(AgreementSerializer) is None
    for viewset in WITHOUT_PLAN:
        assert values_plan(serializer_class(viewset), list_queryset(viewset)) is None, viewset.__name__


@pytest.mark.parametrize("viewset", WITH_PLAN, ids=lambda v: v.__name__)
@pytest.mark.parametrize("language", ["es", "en"])
def test_fast_rows_equal_serializer_output(viewset, language):
    build_dataset(3)
    ShelterFactory(
        name="Casa Ñandú / Tlaxcala",
        slug="casa-nandu",
        state=state("MX-TLA"),
        latitude=Decimal("19.318000"),
        longitude=Decimal("-98.237000"),
        last_verified=date(2024, 2, 29),
        capacity=None,
        average_daily_arrivals=None,
        peak_daily_arrivals=None,
    )
    # Content in one language only: both paths fall back to the other one alike.
    ArticleFactory(title_es="", title_en="Only in English", summary_es="", summary_en="An English summary.")
    ProjectFactory(title_es="Solo en español", title_en="", summary_es="Un resumen.", summary_en="")
    ThematicAreaFactory(slug="english-only", name_es="", name_en="English-only area")
    plan = values_plan(serializer_class(viewset), list_queryset(viewset))
    request = Request(APIRequestFactory().get("/api/v1/x/", HTTP_HOST="testserver:8443", secure=True))
    view = viewset(request=request, format_kwarg=None, action="list", kwargs={})
    queryset = view.get_queryset()

    with translation.override(language):
        fast = plan.rows(list(plan.values(queryset)), request)
        slow = serializer_class(viewset)(list(queryset), many=True, context={"request": request}).data

    assert fast == [dict(row) for row in slow]
    assert fast  # the comparison covered rows


def test_plan_refuses_property_sources():
    from rest_framework import serializers

    from projects.models import Project

    class PeriodSerializer(serializers.ModelSerializer):
        period = serializers.CharField(read_only=True)  # a property of the model, not a column

        class Meta:
            model = Project
            fields = ["slug", "period"]

    with pytest.raises(Exception, match="period"):
        ValuesPlan(PeriodSerializer)
