"""CSV/XLSX import and export of news articles (see registry.resources)."""

from __future__ import annotations

from news.models import Article
from projects.models import Project
from registry.models import Shelter, State
from registry.natural_keys import NaturalKeyResource, natural_keys_field


class ArticleResource(NaturalKeyResource):
    states = natural_keys_field("states", State, "iso_code")
    shelters = natural_keys_field("shelters", Shelter, "slug")
    projects = natural_keys_field("projects", Project, "prima_id")

    export_prefetch_related = ("states", "shelters", "projects")

    class Meta:
        model = Article
        import_id_fields = ("slug",)
        fields = (
            "slug",
            "title_es",
            "title_en",
            "language",
            "published_on",
            "summary_es",
            "summary_en",
            "body_es",
            "body_en",
            "source_url",
            "press_contact_es",
            "press_contact_en",
            "states",
            "shelters",
            "projects",
        )
