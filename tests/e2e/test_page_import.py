"""An Editor uploads saved IOM pages in the admin, reads the preview (each field's old → new value, the labels the
importer does not know) in their own language, on a phone and on a desktop, and then imports them."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.contrib.auth.models import Group

from projects.models import Project
from registry.roles import EDITORS
from tests.e2e.conftest import TIMEOUT_MS
from tests.factories import ProjectFactory, UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PASSWORD = "correct-horse-battery-staple"
PAGES = Path(__file__).resolve().parents[2] / "samples" / "pages"
VIEWPORTS = {"phone": {"width": 375, "height": 812}, "desktop": {"width": 1280, "height": 900}}
WORDS = {
    "en": {"preview": "Preview: what the import would do", "unknown": "Labels the importer does not know"},
    "es": {"preview": "Vista previa", "unknown": "Etiquetas que el importador no conoce"},
}


@pytest.mark.parametrize("language", ["es", "en"])
@pytest.mark.parametrize("device", ["phone", "desktop"])
def test_editor_previews_then_imports_pages_in_their_language(live_site, browser, screenshot, language, device):
    editor = UserFactory(username=f"editor-{language}-{device}", is_staff=True)
    editor.groups.add(Group.objects.get(name=EDITORS))
    ProjectFactory(  # an English title, as the English page it was imported from
        projects_id="PX.0301",
        prima_id="GT10P0731",
        title="",
        title_en="Information points (draft)",
        slug="information-points",
        status="pipeline",
    )
    context = browser.new_context(viewport=VIEWPORTS[device], locale="es-MX" if language == "es" else "en-US")
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    try:
        page.goto(f"{live_site}/admin/login/?next=/admin/")
        page.fill("#id_username", editor.username)
        page.fill("#id_password", PASSWORD)
        page.click("input[type=submit]")
        page.wait_for_url(re.compile(r"/admin/$"))

        page.goto(f"{live_site}/admin/projects/project/")
        page.locator("a[href$='/admin/import-pages/']").first.click()
        page.wait_for_url(re.compile(r"/admin/import-pages/$"))
        page.set_input_files("#id_pages", [str(PAGES / "project_labelled.txt"), str(PAGES / "news_es.txt")])
        assert page.is_checked("#id_dry_run")
        page.locator("form[enctype] input[type=submit]").click()
        page.wait_for_selector("#import-report")
        report = page.inner_text("#content-main")
        assert WORDS[language]["preview"] in report
        assert WORDS[language]["unknown"] in report
        assert "Information points (draft)" in page.inner_text("#import-report del >> nth=0")
        screenshot(page, f"import-preview-{language}")
        assert Project.objects.get(projects_id="PX.0301").title == "Information points (draft)"

        page.locator(
            "input[name=payload] + div input[type=submit], form:has(input[name=payload]) [type=submit]"
        ).first.click()
        page.wait_for_selector("ul.messagelist li.success")
        assert Project.objects.get(projects_id="PX.0301").title.startswith("Safer Routes")
    finally:
        context.close()
