"""An Editor, in a real browser, adds a shelter with an agreement and a support item and finds it on the public site.

Uses the shared fixtures of tests/e2e/conftest.py (`live_site`, `page`; skipped when /usr/bin/chromium is absent).
"""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import Group

from registry.models import Shelter
from registry.roles import EDITORS
from tests.factories import DonorFactory, UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PASSWORD = "correct-horse-battery-staple"


def choose(page, field_id: str, search: str, option: str) -> None:
    """Pick `option` in the admin's autocomplete (select2) widget for `field_id`."""
    page.locator(f"#{field_id}").locator("xpath=following-sibling::span[contains(@class, 'select2')]").first.click()
    page.locator(".select2-container--open .select2-search__field").fill(search)
    page.locator(".select2-results__option", has_text=option).first.click()


def test_editor_adds_shelter_agreement_and_support_item_then_sees_them_public(live_site, page, screenshot):
    editor = UserFactory(username="editor-e2e", is_staff=True)
    editor.groups.add(Group.objects.get(name=EDITORS))
    DonorFactory(name="Bureau of Population, Refugees and Migration", acronym="PRM")

    page.goto(f"{live_site}/admin/login/?next=/admin/")
    page.fill("#id_username", editor.username)
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url(re.compile(r"/admin/$"))

    # the shelter and, in the inline, its agreement
    page.goto(f"{live_site}/admin/registry/shelter/add/")
    page.locator("#id_name").press_sequentially("Albergue Prueba Navegador")
    assert page.input_value("#id_slug") == "albergue-prueba-navegador"  # prepopulated as the name is typed
    choose(page, "id_state", "Chiap", "Chiapas")
    page.fill("#id_municipality", "Tapachula")
    page.locator("#agreements-group .add-row a").click()
    page.fill("#id_agreements-0-reference", "PRM-3-albergue-prueba-navegador")
    choose(page, "id_agreements-0-donor", "PRM", "PRM")
    page.fill("#id_agreements-0-programme_phase", "3")
    page.fill("#id_agreements-0-programme_year", "2024")
    page.click("input[name=_continue]")
    page.wait_for_selector("ul.messagelist li.success")
    shelter = Shelter.objects.get(slug="albergue-prueba-navegador")
    agreement = shelter.agreements.get()

    # the support item, in the agreement's own page (reached from the inline's change link)
    page.locator(f"a.inlinechangelink[href*='/cooperationagreement/{agreement.pk}/']").click()
    page.wait_for_url(re.compile(rf"/cooperationagreement/{agreement.pk}/change/"))
    page.select_option("#id_items-0-category", "hygiene")
    page.fill("#id_items-0-description_es", "Kits de higiene para familias")
    page.fill("#id_items-0-description_en", "Hygiene kits for families")
    page.fill("#id_items-0-quantity", "150")
    page.fill("#id_items-0-unit_es", "kits")
    page.click("input[name=_save]")
    page.wait_for_selector("ul.messagelist li.success")
    screenshot(page, "admin-agreement-saved")
    item = agreement.items.get()
    assert (item.description_es, item.description_en) == ("Kits de higiene para familias", "Hygiene kits for families")

    # the public page shows all of it
    page.goto(f"{live_site}/es/shelters/albergue-prueba-navegador/")
    assert page.locator("h1").inner_text().strip() == "Albergue Prueba Navegador"
    section = page.locator("#agreements-heading").locator("xpath=..")
    assert "PRM-3-albergue-prueba-navegador" in section.inner_text()
    assert "Kits de higiene para familias" in section.inner_text()  # the Spanish page, the Spanish text
    screenshot(page, "public-shelter-from-admin")
    assert not [e for e in page.console_errors if "Content Security Policy" in e]  # type: ignore[attr-defined]
