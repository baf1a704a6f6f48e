"""Shared browser fixtures for the end-to-end tests: Playwright (sync API) driving Debian's Chromium.

Use `live_site` (a live server over a transactional database whose reference data is restored for every test) and
`page` (a fresh 1280 px browser context per test). Every test here is skipped, with the reason, when
/usr/bin/chromium is missing; CI installs it.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connections

CHROMIUM = Path(os.environ.get("E2E_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SCREENSHOTS = Path(settings.BASE_DIR) / "artifacts" / "screenshots"
TIMEOUT_MS = 10_000


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="module")
def playwright_driver(django_db_setup) -> Iterator[object]:
    """Playwright for one test module, so that what it changes in the test thread ends with the module."""
    if not CHROMIUM.exists():
        pytest.skip(f"Chromium not found at {CHROMIUM}: install Debian's `chromium` package to run browser tests")
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in the test thread, which trips Django's async-safety check on
    # every ORM call the test makes (factories, assertions); the calls really are synchronous.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    # Under that loop, asgiref also hands Django's `connections` a fresh set of connection objects, while
    # pytest-django keeps the serialized database (for serialized rollback) on the old ones: carry it over,
    # or the reference data is never restored after a browser test's flush.
    serialized = {alias: getattr(connections[alias], "_test_serialized_contents", None) for alias in connections}
    try:
        with sync_playwright() as driver:
            for alias, contents in serialized.items():
                if contents is not None:
                    connections[alias]._test_serialized_contents = contents
            yield driver
            connections.close_all()  # the loop's own connections, before they become unreachable
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture(scope="module")
def browser(playwright_driver):
    browser = playwright_driver.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
    yield browser
    browser.close()


@pytest.fixture
def live_site(live_server, django_db_serialized_rollback, empty_cache) -> str:
    """The live server's base URL. Serialized rollback puts back the migrated states, services and population
    groups that the transactional flush after each browser test removes. The flush sends no signals, so results kept
    under the data version by an earlier test would outlive it: each test starts with an empty cache."""
    return live_server.url


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-US")
    context.set_default_timeout(TIMEOUT_MS)
    # Map tiles come from the internet; refuse them so tests are fast, offline and prove the page copes.
    context.route("https://*.tile.openstreetmap.org/**", lambda route: route.abort())
    page = context.new_page()
    page.console_errors = []  # type: ignore[attr-defined]
    page.on(
        "console",
        lambda message: page.console_errors.append(message.text) if message.type == "error" else None,  # type: ignore[attr-defined]
    )
    yield page
    context.close()


@pytest.fixture
def screenshot():
    """`screenshot(page, "name")` saves artifacts/screenshots/name-<width>.png for the current viewport."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def save(page, name: str) -> Path:
        path = SCREENSHOTS / f"{name}-{page.viewport_size['width']}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return save
