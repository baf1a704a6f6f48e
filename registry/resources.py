"""CSV/XLSX import and export of states, services, population groups, shelters, donors, agreements and items.

The shared rules (natural keys, all-or-nothing, row validation) live in registry.natural_keys."""

from __future__ import annotations

from typing import Any

from django.utils.text import slugify
from django.utils.translation import gettext
from import_export import fields, widgets

from registry.models import (
    CooperationAgreement,
    Donor,
    Language,
    PopulationGroup,
    Service,
    Shelter,
    State,
    SupportItem,
)
from registry.natural_keys import NaturalKeyResource, cell_text, natural_key_field, natural_keys_field

# Names partners use for a state besides its own (compared as slugs: no accents, no case).
STATE_ALIASES = {
    "cdmx": "MX-CMX",
    "distrito-federal": "MX-CMX",
    "df": "MX-CMX",
    "mexico-city": "MX-CMX",
    "mexico": "MX-MEX",
    "edomex": "MX-MEX",
    "coahuila-de-zaragoza": "MX-COA",
    "michoacan-de-ocampo": "MX-MIC",
    "veracruz-de-ignacio-de-la-llave": "MX-VER",
}


class StateWidget(widgets.ForeignKeyWidget):
    """A state by its ISO code (MX-NLE, or NLE), INEGI code (19), name ("Nuevo León", "nuevo leon") or a short
    code that only one state's ISO code starts with ("NL")."""

    def __init__(self) -> None:
        super().__init__(State, field="iso_code")
        self.states: list[State] | None = None  # read once per import (see ShelterResource.before_import)

    def find(self, value: Any) -> State | None:
        """The state the cell names; ValueError with a sentence when it names none or several."""
        text = cell_text(value if value is not None else "")
        if not text:
            return None
        if self.states is None:
            self.states = list(State.objects.all())
        states = self.states
        key = slugify(text)
        code = text.upper().removeprefix("MX-")
        if isinstance(value, float) and value.is_integer():  # a spreadsheet's number cell: 19.0
            text = key = code = str(int(value))
        by_iso = {state.iso_code.removeprefix("MX-"): state for state in states}
        by_inegi = {state.inegi_code.lstrip("0"): state for state in states}
        by_name = {state.slug: state for state in states} | {
            alias: by_iso[iso.removeprefix("MX-")] for alias, iso in STATE_ALIASES.items()
        }
        found = by_iso.get(code) or (by_inegi.get(code.lstrip("0")) if code.isdigit() else None) or by_name.get(key)
        if found is not None:
            return found
        starting = [state for iso, state in by_iso.items() if code.isalpha() and iso.startswith(code)]
        if len(starting) == 1:
            return starting[0]
        if len(starting) > 1:
            raise ValueError(
                gettext("“%(value)s” could be %(states)s; write the state's name or its ISO code.")
                % {"value": text, "states": ", ".join(f"{s.name} ({s.iso_code})" for s in starting)}
            )
        raise ValueError(
            gettext("“%(value)s” is not a Mexican state; write its name, ISO code (e.g. MX-NLE) or INEGI code (19).")
            % {"value": text}
        )

    def clean(self, value: Any, row: Any = None, **kwargs: Any) -> State | None:
        return self.find(value)

    def render(self, value: Any, obj: Any = None, **kwargs: Any) -> str:
        return value.iso_code if value is not None else ""


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
    """Shelters, from the registry's own export or a partner's list (name, municipality or city, state): the slug is
    derived from the name and the state when the file has none, and a source column is kept as provenance."""

    state = fields.Field(attribute="state", column_name="state", widget=StateWidget())
    populations = natural_keys_field("populations", PopulationGroup, "code")
    services = natural_keys_field("services", Service, "code")
    languages = natural_keys_field("languages", Language, "code")

    export_select_related = ("state",)
    export_prefetch_related = ("populations", "services", "languages")

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
            "location_visibility",
            "operator_type",
            "populations",
            "services",
            "capacity",
            "average_daily_arrivals",
            "peak_daily_arrivals",
            "opening_hours_es",
            "opening_hours_en",
            "languages",
            "eligibility_notes_es",
            "eligibility_notes_en",
            "accessibility_notes_es",
            "accessibility_notes_en",
            "phone",
            "whatsapp",
            "email",
            "website",
            "status",
            "last_verified",
            "source_url",
        )

    column_aliases = {
        "nombre": "name",
        "albergue": "name",
        "shelter": "name",
        "municipio": "municipality",
        "ciudad": "municipality",
        "city": "municipality",
        "municipality_or_city": "municipality",
        "estado": "state",
        "entidad": "state",
        "entidad_federativa": "state",
        "direccion": "address",
        "domicilio": "address",
        "latitud": "latitude",
        "longitud": "longitude",
        "capacidad": "capacity",
        "telefono": "phone",
        "correo": "email",
        "sitio_web": "website",
        "source": "source_url",
        "fuente": "source_url",
        "url": "source_url",
        "url_fuente": "source_url",
    }
    required_columns = ("name", "state")

    def before_import(self, dataset: Any, **kwargs: Any) -> None:
        super().before_import(dataset, **kwargs)
        self.fields["state"].widget.states = None
        if "slug" not in dataset.headers:
            dataset.append_col([""] * len(dataset), header="slug")
        names, states, slugs = (dataset.headers.index(column) for column in ("name", "state", "slug"))
        rows = []
        for row in dataset:
            row = list(row)
            if not cell_text(row[slugs] or ""):
                row[slugs] = self.derived_slug(row[names], row[states])
            rows.append(row)
        if rows:
            dataset.dict = [dict(zip(dataset.headers, row, strict=True)) for row in rows]

    def derived_slug(self, name: Any, state: Any) -> str:
        """name-state ("casa-del-migrante-sonora"), so that the same name in two states gives two records and the
        partner's next file finds the same ones; just the name while the state cannot be read (that row fails)."""
        try:
            found = self.fields["state"].widget.find(state)
        except ValueError:
            found = None
        return slugify(f"{cell_text(name or '')} {found.slug if found else ''}")[:200]


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
            "implementing_office_es",
            "implementing_office_en",
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
        import_id_fields = ("agreement", "category", "description_es", "description_en")
        fields = (
            "agreement",
            "category",
            "description_es",
            "description_en",
            "quantity",
            "unit_es",
            "unit_en",
            "value_usd",
        )
