"""The one DRF router: every API resource under /api/v1/ (mounted in config/urls.py, outside the language prefix)."""

from csp.constants import SELF
from csp.decorators import csp_update
from django.urls import path
from django.utils.decorators import method_decorator
from drf_spectacular.views import SpectacularRedocView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from news.api import ArticleViewSet
from projects.api import ProjectViewSet, ThematicAreaViewSet
from registry.api import AgreementViewSet, DonorViewSet, ShelterViewSet, StateViewSet
from registry.rest.tokens import StaffAuthTokenView

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


# --- documentation pages ----------------------------------------------------------------------------------------

# Swagger UI and ReDoc come from drf-spectacular-sidecar (served locally). Their scripts are files ('self'; the
# Swagger UI set-up script too, with the split view), but both style the page inline and ReDoc runs a blob: worker.
DOCS_CSP = {"style-src": [SELF, "'unsafe-inline'"], "worker-src": [SELF, "blob:"]}


@method_decorator(csp_update(DOCS_CSP), name="get")
class ApiDocsView(SpectacularSwaggerSplitView):
    """Swagger UI at /api/docs/."""


@method_decorator(csp_update(DOCS_CSP), name="get")
class ApiRedocView(SpectacularRedocView):
    """ReDoc at /api/redoc/."""
