from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from registry.models import State
from tests.factories import CooperationAgreementFactory, ShelterFactory, SupportItemFactory, state

pytestmark = pytest.mark.django_db


def test_all_32_states_are_loaded_with_codes_and_regions():
    assert State.objects.count() == 32
    assert set(State.objects.values_list("inegi_code", flat=True)) == {f"{n:02d}" for n in range(1, 33)}
    assert sorted(State.objects.filter(region="north").values_list("iso_code", flat=True)) == [
        "MX-BCN",
        "MX-CHH",
        "MX-COA",
        "MX-NLE",
        "MX-SON",
        "MX-TAM",
    ]
    assert sorted(State.objects.filter(region="south").values_list("iso_code", flat=True)) == [
        "MX-CAM",
        "MX-CHP",
        "MX-OAX",
        "MX-ROO",
        "MX-TAB",
    ]
    assert State.objects.filter(borders_country="US").count() == 6
    assert set(State.objects.filter(borders_country="GT").values_list("iso_code", flat=True)) == {
        "MX-CHP",
        "MX-TAB",
        "MX-CAM",
    }
    assert state("MX-ROO").borders_country == "BZ"
    assert state("MX-OAX").borders_country == ""


def test_news_item_states_fall_in_the_regions_the_source_gives():
    regions = {s.name: s.region for s in State.objects.all()}
    for name in ["Chihuahua", "Sonora", "Tamaulipas"]:
        assert regions[name] == "north"
    for name in ["San Luis Potosí", "Veracruz", "Tlaxcala"]:
        assert regions[name] == "centre"
    for name in ["Chiapas", "Oaxaca", "Tabasco"]:
        assert regions[name] == "south"


def test_str_and_urls():
    shelter = ShelterFactory(name="Albergue Uno", slug="albergue-uno")
    assert str(shelter) == "Albergue Uno"
    assert str(state("MX-CHP")) == "Chiapas"
    item = SupportItemFactory(agreement__shelter=shelter, description="Antibiotics")
    assert "Antibiotics" in str(item)
    assert str(item.agreement) == item.agreement.reference


@pytest.mark.parametrize(
    "fields",
    [
        {"average_daily_arrivals": -1},
        {"peak_daily_arrivals": 10, "average_daily_arrivals": 100},
        {"latitude": Decimal("91"), "longitude": Decimal("-95")},
        {"latitude": Decimal("16"), "longitude": Decimal("-181")},
        {"latitude": Decimal("16"), "longitude": None},
        {"status": "bogus"},
    ],
)
def test_shelter_constraints_reject_bad_rows(fields):
    with pytest.raises(IntegrityError), transaction.atomic():
        ShelterFactory(**fields)


def test_shelter_slug_and_name_per_state_are_unique():
    ShelterFactory(name="Casa", slug="casa")
    with pytest.raises(IntegrityError), transaction.atomic():
        ShelterFactory(name="Casa 2", slug="casa")
    with pytest.raises(IntegrityError), transaction.atomic():
        ShelterFactory(name="Casa", slug="casa-2")
    ShelterFactory(name="Casa", slug="casa-3", state=state("MX-OAX"))


def test_agreement_natural_keys_and_checks():
    agreement = CooperationAgreementFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        CooperationAgreementFactory(
            shelter=agreement.shelter,
            donor=agreement.donor,
            programme_phase=agreement.programme_phase,
            reference="other",
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        CooperationAgreementFactory(programme_phase=0)


@pytest.mark.parametrize("fields", [{"quantity": Decimal("-1")}, {"value_usd": Decimal("-0.01")}])
def test_support_item_amounts_are_non_negative(fields):
    with pytest.raises(IntegrityError), transaction.atomic():
        SupportItemFactory(**fields)


def test_state_region_must_be_a_known_region():
    with pytest.raises(IntegrityError), transaction.atomic():
        State.objects.filter(iso_code="MX-CHP").update(region="west")
