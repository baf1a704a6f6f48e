"""Both languages: prefixes, Accept-Language redirects, the switcher, and compiled catalogues."""

from http import HTTPStatus
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from tests.factories import ArticleFactory, ProjectFactory, ShelterFactory, state

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("accept_language", "expected"),
    [("es-MX,es;q=0.9,en;q=0.5", "/es/"), ("en-US,en;q=0.9", "/en/"), ("fr-FR", "/es/"), ("", "/es/")],
)
def test_root_redirects_by_accept_language(client, accept_language, expected):
    response = client.get("/", headers={"accept-language": accept_language} if accept_language else {})
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == expected


def test_unprefixed_page_redirects_to_the_prefixed_one(client):
    response = client.get("/shelters/?region=south", headers={"accept-language": "en"})
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == "/en/shelters/?region=south"


@pytest.fixture
def pages():
    shelter = ShelterFactory(state=state("MX-CHP"))
    project = ProjectFactory()
    article = ArticleFactory(shelters=[shelter])
    return [
        ("home", {}),
        ("shelter_list", {}),
        ("shelter_detail", {"slug": shelter.slug}),
        ("project_list", {}),
        ("project_detail", {"slug": project.slug}),
        ("article_list", {}),
        ("article_detail", {"slug": article.slug}),
        ("state_list", {}),
        ("state_detail", {"slug": "chiapas"}),
        ("region_detail", {"region": "north"}),
    ]


@pytest.mark.parametrize(
    ("lang", "phrases"),
    [
        ("es", ["Saltar al contenido principal", "Albergues", "Noticias", "Registro de albergues para migrantes"]),
        ("en", ["Skip to main content", "Shelters", "News", "Migrant shelter registry"]),
    ],
)
def test_every_page_renders_in_both_languages(client, pages, lang, phrases):
    for name, kwargs in pages:
        with translation.override(lang):
            path = reverse(name, kwargs=kwargs or None)
        response = client.get(path)
        assert response.status_code == HTTPStatus.OK, path
        html = response.content.decode()
        assert f'<html lang="{lang}">' in html, path
        for phrase in phrases:
            assert phrase in html, (path, phrase)


def test_language_switcher_links_to_the_same_page_with_its_filters(client):
    shelter = ShelterFactory()
    html = client.get(f"/es/shelters/{shelter.slug}/").content.decode()
    assert f'<a href="/en/shelters/{shelter.slug}/" hreflang="en" lang="en" data-language="en">English</a>' in html
    html = client.get("/en/shelters/?region=south&state=MX-CHP").content.decode()
    assert 'href="/es/shelters/?region=south&amp;state=MX-CHP" hreflang="es"' in html
    assert '<span class="current" aria-current="true" lang="en">English</span>' in html


def test_switcher_on_a_404_points_to_the_other_home(client):
    html = client.get("/es/no-such-page/").content.decode()
    assert 'href="/en/" hreflang="en"' in html


def test_reference_data_follows_the_language(client):
    from tests.factories import ServiceFactory

    service = ServiceFactory(code="legal-aid")
    shelter = ShelterFactory(services=[service])
    assert service.name_en != service.name_es
    english = client.get(f"/en/shelters/{shelter.slug}/").content.decode()
    spanish = client.get(f"/es/shelters/{shelter.slug}/").content.decode()
    assert service.name_en in english and service.name_es not in english
    assert service.name_es in spanish and service.name_en not in spanish


def test_catalogues_are_compiled_and_complete():
    for lang in ("es", "en"):
        po = Path(settings.BASE_DIR) / "locale" / lang / "LC_MESSAGES" / "django.po"
        mo = po.with_suffix(".mo")
        assert mo.exists(), f"{mo} is missing: run `make messages` and commit it"
        assert mo.stat().st_size > 0
    with translation.override("es"):
        assert translation.gettext("Skip to main content") == "Saltar al contenido principal"
        assert translation.gettext("Shelters") == "Albergues"


def untranslated_entries(po_text: str) -> list[str]:
    """msgids whose msgstr (or any plural form) is empty, skipping the header and obsolete entries."""
    missing = []
    for entry in po_text.split("\n\n"):
        lines = [line for line in entry.splitlines() if line and not line.startswith("#")]
        if not lines or lines[0] == 'msgid ""':
            continue
        msgid, strings, current = lines[0], {}, None
        for line in lines:
            if line.startswith("msgstr"):
                current = line.split(" ", 1)[0]
                strings[current] = line.split(" ", 1)[1].strip('"')
            elif line.startswith('"') and current:
                strings[current] += line.strip('"')
        if not strings or any(value == "" for value in strings.values()):
            missing.append(msgid)
    return missing


def test_untranslated_entries_are_detected():
    po = 'msgid ""\nmsgstr ""\n"Language: es\\n"\n\nmsgid "Yes"\nmsgstr "Sí"\n\nmsgid "No"\nmsgstr ""\n'
    assert untranslated_entries(po) == ['msgid "No"']


def test_every_spanish_entry_is_translated():
    po = (Path(settings.BASE_DIR) / "locale" / "es" / "LC_MESSAGES" / "django.po").read_text(encoding="utf-8")
    assert untranslated_entries(po) == []


def test_spanish_pages_use_mexican_number_formats(client):
    from decimal import Decimal

    ProjectFactory(budget_usd=Decimal("1234567.50"))
    assert "1,234,567.50" in client.get("/es/projects/").content.decode()
    assert "1,234,568" in client.get("/es/").content.decode()
