"""The news feed (Atom), one per language prefix so links point at pages in the reader's language."""

from __future__ import annotations

from datetime import datetime, time

from django.contrib.syndication.views import Feed
from django.db.models import QuerySet
from django.urls import reverse_lazy
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext_lazy as _

from news.models import Article


class ArticleFeed(Feed):
    feed_type = Atom1Feed
    title = _("Migrant shelter support programme: news")
    subtitle = _("News about the shelters, projects and states the programme supports.")
    link = reverse_lazy("article_list")
    limit = 30

    def items(self) -> QuerySet[Article]:
        return Article.objects.all()[: self.limit]

    def item_title(self, item: Article) -> str:
        return item.title

    def item_description(self, item: Article) -> str:
        # Feed readers render this as HTML: plain text must arrive escaped, which the syndication framework does.
        return item.summary or item.body[:500]

    def item_pubdate(self, item: Article) -> datetime:
        # Articles carry a date only; undated ones fall back to when they were recorded.
        if item.published_on:
            return timezone.make_aware(datetime.combine(item.published_on, time(12)))
        return item.created_at

    def item_updateddate(self, item: Article) -> datetime:
        return item.updated_at
