"""The one DRF router: every API resource under /api/v1/ (mounted in config/urls.py, outside the language prefix)."""

from django.urls import path
from rest_framework.routers import DefaultRouter

from news.api import ArticleViewSet
from projects.api import ProjectViewSet, ThematicAreaViewSet
from registry.api import AgreementViewSet, DonorViewSet, ShelterViewSet, StaffAuthTokenView, StateViewSet

app_name = "api"


class Router(DefaultRouter):
    # No format suffixes (".json"): natural keys such as agreement references may contain dots; ?format= instead.
    include_format_suffixes = False


router = Router()
router.register("states", StateViewSet, basename="state")
router.register("shelters", ShelterViewSet, basename="shelter")
router.register("donors", DonorViewSet, basename="donor")
router.register("agreements", AgreementViewSet, basename="agreement")
router.register("projects", ProjectViewSet, basename="project")
router.register("thematic-areas", ThematicAreaViewSet, basename="thematic-area")
router.register("news", ArticleViewSet, basename="article")

urlpatterns = [
    path("auth/token/", StaffAuthTokenView.as_view(), name="auth-token"),
    *router.urls,
]
