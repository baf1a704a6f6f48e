"""HSDS paths as HSDS writes them (`/services`, `/services/{id}`), with or without a trailing slash."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from registry.hsds.views import (
    HsdsRootView,
    LocationViewSet,
    OrganizationViewSet,
    ServiceAtLocationViewSet,
    ServiceViewSet,
)

app_name = "hsds"


class Router(SimpleRouter):
    include_format_suffixes = False

    def __init__(self) -> None:
        super().__init__()
        self.trailing_slash = "/?"  # the constructor only knows "/" or nothing


router = Router()
router.register("services", ServiceViewSet, basename="service")
router.register("organizations", OrganizationViewSet, basename="organization")
router.register("locations", LocationViewSet, basename="location")
router.register("service_at_locations", ServiceAtLocationViewSet, basename="service-at-location")

urlpatterns = [path("", HsdsRootView.as_view(), name="root"), *router.urls]
