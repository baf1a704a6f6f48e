"""Writes on registry records that touch several rows: staff bulk actions (admin actions, commands), each recorded
in the history, and an agreement's support items."""

from __future__ import annotations

import re
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
from django.utils.text import slugify
from django.utils.translation import gettext

from registry.importers.pages import DonorMention, NewsPage, ShelterMention, fold
from registry.importers.records import RecordWriter
from registry.models import (
    CooperationAgreement,
    CorrectionReport,
    CorrectionStatus,
    Donor,
    Shelter,
    ShelterStatus,
    SupportCategory,
    SupportItem,
)
from registry.roles import ROLE_LABELS, ROLE_PERMISSIONS


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


# --- page import: the shelters, donors and agreements a news item announces ----------------------------------


def shelter_key(name: str) -> str:
    """A shelter's name for matching: no accents, case, punctuation, leading "Albergue"/"Refugio" or articles, so
    "Albergue Jesús el Buen Pastor" and "albergue jesus el buen pastor" are one shelter."""
    key = re.sub(r"[^\w\s]", " ", fold(name))
    key = re.sub(r"\s+", " ", key).strip()
    key = re.sub(r"^(albergue|refugio|shelter)\s+(para\s+migrantes\s+)?", "", key)
    return re.sub(r"^(el|la|los|las|the)\s+", "", key)


@transaction.atomic(savepoint=False)  # a failure aborts the whole import: no savepoint to return to
def shelter_match_or_create(*, writer: RecordWriter, mention: ShelterMention) -> Shelter | None:
    """The registry's shelter a page names, matched on its name without regard to accents, case, punctuation or
    the "Albergue" prefix (a longer name of the same shelter matches too, if only one shelter fits); a shelter the
    registry does not know is created in the state the page places it in, with a warning to verify it."""
    index: dict[str, list[int]] = writer.cache.setdefault("shelters", {})
    if not index:
        for pk, name in Shelter.objects.values_list("pk", "name"):
            index.setdefault(shelter_key(name), []).append(pk)
    key = shelter_key(mention.name)
    matches = index.get(key) or [
        pk for known, pks in index.items() for pk in pks if known.startswith(key + " ") or key.startswith(known + " ")
    ]
    if matches:
        found = list(Shelter.objects.filter(pk__in=matches).select_related("state"))
        if len(found) > 1:
            found = [s for s in found if s.state.iso_code == mention.state_iso] or found
            if len(found) > 1:
                writer.warn(
                    gettext("%(count)s shelters are named “%(name)s”; linked to the one in %(state)s")
                    % {"count": len(found), "name": mention.name, "state": found[0].state},
                    mention.line,
                )
        writer.record(str(Shelter._meta.verbose_name), found[0].slug, "unchanged")
        return found[0]

    state = writer.states.get(mention.state_iso or "")
    if state is None:
        writer.warn(
            gettext("shelter “%(name)s” is not in the registry and no state is named: skipped")
            % {"name": mention.name},
            mention.line,
        )
        return None
    basis = {
        "clause": gettext("the state named right after it"),
        "sentence": gettext("the state named in the same sentence"),
        "paragraph": gettext("the only state named in the same paragraph"),
        "article": gettext("the first state the article names"),
    }[mention.state_basis]
    shelter = Shelter(name=mention.name, state=state)
    shelter.slug = writer.unique_slug(Shelter, slugify(mention.name), 200)
    writer.create(shelter, shelter.slug, {"name": mention.name, "state": state})
    writer.warn(
        gettext(
            "shelter “%(name)s” was not in the registry: created in %(state)s (%(basis)s); "
            "verify its state and add its details"
        )
        % {"name": mention.name, "state": state.name, "basis": basis},
        mention.line,
    )
    index.setdefault(key, []).append(shelter.pk)
    return shelter


@transaction.atomic(savepoint=False)  # a failure aborts the whole import: no savepoint to return to
def donor_match_or_create(*, writer: RecordWriter, mention: DonorMention) -> Donor:
    """The donor by acronym; a new one is created. The registry's name for a donor is curated: blanks are filled
    only."""
    donor = Donor.objects.filter(acronym__iexact=mention.acronym).first()
    if donor is None:
        if Donor.objects.filter(name__iexact=mention.name).exists():
            raise writer.fail(
                gettext("a donor named “%(name)s” exists under another acronym than %(acronym)s")
                % {"name": mention.name, "acronym": mention.acronym}
            )
        donor = Donor(name=mention.name, acronym=mention.acronym, country=mention.country)
        writer.create(
            donor, mention.acronym, {"name": mention.name, "acronym": mention.acronym, "country": mention.country}
        )
        return donor
    writer.record_update(donor, donor.acronym, writer.update(donor, {"country": donor.country or mention.country}))
    return donor


@transaction.atomic(savepoint=False)  # a failure aborts the whole import: no savepoint to return to
def agreements_record(*, writer: RecordWriter, page: NewsPage, shelters: list[Shelter], donors: list[Donor]) -> None:
    """One agreement per donor and shelter for the programme phase the article announces, with its support."""
    if not donors:
        writer.warn(
            gettext("the article announces agreements but names no donor with its acronym: agreements not recorded")
        )
        return
    phase = page.programme_phase
    if phase is None:
        phase = 1
        writer.warn(gettext("the article does not say which programme phase or year this is: phase 1 assumed"))
    for donor in donors:
        for shelter in shelters:
            reference = f"{donor.acronym}-{phase}-{shelter.slug}"[:80]
            agreement = (
                CooperationAgreement.objects.filter(reference=reference).first()
                or CooperationAgreement.objects.filter(shelter=shelter, donor=donor, programme_phase=phase).first()
            )
            if agreement is None:
                agreement = CooperationAgreement(
                    reference=reference, shelter=shelter, donor=donor, programme_phase=phase
                )
                writer.create(agreement, reference, {"shelter": shelter, "donor": donor, "programme_phase": phase})
            else:
                writer.record(str(CooperationAgreement._meta.verbose_name), agreement.reference, "unchanged")
            _support_items(writer, agreement, page)


def _support_items(writer: RecordWriter, agreement: CooperationAgreement, page: NewsPage) -> None:
    existing = list(agreement.items.all())
    for item in page.support_items:
        key = f"{agreement.reference} / {item.category}: {item.description}"
        if _has_item(existing, item.category, item.description):
            writer.record(str(SupportItem._meta.verbose_name), key, "unchanged")
            continue
        new = SupportItem(agreement=agreement, category=item.category, description=item.description)
        writer.create(new, key, {"category": item.category, "description": item.description})
        existing.append(new)


def _has_item(existing: list[SupportItem], category: str, description: str) -> bool:
    """Whether the agreement already records this support, perhaps in staff's own words: any item of the same
    category does for goods; a training topic must match (one name containing the other)."""
    same = [i for i in existing if i.category == category]
    if category != SupportCategory.TRAINING:
        return bool(same)
    wanted = fold(description)
    return any(wanted in fold(i.description) or fold(i.description) in wanted for i in same)


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


def user_apply_role(*, user: AbstractBaseUser) -> str | None:
    """Make the user's staff status follow their role: a member of Editors or Viewers may sign in to the admin,
    a user in neither may not (superusers keep their status). Returns the role names, or None without a role."""
    roles = sorted(user.groups.filter(name__in=ROLE_PERMISSIONS).values_list("name", flat=True))  # type: ignore[attr-defined]
    wanted = bool(roles) or user.is_superuser  # type: ignore[attr-defined]
    if user.is_staff != wanted:  # type: ignore[attr-defined]
        user.is_staff = wanted  # type: ignore[attr-defined]
        user.save(update_fields=["is_staff"])
    return ", ".join(str(ROLE_LABELS[role]) for role in roles) or None
