"""Home-page aggregates: key figures and support by state and by border region."""

from decimal import Decimal

import pytest
from django.utils import translation

from config import selectors as site_selectors
from registry import selectors
from tests.factories import CooperationAgreementFactory, DonorFactory, ProjectFactory, ShelterFactory, state

pytestmark = pytest.mark.django_db


def test_key_figures_on_an_empty_registry():
    figures = site_selectors.key_figures()
    assert figures == site_selectors.KeyFigures(0, 0, 0, 0, Decimal(0))


def test_key_figures_count_active_shelters_and_sum_budgets():
    chiapas = ShelterFactory(state=state("MX-CHP"))
    ShelterFactory(state=state("MX-CHP"))
    ShelterFactory(state=state("MX-SON"), status="closed")  # neither an active shelter nor a covered state
    CooperationAgreementFactory(shelter=chiapas, donor=DonorFactory(acronym="PRM"))
    CooperationAgreementFactory(shelter=chiapas, donor=DonorFactory(acronym="ECHO"))
    ProjectFactory(budget_usd=Decimal("100000.50"))
    ProjectFactory(budget_usd=None)
    figures = site_selectors.key_figures()
    assert figures.active_shelters == 2
    assert figures.states_covered == 1
    assert figures.agreements == 2
    assert figures.projects == 2
    assert figures.total_budget_usd == Decimal("100000.50")


@pytest.fixture
def support():
    tapachula = ShelterFactory(state=state("MX-CHP"))
    ShelterFactory(state=state("MX-CHP"))
    ixtepec = ShelterFactory(state=state("MX-OAX"))
    closed = ShelterFactory(state=state("MX-SON"), status="closed")
    for shelter in (tapachula, ixtepec, closed):
        CooperationAgreementFactory(shelter=shelter)
    CooperationAgreementFactory(shelter=tapachula, programme_phase=3)


def test_support_by_state_counts_active_shelters_and_all_agreements(support, django_assert_num_queries):
    with django_assert_num_queries(3):  # the states, shelters per state, agreements per state
        states = selectors.states_with_support()
    with translation.override("es"):
        rows = {row.code: row for row in selectors.support_by_state(states)}
    assert set(rows) == {"MX-CHP", "MX-OAX", "MX-SON"}
    assert (rows["MX-CHP"].shelters, rows["MX-CHP"].agreements) == (2, 2)
    assert (rows["MX-OAX"].shelters, rows["MX-OAX"].agreements) == (1, 1)
    assert (rows["MX-SON"].shelters, rows["MX-SON"].agreements) == (0, 1)
    assert rows["MX-CHP"].url == "/es/states/chiapas/"


def test_support_by_state_puts_the_busiest_first(support):
    rows = selectors.support_by_state(selectors.states_with_support())
    assert [r.code for r in rows] == ["MX-CHP", "MX-OAX", "MX-SON"]


def test_support_by_region_totals_its_states_north_to_south(support, django_assert_num_queries):
    states = selectors.states_with_support()
    with django_assert_num_queries(0):
        rows = selectors.support_by_region(states)
    assert [(r.code, r.shelters, r.agreements) for r in rows] == [
        ("north", 0, 1),
        ("centre", 0, 0),
        ("south", 3, 3),
    ]


def test_states_by_region_keeps_all_32_states():
    groups = selectors.states_by_region(selectors.states_with_support())
    assert [g.region for g in groups] == ["north", "centre", "south"]
    assert sum(len(g.states) for g in groups) == 32
    assert {s.iso_code for s in groups[0].states} >= {"MX-BCN", "MX-SON", "MX-CHH", "MX-COA", "MX-NLE", "MX-TAM"}
