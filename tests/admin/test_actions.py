"""Shelter actions: mark verified today, close (with confirmation), export the selection."""

from datetime import date, timedelta
from http import HTTPStatus

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.urls import reverse
from django.utils import timezone

from registry import services
from registry.models import Shelter, ShelterStatus
from tests.factories import ShelterFactory

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:registry_shelter_changelist")


def run_action(client, action: str, shelters, **extra):
    return client.post(CHANGELIST, {"action": action, ACTION_CHECKBOX_NAME: [s.pk for s in shelters], **extra})


def test_mark_verified_sets_today_bumps_version_and_records_why(staff_client, staff_user):
    stale, other, untouched = ShelterFactory(last_verified=date(2020, 1, 1)), ShelterFactory(), ShelterFactory()
    response = run_action(staff_client, "mark_verified", [stale, other])
    assert response.status_code == HTTPStatus.FOUND
    today = timezone.localdate()
    for shelter in (stale, other):
        shelter.refresh_from_db()
        assert (shelter.last_verified, shelter.version) == (today, 2)
        record = shelter.history.latest()
        assert record.history_change_reason == f"Marked verified on {today}"
        assert record.history_user == staff_user
    untouched.refresh_from_db()
    assert (untouched.last_verified, untouched.version) == (None, 1)


def test_mark_verified_twice_the_same_day_adds_no_history(staff_user):
    shelter = ShelterFactory()
    assert len(services.shelter_mark_verified(shelters=[shelter], user=staff_user)) == 1
    records = shelter.history.count()
    assert services.shelter_mark_verified(shelters=Shelter.objects.all(), user=staff_user) == []
    assert shelter.history.count() == records


def test_mark_verified_on_a_given_day(staff_user):
    shelter = ShelterFactory()
    day = timezone.localdate() - timedelta(days=3)
    services.shelter_mark_verified(shelters=[shelter], user=staff_user, on=day)
    shelter.refresh_from_db()
    assert shelter.last_verified == day


def test_close_asks_for_confirmation_first(staff_client):
    shelter = ShelterFactory()
    response = run_action(staff_client, "close_shelters", [shelter])
    assert response.status_code == HTTPStatus.OK
    assert "admin/registry/shelter/close_confirmation.html" in [t.name for t in response.templates]
    assert shelter.name in response.content.decode()
    shelter.refresh_from_db()
    assert shelter.status == ShelterStatus.ACTIVE


def test_close_after_confirmation_keeps_the_reason_in_history(staff_client):
    open_, closed_already = ShelterFactory(), ShelterFactory(status=ShelterStatus.CLOSED)
    response = run_action(
        staff_client, "close_shelters", [open_, closed_already], post="yes", reason="Building condemned"
    )
    assert response.status_code == HTTPStatus.FOUND
    open_.refresh_from_db()
    closed_already.refresh_from_db()
    assert (open_.status, open_.version) == (ShelterStatus.CLOSED, 2)
    assert open_.history.latest().history_change_reason == "Closed: Building condemned"
    assert closed_already.version == 1  # already closed: left alone


def test_export_selected_shelters_as_csv(staff_client):
    chosen, other = ShelterFactory(name="Casa del Migrante"), ShelterFactory(name="Otro albergue")
    form = run_action(staff_client, "export_admin_action", [chosen])
    assert form.status_code == HTTPStatus.OK
    export_url = reverse("admin:registry_shelter_export")
    response = staff_client.post(
        export_url, {"format": "0", "export_items": [chosen.pk], "resource": "0", **_all_fields(form)}
    )
    assert response.status_code == HTTPStatus.OK
    assert response["Content-Type"].startswith("text/csv")
    body = response.content.decode("utf-8-sig")
    header, *rows = body.strip().splitlines()
    assert header.startswith("slug,name,state,")
    assert len(rows) == 1 and rows[0].startswith(f"{chosen.slug},Casa del Migrante,MX-CHP,")
    assert other.slug not in body


def _all_fields(form_response) -> dict[str, str]:
    """Tick every field checkbox the export form offers (the library lets staff pick columns)."""
    form = form_response.context["form"]
    return {name: "on" for name in form.fields if name.startswith("shelterresource_")}
