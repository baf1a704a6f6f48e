"""sitemap.xml: every public page in both languages, each entry listing its translations."""

from __future__ import annotations

from django.contrib.sitemaps import Sitemap
from django.db.models import QuerySet
from django.urls import reverse

from news.models import Article
from projects.models import Project
from registry.models import BorderRegion, Shelter, State


class BilingualSitemap(Sitemap):
    i18n = True
    alternates = True
    x_default = True


class PageSitemap(BilingualSitemap):
    changefreq = "daily"
    priority = 0.8

    def items(self) -> list[tuple[str, dict[str, str]]]:
        lists = [(name, {}) for name in ("home", "shelter_list", "project_list", "article_list", "state_list")]
        return lists + [("region_detail", {"region": r}) for r in BorderRegion.values]

    def location(self, item: tuple[str, dict[str, str]]) -> str:
        name, kwargs = item
        return reverse(name, kwargs=kwargs)


class ShelterSitemap(BilingualSitemap):
    changefreq = "weekly"

    def items(self) -> QuerySet[Shelter]:
        return Shelter.objects.public().order_by("slug")

    def lastmod(self, obj: Shelter):
        return obj.updated_at


class ProjectSitemap(ShelterSitemap):
    def items(self) -> QuerySet[Project]:
        return Project.objects.order_by("slug")


class ArticleSitemap(ShelterSitemap):
    def items(self) -> QuerySet[Article]:
        return Article.objects.order_by("slug")


class StateSitemap(ShelterSitemap):
    def items(self) -> QuerySet[State]:
        return State.objects.order_by("slug")


sitemaps = {
    "pages": PageSitemap,
    "shelters": ShelterSitemap,
    "projects": ProjectSitemap,
    "news": ArticleSitemap,
    "states": StateSitemap,
}
