"""Every admin page a Spanish-speaking staff member opens is in Spanish, the third-party libraries' parts included.

A text on the page is "known English" when the installed catalogues translate it into French (so it is a message
of Django, django-simple-history, django-import-export or django-axes) but not into Spanish; such a text, or one of
the phrases staff reported, fails the test with the page it was found on.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from http import HTTPStatus

import pytest
from django.contrib import admin
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, RequestFactory
from django.urls import NoReverseMatch, reverse
from django.utils import translation
from django_countries import countries

from tests.factories import (
    ArticleFactory,
    CooperationAgreementFactory,
    ProjectObjectiveFactory,
    ShelterFactory,
    SupportItemFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

#: Phrases staff met in English (the issue's report) and the libraries' words most easily missed.
REPORTED = (
    "Choose a date from the list below",
    "Revert",
    "Historical",
    "historical",
    "Import finished",
    "Change history",
    "Changed by",
    "Change reason",
    "This importer will import",
    "Export",
    "Submit",
    "Confirm import",
    "Format",
    "File to import",
    "Object",
)
#: Texts that are the same word in both languages.
SAME_IN_SPANISH = {"ID", "CSV", "XLSX", "URL", "ISO", "INEGI", "Email", "E-mail", "Total", "Error", "No", "General"}


class TextCollector(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.texts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style"):
            self._skip += 1
        for name, value in attrs:
            if value and (name in ("title", "placeholder", "aria-label") or (name == "value" and tag == "input")):
                if dict(attrs).get("type") in ("hidden", "text", "number", "url", "email", "checkbox", "radio"):
                    continue
                self.texts.append(value)

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style"):
            self._skip -= 1

    def handle_data(self, data: str) -> None:
        if not self._skip and data.strip():
            self.texts.append(data)


def visible_texts(html: str) -> list[str]:
    collector = TextCollector()
    collector.feed(html)
    return [re.sub(r"\s+", " ", text).strip(" :›»·|") for text in collector.texts]


def spanish_country_names() -> set[str]:
    """Countries whose Spanish name is spelt as in English ("Chile", "Guatemala"): Spanish, though French differs."""
    with translation.override("es"):
        return {str(name) for _code, name in countries}


def untranslated(text: str) -> bool:
    if not text or text in SAME_IN_SPANISH or not re.search("[A-Za-z]{2}", text) or text in spanish_country_names():
        return False
    with translation.override("fr"):
        known = translation.gettext(text) != text
    with translation.override("es"):
        spanish = translation.gettext(text)
    return known and spanish == text


def english_on(html: str) -> list[str]:
    found = [text for text in visible_texts(html) if untranslated(text)]
    for phrase in REPORTED:
        if any(re.search(rf"\b{re.escape(phrase)}\b", text) for text in visible_texts(html)):
            found.append(phrase)
    return found


@pytest.fixture
def boss(db):
    return UserFactory(username="jefa", is_staff=True, is_superuser=True)


@pytest.fixture
def spanish_client(boss) -> Client:
    client = Client(headers={"Accept-Language": "es"})
    client.force_login(boss)
    return client


@pytest.fixture
def records(db):
    agreement = CooperationAgreementFactory()
    SupportItemFactory(agreement=agreement)
    ProjectObjectiveFactory()
    ArticleFactory(shelters=[agreement.shelter])
    shelter = ShelterFactory()
    shelter.capacity = 12
    shelter.save()  # a second history entry, so the history page shows a change
    return agreement


def admin_pages(user) -> list[str]:
    request = RequestFactory().get("/admin/")
    request.user = user
    urls = [reverse("admin:index"), reverse("admin:password_change")]
    for model, model_admin in admin.site._registry.items():
        prefix = f"admin:{model._meta.app_label}_{model._meta.model_name}"
        urls += [reverse("admin:app_list", args=[model._meta.app_label]), reverse(f"{prefix}_changelist")]
        if model_admin.has_add_permission(request):
            urls.append(reverse(f"{prefix}_add"))
        obj = model._default_manager.order_by("pk").first()
        if obj is None:
            continue
        urls += [
            reverse(f"{prefix}_change", args=[obj.pk]),
            reverse(f"{prefix}_history", args=[obj.pk]),
            reverse(f"{prefix}_delete", args=[obj.pk]),
        ]
        if history := getattr(model, "history", None):
            entry = history.filter(**{model._meta.pk.attname: obj.pk}).order_by("history_id").first()
            if entry is not None:
                urls.append(reverse(f"{prefix}_simple_history", args=[obj.pk, entry.history_id]))
        for name in ("import", "export"):
            try:
                urls.append(reverse(f"{prefix}_{name}"))
            except NoReverseMatch:
                pass
    return urls


def test_every_admin_page_is_in_spanish(spanish_client, boss, records):
    problems = {}
    pages = admin_pages(boss)
    assert len(pages) > 60
    for url in pages:
        response = spanish_client.get(url)
        assert response.status_code == HTTPStatus.OK, url
        if found := english_on(response.content.decode()):
            problems[url] = sorted(set(found))
    assert not problems, "\n".join(f"{url}: {found}" for url, found in problems.items())


def test_import_preview_and_result_are_in_spanish(spanish_client, records):
    state = records.shelter.state.iso_code
    upload = SimpleUploadedFile(
        "albergues.csv",
        f"slug,name,state,capacity\ncasa-a,Casa A,{state},10\ncasa-b,Casa B,{state},abc\n".encode(),
        content_type="text/csv",
    )
    url = reverse("admin:registry_shelter_import")
    preview = spanish_client.post(url, {"resource": "0", "format": "0", "import_file": upload}, follow=True)
    assert preview.status_code == HTTPStatus.OK
    assert not english_on(preview.content.decode()), english_on(preview.content.decode())

    good = SimpleUploadedFile("albergues.csv", f"slug,name,state\ncasa-a,Casa A,{state}\n".encode())
    preview = spanish_client.post(url, {"resource": "0", "format": "0", "import_file": good})
    form = preview.context["confirm_form"]
    done = spanish_client.post(reverse("admin:registry_shelter_process_import"), dict(form.initial), follow=True)
    html = done.content.decode()
    expected = "Importación de albergues terminada: 1 registro nuevo, 0 actualizados, 0 sin cambios."
    assert expected in html, [str(m) for m in done.context["messages"]]
    assert not english_on(html), english_on(html)


def test_login_and_lockout_pages_are_in_spanish(db):
    client = Client(headers={"Accept-Language": "es"})
    assert not english_on(client.get(reverse("admin:login")).content.decode())
