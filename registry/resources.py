"""CSV/XLSX import and export of states, services, population groups, shelters, donors, agreements and items.

The shared rules (natural keys, all-or-nothing, row validation) live in registry.natural_keys."""

from __future__ import annotations

from registry.models import (
    CooperationAgreement,
    Donor,
    PopulationGroup,
    Service,
    Shelter,
    State,
    SupportItem,
)
from registry.natural_keys import NaturalKeyResource, natural_key_field, natural_keys_field


class StateResource(NaturalKeyResource):
    class Meta:
        model = State
        import_id_fields = ("iso_code",)
        fields = ("iso_code", "inegi_code", "name", "slug", "region", "borders_country")


class ServiceResource(NaturalKeyResource):
    class Meta:
        model = Service
        import_id_fields = ("code",)
        fields = ("code", "name_es", "name_en")


class PopulationGroupResource(NaturalKeyResource):
    class Meta:
        model = PopulationGroup
        import_id_fields = ("code",)
        fields = ("code", "name_es", "name_en")


class ShelterResource(NaturalKeyResource):
    state = natural_key_field("state", State, "iso_code")
    populations = natural_keys_field("populations", PopulationGroup, "code")
    services = natural_keys_field("services", Service, "code")

    export_select_related = ("state",)
    export_prefetch_related = ("populations", "services")

    class Meta:
        model = Shelter
        import_id_fields = ("slug",)
        fields = (
            "slug",
            "name",
            "state",
            "municipality",
            "address",
            "latitude",
            "longitude",
            "operator_type",
            "populations",
            "services",
            "capacity",
            "average_daily_arrivals",
            "peak_daily_arrivals",
            "opening_hours",
            "languages",
            "eligibility_notes",
            "accessibility_notes",
            "phone",
            "email",
            "website",
            "status",
            "last_verified",
        )


class DonorResource(NaturalKeyResource):
    class Meta:
        model = Donor
        import_id_fields = ("acronym",)
        fields = ("acronym", "name", "country", "website")


class CooperationAgreementResource(NaturalKeyResource):
    shelter = natural_key_field("shelter", Shelter, "slug")
    donor = natural_key_field("donor", Donor, "acronym")
    # The project model is named through the relation: the core does not import the projects app.
    project = natural_key_field("project", CooperationAgreement.project.field.related_model, "prima_id")

    export_select_related = ("shelter", "donor", "project")

    class Meta:
        model = CooperationAgreement
        import_id_fields = ("reference",)
        fields = (
            "reference",
            "shelter",
            "donor",
            "project",
            "implementing_office",
            "signed_on",
            "programme_phase",
            "programme_year",
            "status",
        )


class SupportItemResource(NaturalKeyResource):
    agreement = natural_key_field("agreement", CooperationAgreement, "reference")

    export_select_related = ("agreement",)

    class Meta:
        model = SupportItem
        import_id_fields = ("agreement", "category", "description")
        fields = ("agreement", "category", "description", "quantity", "unit", "value_usd")
