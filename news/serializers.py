"""API representations of news articles."""

from __future__ import annotations

from typing import Any

from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers
from rest_framework.validators import UniqueValidator

from news.models import Article
from projects.models import Project
from registry.models import Shelter
from registry.rest.serializers import ApiLinkField, ApiModelSerializer, VersionedUpdateMixin, text_in_any_language
from registry.serializers import StateKeyField


class ArticleListSerializer(ApiModelSerializer):
    url = ApiLinkField("article-detail", "slug")
    states = StateKeyField(many=True, required=False, help_text=_("ISO 3166-2 codes of the states concerned."))

    class Meta:
        model = Article
        fields = ["url", "slug", "title", "published_on", "summary", "source_url", "states", "version", "updated_at"]
        read_only_fields = ["version", "updated_at"]


class ArticleSerializer(VersionedUpdateMixin, ArticleListSerializer):
    """The whole article; also what staff integrations write."""

    slug = serializers.SlugField(
        max_length=120,
        required=False,
        validators=[UniqueValidator(queryset=Article.objects.all())],
        help_text=_("Derived from the title when left out on creation."),
    )
    shelters = serializers.SlugRelatedField(
        many=True,
        slug_field="slug",
        queryset=Shelter.objects.all(),
        required=False,
        help_text=_("Slugs of the shelters concerned."),
    )
    projects = serializers.SlugRelatedField(
        many=True,
        slug_field="prima_id",
        queryset=Project.objects.all(),
        required=False,
        help_text=_("Prima IDs of the projects concerned."),
    )

    class Meta(ArticleListSerializer.Meta):
        fields = [
            *ArticleListSerializer.Meta.fields[:-2],
            "body",
            "press_contact",
            "title_es",
            "title_en",
            "summary_es",
            "summary_en",
            "body_es",
            "body_en",
            "press_contact_es",
            "press_contact_en",
            "language",
            "shelters",
            "projects",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["version", "created_at", "updated_at"]

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if self.instance is None and not attrs.get("slug"):
            attrs["slug"] = slugify(text_in_any_language(attrs, "title"))[:120].strip("-")
            if not attrs["slug"]:
                raise serializers.ValidationError({"slug": _("Give a slug: none can be derived from this title.")})
            if Article.objects.filter(slug=attrs["slug"]).exists():
                raise serializers.ValidationError(
                    {"slug": _("An article with the slug %(slug)s exists; give another slug.") % attrs}
                )
        return attrs
