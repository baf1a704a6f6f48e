"""Staff in a real browser, in Spanish, at 1,280 px: every change form fits; an Editor creates, edits and reverts a
shelter (its services come back), imports a partner's file (a bad row first: nothing written) and exports the list.

Uses the shared fixtures of tests/e2e/conftest.py (`live_site`, `browser`; skipped when /usr/bin/chromium is absent).
"""

from __future__ import annotations

import csv
import io
import re
import shutil
from pathlib import Path

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group

from registry.models import Shelter
from registry.roles import EDITORS
from tests.e2e.conftest import TIMEOUT_MS
from tests.e2e.test_admin_flow import PASSWORD, choose
from tests.factories import (
    ArticleFactory,
    CooperationAgreementFactory,
    ProjectObjectiveFactory,
    ServiceFactory,
    SupportItemFactory,
    UserFactory,
)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

SHOTS = Path(__file__).resolve().parents[2] / "artifacts" / "screenshots"


@pytest.fixture
def spanish_page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="es-MX", accept_downloads=True)
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    yield page
    context.close()


def sign_in(page, live_site: str, user) -> None:
    page.goto(f"{live_site}/admin/login/?next=/admin/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url(re.compile(r"/admin/$"))


def shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}-1280.png"), full_page=True)


def overflow(page) -> int:
    """How far the page is wider than the window (0 when there is no sideways scroll)."""
    return page.evaluate("document.documentElement.scrollWidth - window.innerWidth")


def test_every_admin_change_form_fits_1280px(live_site, spanish_page):
    agreement = CooperationAgreementFactory()
    for category in ("medicines", "hygiene", "training"):
        SupportItemFactory(agreement=agreement, category=category, description=f"Artículo de {category} " * 6)
    ProjectObjectiveFactory()
    ArticleFactory()
    sign_in(spanish_page, live_site, UserFactory(username="jefa", is_staff=True, is_superuser=True))

    too_wide = {}
    for model in admin.site._registry:
        if model._meta.app_label not in ("registry", "projects", "news"):
            continue
        obj = model._default_manager.order_by("pk").first()
        prefix = f"{live_site}/admin/{model._meta.app_label}/{model._meta.model_name}"
        for url in (f"{prefix}/add/", f"{prefix}/{obj.pk}/change/" if obj else None):
            if url is None:
                continue
            spanish_page.goto(url)
            if (extra := overflow(spanish_page)) > 0:
                too_wide[url] = extra
    spanish_page.goto(f"{live_site}/admin/registry/cooperationagreement/{agreement.pk}/change/")
    shot(spanish_page, "admin-agreement-form-es")
    assert not too_wide, too_wide


def test_editor_creates_edits_and_reverts_a_shelter_and_its_services_come_back(live_site, spanish_page):
    ServiceFactory(code="lodging", name_es="Alojamiento", name_en="Lodging")
    ServiceFactory(code="legal-aid", name_es="Asesoría legal", name_en="Legal aid")
    editor = UserFactory(username="editora", is_staff=True)
    editor.groups.add(Group.objects.get(name=EDITORS))
    page = spanish_page
    sign_in(page, live_site, editor)

    page.goto(f"{live_site}/admin/registry/shelter/add/")
    page.locator("#id_name").press_sequentially("Casa Prueba Historial")
    choose(page, "id_state", "Sonora", "Sonora")
    choose(page, "id_services", "Aloja", "Alojamiento")
    page.fill("#id_capacity", "40")
    page.click("input[name=_continue]")
    page.wait_for_selector("ul.messagelist li.success")
    shelter = Shelter.objects.get(slug="casa-prueba-historial")

    # edit: legal aid instead of lodging, and fewer beds
    page.locator("#id_services").locator("xpath=following-sibling::span").locator(
        ".select2-selection__choice__remove"
    ).first.click()
    page.keyboard.press("Escape")
    choose(page, "id_services", "Aseso", "Asesoría legal")
    page.fill("#id_capacity", "25")
    page.click("input[name=_continue]")
    page.wait_for_selector("ul.messagelist li.success")
    assert list(shelter.services.values_list("code", flat=True)) == ["legal-aid"]
    assert shelter.history.count() == 2  # one entry per save

    # revert to the first entry from the history page
    page.goto(f"{live_site}/admin/registry/shelter/{shelter.pk}/history/")
    shot(page, "admin-history-es")
    page.locator("#change-history a[href*='/history/']").last.click()
    page.wait_for_selector("ul.messagelist li.warning")
    assert "no restaura sus convenios de cooperación" in page.locator("ul.messagelist").inner_text()
    shot(page, "admin-revert-es")
    page.click("input[name=_save]")
    page.wait_for_selector("ul.messagelist li.success")
    shelter.refresh_from_db()
    assert shelter.capacity == 40
    assert list(shelter.services.values_list("code", flat=True)) == ["lodging"]


BAD_FILE = "Nombre,Ciudad,Estado,Capacidad\nCasa Norte,Monterrey,Nuevo León,30\nCasa Sur,Mérida,Yucatan,muchas\n"
GOOD_FILE = "Nombre,Ciudad,Estado,Capacidad,Fuente\nCasa Norte,Monterrey,Nuevo León,30,https://example.org/lista\n"


def test_editor_imports_a_partner_file_after_a_bad_one_then_exports_it(live_site, spanish_page, tmp_path):
    editor = UserFactory(username="editora", is_staff=True)
    editor.groups.add(Group.objects.get(name=EDITORS))
    page = spanish_page
    sign_in(page, live_site, editor)

    bad, good = tmp_path / "socio-mal.csv", tmp_path / "socio.csv"
    bad.write_text(BAD_FILE, encoding="utf-8")
    good.write_text(GOOD_FILE, encoding="utf-8")

    page.goto(f"{live_site}/admin/registry/shelter/import/")
    page.set_input_files("#id_import_file", str(bad))
    page.select_option("#id_format", index=1)  # the first option is the "---" prompt
    page.click("input[type=submit]")
    rejected = page.locator("#rejected-rows")
    assert "«muchas» no es un número entero." in rejected.inner_text()
    assert re.search(r"^\s*3\s", rejected.locator("tbody tr").first.inner_text())  # the spreadsheet's row 3
    shot(page, "admin-import-rejected-es")
    assert not Shelter.objects.exists()

    page.set_input_files("#id_import_file", str(good))
    page.select_option("#id_format", index=1)
    page.click("input[type=submit]")
    confirm = page.get_by_role("button", name=re.compile("confirmar importación", re.IGNORECASE))
    confirm.wait_for()
    assert overflow(page) == 0
    shot(page, "admin-import-preview-es")
    confirm.click()
    page.wait_for_selector("ul.messagelist li.success")
    assert "1 registro nuevo" in page.locator("ul.messagelist").inner_text()
    shelter = Shelter.objects.get()
    assert (shelter.slug, shelter.state.iso_code, shelter.source_url) == (
        "casa-norte-nuevo-leon",
        "MX-NLE",
        "https://example.org/lista",
    )

    # export the list as CSV and open it again
    page.goto(f"{live_site}/admin/registry/shelter/export/")
    page.select_option("#id_format", index=1)
    with page.expect_download() as download:
        page.locator("#content form [type=submit]").last.click()
    saved = tmp_path / "export.csv"
    shutil.copy(download.value.path(), saved)
    raw = saved.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    (row,) = csv.DictReader(io.StringIO(raw.decode("utf-8-sig")))
    assert (row["name"], row["state"], row["municipality"]) == ("Casa Norte", "MX-NLE", "Monterrey")
