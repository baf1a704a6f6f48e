"""Ready clients, shared objects and helpers for every test."""

import pytest
from django.conf import settings
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils import translation
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from tests.factories import UserFactory

PASSWORD = "correct-horse-battery-staple"

# Tests of what is kept under the data version (registry.versioned_cache) commit for real: it is only used outside
# transactions. The migrated reference data is restored afterwards.
committed = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture(autouse=True)
def site_language():
    """Every test starts in the site's language (Spanish), as a management command does: a request to an English
    page leaves English active in the thread, and `title=` writes the active language's field."""
    with translation.override(settings.LANGUAGE_CODE):
        yield


@pytest.fixture
def empty_cache():
    """A cache with nothing from earlier tests in it, and nothing left behind."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def staff_user(db):
    return UserFactory(username="staff", is_staff=True, is_superuser=True)


@pytest.fixture
def staff_client(staff_user) -> Client:
    client = Client()
    client.force_login(staff_user)
    return client


@pytest.fixture
def api_client() -> APIClient:
    return APIClient()


@pytest.fixture
def token_client(staff_user) -> APIClient:
    client = APIClient()
    token, _ = Token.objects.get_or_create(user=staff_user)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


def url(name: str, lang: str = "en", **kwargs) -> str:
    """The public page's URL in one language (the site's URLs carry the language prefix)."""
    with translation.override(lang):
        return reverse(name, kwargs=kwargs or None)


def titles(response) -> set[str]:
    """The titles of the records a list page shows."""
    return {record.title for record in response.context["object_list"]}
