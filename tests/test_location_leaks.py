"""No public surface gives away where a confidential shelter is.

The URL list is not written down here: every named URL outside the admin is found in the URL configuration and
requested with every key that fits it, and every list API with every format any API view offers, so a page, an
endpoint or an export format added later is checked too. A response fails on the confidential address, on the
coordinates in any rounding, and (for a hidden shelter) on its municipality.
"""

from __future__ import annotations

import itertools
from decimal import Decimal
from http import HTTPStatus
from typing import Any

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.urls.exceptions import NoReverseMatch
from django.utils import translation

from registry.models import BorderRegion
from registry.visibility import LocationVisibility
from tests.factories import (
    ArticleFactory,
    CooperationAgreementFactory,
    DonorFactory,
    OpeningHoursFactory,
    ProjectFactory,
    ShelterFactory,
    SupportItemFactory,
    state,
)

pytestmark = pytest.mark.django_db

SECRET_ADDRESS = "Callejón Reservado 417"
SECRET_MUNICIPALITY = "Villa Escondida"
LATITUDE, LONGITUDE = Decimal("32.531987"), Decimal("-117.019753")
# The coordinates as any format may write them: 6, 5 or 4 decimals, as text or as a JSON number.
SECRETS = [SECRET_ADDRESS, "Reservado 417", "32.53198", "32.5320", "117.01975", "117.0198"]
SKIPPED_NAMESPACES = {"admin"}
SKIPPED_NAMES = {"api-docs", "api-redoc"}  # static HTML shells that load the schema (which is requested itself)


@pytest.fixture
def confidential():
    """A hidden and a municipality-only shelter in Baja California, with everything that mentions them."""
    baja = state("MX-BCN")
    location = {"address": SECRET_ADDRESS, "latitude": LATITUDE, "longitude": LONGITUDE}
    hidden = ShelterFactory(
        name="Casa Refugio Oculta",
        state=baja,
        municipality=SECRET_MUNICIPALITY,
        location_visibility=LocationVisibility.HIDDEN,
        **location,
    )
    town = ShelterFactory(
        name="Casa Refugio Municipal",
        state=baja,
        municipality="Tijuana",
        location_visibility=LocationVisibility.MUNICIPALITY,
        **location,
    )
    exact = ShelterFactory(name="Casa Abierta", state=baja, municipality="Mexicali", address="Avenida Pública 1")
    project = ProjectFactory(states=[baja])
    donor = DonorFactory()
    for shelter in (hidden, town, exact):
        OpeningHoursFactory(shelter=shelter)
        agreement = CooperationAgreementFactory(shelter=shelter, donor=donor, project=project)
        SupportItemFactory(agreement=agreement)
    article = ArticleFactory(states=[baja], shelters=[hidden, town, exact], projects=[project])
    return {"shelters": [hidden, town, exact], "project": project, "donor": donor, "article": article}


def _walk(resolvers: list[Any], namespace: str = "") -> list[tuple[str, Any]]:
    """(name, callback) of every named URL, namespaced names included, the admin's left out."""
    found = []
    for entry in resolvers:
        if isinstance(entry, URLResolver):
            if entry.namespace in SKIPPED_NAMESPACES:
                continue
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            found += _walk(entry.url_patterns, inner)
        elif isinstance(entry, URLPattern) and entry.name:
            found.append((namespace + entry.name, entry.callback))
    return found


def _formats(callbacks: list[Any]) -> set[str]:
    formats = set()
    for callback in callbacks:
        view = getattr(callback, "cls", None)
        for renderer in [*getattr(view, "renderer_classes", []), *getattr(view, "export_renderer_classes", [])]:
            formats.add(renderer.format)
    return formats


def _candidates(objects: list[Any]) -> dict[str, list[str]]:
    """Values to try for each URL parameter: every attribute of that name on the objects, and the regions."""
    names = {"slug", "iso_code", "acronym", "reference", "prima_id", "pk", "code"}
    values: dict[str, list[str]] = {"region": list(BorderRegion.values)}
    for obj in objects:
        for name in names:
            if hasattr(obj, name) and getattr(obj, name) not in (None, ""):
                values.setdefault(name, []).append(str(getattr(obj, name)))
    return values


def _public_urls(objects: list[Any]) -> list[tuple[str, str]]:
    """(url, name) of every public URL with every fitting key."""
    candidates = _candidates(objects)
    urls = set()
    for name, _callback in _walk(get_resolver().url_patterns):
        if name in SKIPPED_NAMES:
            continue
        found = _reversals(name, candidates)
        assert found, f"no URL could be built for {name}: teach _candidates its parameters"
        urls |= {(url, name) for url in found}
    return sorted(urls)


def _reversals(name: str, candidates: dict[str, list[str]]) -> list[str]:
    try:
        return [reverse(name)]
    except NoReverseMatch:
        pass
    urls = []
    for size in (1, 2):
        for params in itertools.combinations(candidates, size):
            for values in itertools.product(*(candidates[p] for p in params)):
                try:
                    urls.append(reverse(name, kwargs=dict(zip(params, values, strict=True))))
                except NoReverseMatch:
                    continue
        if urls:
            return urls
    return urls


def _leaks(content: str, hidden_municipality: bool = True) -> list[str]:
    secrets = SECRETS + ([SECRET_MUNICIPALITY] if hidden_municipality else [])
    return [secret for secret in secrets if secret in content]


def _is_list(name: str) -> bool:
    return name.endswith(("_list", "-list"))


def _searchable() -> set[str]:
    """Names of the URLs whose view filters with a FilterSet (pages and API alike)."""
    names = set()
    for name, callback in _walk(get_resolver().url_patterns):
        view = getattr(callback, "view_class", None) or getattr(callback, "cls", None)
        if getattr(view, "filterset_class", None) is not None:
            names.add(name)
    return names


def _requests(client: Client, urls: list[tuple[str, str]], formats: set[str], searches: list[str]) -> dict[str, str]:
    """Every URL, and every list URL again with each format and with searches for the secrets."""
    seen: dict[str, str] = {}
    searchable = _searchable()
    for url, name in urls:
        variants = [url]
        if _is_list(name):
            variants += [f"{url}?format={f}" for f in sorted(formats)]
        if name in searchable:
            variants += [f"{url}?q={word}" for word in searches]
        for variant in variants:
            response = client.get(variant, HTTP_ACCEPT="*/*")
            if response.status_code != HTTPStatus.OK:
                continue
            body = b"".join(response.streaming_content) if response.streaming else response.content
            seen[variant] = body.decode("utf-8", "replace")
    return seen


@pytest.mark.parametrize("language", ["es", "en"])
def test_no_public_url_or_export_reveals_a_confidential_location(client, confidential, language):
    objects = [*confidential["shelters"], confidential["project"], confidential["donor"], confidential["article"]]
    objects += [state("MX-BCN"), *(a for s in confidential["shelters"] for a in s.agreements.all())]
    hidden, town, _exact = confidential["shelters"]
    with translation.override(language):
        urls = _public_urls(objects)
        pages = [hidden.get_absolute_url(), town.get_absolute_url()]
    callbacks = [callback for _name, callback in _walk(get_resolver().url_patterns)]
    formats = _formats(callbacks)
    assert {"csv", "geojson", "json"} <= formats  # the walk found the exports
    responses = _requests(client, urls, formats, ["Reservado", "Escondida"])

    # The walk reached the surfaces that matter (so a leak could have been seen there).
    must_cover = [
        *pages,
        "/sitemap.xml",
        f"/api/v1/shelters/{hidden.slug}/",
        "/api/v1/shelters/?format=geojson",
        "/api/v1/shelters/?format=csv",
        "/api/v1/agreements/?format=csv",
        "/api/v1/shelters/?q=Reservado",
        f"/{language}/shelters/?q=Escondida",
        f"/{language}/offline/",
    ]
    for url in must_cover:
        assert url in responses, f"{url} was not requested"
    assert len(responses) > 40

    leaks = {url: found for url, body in responses.items() if (found := _leaks(body))}
    assert leaks == {}
    # A search for the hidden address or municipality finds nothing of those shelters.
    for url, body in responses.items():
        if "q=Reservado" in url or "q=Escondida" in url:
            assert "casa-refugio-oculta" not in body and "casa-refugio-municipal" not in body, url


def test_the_detector_sees_what_staff_see(staff_client, confidential):
    """Staff see everything: the same check on their responses finds the location (the test can fail)."""
    hidden = confidential["shelters"][0]
    for url in (hidden.get_absolute_url(), f"/api/v1/shelters/{hidden.slug}/", "/api/v1/shelters/?format=geojson"):
        response = staff_client.get(url)
        body = b"".join(response.streaming_content) if response.streaming else response.content
        assert _leaks(body.decode()), url


def test_near_me_measures_no_distance_to_a_confidential_shelter(client, confidential):
    """Distances to a hidden point, asked from a few places, would give it away: near-me leaves such shelters out."""
    response = client.post(
        "/es/shelters/", {"lat": str(LATITUDE), "lon": str(LONGITUDE), "radius": "50"}, HTTP_ACCEPT_LANGUAGE="es"
    )
    body = response.content.decode()
    assert response.status_code == HTTPStatus.OK
    assert "Casa Refugio Oculta" not in body and "Casa Refugio Municipal" not in body
    assert _leaks(body) == []
