"""Writes on registry records that touch several rows: staff bulk actions (admin actions, commands), each recorded
in the history, and an agreement's support items."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from registry.models import CooperationAgreement, Shelter, ShelterStatus, SupportItem


def _locked(shelters: Iterable[Shelter]) -> list[Shelter]:
    """Fresh copies of the shelters, locked until the transaction ends, so their versions are current."""
    ids = [shelter.pk for shelter in shelters]
    return list(Shelter.objects.select_for_update().filter(pk__in=ids).order_by("pk"))


def _save(shelter: Shelter, *, user: AbstractBaseUser | None, reason: str, fields: list[str]) -> None:
    shelter.version += 1
    shelter._change_reason = reason
    shelter._history_user = user
    shelter.save(update_fields=[*fields, "version", "updated_at"])


@transaction.atomic
def shelter_mark_verified(
    *, shelters: Iterable[Shelter], user: AbstractBaseUser | None, on: date | None = None
) -> list[Shelter]:
    """Record that staff checked the shelters' details on `on` (today by default). Returns the shelters changed;
    those already verified that day are left alone, so repeating the action adds no history."""
    day = on or timezone.localdate()
    changed = []
    for shelter in _locked(shelters):
        if shelter.last_verified == day:
            continue
        shelter.last_verified = day
        _save(shelter, user=user, reason=gettext("Marked verified on %(day)s") % {"day": day}, fields=["last_verified"])
        changed.append(shelter)
    return changed


@transaction.atomic
def shelter_close(*, shelters: Iterable[Shelter], user: AbstractBaseUser | None, reason: str = "") -> list[Shelter]:
    """Mark the shelters closed (they stay in the registry, with their history and agreements). Returns the shelters
    changed; those already closed are left alone."""
    change_reason = gettext("Closed") + (f": {reason.strip()}" if reason.strip() else "")
    changed = []
    for shelter in _locked(shelters):
        if shelter.status == ShelterStatus.CLOSED:
            continue
        shelter.status = ShelterStatus.CLOSED
        _save(shelter, user=user, reason=change_reason, fields=["status"])
        changed.append(shelter)
    return changed


@transaction.atomic
def agreement_items_replace(*, agreement: CooperationAgreement, items: Iterable[Mapping[str, Any]]) -> None:
    """Make `items` (field values of SupportItem) the agreement's whole list of support items."""
    agreement.items.all().delete()
    agreement_items_add(agreement=agreement, items=items)


def agreement_items_add(*, agreement: CooperationAgreement, items: Iterable[Mapping[str, Any]]) -> None:
    """Add support items (field values of SupportItem) to the agreement, in one query."""
    SupportItem.objects.bulk_create(SupportItem(agreement=agreement, **item) for item in items)
