"""At 375 px, in Spanish: open now per time zone with a frozen clock, and a correction from the form to the admin."""

from __future__ import annotations

import re
from datetime import datetime, time

import pytest
import time_machine
from axe_playwright_python.sync_playwright import Axe
from django.core.cache import cache

from registry.models import CorrectionReport
from tests.conftest import PASSWORD
from tests.factories import OpeningHoursFactory, ShelterFactory, UserFactory, state

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

PHONE = {"width": 375, "height": 812}


def serious_problems(page) -> list[str]:
    return [
        f"{v['id']}: {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
        for v in Axe().run(page).response["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def test_open_now_follows_each_shelters_time_zone(live_site, page, screenshot):
    # Wednesday 09:00-10:00 local time in three zones; at 15:30 UTC only Chiapas (UTC-6) is inside it.
    for name, iso_code in (
        ("Albergue Tapachula", "MX-CHP"),
        ("Albergue Chetumal", "MX-ROO"),
        ("Casa Tijuana", "MX-BCN"),
    ):
        shelter = ShelterFactory(name=name, state=state(iso_code))
        OpeningHoursFactory(shelter=shelter, weekday=3, opens_at=time(9), closes_at=time(10))
    page.set_viewport_size(PHONE)
    with time_machine.travel(datetime.fromisoformat("2026-01-14T15:30:00+00:00"), tick=True):
        page.goto(f"{live_site}/es/shelters/")
        cards = {
            card.locator("h3").inner_text().strip(): card.locator(".open-badge").inner_text().strip()
            for card in page.locator(".results .result").all()
        }
        assert cards == {
            "Albergue Tapachula": "Abierto ahora",
            "Albergue Chetumal": "Cerrado ahora",  # 10:30 in Quintana Roo
            "Casa Tijuana": "Cerrado ahora",  # 07:30 in Baja California
        }
        assert serious_problems(page) == []
        screenshot(page, "safety-open-now-list")

        page.goto(f"{live_site}/es/shelters/?open_now=on")
        assert page.locator(".results .result h3").all_inner_texts() == ["Albergue Tapachula"]

        page.goto(f"{live_site}/es/shelters/casa-tijuana/")
        hours = page.locator("table.hours")
        assert "America/Tijuana" in hours.locator("caption").inner_text()
        assert "07:30" in hours.locator("caption").inner_text()
        assert hours.locator("tr.today th").inner_text().startswith("Miércoles")
        assert "09:00–10:00" in hours.locator("tr.today td").inner_text()
        assert serious_problems(page) == []
        overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 0
        screenshot(page, "safety-hours-detail")


def test_a_correction_goes_from_the_form_to_the_admin_queue(live_site, page, screenshot, settings):
    settings.CORRECTION_REPORT_RATE = "2/hour"
    cache.clear()
    shelter = ShelterFactory(name="Albergue Belén", state=state("MX-CHP"))
    page.set_viewport_size(PHONE)
    page.goto(f"{live_site}/es/shelters/{shelter.slug}/")
    page.get_by_role("link", name="Reportar una corrección").click()
    assert serious_problems(page) == []

    # Too short: the message says so and what was typed stays.
    page.get_by_label("¿Qué está mal o desactualizado?").fill("mal")
    page.get_by_label("Su correo o teléfono (opcional)").fill("ana@example.org")
    page.get_by_role("button", name="Enviar el reporte").click()
    assert page.get_by_text("al menos 10 caracteres").is_visible()
    assert page.get_by_label("Su correo o teléfono (opcional)").input_value() == "ana@example.org"
    screenshot(page, "safety-correction-error")

    page.get_by_label("¿Qué está mal o desactualizado?").fill("El teléfono ya no funciona; ahora es 962 111 2233.")
    page.get_by_role("button", name="Enviar el reporte").click()
    page.wait_for_url(re.compile(rf"/es/shelters/{shelter.slug}/$"))
    assert page.get_by_text("Gracias. El personal revisará su reporte").is_visible()
    screenshot(page, "safety-correction-thanks")

    # A bot fills the hidden field: thanked, nothing kept (and it used up the client's second report).
    page.goto(f"{live_site}/es/shelters/{shelter.slug}/correction/")
    page.get_by_label("¿Qué está mal o desactualizado?").fill("Compre relojes baratos en nuestra tienda en línea.")
    page.locator("#id_website").fill("http://spam.example", force=True)
    page.get_by_role("button", name="Enviar el reporte").click()
    page.wait_for_url(re.compile(rf"/es/shelters/{shelter.slug}/$"))
    # Third report from this client within the hour: refused, text kept.
    page.goto(f"{live_site}/es/shelters/{shelter.slug}/correction/")
    page.get_by_label("¿Qué está mal o desactualizado?").fill("Otra corrección más sobre el horario.")
    page.get_by_role("button", name="Enviar el reporte").click()
    assert page.get_by_text("Inténtelo de nuevo más tarde").is_visible()
    assert "Otra corrección" in page.get_by_label("¿Qué está mal o desactualizado?").input_value()
    assert list(CorrectionReport.objects.values_list("message", flat=True)) == [
        "El teléfono ya no funciona; ahora es 962 111 2233."
    ]

    # Staff see it in the queue and accept it, marking the shelter verified.
    staff = UserFactory(username="moderator", is_staff=True, is_superuser=True)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{live_site}/admin/login/?next=/admin/registry/correctionreport/")
    page.fill("#id_username", staff.username)
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url(re.compile(r"/admin/registry/correctionreport/$"))
    assert page.get_by_text("962 111 2233").first.is_visible()
    page.locator("input[name=_selected_action]").first.check()
    page.select_option("select[name=action]", "accept_and_verify")
    page.locator("button[name=index]").click()
    screenshot(page, "safety-correction-queue")
    report = CorrectionReport.objects.get()
    shelter.refresh_from_db()
    assert (report.status, report.decided_by_id) == ("accepted", staff.pk)
    assert shelter.last_verified is not None
