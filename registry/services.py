"""Writes on registry records that touch several rows: staff bulk actions (admin actions, commands), each recorded
in the history, and an agreement's support items."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from registry.models import (
    CooperationAgreement,
    CorrectionReport,
    CorrectionStatus,
    Shelter,
    ShelterStatus,
    SupportItem,
)


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


@transaction.atomic
def correction_report_create(
    *, shelter: Shelter, message: str, contact: str = "", language: str = ""
) -> CorrectionReport:
    """File a visitor's correction; staff are e-mailed once the report is committed."""
    report = CorrectionReport.objects.create(
        shelter=shelter, message=message.strip(), contact=contact.strip(), language=language[:8]
    )
    transaction.on_commit(lambda: notify_staff_of_correction(report=report))
    return report


@transaction.atomic
def correction_report_decide(
    *, report: CorrectionReport, user: AbstractBaseUser, accept: bool, mark_verified: bool = False
) -> CorrectionReport:
    """Accept or reject a report (who and when are recorded); accepting can mark the shelter verified today."""
    report = CorrectionReport.objects.select_for_update().get(pk=report.pk)
    report.status = CorrectionStatus.ACCEPTED if accept else CorrectionStatus.REJECTED
    report.decided_by = user
    report.decided_at = timezone.now()
    report.save(update_fields=["status", "decided_by", "decided_at"])
    if accept and mark_verified:
        shelter_mark_verified(shelters=[report.shelter], user=user)
    return report


def correction_recipients() -> list[str]:
    """CORRECTION_REPORT_RECIPIENTS if set, else the active staff who may decide reports."""
    if settings.CORRECTION_REPORT_RECIPIENTS:
        return list(settings.CORRECTION_REPORT_RECIPIENTS)
    users = get_user_model().objects.filter(is_active=True, is_staff=True).exclude(email="")
    return sorted(user.email for user in users if user.has_perm("registry.change_correctionreport"))


def notify_staff_of_correction(*, report: CorrectionReport) -> int:
    recipients = correction_recipients()
    if not recipients:
        return 0
    admin_path = reverse("admin:registry_correctionreport_change", args=[report.pk])
    with translation.override(settings.LANGUAGE_CODE):
        subject = gettext("Correction reported for %(shelter)s") % {"shelter": report.shelter.name}
        body = render_to_string(
            "registry/correction_email.txt", {"report": report, "admin_url": settings.SITE_URL + admin_path}
        )
    return send_mail(subject, body, None, recipients, fail_silently=False)
