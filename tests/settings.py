"""Test settings: the real settings module, with the environment a test run needs.

Tests run with DEBUG off (as in production) but over plain HTTP from the test client, with no anonymous
page cache and no throttling unless a test turns them on.
"""

import os

os.environ.setdefault("SECRET_KEY", "tests-only-secret-key-not-for-production-0123456789")
os.environ.setdefault("SECURE", "0")
os.environ.setdefault("ANON_CACHE_SECONDS", "0")
os.environ.setdefault("API_ANON_RATE", "100000/min")
os.environ.setdefault("API_USER_RATE", "100000/min")

from config.settings import *  # noqa: E402,F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # fast user creation in tests
STORAGES["staticfiles"]["BACKEND"] = "django.contrib.staticfiles.storage.StaticFilesStorage"  # noqa: F405
AXES_ENABLED = True
# No collectstatic before tests: WhiteNoise looks files up as requested instead of warning that STATIC_ROOT is missing.
WHITENOISE_AUTOREFRESH = True
if "CACHE_URL" not in os.environ:
    # One process, so local memory: fast, and cleared by tests at will. The production default (files shared by the
    # workers) is exercised by tests/production/test_workers.py.
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "tests"}}
