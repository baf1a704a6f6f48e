"""States, shelters, donors and the cooperation agreements that bring support to shelters.

One module a part: base, places (states and reference terms), shelters, agreements."""

# Models kept beside the rules they serve, imported here so Django finds them in registry.models.
from registry.corrections import CorrectionReport, CorrectionStatus
from registry.hours import OpeningHours
from registry.models.agreements import (
    AgreementManager,
    AgreementQuerySet,
    AgreementStatus,
    CooperationAgreement,
    Donor,
    DonorManager,
    DonorQuerySet,
    SupportCategory,
    SupportItem,
    SupportItemManager,
)
from registry.models.base import TimeStampedModel, VersionedModel, choice_label, one_language_required, text_is
from registry.models.places import (
    BorderCountry,
    BorderRegion,
    CodeManager,
    Language,
    PopulationGroup,
    ReferenceTerm,
    Service,
    State,
    StateManager,
    StateQuerySet,
)
from registry.models.shelters import (
    STALE_AFTER_DAYS,
    OperatorType,
    Shelter,
    ShelterManager,
    ShelterQuerySet,
    ShelterStatus,
    whatsapp_validator,
)

__all__ = [
    "CorrectionReport",
    "CorrectionStatus",
    "OpeningHours",
    "TimeStampedModel",
    "VersionedModel",
    "text_is",
    "one_language_required",
    "choice_label",
    "BorderRegion",
    "BorderCountry",
    "StateQuerySet",
    "StateManager",
    "State",
    "CodeManager",
    "ReferenceTerm",
    "Service",
    "PopulationGroup",
    "Language",
    "OperatorType",
    "ShelterStatus",
    "ShelterQuerySet",
    "ShelterManager",
    "Shelter",
    "STALE_AFTER_DAYS",
    "whatsapp_validator",
    "DonorQuerySet",
    "DonorManager",
    "Donor",
    "AgreementStatus",
    "AgreementQuerySet",
    "AgreementManager",
    "CooperationAgreement",
    "SupportCategory",
    "SupportItemManager",
    "SupportItem",
]
