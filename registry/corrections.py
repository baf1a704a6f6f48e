"""What visitors report as wrong on a shelter's page, and its moderation by staff (new, accepted, rejected)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class CorrectionStatus(models.TextChoices):
    NEW = "new", _("New")
    ACCEPTED = "accepted", _("Accepted")
    REJECTED = "rejected", _("Rejected")


class CorrectionReportQuerySet(models.QuerySet["CorrectionReport"]):
    def pending(self) -> CorrectionReportQuerySet:
        return self.filter(status=CorrectionStatus.NEW)


class CorrectionReport(models.Model):
    """What a visitor says is wrong on a shelter's page, waiting for staff to accept or reject it."""

    shelter = models.ForeignKey(
        "registry.Shelter", on_delete=models.CASCADE, related_name="correction_reports", verbose_name=_("shelter")
    )
    message = models.TextField(_("what is wrong"), max_length=2000)
    contact = models.CharField(_("contact (optional)"), max_length=200, blank=True)
    language = models.CharField(_("language"), max_length=8, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=CorrectionStatus.choices, default=CorrectionStatus.NEW, db_index=True
    )
    created_at = models.DateTimeField(_("reported"), auto_now_add=True)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )

    objects = CorrectionReportQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("correction report")
        verbose_name_plural = _("correction reports")
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=CorrectionStatus.values),
                name="correction_status_valid",
                violation_error_message=_("Choose new, accepted or rejected."),
            ),
            models.CheckConstraint(
                condition=Q(status=CorrectionStatus.NEW, decided_at__isnull=True)
                | (~Q(status=CorrectionStatus.NEW) & Q(decided_at__isnull=False)),
                name="correction_decided_when_not_new",
                violation_error_message=_("A decided report needs the time of the decision; a new one has none."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.shelter}: {self.message[:60]}"

    @property
    def status_label(self) -> str:
        return str(CorrectionStatus(self.status).label)
