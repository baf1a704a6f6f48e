"""FilterSet for news articles, shared by the public pages and the API."""

from __future__ import annotations

from datetime import datetime

import django_filters as filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from news.models import Article
from registry.filters import (
    LinkedCharFilter,
    StableOrderingFilter,
    modified_after_filter,
    region_filter,
    state_filter,
    text_search,
)
from registry.localized import every_language


def article_related_changes(since: datetime) -> Q:
    """What an article shows of other records: the keys of its states, shelters and projects."""
    shown = Q(states__updated_at__gte=since) | Q(shelters__updated_at__gte=since) | Q(projects__updated_at__gte=since)
    return Q(pk__in=Article.objects.filter(shown).values("pk"))


class ArticleFilter(filters.FilterSet):
    q = filters.CharFilter(
        method=text_search(every_language("title", "summary", "body")), label=_("Search"), max_length=200
    )
    state = state_filter("states__iso_code")
    region = region_filter()
    date_from = filters.DateFilter(field_name="published_on", lookup_expr="gte", label=_("Published from"))
    date_to = filters.DateFilter(field_name="published_on", lookup_expr="lte", label=_("Published until"))
    shelter = LinkedCharFilter(field_name="shelters__slug", label=_("Shelter (slug)"), max_length=200)
    project = LinkedCharFilter(field_name="projects__prima_id", label=_("Project (Prima ID)"), max_length=20)
    modified_after = modified_after_filter(article_related_changes)
    ordering = StableOrderingFilter(fields=(("published_on", "published_on"), ("title", "title")), label=_("Sort by"))

    class Meta:
        model = Article
        fields: list[str] = []
