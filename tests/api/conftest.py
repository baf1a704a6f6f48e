"""Users for the permission matrix, one writable example per resource, and a data builder for query counts."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import pytest
from django.db.models import Model
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from news.models import Article
from projects.models import Project, ThematicArea
from registry.models import CooperationAgreement, Donor, Shelter, State
from tests.factories import (
    ArticleFactory,
    CooperationAgreementFactory,
    DonorFactory,
    PopulationGroupFactory,
    ProjectFactory,
    ProjectObjectiveFactory,
    ServiceFactory,
    ShelterFactory,
    SupportItemFactory,
    ThematicAreaFactory,
    UserFactory,
    state,
)

API = "/api/v1"


def body(response: Any) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


@dataclass
class Resource:
    """One API resource as the permission matrix exercises it."""

    path: str
    model: type[Model]
    make: Callable[[], Model]
    key: Callable[[Any], str]
    create: Callable[[], dict[str, Any]]
    change: dict[str, Any]
    lookup: str
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def perms(self) -> list[str]:
        meta = self.model._meta
        return [f"{meta.app_label}.{action}_{meta.model_name}" for action in ("view", "add", "change", "delete")]


def _state() -> State:
    # A state no shelter uses, so deleting it is not blocked.
    return State.objects.create(
        name="Estado de prueba", slug="estado-de-prueba", inegi_code="90", iso_code="MX-TST", region="centre"
    )


RESOURCES: dict[str, Resource] = {
    "states": Resource(
        path="states",
        model=State,
        make=_state,
        key=lambda s: s.iso_code,
        create=lambda: {
            "iso_code": "MX-NEW",
            "inegi_code": "91",
            "name": "Estado nuevo",
            "slug": "estado-nuevo",
            "region": "north",
        },
        change={"borders_country": "US"},
        lookup="iso_code",
    ),
    "shelters": Resource(
        path="shelters",
        model=Shelter,
        make=lambda: ShelterFactory(name="Albergue existente"),
        key=lambda s: s.slug,
        create=lambda: {"name": "Albergue nuevo", "state": "MX-OAX", "municipality": "Ixtepec"},
        change={"capacity": 55},
        lookup="slug",
    ),
    "donors": Resource(
        path="donors",
        model=Donor,
        make=lambda: DonorFactory(name="Existing donor", acronym="EXD"),
        key=lambda d: d.acronym,
        create=lambda: {"name": "New donor", "acronym": "NEWD", "country": "CA"},
        change={"website": "https://donor.example.org/"},
        lookup="acronym",
    ),
    "agreements": Resource(
        path="agreements",
        model=CooperationAgreement,
        make=lambda: CooperationAgreementFactory(reference="EXISTING-1"),
        key=lambda a: a.reference,
        create=lambda: {
            "reference": "NEW-1",
            "shelter": ShelterFactory(name="Albergue para acuerdo").slug,
            "donor": DonorFactory(acronym="AGD").acronym,
            "programme_phase": 1,
            "items": [{"category": "medicines", "description": "Antibiotics", "value_usd": "120.50"}],
        },
        change={"status": "completed"},
        lookup="reference",
    ),
    "projects": Resource(
        path="projects",
        model=Project,
        make=lambda: ProjectFactory(title="Existing project"),
        key=lambda p: p.slug,
        create=lambda: {
            "title": "New project",
            "prima_id": "MX10N0001",
            "projects_id": "NW.0001",
            "start_year": 2022,
            "states": ["MX-CHP"],
        },
        change={"budget_usd": "250000.00"},
        lookup="slug",
    ),
    "thematic-areas": Resource(
        path="thematic-areas",
        model=ThematicArea,
        make=lambda: ThematicAreaFactory(slug="existing-area", name_en="Existing area"),
        key=lambda t: t.slug,
        create=lambda: {"slug": "new-area", "name_en": "New area", "name_es": "Área nueva"},
        change={"position": 7},
        lookup="slug",
    ),
    "news": Resource(
        path="news",
        model=Article,
        make=lambda: ArticleFactory(title="Existing article"),
        key=lambda a: a.slug,
        create=lambda: {"title": "New article", "states": ["MX-CHP"], "published_on": "2024-05-01"},
        change={"summary": "Changed summary."},
        lookup="slug",
    ),
}


def client_for(user: Any, *, token: bool = False) -> APIClient:
    client = APIClient()
    if user is None:
        return client
    if token:
        key, _ = Token.objects.get_or_create(user=user)
        client.credentials(HTTP_AUTHORIZATION=f"Token {key.key}")
    else:
        client.force_login(user)
    return client


@pytest.fixture
def editor():
    """Staff holding every model permission of the API's resources, and nothing else (not a superuser)."""
    perms = [perm for resource in RESOURCES.values() for perm in resource.perms]
    return UserFactory(username="editor", is_staff=True, permissions=perms)


@pytest.fixture
def editor_client(editor) -> APIClient:
    return client_for(editor, token=True)


def build_dataset(n: int) -> None:
    """n of everything, each with related rows on every relation the API shows, so a per-row query would show."""
    services = [ServiceFactory(code="medical-care"), ServiceFactory(code="lodging")]
    populations = [PopulationGroupFactory(code="women"), PopulationGroupFactory(code="children")]
    areas = [ThematicAreaFactory(slug="protection", name_en="Protection"), ThematicAreaFactory(slug="health")]
    states = [state("MX-CHP"), state("MX-BCN")]
    for i in range(n):
        shelter = ShelterFactory(
            state=states[i % 2],
            services=services,
            populations=populations,
            latitude=Decimal("16.5"),
            longitude=Decimal("-95.1"),
        )
        donor = DonorFactory()
        project = ProjectFactory(states=states, thematic_areas=areas)
        ProjectObjectiveFactory(project=project, position=1)
        agreement = CooperationAgreementFactory(shelter=shelter, donor=donor, project=project)
        SupportItemFactory(agreement=agreement, value_usd=Decimal("10.00"))
        SupportItemFactory(agreement=agreement, category="training")
        ArticleFactory(states=states, shelters=[shelter], projects=[project])
