from django.test import override_settings

from registry.versioned_cache import data_version


def test_data_version_under_a_cache_that_keeps_nothing():
    # Deployments (and the acceptance checks) may switch caching off with DummyCache.
    with override_settings(CACHES={"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}):
        assert data_version() == 0
