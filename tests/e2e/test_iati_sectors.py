"""Staff give a thematic area its OECD DAC sector in the admin, in a real browser (Spanish admin, phone and desktop
widths), and the IATI export then reports it; a code that is not five digits is refused with a clear message."""

from __future__ import annotations

import re

import pytest
from lxml import etree

from projects.models import ThematicArea
from tests.factories import ProjectFactory, ThematicAreaFactory, UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PASSWORD = "correct-horse-battery-staple"


@pytest.mark.parametrize("width", [375, 1280])
def test_staff_set_a_dac_sector_that_the_iati_export_reports(live_site, browser, screenshot, width):
    UserFactory(username="admin-e2e", is_staff=True, is_superuser=True)
    area = ThematicAreaFactory(slug="protection", name_en="Protection", name_es="Protección", dac_sector="")
    ProjectFactory(title="Protection project", thematic_areas=[area])
    context = browser.new_context(viewport={"width": width, "height": 900}, locale="es-MX")
    page = context.new_page()
    page.goto(f"{live_site}/admin/login/?next=/admin/")
    page.fill("#id_username", "admin-e2e")
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url(re.compile(r"/admin/$"))

    page.goto(f"{live_site}/admin/projects/thematicarea/{area.pk}/change/")
    page.fill("#id_dac_sector", "1519")
    page.click("input[name=_continue]")
    error = page.locator(".errorlist").first.inner_text()
    assert "5 dígitos" in error, error
    screenshot(page, "iati-dac-sector-refused")
    page.fill("#id_dac_sector", "15190")
    page.click("input[name=_continue]")
    page.wait_for_selector("ul.messagelist li.success")
    screenshot(page, "iati-dac-sector-saved")

    page.goto(f"{live_site}/admin/projects/thematicarea/")
    assert "15190" in page.locator("#result_list").inner_text()
    screenshot(page, "iati-dac-sector-list")
    tree = etree.fromstring(page.request.get(f"{live_site}/api/v1/projects/?format=iati").body())
    context.close()

    assert ThematicArea.objects.get(pk=area.pk).dac_sector == "15190"
    sectors = {(s.get("vocabulary"), s.get("code")) for s in tree.iter("sector")}
    assert sectors == {("99", "protection"), ("1", "15190")}
