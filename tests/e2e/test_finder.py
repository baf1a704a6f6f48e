"""The shelter finder in Chromium, as a migrant on a 375 px phone in Spanish and a worker at a 1280 px desk:
results on the first screen, the filter disclosure and chips, accent search, open shelters first, the map following
the filters, near-me with a mocked position, the one-tap links and the printed list. Two browser sessions, so the
suite stays fast (each costs a database flush)."""

from __future__ import annotations

import gzip
import re
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.conf import settings
from django.utils import timezone

from tests.factories import PopulationGroupFactory, ServiceFactory, ShelterFactory, state

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

FIRST_SCREEN_PX = 600
TAPACHULA = {"latitude": 14.905, "longitude": -92.263}
EVERY_MORE_FILTER = (
    "?q=casa+juarez&state=MX-CHH&state=MX-BCN&region=north&municipality=juarez&service=legal-aid"
    "&population=women&operator_type=faith_based&status=active&status=temporarily_closed&ordering=-name"
)


def shots_dir() -> Path:
    path = Path(settings.BASE_DIR) / "artifacts" / "screenshots"
    path.mkdir(parents=True, exist_ok=True)
    return path


def shot(page, name: str, full_page: bool = False) -> None:
    page.screenshot(path=str(shots_dir() / f"finder-{name}-{page.viewport_size['width']}.png"), full_page=full_page)


def serious_axe_problems(page) -> list[str]:
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
        for v in Axe().run(page).response["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def first_card_top(page) -> float:
    return page.locator(".results .result").first.bounding_box()["y"]


def card_names(page) -> list[str]:
    return [name.strip() for name in page.locator(".results .result h3").all_inner_texts()]


@pytest.fixture
def shelters(live_site):
    legal, medical = ServiceFactory(code="legal-aid"), ServiceFactory(code="medical-care")
    women = PopulationGroupFactory(code="women")
    recent = timezone.localdate() - timedelta(days=20)
    made = {
        "juarez": ShelterFactory(
            name="Casa del Migrante en Juárez",
            state=state("MX-CHH"),
            municipality="Ciudad Juárez",
            address="Calle Neptuno 1855",
            latitude=Decimal("31.690000"),
            longitude=Decimal("-106.420000"),
            operator_type="faith_based",
            services=[legal, medical],
            populations=[women],
            phone="+52 656 687 0676",
            whatsapp="+52 656 111 2222",
            last_verified=recent,
        ),
        "closed": ShelterFactory(
            name="Albergue Cerrado", state=state("MX-CHP"), municipality="Tapachula", status="closed"
        ),
    }
    # Chiapas: a line of shelters going north from Tapachula, so the nearest is known.
    for i in range(22):
        made[f"chiapas{i}"] = ShelterFactory(
            name=f"Albergue Jesús {i:02d}",
            state=state("MX-CHP"),
            municipality="Tapachula" if i < 5 else "Arriaga",
            latitude=Decimal("14.900000") + Decimal(i) / 10,
            longitude=Decimal("-92.260000"),
            services=[medical],
            phone=f"+52 962 000 {1000 + i}",
            last_verified=recent if i % 2 else timezone.localdate() - timedelta(days=500),
        )
    return {"base": live_site, **made}


def test_finder_on_a_phone_in_spanish(browser, shelters):
    context = browser.new_context(
        viewport={"width": 375, "height": 812},
        locale="es-MX",
        geolocation=TAPACHULA,
        permissions=["geolocation"],
    )
    context.set_default_timeout(10_000)
    context.route("https://*.tile.openstreetmap.org/**", lambda route: route.abort())
    page = context.new_page()
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    base = shelters["base"]

    # Light for weak signal: the first view (page, styles, script) is under 30 KB over the wire, without Leaflet.
    transferred: dict[str, int] = {}
    page.on("requestfinished", lambda r: transferred.__setitem__(r.url, r.sizes()["responseBodySize"]))
    # Results first, with and without filters: the first card starts on the first screen.
    page.goto(base + "/es/shelters/")
    page.wait_for_load_state("networkidle")
    # The page, styles, the finder's and the offline (service worker) scripts, the icon: no Leaflet.
    assert sorted(Path(url).suffix for url in transferred) == ["", ".css", ".js", ".js", ".svg"]
    # The page as sent (compressed); the static files as WhiteNoise sends them in production (precompressed; the
    # test server sends them plain).
    static = Path(settings.BASE_DIR) / "static"
    assets = ("css/site.css", "js/finder.js", "js/pwa.js", "img/favicon.svg")
    first_view = transferred[page.url] + sum(len(gzip.compress((static / name).read_bytes())) for name in assets)
    assert first_view < 30_000
    assert first_card_top(page) <= FIRST_SCREEN_PX
    assert "Albergue Cerrado" not in card_names(page)  # open shelters only by default
    assert page.locator(".results .result").first.locator(".freshness").is_visible()
    shot(page, "list")
    page.goto(base + "/es/shelters/" + EVERY_MORE_FILTER)
    assert card_names(page) == ["Casa del Migrante en Juárez"]
    assert first_card_top(page) <= FIRST_SCREEN_PX
    summary = page.locator("details.filter-disclosure > summary")
    assert re.search(r"Filtrar y ordenar \(1\d activos\)", summary.inner_text())
    assert page.locator(".active-filters .chip").count() >= 10
    shot(page, "every-filter")

    # One disclosure, checkboxes grouped by border region; the chosen state comes back as a removable chip.
    page.goto(base + "/es/shelters/")
    summary.click()
    south = page.locator("fieldset.region-group", has_text="Frontera sur")
    south.get_by_role("checkbox", name="Chiapas").check()
    shot(page, "filters-open")
    page.get_by_role("button", name="Aplicar").click()
    page.wait_for_url(re.compile(r"state=MX-CHP"))
    assert page.locator("details.filter-disclosure > summary").inner_text().endswith("(1 activo)")
    assert first_card_top(page) <= FIRST_SCREEN_PX
    page.locator(".active-filters .chip", has_text="Chiapas").click()
    page.wait_for_url(re.compile(r"/es/shelters/(\?status=active)?$"))

    # Accents and case forgiven.
    page.get_by_label("Buscar", exact=True).fill("ciudad JUAREZ")
    page.get_by_role("button", name="Buscar", exact=True).click()
    page.wait_for_url(re.compile(r"q=ciudad"))
    assert card_names(page) == ["Casa del Migrante en Juárez"]

    # One tap to act, on the card.
    card = page.locator(".results .result").first
    assert card.get_by_role("link", name=re.compile("^Llamar")).get_attribute("href") == "tel:+526566870676"
    assert card.get_by_role("link", name="WhatsApp").get_attribute("href") == "https://wa.me/526561112222"
    directions = card.get_by_role("link", name="Cómo llegar").get_attribute("href")
    assert directions.startswith("https://www.openstreetmap.org/directions?route=%3B31.690000%2C-106.420000")
    assert card.get_by_role("link", name="App de mapas").get_attribute("href").startswith("geo:31.690000,-106.420000")

    # The map stays unloaded until asked for; then it shows the same shelters as the list.
    page.goto(base + "/es/shelters/?state=MX-CHP")
    assert not [url for url in requests if "leaflet" in url]
    page.get_by_role("button", name="Ver mapa").click()
    page.wait_for_selector("#shelter-list-map[data-markers]")
    assert page.locator("#shelter-list-map").get_attribute("data-markers") == "22"  # not the closed one
    assert [url for url in requests if "leaflet.js" in url and "markercluster" not in url]
    assert page.locator(".marker-cluster").count() >= 1  # 22 markers, clustered
    assert page.locator(".leaflet-control-attribution", has_text="OpenStreetMap").is_visible()
    assert serious_axe_problems(page) == []
    shot(page, "map")

    # Near me: the position only after the click, rounded, posted; nearest first, in km.
    page.goto(base + "/es/shelters/?state=MX-CHP")
    assert not [url for url in requests if "lat=" in url or "14.9" in url]
    page.get_by_role("button", name="Cerca de mí").click()
    page.wait_for_selector(".distance")
    assert card_names(page)[:3] == ["Albergue Jesús 00", "Albergue Jesús 01", "Albergue Jesús 02"]
    distances = [float(text.split()[1]) for text in page.locator(".distance").all_inner_texts()]
    assert distances == sorted(distances) and distances[0] < 1.5
    assert page.locator("#near-form input[name=lat]").input_value() == "14.90"
    assert not [url for url in requests if "14.90" in url or "14.905" in url]  # never in a URL
    assert first_card_top(page) <= FIRST_SCREEN_PX
    shot(page, "near-me")
    # The next page is posted too, still by distance.
    page.get_by_role("button", name="Siguiente").click()
    page.wait_for_selector(".distance")
    assert card_names(page) == ["Albergue Jesús 20", "Albergue Jesús 21"]
    assert serious_axe_problems(page) == []

    # The shelter's page: the same one-tap links at the top.
    page.goto(base + "/es/shelters/casa-del-migrante-en-juarez/")
    actions = page.locator("main .actions").first
    assert actions.get_by_role("link", name="WhatsApp").bounding_box()["y"] < 812
    shot(page, "detail")

    # The home page leads with finding a shelter.
    page.goto(base + "/es/")
    hero = page.locator(".finder-lead")
    assert hero.get_by_role("link", name="Frontera norte").is_visible()
    assert hero.get_by_role("button", name="Cerca de mí").is_visible()
    assert hero.bounding_box()["y"] < page.locator("#figures-heading").bounding_box()["y"]
    assert serious_axe_problems(page) == []
    shot(page, "home")
    context.close()


def test_finder_on_a_wide_screen_in_english(page, shelters):
    base = shelters["base"]
    page.add_init_script("navigator.share = (data) => { window.sharedWith = data; return Promise.resolve(); };")

    # The map sits beside the list at once, and follows the filters.
    page.goto(base + "/en/shelters/")
    page.wait_for_selector("#shelter-list-map[data-markers]")
    assert page.locator("#shelter-list-map").get_attribute("data-markers") == "23"
    results, mapped = page.locator(".list-results").bounding_box(), page.locator(".list-map").bounding_box()
    assert mapped["x"] > results["x"] + results["width"] - 1 and mapped["y"] < 400
    assert not page.get_by_role("button", name="Show map").is_visible()
    assert serious_axe_problems(page) == []
    shot(page, "list")
    page.goto(base + "/en/shelters/?state=MX-CHH")
    page.wait_for_selector("#shelter-list-map[data-markers]")
    assert page.locator("#shelter-list-map").get_attribute("data-markers") == "1"
    assert [e for e in page.console_errors if "Content Security Policy" in e] == []
    # Closed shelters only through the status filter, marked.
    page.goto(base + "/en/shelters/?state=MX-CHP&status=closed")
    assert card_names(page) == ["Albergue Cerrado"]
    assert page.locator(".result-inactive .status", has_text="Closed").is_visible()
    assert page.get_by_text("Includes closed shelters").is_visible()

    # Share: the system sheet where there is one.
    page.goto(base + "/en/shelters/casa-del-migrante-en-juarez/")
    page.get_by_role("link", name="Share").click()
    assert page.evaluate("window.sharedWith.url").endswith("/en/shelters/casa-del-migrante-en-juarez/")
    assert page.get_by_role("link", name="+52 656 111 2222").get_attribute("href") == "https://wa.me/526561112222"
    assert serious_axe_problems(page) == []
    shot(page, "detail")

    # On paper: a state's whole list, phones in full, no navigation, filters or buttons.
    page.goto(base + "/en/shelters/?state=MX-CHP")
    page.get_by_role("link", name=re.compile("Printable list")).click()
    page.wait_for_url(re.compile(r"print=1"))
    page.emulate_media(media="print")
    assert page.locator(".results .result").count() == 22
    for hidden in (".main-nav", "form.filters", ".list-map", ".actions >> nth=0", ".site-footer"):
        assert not page.locator(hidden).is_visible(), hidden
    assert page.get_by_text("Phone: +52 962 000 1000").is_visible()
    assert page.locator("p.print-only", has_text=re.compile(r"Shelters for migrants · \w+")).is_visible()
    shot(page, "print", full_page=True)
    for paper in ("Letter", "A4"):
        assert page.pdf(format=paper, print_background=False)[:4] == b"%PDF"
