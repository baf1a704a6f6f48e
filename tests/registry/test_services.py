"""Writes on an agreement's support items (registry.services), as the API calls them."""

from decimal import Decimal

import pytest

from registry import services
from registry.models import SupportCategory
from tests.factories import CooperationAgreementFactory, SupportItemFactory

pytestmark = pytest.mark.django_db

HYGIENE_KITS = {"category": SupportCategory.HYGIENE, "description": "Hygiene kits", "quantity": Decimal(200)}


def items_of(agreement) -> list[tuple[str, str]]:
    return sorted(agreement.items.values_list("category", "description"))


def test_replacing_items_leaves_exactly_the_new_list(django_assert_num_queries):
    agreement = CooperationAgreementFactory()
    SupportItemFactory(agreement=agreement, description="Old painkillers")
    # savepoint; read, delete and record in the history the old items; insert the new ones; release
    with django_assert_num_queries(6):
        services.agreement_items_replace(agreement=agreement, items=[HYGIENE_KITS])
    assert items_of(agreement) == [(SupportCategory.HYGIENE, "Hygiene kits")]
    assert agreement.items.get().quantity == Decimal(200)


def test_replacing_with_no_items_empties_the_list():
    agreement = CooperationAgreementFactory()
    SupportItemFactory(agreement=agreement)
    services.agreement_items_replace(agreement=agreement, items=[])
    assert items_of(agreement) == []


def test_adding_items_keeps_the_existing_ones():
    agreement = CooperationAgreementFactory()
    SupportItemFactory(agreement=agreement, description="Old painkillers")
    services.agreement_items_add(agreement=agreement, items=[HYGIENE_KITS])
    assert items_of(agreement) == sorted(
        [(SupportCategory.MEDICINES, "Old painkillers"), (SupportCategory.HYGIENE, "Hygiene kits")]
    )
