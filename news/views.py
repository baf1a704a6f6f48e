"""Public pages for news articles."""

from __future__ import annotations

from django.db.models import QuerySet
from django.views.generic import DetailView

from news.filters import ArticleFilter
from news.models import Article
from registry.views import FilteredListView


class ArticleListView(FilteredListView):
    filterset_class = ArticleFilter
    paginate_by = 10

    def get_queryset(self) -> QuerySet[Article]:
        return Article.objects.for_list()


class ArticleDetailView(DetailView):
    queryset = Article.objects.for_detail()
