"""Editors add and change the registry but delete nothing and manage no users; Viewers only look. In the admin and
through the API."""

from http import HTTPStatus

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.management import CommandError, call_command
from django.urls import reverse
from rest_framework.test import APIClient

from registry.models import Shelter
from registry.roles import (
    EDITED_MODELS,
    EDITORS,
    MODERATED_MODELS,
    REFERENCE_MODELS,
    VIEWERS,
    role_permission_names,
)
from tests.admin.conftest import client_for
from tests.admin.forms import admin_form_data
from tests.factories import ArticleFactory, CooperationAgreementFactory, ShelterFactory, UserFactory, state

pytestmark = pytest.mark.django_db


def group_permissions(name: str) -> set[str]:
    group = Group.objects.get(name=name)
    return {f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.select_related("content_type")}


def admin_url(model_label: str, view: str, *args) -> str:
    app_label, model_name = model_label.split(".")
    return reverse(f"admin:{app_label}_{model_name}_{view}", args=args)


# --- the groups --------------------------------------------------------------------------------------------------


def test_migrations_create_both_roles_with_exactly_their_permissions():
    editors, viewers = group_permissions(EDITORS), group_permissions(VIEWERS)
    assert "registry.add_shelter" in editors and "news.change_article" in editors
    assert not {p for p in editors if p.split(".")[1].startswith("delete_")}
    assert not {p for p in editors if p.startswith("auth.")}
    assert {"registry.view_state", "registry.view_service"} <= editors
    assert "registry.change_state" not in editors
    assert viewers == {
        f"{label.split('.')[0]}.view_{label.split('.')[1]}"
        for label in EDITED_MODELS + REFERENCE_MODELS + MODERATED_MODELS
    }
    assert editors == role_permission_names(EDITORS)


def test_setup_roles_is_idempotent_and_restores_the_defined_sets(capsys):
    editors = Group.objects.get(name=EDITORS)
    editors.permissions.add(Permission.objects.get(codename="delete_shelter"))
    Group.objects.filter(name=VIEWERS).delete()
    call_command("setup_roles")
    call_command("setup_roles")
    assert group_permissions(EDITORS) == role_permission_names(EDITORS)
    assert group_permissions(VIEWERS) == role_permission_names(VIEWERS)
    assert Group.objects.filter(name__in=[EDITORS, VIEWERS]).count() == 2
    out = capsys.readouterr().out
    assert f"{EDITORS}: {len(role_permission_names(EDITORS))} permissions" in out


def test_setup_roles_fails_clearly_when_permissions_are_missing():
    Permission.objects.filter(codename="view_donor").delete()
    with pytest.raises(CommandError, match="registry.view_donor"):
        call_command("setup_roles")


# --- the admin ---------------------------------------------------------------------------------------------------


@pytest.fixture
def shelter():
    return ShelterFactory(capacity=80)


def test_editor_adds_and_changes_but_cannot_delete(editor_client, shelter):
    assert editor_client.get(admin_url("registry.shelter", "changelist")).status_code == HTTPStatus.OK
    add = admin_form_data(editor_client.get(admin_url("registry.shelter", "add")))
    add.update({"name": "Casa Editor", "slug": "casa-editor", "state": str(state("MX-SON").pk)})
    assert editor_client.post(admin_url("registry.shelter", "add"), add).status_code == HTTPStatus.FOUND
    change = admin_form_data(editor_client.get(admin_url("registry.shelter", "change", shelter.pk)))
    change["capacity"] = "90"
    assert (
        editor_client.post(admin_url("registry.shelter", "change", shelter.pk), change).status_code == HTTPStatus.FOUND
    )
    shelter.refresh_from_db()
    assert shelter.capacity == 90

    delete = admin_url("registry.shelter", "delete", shelter.pk)
    assert editor_client.get(delete).status_code == HTTPStatus.FORBIDDEN
    assert editor_client.post(delete, {"post": "yes"}).status_code == HTTPStatus.FORBIDDEN
    changelist = editor_client.get(admin_url("registry.shelter", "changelist"))
    actions = dict(changelist.context["action_form"].fields["action"].choices)
    assert "delete_selected" not in actions
    assert {"mark_verified", "close_shelters", "export_admin_action"} <= set(actions)
    assert Shelter.objects.filter(pk=shelter.pk).exists()


@pytest.mark.parametrize("label", EDITED_MODELS)
def test_editor_reaches_the_add_form_of_every_edited_model(editor_client, label):
    assert editor_client.get(admin_url(label, "add")).status_code == HTTPStatus.OK


@pytest.mark.parametrize("label", REFERENCE_MODELS)
def test_editor_only_views_reference_data(editor_client, label):
    assert editor_client.get(admin_url(label, "changelist")).status_code == HTTPStatus.OK
    assert editor_client.get(admin_url(label, "add")).status_code == HTTPStatus.FORBIDDEN
    state_page = editor_client.get(admin_url("registry.state", "change", state("MX-CHP").pk))
    assert state_page.status_code == HTTPStatus.OK and not state_page.context["has_change_permission"]


def test_editor_manages_no_users_or_groups(editor_client, editor):
    for url in (
        reverse("admin:auth_user_changelist"),
        reverse("admin:auth_group_changelist"),
        reverse("admin:auth_user_change", args=[editor.pk]),
    ):
        assert editor_client.get(url).status_code == HTTPStatus.FORBIDDEN


def test_editor_may_use_autocomplete_for_states_and_donors(editor_client):
    response = editor_client.get(
        reverse("admin:autocomplete"),
        {"app_label": "registry", "model_name": "shelter", "field_name": "state", "term": "Chia"},
    )
    assert response.status_code == HTTPStatus.OK
    assert [r["text"] for r in response.json()["results"]] == ["Chiapas"]


@pytest.mark.parametrize("label", EDITED_MODELS + REFERENCE_MODELS + MODERATED_MODELS)
def test_viewer_sees_every_list_and_can_add_nothing(viewer_client, label):
    assert viewer_client.get(admin_url(label, "changelist")).status_code == HTTPStatus.OK
    assert viewer_client.get(admin_url(label, "add")).status_code == HTTPStatus.FORBIDDEN


def test_viewer_sees_a_record_and_its_history_but_cannot_change_it(viewer_client, staff_client, shelter):
    url = admin_url("registry.shelter", "change", shelter.pk)
    page = viewer_client.get(url)
    assert page.status_code == HTTPStatus.OK
    assert not page.context["has_change_permission"]
    assert viewer_client.post(url, {"name": "Renamed", "capacity": "1"}).status_code == HTTPStatus.FORBIDDEN
    assert viewer_client.get(admin_url("registry.shelter", "history", shelter.pk)).status_code == HTTPStatus.OK
    revert = reverse("admin:registry_shelter_simple_history", args=[shelter.pk, shelter.history.latest().history_id])
    assert viewer_client.get(revert).status_code == HTTPStatus.OK
    revert_data = dict(admin_form_data(staff_client.get(revert)), name="Reverted by a viewer")
    assert viewer_client.post(revert, revert_data).status_code == HTTPStatus.FORBIDDEN
    assert viewer_client.post(admin_url("registry.shelter", "delete", shelter.pk)).status_code == HTTPStatus.FORBIDDEN
    shelter.refresh_from_db()
    assert (shelter.name, shelter.capacity, shelter.version) == (shelter.name, 80, 1)


def test_viewer_cannot_run_the_shelter_actions(viewer_client, shelter):
    changelist = viewer_client.get(admin_url("registry.shelter", "changelist"))
    actions = dict(changelist.context["action_form"].fields["action"].choices)
    assert "mark_verified" not in actions and "close_shelters" not in actions
    viewer_client.post(
        admin_url("registry.shelter", "changelist"),
        {"action": "close_shelters", "_selected_action": [shelter.pk], "post": "yes"},
    )
    shelter.refresh_from_db()
    assert shelter.status == "active"


def test_staff_without_a_role_sees_nothing():
    client = client_for(UserFactory(username="bare-staff", is_staff=True))
    assert client.get(admin_url("registry.shelter", "changelist")).status_code == HTTPStatus.FORBIDDEN


def test_superuser_may_delete(staff_client, shelter):
    response = staff_client.post(admin_url("registry.shelter", "delete", shelter.pk), {"post": "yes"})
    assert response.status_code == HTTPStatus.FOUND
    assert not Shelter.objects.filter(pk=shelter.pk).exists()


# --- the API -----------------------------------------------------------------------------------------------------


def api_client_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_api_editor_creates_and_updates_but_cannot_delete(editor, shelter):
    client = api_client_for(editor)
    created = client.post("/api/v1/shelters/", {"name": "Casa API", "state": "MX-CHP"}, format="json")
    assert created.status_code == HTTPStatus.CREATED, created.content
    detail = f"/api/v1/shelters/{shelter.slug}/"
    updated = client.patch(detail, {"capacity": 120}, format="json")
    assert updated.status_code == HTTPStatus.OK, updated.content
    assert client.delete(detail).status_code == HTTPStatus.FORBIDDEN
    shelter.refresh_from_db()
    assert (shelter.capacity, shelter.version) == (120, 2)


@pytest.mark.parametrize(
    ("path", "payload"),
    [
        ("/api/v1/agreements/{agreement}/", {"programme_year": 2016}),
        ("/api/v1/news/{article}/", {"summary": "Updated by an editor."}),
    ],
)
def test_api_editor_changes_agreements_and_news(editor, path, payload):
    agreement, article = CooperationAgreementFactory(), ArticleFactory()
    url = path.format(agreement=agreement.reference, article=article.slug)
    response = api_client_for(editor).patch(url, payload, format="json")
    assert response.status_code == HTTPStatus.OK, response.content


def test_api_viewer_reads_but_cannot_write(viewer, shelter):
    client = api_client_for(viewer)
    detail = f"/api/v1/shelters/{shelter.slug}/"
    assert client.get(detail).status_code == HTTPStatus.OK
    assert client.post("/api/v1/shelters/", {"name": "Casa", "state": "MX-CHP"}, format="json").status_code == (
        HTTPStatus.FORBIDDEN
    )
    assert client.patch(detail, {"capacity": 1}, format="json").status_code == HTTPStatus.FORBIDDEN
    assert client.delete(detail).status_code == HTTPStatus.FORBIDDEN
    shelter.refresh_from_db()
    assert (shelter.capacity, shelter.version) == (80, 1)


def test_api_editor_cannot_change_reference_data(editor):
    response = api_client_for(editor).patch("/api/v1/states/MX-CHP/", {"region": "north"}, format="json")
    assert response.status_code in (HTTPStatus.FORBIDDEN, HTTPStatus.METHOD_NOT_ALLOWED)
    assert state("MX-CHP").region == "south"


def test_api_anonymous_reads_only(shelter):
    client = APIClient()
    assert client.get("/api/v1/shelters/").status_code == HTTPStatus.OK
    assert client.patch(f"/api/v1/shelters/{shelter.slug}/", {"capacity": 1}, format="json").status_code in (
        HTTPStatus.UNAUTHORIZED,
        HTTPStatus.FORBIDDEN,
    )


# --- giving a role in the user form ------------------------------------------------------------------------------


def set_groups(client, user, groups) -> object:
    url = admin_url("auth.user", "change", user.pk)
    data = admin_form_data(client.get(url))
    data["groups"] = [str(group.pk) for group in groups]
    # The admin splits dates and times into two inputs.
    joined = user.date_joined.astimezone()
    data.update({"date_joined_0": joined.strftime("%Y-%m-%d"), "date_joined_1": joined.strftime("%H:%M:%S")})
    response = client.post(url, data, follow=True)
    assert response.redirect_chain, response.context["adminform"].form.errors
    return response


def test_giving_the_editors_group_lets_a_colleague_sign_in(staff_client):
    colleague = UserFactory(username="colega", is_staff=False)
    colleague.set_password("una-clave-larga-2026")
    colleague.save()

    response = set_groups(staff_client, colleague, [Group.objects.get(name=EDITORS)])

    shown = [str(message) for message in response.context["messages"]]
    assert "colega can sign in to the admin with the role Editors." in shown
    colleague.refresh_from_db()
    assert colleague.is_staff
    client = client_for(colleague)
    assert client.get(admin_url("registry.shelter", "add")).status_code == HTTPStatus.OK


def test_taking_every_role_away_ends_admin_access_and_says_so(staff_client, viewer):
    response = set_groups(staff_client, viewer, [])

    shown = " ".join(str(message) for message in response.context["messages"])
    assert "viewer has no role, so they cannot sign in to the admin" in shown
    viewer.refresh_from_db()
    assert not viewer.is_staff


def test_the_user_form_says_staff_status_follows_the_role(staff_client, editor):
    form = staff_client.get(admin_url("auth.user", "change", editor.pk)).context["adminform"].form
    assert form.fields["is_staff"].disabled
    assert "Follows the role" in str(form.fields["is_staff"].help_text)


def test_group_permissions_read_as_sentences(staff_client):
    group = Group.objects.get(name=EDITORS)
    form = staff_client.get(admin_url("auth.group", "change", group.pk)).context["adminform"].form
    labels = {label for _value, label in form.fields["permissions"].choices}
    assert "Registry · Shelter: can change" in labels
    assert "Registry · History of shelters: can view" in labels


def test_editor_decides_correction_reports_but_cannot_add_them(editor_client):
    assert editor_client.get(admin_url("registry.correctionreport", "changelist")).status_code == HTTPStatus.OK
    assert editor_client.get(admin_url("registry.correctionreport", "add")).status_code == HTTPStatus.FORBIDDEN
