"""The seed dataset: facts from the seed documents, loaded by `manage.py seed`, safe to run twice."""

import json
from decimal import Decimal
from io import StringIO

import pytest
from django.core import serializers
from django.core.management import call_command
from django.core.management.base import CommandError

from news.models import Article
from projects.models import Project, ProjectObjective, ThematicArea
from registry.models import CooperationAgreement, Donor, Shelter, State, SupportItem

pytestmark = pytest.mark.django_db


def seed() -> str:
    out = StringIO()
    call_command("seed", stdout=out)
    return out.getvalue()


def snapshot() -> list[str]:
    rows = []
    for model in (Donor, ThematicArea, Project, Shelter, CooperationAgreement, SupportItem, Article, State):
        for row in json.loads(serializers.serialize("json", model.objects.all())):
            rows.append(json.dumps(row, sort_keys=True))
    return sorted(rows)


def test_seed_loads_the_facts_of_the_seed_documents():
    assert "Seed data loaded" in seed()
    first = Project.objects.get(prima_id="MX10P0001")
    assert (first.projects_id, first.start_year, first.end_year, first.status) == ("PR.0173", 2015, 2018, "completed")
    assert first.budget_usd == Decimal("100000.00")
    assert (first.project_type, first.coverage, first.idf_region) == (
        "research_publication",
        "national",
        "latin_america_caribbean",
    )
    assert [country.code for country in first.benefiting_member_states] == ["MX"]
    assert first.objectives.count() == 2
    second = Project.objects.get(prima_id="MX10P0519")
    assert (second.projects_id, second.start_year, second.end_year) == ("IB.0279", 2021, 2023)
    assert second.budget_usd == Decimal("300000.00")

    shelters = {s.name: (s.municipality, s.state.iso_code) for s in Shelter.objects.select_related("state")}
    assert shelters == {
        "Albergue Hermanos en el Camino": ("Ciudad Ixtepec", "MX-OAX"),
        "Albergue Hogar de la Misericordia": ("Arriaga", "MX-CHP"),
        "Albergue Jesús el Buen Pastor del Pobre y el Migrante": ("Tapachula", "MX-CHP"),
    }
    prm = Donor.objects.get(acronym="PRM")
    assert prm.country == "US"
    assert CooperationAgreement.objects.filter(donor=prm, programme_phase=2).count() == 3
    categories = set(SupportItem.objects.values_list("category", flat=True))
    assert categories == {"medicines", "medical_supplies", "hygiene", "construction", "training"}
    assert ThematicArea.objects.count() == 6

    signing = Article.objects.get(slug__startswith="iom-signs-cooperation-agreements")
    assert signing.published_on is None  # the source gives no date
    assert set(signing.states.values_list("region", flat=True)) == {"centre", "north", "south"}
    assert signing.states.count() == 9
    assert signing.shelters.count() == 3


@pytest.mark.parametrize(
    ("model", "fields"),
    [
        (Project, ["title", "summary"]),
        (ProjectObjective, ["text"]),
        (Article, ["title", "summary", "body"]),
        (ThematicArea, ["name", "description"]),
        (SupportItem, ["description"]),
    ],
)
def test_seed_content_is_written_in_both_languages(model, fields):
    seed()
    assert model.objects.exists()
    for record in model.objects.all():
        for field in fields:
            spanish, english = getattr(record, f"{field}_es"), getattr(record, f"{field}_en")
            assert spanish and english and spanish != english, (record.pk, field)


def test_seed_shelters_list_their_languages_from_the_vocabulary():
    seed()
    for shelter in Shelter.objects.all():
        assert list(shelter.languages.values_list("code", flat=True)) == ["spa"]


def test_seed_is_idempotent():
    seed()
    before = snapshot()
    seed()
    assert snapshot() == before
    assert Shelter.history.count() == Shelter.objects.count()  # one initial history entry each, not one per run


def test_seed_refuses_without_migrated_states():
    State.objects.all().delete()
    with pytest.raises(CommandError, match="32 states"):
        seed()
    assert Shelter.objects.count() == 0


def test_seed_reports_a_missing_fixture(settings, tmp_path):
    settings.BASE_DIR = tmp_path
    with pytest.raises(CommandError, match="missing"):
        seed()
