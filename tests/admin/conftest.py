"""Staff users in each role, and a small registry to look at."""

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from django.utils import translation

from registry.roles import EDITORS, VIEWERS
from tests.factories import UserFactory


def client_for(user) -> Client:
    # The admin follows the browser's language (Spanish by default); these tests read its English messages.
    client = Client(headers={"Accept-Language": "en"})
    client.force_login(user)
    return client


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def staff_client(staff_user) -> Client:
    return client_for(staff_user)


@pytest.fixture
def editor(db):
    user = UserFactory(username="editor", is_staff=True)
    user.groups.add(Group.objects.get(name=EDITORS))
    return user


@pytest.fixture
def viewer(db):
    user = UserFactory(username="viewer", is_staff=True)
    user.groups.add(Group.objects.get(name=VIEWERS))
    return user


@pytest.fixture
def editor_client(editor) -> Client:
    return client_for(editor)


@pytest.fixture
def viewer_client(viewer) -> Client:
    return client_for(viewer)
