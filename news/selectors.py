"""What an article's page lists beside it: the states, shelters and projects it concerns, in one query."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import ExpressionWrapper, F, IntegerField, Value
from django.db.models.functions import Coalesce
from django.utils.translation import get_language

from news.models import Article
from projects.models import Project
from registry.models import Shelter, State
from registry.selectors import instances, rows_by_kind
from registry.visibility import BLANK, VISIBILITY_FIELD, LocationVisibility, mask_instance


@dataclass(frozen=True)
class ArticleLinks:
    """An article's states, shelters and projects, each in its model's order."""

    states: list[State]
    shelters: list[Shelter]
    projects: list[Project]


COLUMNS = ["rank", "sort", "link_id", "link_slug", "link_name", "link_name_en", "link_state_id", "link_state"]


def article_links(article: Article) -> ArticleLinks:
    """The three lists of an article's page in one query rather than one prefetch each (registry.selectors.
    rows_by_kind). A shelter's row holds its name, slug and state's name: nothing of its location is read, and
    its instance says so (every location field blank, as a public queryset would leave an unpublished one)."""
    title = f"project__title_{get_language() or 'es'}"  # the column Project's order uses (django-modeltranslation)
    parts = {
        "states": Article.states.through.objects.filter(article=article).annotate(
            rank=Value(0),
            sort=F("state__name"),
            link_id=F("state_id"),
            link_slug=F("state__slug"),
            link_name=F("state__name"),
            link_name_en=Value(""),
            link_state_id=Value(0),
            link_state=Value(""),
        ),
        "shelters": Article.shelters.through.objects.filter(article=article).annotate(
            rank=Value(0),
            sort=F("shelter__name"),
            link_id=F("shelter_id"),
            link_slug=F("shelter__slug"),
            link_name=F("shelter__name"),
            link_name_en=Value(""),
            link_state_id=F("shelter__state_id"),
            link_state=F("shelter__state__name"),
        ),
        # Latest start year first, undated last (Coalesce: NULLs sort differently in SQLite), then the title.
        "projects": Article.projects.through.objects.filter(article=article).annotate(
            rank=Coalesce(ExpressionWrapper(-F("project__start_year"), output_field=IntegerField()), Value(0)),
            sort=F(title),
            link_id=F("project_id"),
            link_slug=F("project__slug"),
            link_name=F("project__title_es"),
            link_name_en=F("project__title_en"),
            link_state_id=Value(0),
            link_state=Value(""),
        ),
    }
    rows = rows_by_kind(parts, COLUMNS, order=["rank", "sort", "link_id"])
    shelter_fields = [None, None, "id", "slug", "name", None, None, None, *BLANK, VISIBILITY_FIELD]
    unpublished = [*BLANK.values(), LocationVisibility.HIDDEN]
    shelters = instances(Shelter, shelter_fields, [[*row, *unpublished] for row in rows["shelters"]])
    states = instances(State, [None, None, None, None, None, None, "id", "name"], rows["shelters"])
    for shelter, state in zip(shelters, states, strict=True):
        shelter.state = state
        mask_instance(shelter)
    return ArticleLinks(
        states=instances(State, [None, None, "id", "slug", "name"], rows["states"]),
        shelters=shelters,
        projects=instances(Project, [None, None, "id", "slug", "title_es", "title_en"], rows["projects"]),
    )
