"""News articles about the programme, linked to the states, shelters and projects they concern."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from projects.models import Project
from registry.localized import every_language
from registry.models import Shelter, State, VersionedModel, one_language_required


class ArticleQuerySet(models.QuerySet["Article"]):
    def in_region(self, region: str) -> ArticleQuerySet:
        # A semi-join (IN) rather than a join + DISTINCT: no duplicate rows to sort away, and the default order's
        # index can still serve the first page.
        linked = self.model.states.through.objects.filter(state__region=region).values("article_id")
        return self.filter(pk__in=linked)

    def for_list(self) -> ArticleQuerySet:
        return self.prefetch_related("states")

    def for_links(self) -> ArticleQuerySet:
        """What a link to an article shows (its title in either language, its date): not the bodies."""
        return self.only("slug", "published_on", *every_language("title"))

    def for_detail(self) -> ArticleQuerySet:
        return self.prefetch_related(
            "states",
            models.Prefetch("shelters", queryset=Shelter.objects.public().select_related("state")),
            "projects",
        )


class ArticleManager(models.Manager.from_queryset(ArticleQuerySet)):  # type: ignore[misc]
    def get_by_natural_key(self, slug: str) -> Article:
        return self.get(slug=slug)


class ArticleLanguage(models.TextChoices):
    SPANISH = "es", _("Spanish")
    ENGLISH = "en", _("English")


class Article(VersionedModel):
    title = models.CharField(_("title"), max_length=300, blank=True, default="")  # one language is enough: see Meta
    slug = models.SlugField(_("slug"), max_length=120, unique=True)
    published_on = models.DateField(_("publication date"), null=True, blank=True, db_index=True)
    summary = models.TextField(_("summary"), blank=True, default="")
    body = models.TextField(_("body"), blank=True, default="")
    source_url = models.URLField(_("source URL"), blank=True)
    press_contact = models.TextField(_("press contact"), blank=True, default="")
    language = models.CharField(
        _("language"),
        max_length=2,
        choices=ArticleLanguage.choices,
        blank=True,
        help_text=_("The language the article was published in."),
    )
    states = models.ManyToManyField(State, blank=True, related_name="articles", verbose_name=_("states"))
    shelters = models.ManyToManyField(Shelter, blank=True, related_name="articles", verbose_name=_("shelters"))
    projects = models.ManyToManyField(Project, blank=True, related_name="articles", verbose_name=_("projects"))

    # history: registered in news/translation.py, after the translated fields exist
    objects = ArticleManager()

    class Meta:
        # Undated articles (some sources give no date) sort after dated ones; the id makes the order total, so
        # that pages neither repeat nor skip an article. PostgreSQL reads it from an index per language (the
        # title is the page language's: news/migrations/0008; SQLite cannot index NULLS LAST).
        ordering = [models.F("published_on").desc(nulls_last=True), "title", "id"]
        verbose_name = _("news article")
        verbose_name_plural = _("news articles")
        constraints = [
            one_language_required(
                "title", label="article", message=_("Write the title in Spanish, in English or in both.")
            ),
            models.CheckConstraint(
                condition=Q(language__in=["", *ArticleLanguage.values]),
                name="article_language_valid",
                violation_error_message=_("The language must be Spanish, English or left empty."),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("article_detail", kwargs={"slug": self.slug})

    def natural_key(self) -> tuple[str]:
        return (self.slug,)
