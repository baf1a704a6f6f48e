"""Who may do what: anonymous, signed-in non-staff, non-staff holding the model permissions, staff without them and
staff with them, by token and by session, times list/read/create/update/delete on every resource."""

from http import HTTPStatus

import pytest
from rest_framework.test import APIClient

from tests.api.conftest import API, RESOURCES, client_for
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

ACTORS = ["anonymous", "user", "user_with_perms", "staff", "staff_with_perms", "staff_with_perms_session"]
WRITE_ALLOWED = {"staff_with_perms", "staff_with_perms_session"}


def make_client(actor: str, resource) -> APIClient:
    if actor == "anonymous":
        return client_for(None)
    perms = resource.perms if "with_perms" in actor else []
    user = UserFactory(username=actor, is_staff=actor.startswith("staff"), permissions=perms)
    return client_for(user, token=not actor.endswith("_session"))


def refused(actor: str) -> int:
    return HTTPStatus.UNAUTHORIZED if actor == "anonymous" else HTTPStatus.FORBIDDEN


@pytest.mark.parametrize("actor", ACTORS)
@pytest.mark.parametrize("name", RESOURCES)
def test_everyone_reads_lists_and_records(name, actor):
    resource = RESOURCES[name]
    obj = resource.make()
    client = make_client(actor, resource)

    listed = client.get(f"{API}/{resource.path}/")
    detail = client.get(f"{API}/{resource.path}/{resource.key(obj)}/")

    assert listed.status_code == HTTPStatus.OK
    assert detail.status_code == HTTPStatus.OK
    assert detail.json()[resource.lookup] == resource.key(obj)


@pytest.mark.parametrize("actor", ACTORS)
@pytest.mark.parametrize("name", RESOURCES)
def test_create_needs_staff_with_add_permission(name, actor):
    resource = RESOURCES[name]
    client = make_client(actor, resource)
    payload = resource.create()
    before = resource.model.objects.count()

    response = client.post(f"{API}/{resource.path}/", payload, format="json")

    if actor in WRITE_ALLOWED:
        assert response.status_code == HTTPStatus.CREATED, response.json()
        assert resource.model.objects.count() == before + 1
        created = response.json()
        for key, value in payload.items():
            if key != "items":
                assert created[key] == value, key
    else:
        assert response.status_code == refused(actor)
        assert "detail" in response.json()
        assert resource.model.objects.count() == before


@pytest.mark.parametrize("method", ["patch", "put"])
@pytest.mark.parametrize("actor", ACTORS)
@pytest.mark.parametrize("name", RESOURCES)
def test_update_needs_staff_with_change_permission(name, actor, method):
    resource = RESOURCES[name]
    obj = resource.make()
    client = make_client(actor, resource)
    url = f"{API}/{resource.path}/{resource.key(obj)}/"
    payload = dict(resource.change)
    if method == "put":
        # A full replacement: the current representation with the change applied.
        payload = {**client_for(None).get(url).json(), **resource.change}

    response = getattr(client, method)(url, payload, format="json")

    obj.refresh_from_db()
    field, value = next(iter(resource.change.items()))
    stored = getattr(obj, field)
    if actor in WRITE_ALLOWED:
        assert response.status_code == HTTPStatus.OK, response.json()
        assert str(stored) == str(value)
        if hasattr(obj, "version"):
            assert obj.version == 2 and response.json()["version"] == 2
    else:
        assert response.status_code == refused(actor)
        assert str(stored) != str(value)


@pytest.mark.parametrize("actor", ACTORS)
@pytest.mark.parametrize("name", RESOURCES)
def test_delete_needs_staff_with_delete_permission(name, actor):
    resource = RESOURCES[name]
    obj = resource.make()
    client = make_client(actor, resource)

    response = client.delete(f"{API}/{resource.path}/{resource.key(obj)}/")

    exists = resource.model.objects.filter(pk=obj.pk).exists()
    if actor in WRITE_ALLOWED:
        assert response.status_code == HTTPStatus.NO_CONTENT
        assert not exists
    else:
        assert response.status_code == refused(actor)
        assert exists


@pytest.mark.parametrize("name", RESOURCES)
def test_staff_holding_only_the_view_permission_cannot_write(name):
    resource = RESOURCES[name]
    obj = resource.make()
    user = UserFactory(is_staff=True, permissions=[resource.perms[0]])
    client = client_for(user, token=True)
    url = f"{API}/{resource.path}/{resource.key(obj)}/"

    assert client.post(f"{API}/{resource.path}/", resource.create(), format="json").status_code == 403
    assert client.patch(url, resource.change, format="json").status_code == 403
    assert client.delete(url).status_code == 403


def test_session_writes_need_the_csrf_token(editor):
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(editor)

    response = client.post(f"{API}/donors/", {"name": "Via browser", "acronym": "VB"}, format="json")

    assert response.status_code == HTTPStatus.FORBIDDEN
    assert "CSRF" in response.json()["detail"]


def test_a_wrong_token_is_refused_even_for_reading():
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token not-a-real-token")

    response = client.get(f"{API}/shelters/")

    assert response.status_code == HTTPStatus.UNAUTHORIZED
    assert response["WWW-Authenticate"] == "Token"


def test_staff_obtain_their_token_and_others_do_not(editor):
    UserFactory(username="volunteer")

    staff = APIClient().post(
        f"{API}/auth/token/", {"username": "editor", "password": "correct-horse-battery-staple"}, format="json"
    )
    volunteer = APIClient().post(
        f"{API}/auth/token/",
        {"username": "volunteer", "password": "correct-horse-battery-staple"},
        format="json",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    wrong = APIClient().post(f"{API}/auth/token/", {"username": "editor", "password": "nope"}, format="json")

    assert staff.status_code == HTTPStatus.OK
    assert staff.json()["token"] == editor.auth_token.key
    assert volunteer.status_code == HTTPStatus.BAD_REQUEST
    assert "staff" in str(volunteer.json()).lower()
    assert wrong.status_code == HTTPStatus.BAD_REQUEST
    assert "token" not in wrong.json()
