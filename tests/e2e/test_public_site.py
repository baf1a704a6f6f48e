"""The public site in a real browser: filtering, navigation, language switching, accessibility, screenshots."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from axe_playwright_python.sync_playwright import Axe

from tests.factories import (
    ArticleFactory,
    CooperationAgreementFactory,
    ProjectFactory,
    ShelterFactory,
    SupportItemFactory,
    state,
)

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def data(live_site):
    shelters = {
        "chiapas": ShelterFactory(
            name="Albergue Hogar de la Misericordia",
            state=state("MX-CHP"),
            municipality="Arriaga",
            latitude=Decimal("16.235000"),
            longitude=Decimal("-93.899000"),
        ),
        "oaxaca": ShelterFactory(name="Albergue Hermanos en el Camino", state=state("MX-OAX"), municipality="Ixtepec"),
        "sonora": ShelterFactory(name="Casa del Migrante Nogales", state=state("MX-SON"), municipality="Nogales"),
    }
    project = ProjectFactory(title="Support to shelters on the southern border", states=[state("MX-CHP")])
    agreement = CooperationAgreementFactory(shelter=shelters["oaxaca"], project=project)
    SupportItemFactory(agreement=agreement, description="Antibiotics")
    article = ArticleFactory(
        title="IOM signs agreements with shelters", shelters=[shelters["oaxaca"]], states=[state("MX-OAX")]
    )
    return {"base": live_site, "shelters": shelters, "project": project, "article": article}


def result_names(page) -> set[str]:
    return {name.strip() for name in page.locator(".results .result h3").all_inner_texts()}


def test_filter_by_region_then_state_open_a_shelter_and_switch_language(page, data):
    """One visitor's path, in one browser session (each browser test costs a database flush)."""
    page.goto(data["base"] + "/en/shelters/")
    assert result_names(page) == {
        "Albergue Hogar de la Misericordia",
        "Albergue Hermanos en el Camino",
        "Casa del Migrante Nogales",
    }

    page.locator("summary", has_text="Filter and sort").click()
    page.get_by_label("Border region").select_option("south")
    page.get_by_role("button", name="Apply").click()
    page.wait_for_url(re.compile(r"region=south"))
    assert result_names(page) == {"Albergue Hogar de la Misericordia", "Albergue Hermanos en el Camino"}
    assert page.locator(".active-filters").inner_text().count("Southern border") == 1

    page.locator("summary", has_text="Filter and sort").click()
    page.get_by_role("checkbox", name="Chiapas").check()
    page.get_by_role("button", name="Apply").click()
    page.wait_for_url(re.compile(r"state=MX-CHP"))
    assert "region=south" in page.url
    assert result_names(page) == {"Albergue Hogar de la Misericordia"}

    # switching language keeps the page and its filters
    page.get_by_role("navigation", name="Language").get_by_role("link", name="Español").click()
    page.wait_for_url(re.compile(r"/es/shelters/\?.*region=south"))
    assert page.locator("html").get_attribute("lang") == "es"
    assert page.get_by_role("heading", level=1).inner_text() == "Buscar un albergue"
    assert page.get_by_label("Región fronteriza").input_value() == "south"
    assert result_names(page) == {"Albergue Hogar de la Misericordia"}

    # removing one active filter keeps the other
    page.locator(".active-filters a", has_text="Frontera sur").click()
    page.wait_for_url(re.compile(r"/es/shelters/\?state=MX-CHP$"))
    assert result_names(page) == {"Albergue Hogar de la Misericordia"}

    # open the shelter: Leaflet (served locally) makes the map; tiles are refused, the text stays usable
    page.get_by_role("link", name="Albergue Hogar de la Misericordia").click()
    page.wait_for_url(re.compile(r"/es/shelters/albergue-hogar-de-la-misericordia/$"))
    assert page.get_by_role("heading", level=1).inner_text() == "Albergue Hogar de la Misericordia"
    assert page.locator("#shelter-map.leaflet-container").is_visible()
    assert page.get_by_text("16.23500, -93.89900").is_visible()
    assert page.get_by_role("link", name="Abrir en OpenStreetMap").is_visible()
    assert [e for e in page.console_errors if "Content Security Policy" in e] == []

    page.get_by_role("navigation", name="Idioma").get_by_role("link", name="English").click()
    page.wait_for_url(re.compile(r"/en/shelters/albergue-hogar-de-la-misericordia/$"))
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.get_by_role("heading", name="Location").is_visible()


def test_follow_a_news_item_to_its_shelter(page, data):
    page.goto(data["base"] + "/en/")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="News").click()
    page.get_by_role("link", name="IOM signs agreements with shelters").click()
    page.wait_for_url(re.compile(r"/en/news/"))
    page.locator(".related-shelters").get_by_role("link", name="Albergue Hermanos en el Camino").click()
    page.wait_for_url(re.compile(r"/en/shelters/albergue-hermanos-en-el-camino/$"))
    assert page.get_by_role("heading", level=1).inner_text() == "Albergue Hermanos en el Camino"
    assert page.get_by_text("Antibiotics").is_visible()
    assert page.get_by_role("link", name="IOM signs agreements with shelters").is_visible()


def test_accessibility_keyboard_and_screenshots(page, data, screenshot):
    """axe-core finds no serious or critical problem; nothing overflows at 375 px; the skip link works."""
    page.goto(data["base"] + "/en/shelters/")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to main content")
    assert skip.evaluate("el => el === document.activeElement") and skip.is_visible()
    assert skip.evaluate("el => getComputedStyle(el).outlineStyle") != "none"
    page.keyboard.press("Enter")
    assert page.url.endswith("#main")

    axe = Axe()
    pages = {
        "home": "/en/",
        "shelter-list": "/en/shelters/?region=south",
        "shelter-detail": f"/en/shelters/{data['shelters']['chiapas'].slug}/",
        "shelter-detail-agreements": f"/es/shelters/{data['shelters']['oaxaca'].slug}/",
        "project-list": "/en/projects/",
        "project-detail": data["project"].get_absolute_url(),
        "news-detail": data["article"].get_absolute_url(),
        "state-list": "/es/states/",
        "invalid-filter": "/en/shelters/?state=ZZ",
    }
    problems = {}
    for width in (1280, 375):
        page.set_viewport_size({"width": width, "height": 900})
        for name, path in pages.items():
            page.goto(data["base"] + path)
            if width == 1280:
                serious = [
                    f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
                    for v in axe.run(page).response["violations"]
                    if v["impact"] in ("serious", "critical")
                ]
                if serious:
                    problems[path] = serious
            else:
                overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
                if overflow > 0:
                    problems[f"{path} at 375 px"] = [f"the page is {overflow}px wider than the screen"]
            screenshot(page, name)
    assert problems == {}
