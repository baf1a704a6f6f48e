"""API viewset for news articles."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from news.filters import ArticleFilter
from news.models import Article
from news.serializers import ArticleListSerializer, ArticleSerializer
from registry.rest.facets import FacetsMixin
from registry.rest.schema import document, path_key
from registry.rest.viewsets import ApiModelViewSet


@document(
    noun="news article",
    plural="news articles",
    lookup=path_key("slug", str(_("The article's slug."))),
    list_serializer=ArticleListSerializer,
    serializer=ArticleSerializer,
)
class ArticleViewSet(FacetsMixin, ApiModelViewSet):
    """News about the programme, linked to the states, shelters and projects they concern."""

    model = Article
    serializer_class = ArticleSerializer
    list_serializer_class = ArticleListSerializer
    filterset_class = ArticleFilter
    lookup_field = "slug"
    facet_state_path = "states"
