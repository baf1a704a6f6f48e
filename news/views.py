"""Public pages for news articles."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.views.generic import DetailView

from news.filters import ArticleFilter
from news.models import Article
from news.selectors import article_links
from registry.views import FilteredListView


class ArticleListView(FilteredListView):
    filterset_class = ArticleFilter
    paginate_by = 10

    def get_queryset(self) -> QuerySet[Article]:
        return Article.objects.for_list()


class ArticleDetailView(DetailView):
    # Its states, shelters and projects come in one query (article_links), not for_detail()'s prefetches.
    queryset = Article.objects.all()

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(links=article_links(self.object), **kwargs)
