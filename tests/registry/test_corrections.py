"""The public correction form and the staff moderation queue."""

from datetime import date
from http import HTTPStatus

import pytest
from django.contrib.auth.models import Permission
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import translation

from registry.models import CorrectionReport, CorrectionStatus
from tests.factories import ShelterFactory, UserFactory

pytestmark = pytest.mark.django_db

GOOD = {"message": "El teléfono cambió: ahora es 962 000 0000.", "contact": "ana@example.org", "website": ""}


@pytest.fixture
def shelter():
    return ShelterFactory(name="Albergue Belén", last_verified=date(2024, 1, 1))


def form_url(shelter) -> str:
    return reverse("shelter_correction", kwargs={"slug": shelter.slug})


def test_every_shelter_page_invites_corrections(client, shelter):
    with translation.override("es"):
        page = client.get(shelter.get_absolute_url()).content.decode()
        assert "¿Información incorrecta? Avísenos" in page
        assert form_url(shelter) in page


def test_a_visitor_reports_a_correction_and_staff_are_emailed(
    client, shelter, empty_cache, mailoutbox, django_capture_on_commit_callbacks
):
    editor = UserFactory(username="editor", is_staff=True, email="editor@example.org")
    editor.user_permissions.add(Permission.objects.get(codename="change_correctionreport"))
    UserFactory(username="other", is_staff=True, email="other@example.org")  # may not decide reports
    assert "csrfmiddlewaretoken" in client.get(form_url(shelter)).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(form_url(shelter), GOOD, follow=True)
    assert response.redirect_chain[-1][0] == shelter.get_absolute_url()
    report = CorrectionReport.objects.get()
    assert (report.shelter, report.status, report.contact) == (shelter, CorrectionStatus.NEW, "ana@example.org")
    assert "Gracias" in response.content.decode() or "Thank you" in response.content.decode()
    assert [m.to for m in mailoutbox] == [["editor@example.org"]]
    assert "962 000 0000" in mailoutbox[0].body
    assert f"/admin/registry/correctionreport/{report.pk}/" in mailoutbox[0].body


@override_settings(CORRECTION_REPORT_RECIPIENTS=["queue@example.org"])
def test_configured_recipients_win(client, shelter, empty_cache, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(form_url(shelter), GOOD)
    assert [m.to for m in mailoutbox] == [["queue@example.org"]]


def test_bad_input_keeps_what_was_typed(client, shelter, empty_cache):
    response = client.post(form_url(shelter), {**GOOD, "message": "mal"}, HTTP_ACCEPT_LANGUAGE="es")
    page = response.content.decode()
    assert response.status_code == HTTPStatus.OK
    assert "al menos 10 caracteres" in page or "at least 10 characters" in page
    assert "\nmal</textarea>" in page and 'value="ana@example.org"' in page
    assert not CorrectionReport.objects.exists()


def test_the_honeypot_thanks_bots_and_keeps_nothing(client, shelter, empty_cache):
    response = client.post(form_url(shelter), {**GOOD, "website": "http://spam.example"})
    assert response.status_code == HTTPStatus.FOUND
    assert not CorrectionReport.objects.exists()


@override_settings(CORRECTION_REPORT_RATE="3/hour")
def test_reports_are_rate_limited_per_client(shelter, empty_cache):
    first, second = Client(REMOTE_ADDR="203.0.113.7"), Client(REMOTE_ADDR="203.0.113.8")
    codes = [first.post(form_url(shelter), GOOD).status_code for _ in range(4)]
    assert codes == [HTTPStatus.FOUND] * 3 + [HTTPStatus.TOO_MANY_REQUESTS]
    refused = first.post(form_url(shelter), GOOD)
    assert "try again later" in refused.content.decode() or "más tarde" in refused.content.decode()
    assert GOOD["message"] in refused.content.decode()  # the text is kept for later
    assert second.post(form_url(shelter), GOOD).status_code == HTTPStatus.FOUND  # another client is not held up
    assert CorrectionReport.objects.count() == 4


def test_the_form_needs_its_csrf_token(shelter, empty_cache):
    strict = Client(enforce_csrf_checks=True)
    assert strict.post(form_url(shelter), GOOD).status_code == HTTPStatus.FORBIDDEN
    assert not CorrectionReport.objects.exists()


def test_unknown_shelter_is_404(client):
    assert client.get("/es/shelters/no-such-shelter/correction/").status_code == HTTPStatus.NOT_FOUND


def test_staff_accept_a_report_and_mark_the_shelter_verified(staff_client, staff_user, shelter):
    report = CorrectionReport.objects.create(shelter=shelter, message="La dirección es otra, calle 5.")
    other = CorrectionReport.objects.create(shelter=shelter, message="Ya no reciben familias, solo hombres.")
    queue = staff_client.get(reverse("admin:registry_correctionreport_changelist")).content.decode()
    assert "La dirección es otra" in queue
    shelter_page = staff_client.get(reverse("admin:registry_shelter_change", args=[shelter.pk])).content.decode()
    assert "Ya no reciben familias" in shelter_page  # the reports show on the shelter's admin page
    changelist = reverse("admin:registry_correctionreport_changelist")
    staff_client.post(changelist, {"action": "accept_and_verify", "_selected_action": [report.pk]})
    staff_client.post(changelist, {"action": "reject", "_selected_action": [other.pk]})
    report.refresh_from_db()
    other.refresh_from_db()
    shelter.refresh_from_db()
    assert (report.status, report.decided_by, other.status) == ("accepted", staff_user, "rejected")
    assert report.decided_at is not None and shelter.last_verified == date.today()
