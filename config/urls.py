from django.contrib import admin
from django.urls import path

from config import health

urlpatterns = [
    path("admin/", admin.site.urls),
    # Outside i18n_patterns: balancers and the benchmark need fixed, unprefixed, unredirected URLs.
    path("healthz", health.healthz, name="healthz"),
    path("healthz/baseline", health.baseline, name="baseline"),
]
