from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView

from config import health, pwa
from config.api import ApiDocsView, ApiRedocView
from config.page_upload import import_pages_view
from config.sitemaps import sitemaps

urlpatterns = [
    # Before the admin's own URLs: a staff screen that writes projects, articles and registry records at once.
    path("admin/import-pages/", admin.site.admin_view(import_pages_view), name="import_pages"),
    path("admin/", admin.site.urls),
    # Outside i18n_patterns: balancers and the benchmark need fixed, unprefixed, unredirected URLs.
    path("healthz", health.healthz, name="healthz"),
    path("healthz/baseline", health.baseline, name="baseline"),
    # The service worker's scope is the folder it is served from: the root, so it covers every page.
    path("sw.js", pwa.service_worker, name="service_worker"),
    path("manifest.webmanifest", pwa.manifest, name="web_manifest"),
    path("sitemap.xml", sitemap, {"sitemaps": sitemaps}, name="django.contrib.sitemaps.views.sitemap"),
    # The API keeps one URL per resource whatever the language, so it stays outside i18n_patterns.
    path("api/v1/", include("config.api")),
    # Open Referral HSDS 3.1 for directory tools: the shelters as services (registry.hsds).
    path("api/hsds/", include("registry.hsds.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", ApiDocsView.as_view(url_name="api-schema"), name="api-docs"),
    path("api/redoc/", ApiRedocView.as_view(url_name="api-schema"), name="api-redoc"),
]

# The public site: /es/... and /en/...; "/" redirects by the visitor's Accept-Language (LocaleMiddleware).
urlpatterns += i18n_patterns(
    path("", include("config.pages")),
    path("", include("registry.urls")),
    path("", include("projects.urls")),
    path("", include("news.urls")),
    prefix_default_language=True,
)

handler500 = "config.errors.server_error"
