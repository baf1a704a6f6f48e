"""`manage.py generate_demo`: a reproducible demo dataset, and its refusal to mix into real data."""

import sys
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import F

from news.models import Article
from projects.models import Project, ProjectObjective
from registry.demo import DEMO_DONOR_PREFIX, MUNICIPALITIES
from registry.models import CooperationAgreement, Donor, OpeningHours, Shelter, SupportItem
from tests.factories import ArticleFactory, ProjectFactory, ShelterFactory, ThematicAreaFactory

pytestmark = pytest.mark.django_db


def generate(*args: str) -> str:
    out = StringIO()
    call_command("generate_demo", *args, stdout=out)
    return out.getvalue()


SMALL = ("--shelters", "40", "--projects", "6", "--articles", "12", "--agreements", "25")


def dataset() -> dict[str, list]:
    """The demo data by natural keys and values, independent of primary keys."""
    return {
        "shelters": [
            (*row, tuple(Shelter.objects.get(slug=row[0]).services.order_by("code").values_list("code", flat=True)))
            for row in Shelter.objects.order_by("slug").values_list(
                "slug", "name", "state__iso_code", "municipality", "latitude", "longitude", "capacity",
                "average_daily_arrivals", "peak_daily_arrivals", "status", "operator_type", "last_verified", "phone",
                "whatsapp",
            )
        ],  # fmt: skip
        "agreements": list(
            CooperationAgreement.objects.order_by("reference").values_list(
                "reference", "donor__acronym", "programme_phase", "programme_year", "signed_on", "status",
                "project__prima_id",
            )
        ),  # fmt: skip
        "items": list(
            SupportItem.objects.order_by("agreement__reference", "category", "description_en").values_list(
                "agreement__reference", "category", "description", "quantity", "unit", "value_usd"
            )
        ),
        "projects": list(
            Project.objects.order_by("prima_id").values_list("prima_id", "title", "slug", "start_year", "budget_usd")
        ),
        "project states": list(Project.states.through.objects.order_by("project__prima_id", "state__iso_code")
                               .values_list("project__prima_id", "state__iso_code")),
        "articles": list(Article.objects.order_by("slug").values_list("slug", "title", "body", "published_on")),
        "article shelters": list(Article.shelters.through.objects.order_by("article__slug", "shelter__slug")
                                 .values_list("article__slug", "shelter__slug")),
    }  # fmt: skip


def test_generates_the_requested_numbers_of_realistic_demo_records():
    ThematicAreaFactory(slug="protection", name_en="Protection")
    output = generate(*SMALL, "--seed", "3")
    assert Shelter.objects.count() == 40
    assert Project.objects.count() == 6
    assert Article.objects.count() == 12
    assert CooperationAgreement.objects.count() == 25
    assert all(s.startswith("demo-") for s in Shelter.objects.values_list("slug", flat=True))
    assert all(s.startswith("demo-") for s in Project.objects.values_list("slug", flat=True))
    assert all(s.startswith("demo-") for s in Article.objects.values_list("slug", flat=True))
    assert all(a.startswith(DEMO_DONOR_PREFIX) for a in Donor.objects.values_list("acronym", flat=True))

    for shelter in Shelter.objects.select_related("state").prefetch_related("services", "populations"):
        assert shelter.municipality in {p.name for p in MUNICIPALITIES[shelter.state.iso_code]}
        assert Decimal("14.3") < shelter.latitude < Decimal("32.8")  # inside Mexico
        assert Decimal("-117.2") < shelter.longitude < Decimal("-86.6")
        assert shelter.peak_daily_arrivals >= shelter.average_daily_arrivals
        assert shelter.services.exists() and shelter.populations.exists()
        shelter.full_clean(validate_unique=False, validate_constraints=False)  # the WhatsApp number's form, too
    # The finder's fields: most shelters give a WhatsApp number; verification dates are spread, some over a year.
    whatsapp = [s.whatsapp for s in Shelter.objects.all()]
    assert 0.4 * 40 < sum(1 for w in whatsapp if w) < 40
    stale = [s.verification_is_stale for s in Shelter.objects.all()]
    assert any(stale) and not all(stale)
    for agreement in CooperationAgreement.objects.select_related("shelter", "donor").prefetch_related("items"):
        assert 1 <= len(agreement.items.all()) <= 5
        reference = f"{agreement.donor.acronym}-{agreement.programme_phase}-{agreement.shelter.slug}"
        assert agreement.reference == reference[:80]
    assert ProjectObjective.objects.filter(project__isnull=False).count() >= 2 * 6
    assert Project.thematic_areas.through.objects.count() >= 6
    assert Article.states.through.objects.count() >= 12
    assert "Inserted" in output and "rows/s" in output and "shelters: 40 rows" in output


def test_same_seed_gives_the_same_data_and_replaces_the_earlier_demo():
    generate(*SMALL, "--seed", "5")
    first = dataset()
    output = generate(*SMALL, "--seed", "5")
    assert "Replaced the earlier demo dataset" in output
    assert Shelter.objects.count() == 40 and CooperationAgreement.objects.count() == 25
    assert dataset() == first
    generate(*SMALL, "--seed", "6")
    assert dataset() != first


def test_default_is_three_agreements_for_five_shelters():
    generate("--shelters", "10", "--projects", "0", "--articles", "0")
    assert CooperationAgreement.objects.count() == 6
    assert not Project.objects.exists() and not Article.objects.exists()


@pytest.mark.parametrize("make_real", [ShelterFactory, ProjectFactory, ArticleFactory])
def test_refuses_a_database_with_real_records(make_real):
    make_real()
    with pytest.raises(CommandError, match=r"holds real records \(1 .*--force"):
        generate(*SMALL)
    assert not Shelter.objects.filter(slug__startswith="demo-").exists()
    assert not Donor.objects.filter(acronym__startswith=DEMO_DONOR_PREFIX).exists()


def test_force_adds_demo_data_beside_real_records_and_leaves_them_alone():
    real = ShelterFactory(name="Albergue Real", slug="albergue-real")
    generate(*SMALL, "--force")
    generate(*SMALL, "--force")  # replacing the demo data must not touch the real shelter
    assert Shelter.objects.count() == 41
    assert Shelter.objects.filter(pk=real.pk, name="Albergue Real").exists()


def test_force_keeps_demo_names_clear_of_real_shelters_in_the_same_state():
    generate(*SMALL, "--seed", "3")
    taken = list(Shelter.objects.order_by("slug").values_list("name", "state")[:5])
    generate("--shelters", "0", "--projects", "0", "--articles", "0")  # removes the demo shelters
    for index, (name, state) in enumerate(taken):  # real shelters now hold the names the demo will draw again
        ShelterFactory(name=name, state_id=state, slug=f"real-{index}")
    generate(*SMALL, "--seed", "3", "--force")
    assert Shelter.objects.count() == 45
    for name, state in taken:
        demo = Shelter.objects.filter(slug__startswith="demo-", state=state, name__startswith=name)
        assert demo.exists() and not demo.filter(name=name).exists()


def test_rejects_impossible_or_negative_counts():
    with pytest.raises(CommandError, match="more than 1 shelters can take"):
        generate("--shelters", "1", "--agreements", "33")
    with pytest.raises(CommandError):
        generate("--shelters", "-5")
    assert not Shelter.objects.exists()


def test_runs_without_factory_boy(monkeypatch):
    """factory-boy is a test tool: a production install has none, and the demo parts must not need it."""
    monkeypatch.setitem(sys.modules, "factory", None)  # makes `import factory` fail
    for name in ("registry.demo", "projects.demo", "news.demo", "config.management.commands.generate_demo"):
        monkeypatch.delitem(sys.modules, name, raising=False)
    generate(*SMALL)
    assert Shelter.objects.count() == 40


def test_demo_shelters_have_weekly_hours_and_some_confidential_locations():
    generate(*SMALL, "--shelters", "200")
    demo = Shelter.objects.filter(slug__startswith="demo-")
    visibilities = set(demo.values_list("location_visibility", flat=True))
    assert visibilities == {"exact", "municipality", "hidden"}
    with_hours = demo.filter(hours__isnull=False).distinct().count()
    assert 100 < with_hours < 200  # most have structured hours, some only notes
    assert OpeningHours.objects.filter(all_day=True).exists()
    assert OpeningHours.objects.filter(opens_at__gt=F("closes_at")).exists()  # overnight ranges
