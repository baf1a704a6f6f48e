"""Without signal: the service worker keeps visited pages and the list of every public shelter (375 px)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from registry.visibility import LocationVisibility
from tests.factories import ShelterFactory, state

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_visited_pages_and_the_shelter_list_open_offline(live_site, browser, screenshot):
    visited = ShelterFactory(name="Albergue Visitado", state=state("MX-CHP"), phone="+52 962 123 4567")
    ShelterFactory(name="Casa Nunca Abierta", state=state("MX-SON"), municipality="Nogales")
    ShelterFactory(
        name="Refugio Confidencial",
        state=state("MX-BCN"),
        municipality="Villa Escondida",
        address="Callejón Reservado 417",
        latitude=Decimal("32.531987"),
        longitude=Decimal("-117.019753"),
        location_visibility=LocationVisibility.HIDDEN,
    )
    context = browser.new_context(viewport={"width": 375, "height": 812}, locale="es-MX")
    page = context.new_page()
    page.goto(f"{live_site}/es/")
    page.evaluate("async () => { await navigator.serviceWorker.ready; }")
    page.reload()  # now the worker controls the page
    assert page.evaluate("navigator.serviceWorker.controller !== null")
    page.goto(f"{live_site}/es/shelters/{visited.slug}/")  # through the worker: kept
    assert page.locator("#offline-notice").is_hidden()

    context.set_offline(True)
    page.goto(f"{live_site}/es/shelters/{visited.slug}/")
    assert page.locator("h1").inner_text() == "Albergue Visitado"
    assert page.locator("#offline-notice").is_visible()
    screenshot(page, "safety-offline-visited")

    page.goto(f"{live_site}/es/shelters/?state=MX-SON")  # never opened: the saved list of every shelter
    assert page.locator("h1").inner_text() == "Todos los albergues, para usar sin señal"
    listed = " ".join(page.locator(".offline-list").all_inner_texts())
    assert "Casa Nunca Abierta" in listed and "Nogales" in listed and "+52 962 123 4567" in listed
    assert "Refugio Confidencial" in listed and "Villa Escondida" not in listed and "Reservado" not in listed
    assert page.locator("#offline-notice").is_visible()
    screenshot(page, "safety-offline-list")
    context.close()
