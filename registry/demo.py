"""The core's part of the demo dataset (`manage.py generate_demo`, which composes every app's part): donors,
shelters with their services and populations, agreements with their support items, and what every part shares.

Plain code over one `random.Random` that the command seeds, and reference rows read in a fixed order, so one seed
always gives the same data. Objects are built in memory and written with `bulk_create` in batches, many-to-many
links straight into the through tables. Demo rows are marked: slugs start with "demo-", donor acronyms with
"DEMO-"; agreements and support items hang off demo shelters. bulk_create writes no history, on purpose: this is
not data anybody edited.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from datetime import time as clock
from decimal import Decimal
from typing import Any, NamedTuple

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.text import slugify

from registry.models import (
    AgreementStatus,
    CooperationAgreement,
    Donor,
    Language,
    OpeningHours,
    OperatorType,
    PopulationGroup,
    Service,
    Shelter,
    ShelterStatus,
    State,
    SupportCategory,
    SupportItem,
)
from registry.visibility import LocationVisibility

DEMO_PREFIX = "demo-"
DEMO_DONOR_PREFIX = "DEMO-"
BATCH_SIZE = 2000
PHASES = (1, 2, 3, 4)
# "Today" for the demo world, fixed so the data does not depend on the day it is generated.
REFERENCE_DATE = date(2025, 6, 30)


class Place(NamedTuple):
    name: str
    latitude: float
    longitude: float


# fmt: off
# A few municipalities per state with their approximate town centre; shelters sit within ~3 km of it.
MUNICIPALITIES: dict[str, tuple[Place, ...]] = {
    "MX-AGU": (Place("Aguascalientes", 21.88, -102.29), Place("Jesús María", 21.96, -102.34),
               Place("Calvillo", 21.85, -102.72), Place("Rincón de Romos", 22.23, -102.32)),
    "MX-BCN": (Place("Tijuana", 32.51, -117.02), Place("Mexicali", 32.62, -115.45), Place("Ensenada", 31.87, -116.60),
               Place("Tecate", 32.57, -116.63), Place("Playas de Rosarito", 32.36, -117.04)),
    "MX-BCS": (Place("La Paz", 24.14, -110.31), Place("San José del Cabo", 23.06, -109.70),
               Place("Ciudad Constitución", 25.03, -111.66), Place("Loreto", 26.01, -111.35)),
    "MX-CAM": (Place("Campeche", 19.84, -90.52), Place("Ciudad del Carmen", 18.65, -91.81),
               Place("Escárcega", 18.61, -90.74), Place("Xpujil", 18.51, -89.39), Place("Candelaria", 18.18, -91.05)),
    "MX-COA": (Place("Saltillo", 25.42, -101.00), Place("Torreón", 25.54, -103.41),
               Place("Piedras Negras", 28.70, -100.53), Place("Ciudad Acuña", 29.32, -100.94),
               Place("Monclova", 26.91, -101.42)),
    "MX-COL": (Place("Colima", 19.24, -103.72), Place("Manzanillo", 19.07, -104.29), Place("Tecomán", 18.91, -103.87),
               Place("Villa de Álvarez", 19.27, -103.74)),
    "MX-CHP": (Place("Tapachula", 14.90, -92.26), Place("Tuxtla Gutiérrez", 16.75, -93.12),
               Place("Arriaga", 16.24, -93.90), Place("Palenque", 17.51, -91.98),
               Place("Comitán de Domínguez", 16.25, -92.13), Place("San Cristóbal de las Casas", 16.74, -92.64),
               Place("Ciudad Hidalgo", 14.68, -92.15)),
    "MX-CHH": (Place("Ciudad Juárez", 31.69, -106.42), Place("Chihuahua", 28.63, -106.07),
               Place("Ojinaga", 29.56, -104.41), Place("Nuevo Casas Grandes", 30.42, -107.91),
               Place("Delicias", 28.19, -105.47)),
    "MX-CMX": (Place("Iztapalapa", 19.36, -99.06), Place("Gustavo A. Madero", 19.48, -99.11),
               Place("Cuauhtémoc", 19.43, -99.15), Place("Tláhuac", 19.29, -99.00),
               Place("Azcapotzalco", 19.49, -99.18)),
    "MX-DUR": (Place("Durango", 24.02, -104.67), Place("Gómez Palacio", 25.57, -103.50), Place("Lerdo", 25.54, -103.52),
               Place("Santiago Papasquiaro", 25.04, -105.42)),
    "MX-GUA": (Place("León", 21.12, -101.68), Place("Celaya", 20.52, -100.81), Place("Irapuato", 20.68, -101.35),
               Place("Salamanca", 20.57, -101.19), Place("Guanajuato", 21.02, -101.26)),
    "MX-GRO": (Place("Acapulco", 16.86, -99.88), Place("Chilpancingo", 17.55, -99.50), Place("Iguala", 18.34, -99.54),
               Place("Zihuatanejo", 17.64, -101.55), Place("Taxco", 18.56, -99.60)),
    "MX-HID": (Place("Pachuca", 20.10, -98.76), Place("Tula de Allende", 20.05, -99.34),
               Place("Tulancingo", 20.08, -98.37), Place("Huejutla de Reyes", 21.14, -98.42)),
    "MX-JAL": (Place("Guadalajara", 20.67, -103.35), Place("Zapopan", 20.72, -103.39),
               Place("Tlaquepaque", 20.64, -103.31), Place("Puerto Vallarta", 20.65, -105.22),
               Place("Lagos de Moreno", 21.36, -101.93)),
    "MX-MEX": (Place("Toluca", 19.29, -99.66), Place("Ecatepec", 19.60, -99.05), Place("Nezahualcóyotl", 19.40, -99.02),
               Place("Huehuetoca", 19.83, -99.20), Place("Tultitlán", 19.64, -99.17)),
    "MX-MIC": (Place("Morelia", 19.70, -101.19), Place("Uruapan", 19.42, -102.06),
               Place("Lázaro Cárdenas", 17.96, -102.19), Place("Zamora", 19.98, -102.28),
               Place("Apatzingán", 19.09, -102.35)),
    "MX-MOR": (Place("Cuernavaca", 18.92, -99.23), Place("Cuautla", 18.81, -98.95), Place("Jiutepec", 18.88, -99.18),
               Place("Yautepec", 18.88, -99.07)),
    "MX-NAY": (Place("Tepic", 21.50, -104.89), Place("Bucerías", 20.76, -105.33),
               Place("Santiago Ixcuintla", 21.81, -105.21), Place("Compostela", 21.24, -104.90)),
    "MX-NLE": (Place("Monterrey", 25.69, -100.32), Place("Guadalupe", 25.68, -100.26), Place("Apodaca", 25.78, -100.19),
               Place("San Nicolás de los Garza", 25.74, -100.30), Place("Anáhuac", 27.24, -100.13)),
    "MX-OAX": (Place("Oaxaca de Juárez", 17.07, -96.73), Place("Ciudad Ixtepec", 16.56, -95.10),
               Place("Juchitán de Zaragoza", 16.43, -95.02), Place("Salina Cruz", 16.18, -95.19),
               Place("Matías Romero", 16.88, -95.04), Place("San Juan Bautista Tuxtepec", 18.09, -96.12)),
    "MX-PUE": (Place("Puebla", 19.04, -98.21), Place("Tehuacán", 18.46, -97.39), Place("Atlixco", 18.91, -98.43),
               Place("San Martín Texmelucan", 19.28, -98.43)),
    "MX-QUE": (Place("Querétaro", 20.59, -100.39), Place("San Juan del Río", 20.39, -99.99),
               Place("Corregidora", 20.54, -100.44), Place("El Marqués", 20.62, -100.30)),
    "MX-ROO": (Place("Cancún", 21.16, -86.85), Place("Chetumal", 18.51, -88.31),
               Place("Playa del Carmen", 20.63, -87.08), Place("Felipe Carrillo Puerto", 19.58, -88.05),
               Place("Bacalar", 18.68, -88.39)),
    "MX-SLP": (Place("San Luis Potosí", 22.15, -100.98), Place("Ciudad Valles", 21.99, -99.01),
               Place("Matehuala", 23.65, -100.64), Place("Soledad de Graciano Sánchez", 22.18, -100.94)),
    "MX-SIN": (Place("Culiacán", 24.81, -107.39), Place("Mazatlán", 23.24, -106.41),
               Place("Los Mochis", 25.79, -108.99), Place("Guasave", 25.57, -108.47)),
    "MX-SON": (Place("Hermosillo", 29.07, -110.96), Place("Nogales", 31.31, -110.94),
               Place("Agua Prieta", 31.33, -109.55), Place("San Luis Río Colorado", 32.46, -114.77),
               Place("Altar", 30.71, -111.83), Place("Caborca", 30.72, -112.16)),
    "MX-TAB": (Place("Villahermosa", 17.99, -92.93), Place("Tenosique", 17.47, -91.42),
               Place("Cárdenas", 18.00, -93.37), Place("Comalcalco", 18.26, -93.22), Place("Balancán", 17.81, -91.54)),
    "MX-TAM": (Place("Reynosa", 26.08, -98.29), Place("Matamoros", 25.87, -97.50), Place("Nuevo Laredo", 27.48, -99.51),
               Place("Tampico", 22.24, -97.87), Place("Ciudad Victoria", 23.74, -99.15)),
    "MX-TLA": (Place("Apizaco", 19.41, -98.14), Place("Tlaxcala", 19.32, -98.24), Place("Huamantla", 19.31, -97.92),
               Place("Calpulalpan", 19.59, -98.57)),
    "MX-VER": (Place("Coatzacoalcos", 18.13, -94.46), Place("Veracruz", 19.17, -96.14), Place("Xalapa", 19.54, -96.91),
               Place("Orizaba", 18.85, -97.10), Place("Tierra Blanca", 18.45, -96.36),
               Place("Acayucan", 17.95, -94.91)),
    "MX-YUC": (Place("Mérida", 20.97, -89.62), Place("Valladolid", 20.69, -88.20), Place("Progreso", 21.27, -89.66),
               Place("Tizimín", 21.14, -88.15)),
    "MX-ZAC": (Place("Zacatecas", 22.77, -102.58), Place("Fresnillo", 23.17, -102.87),
               Place("Guadalupe", 22.75, -102.52), Place("Jerez de García Salinas", 22.65, -102.99)),
}

# More shelters where more migrants pass: the southern border, the Gulf route and the northern border crossings.
STATE_WEIGHTS: dict[str, int] = {
    "MX-CHP": 14, "MX-OAX": 8, "MX-TAB": 6, "MX-VER": 7, "MX-CMX": 6, "MX-BCN": 8, "MX-SON": 6, "MX-CHH": 7,
    "MX-TAM": 7, "MX-COA": 5, "MX-NLE": 5, "MX-CAM": 2, "MX-ROO": 2, "MX-PUE": 3, "MX-MEX": 3, "MX-JAL": 3,
    "MX-GUA": 2, "MX-QUE": 2, "MX-SLP": 2, "MX-TLA": 2, "MX-SIN": 2,
}

SHELTER_KINDS = (
    "Albergue", "Albergue", "Casa del Migrante", "Casa del Migrante", "Casa de Acogida", "Refugio", "Estancia",
    "Posada del Migrante", "Hogar", "Centro de Atención al Migrante", "Comedor Migrante",
)
SHELTER_PATRONS = (
    "San José", "San Juan Diego", "Nuestra Señora de Guadalupe", "Belén", "Nazaret", "Santa Martha",
    "San Martín de Porres", "Jesús el Buen Pastor", "Hermanos en el Camino", "La Sagrada Familia", "Monseñor Romero",
    "San Francisco de Asís", "Santo Toribio Romo", "La Divina Providencia", "El Buen Samaritano", "Manos Amigas",
    "La Esperanza", "Senda de Vida", "Tochán", "Frontera Digna", "Caminos de Paz", "La Misericordia",
    "Sin Fronteras", "Juan Pablo II", "Madre Assunta", "Scalabrini", "Santa Teresa de Calcuta", "El Faro",
    "Pan de Vida", "Corazón de María", "Peregrinos", "La Luz del Camino", "Todo por Ellos", "Cristo Rey",
)
STREETS = (
    "Av. Central", "Calle 5 de Mayo", "Av. Juárez", "Calle Hidalgo", "Blvd. Independencia", "Calle Morelos",
    "Av. Reforma", "Calle Zaragoza", "Calle Allende", "Av. del Ferrocarril", "Calle Guerrero", "Carretera Federal 200",
)
NEIGHBOURHOODS = ("Centro", "Las Flores", "San Pedro", "Guadalupe", "El Carmen", "La Estación", "Obrera", "Jardines")
OPENING_HOURS = (
    "24 horas, todos los días", "Lunes a domingo, 8:00 a 20:00", "Ingreso de 17:00 a 21:00; salida a las 8:00",
    "Lunes a sábado, 9:00 a 18:00", "Comedor 13:00 a 15:00; albergue 18:00 a 7:00",
)
LANGUAGES = (  # ISO 639-3 codes of the Language records (registry/migrations/0004)
    ("spa",), ("spa",), ("spa", "eng"), ("spa", "fra", "hat"), ("spa", "eng", "por"), ("spa", "mam", "quc"),
    ("spa", "cab"),
)
ELIGIBILITY = (
    "", "Adults travelling alone and families.", "Women and children only.", "Families with children; men on request.",
    "Unaccompanied minors are referred to the child protection authority.", "Stays of up to three nights.",
)
ACCESSIBILITY = ("", "Step-free entrance.", "Ground floor dormitories; accessible bathroom.", "Stairs only.")
OPERATOR_WEIGHTS = (
    (OperatorType.FAITH_BASED, 45), (OperatorType.CIVIL_SOCIETY, 40), (OperatorType.GOVERNMENT, 8),
    (OperatorType.INTERNATIONAL, 3), (OperatorType.OTHER, 4),
)
STATUS_WEIGHTS = ((ShelterStatus.ACTIVE, 85), (ShelterStatus.TEMPORARILY_CLOSED, 10), (ShelterStatus.CLOSED, 5))
VISIBILITY_WEIGHTS = (
    (LocationVisibility.EXACT, 85), (LocationVisibility.MUNICIPALITY, 10), (LocationVisibility.HIDDEN, 5),
)
# Weekly hours patterns: (weekdays, ranges) pairs; a range is (opens, closes) or None for 24 hours.
EVERY_DAY = (1, 2, 3, 4, 5, 6, 7)
HOURS_PATTERNS = (
    ((EVERY_DAY, [None]),),
    ((EVERY_DAY, [(clock(8), clock(20))]),),
    ((EVERY_DAY, [(clock(17), clock(8))]),),  # overnight: intake in the evening, leave in the morning
    (((1, 2, 3, 4, 5, 6), [(clock(9), clock(18))]),),
    (((1, 2, 3, 4, 5), [(clock(8), clock(13)), (clock(16), clock(20))]), ((6,), [(clock(9), clock(14))])),
    (),  # no structured hours recorded
)
CAPACITIES = (15, 20, 30, 40, 50, 60, 80, 100, 120, 150, 200, 250, 300, 500)
# fmt: on

# (name, acronym, country): PRM-like programme donors, recognisably demo.
DEMO_DONORS = (
    ("Bureau for Population and Humanitarian Mobility (demo)", "DEMO-BPHM", "US"),
    ("Global Partnerships Canada (demo)", "DEMO-GPC", "CA"),
    ("European Civil Protection Fund (demo)", "DEMO-ECPF", ""),
    ("Agencia Española de Cooperación Humanitaria (demo)", "DEMO-AECH", "ES"),
    ("Swiss Development Fund (demo)", "DEMO-SDF", "CH"),
    ("German Humanitarian Office (demo)", "DEMO-GHO", "DE"),
    ("Japan Migration Support Trust (demo)", "DEMO-JMST", "JP"),
    ("UK Humanitarian Partnerships (demo)", "DEMO-UKHP", "GB"),
)
OFFICES = ("IOM Mexico", "IOM Tapachula", "IOM Tenosique", "IOM Ciudad Juárez", "IOM Tijuana", "IOM Monterrey")
# (category, description, unit, lowest quantity, highest quantity)
SUPPORT = (
    (SupportCategory.MEDICINES, "Painkillers and fever reducers", "boxes", 50, 2000),
    (SupportCategory.MEDICINES, "Oral rehydration salts", "sachets", 200, 5000),
    (SupportCategory.MEDICINES, "Antibiotics", "boxes", 20, 800),
    (SupportCategory.MEDICINES, "Medicines for chronic conditions", "boxes", 20, 600),
    (SupportCategory.MEDICINES, "Antiparasitics", "boxes", 20, 500),
    (SupportCategory.MEDICAL_SUPPLIES, "First-aid kits", "kits", 5, 80),
    (SupportCategory.MEDICAL_SUPPLIES, "Wheelchairs", "units", 1, 10),
    (SupportCategory.MEDICAL_SUPPLIES, "Blood pressure monitors", "units", 1, 15),
    (SupportCategory.MEDICAL_SUPPLIES, "Dressings and bandages", "boxes", 10, 300),
    (SupportCategory.MEDICAL_SUPPLIES, "Examination table", "units", 1, 3),
    (SupportCategory.HYGIENE, "Hygiene kits for women", "kits", 100, 3000),
    (SupportCategory.HYGIENE, "Hygiene kits for families", "kits", 100, 3000),
    (SupportCategory.HYGIENE, "Baby diapers", "packs", 50, 2000),
    (SupportCategory.HYGIENE, "Soap and disinfectant", "litres", 100, 4000),
    (SupportCategory.CONSTRUCTION, "Materials for a dormitory for women and children", "lots", 1, 3),
    (SupportCategory.CONSTRUCTION, "Roofing sheets", "sheets", 20, 400),
    (SupportCategory.CONSTRUCTION, "Materials for a therapy room", "lots", 1, 2),
    (SupportCategory.CONSTRUCTION, "Showers and bathrooms", "lots", 1, 3),
    (SupportCategory.CONSTRUCTION, "Water tank and piping", "lots", 1, 2),
    (SupportCategory.TRAINING, "Migrants' rights", "participants", 5, 60),
    (SupportCategory.TRAINING, "Human trafficking", "participants", 5, 60),
    (SupportCategory.TRAINING, "Basic psychological support", "participants", 5, 60),
    (SupportCategory.TRAINING, "Psychological first aid", "participants", 5, 60),
    (SupportCategory.TRAINING, "Gender-based violence", "participants", 5, 60),
    (SupportCategory.TRAINING, "Child protection", "participants", 5, 60),
    (SupportCategory.TRAINING, "Asylum procedures", "participants", 5, 60),
)


class DemoRandom(random.Random):
    """The demo's one source of randomness, with the few draws every part makes."""

    def weighted(self, pairs: Sequence[tuple[Any, int]]) -> Any:
        values, weights = zip(*pairs, strict=True)
        return self.choices(values, weights)[0]

    def coordinate(self, centre: float) -> Decimal:
        return Decimal(f"{centre + self.uniform(-0.03, 0.03):.6f}")

    def day(self, first: date, last: date) -> date:
        return first + timedelta(days=self.randint(0, (last - first).days))

    def state(self, states: list[State]) -> State:
        """A state, more often one where more migrants pass (STATE_WEIGHTS)."""
        return self.choices(states, [STATE_WEIGHTS.get(s.iso_code, 1) for s in states])[0]


def demo_slug(index: int, text: str, max_length: int) -> str:
    slug = f"{DEMO_PREFIX}{index:06d}-{slugify(text)}"
    return slug[:max_length].rstrip("-")


@dataclass
class DemoResult:
    rows: Counter[str] = field(default_factory=Counter)  # inserted, by table
    removed: int = 0  # rows of an earlier demo dataset, replaced
    seconds: float = 0.0

    @property
    def total(self) -> int:
        return sum(self.rows.values())

    @property
    def rows_per_second(self) -> float:
        return self.total / self.seconds if self.seconds else 0.0

    def bulk(self, label: str, objs: list[models.Model]) -> None:
        if objs:
            type(objs[0]).objects.bulk_create(objs, batch_size=BATCH_SIZE)
            self.rows[label] += len(objs)


# Tables a bulk load fills, for the planner statistics refreshed after it.
TABLES = (
    Shelter,
    Shelter.services.through,
    Shelter.populations.through,
    OpeningHours,
    Shelter.languages.through,
    Donor,
    CooperationAgreement,
    SupportItem,
)


def real_record_counts() -> dict[str, int]:
    """Shelters that generate_demo did not make: somebody's real data."""
    return {"shelters": Shelter.objects.exclude(slug__startswith=DEMO_PREFIX).count()}


def max_agreements(shelters: int) -> int:
    return shelters * len(DEMO_DONORS) * len(PHASES)


def clear_demo() -> int:
    """Delete the core's demo rows, and only those, in foreign-key order (other apps' rows that point at them go
    first: their parts are cleared before this one).

    A plain `.delete()` would load and signal every one of possibly hundreds of thousands of rows (and write a
    deletion history entry for each); these are bulk rows nobody edited, so they go with one DELETE per table.
    """
    demo = DEMO_PREFIX
    agreements = CooperationAgreement.objects.filter(
        Q(shelter__slug__startswith=demo) | Q(donor__acronym__startswith=DEMO_DONOR_PREFIX)
    )
    querysets: list[models.QuerySet] = [
        SupportItem.objects.filter(agreement__in=agreements),
        agreements,
        Shelter.services.through.objects.filter(shelter__slug__startswith=demo),
        Shelter.populations.through.objects.filter(shelter__slug__startswith=demo),
        OpeningHours.objects.filter(shelter__slug__startswith=demo),
        Shelter.languages.through.objects.filter(shelter__slug__startswith=demo),
        Shelter.objects.filter(slug__startswith=demo),
        Donor.objects.filter(acronym__startswith=DEMO_DONOR_PREFIX),
    ]
    return sum(qs._raw_delete(qs.db) for qs in querysets)


def make_donors(result: DemoResult) -> list[Donor]:
    donors = [Donor(name=name, acronym=acronym, country=country) for name, acronym, country in DEMO_DONORS]
    result.bulk("donors", donors)
    return donors


def build_shelter(rng: DemoRandom, index: int, state: State, place: Place) -> Shelter:
    """A shelter in `state`, near `place` (one of the state's MUNICIPALITIES)."""
    name = f"{rng.choice(SHELTER_KINDS)} {rng.choice(SHELTER_PATRONS)}" + (
        f" de {place.name}" if rng.random() < 0.4 else ""
    )
    address = f"{rng.choice(STREETS)} {rng.randint(1, 2500)}, Col. {rng.choice(NEIGHBOURHOODS)}, {place.name}"
    capacity = rng.choice(CAPACITIES)
    average = rng.randint(max(1, capacity // 10), capacity)
    phone = f"+52 {rng.randint(200, 999)} {rng.randint(100, 999)} {rng.randint(1000, 9999)}"
    # Most shelters answer WhatsApp, half of them on their phone number.
    whatsapp = ""
    if rng.random() < 0.7:
        whatsapp = phone if rng.random() < 0.5 else f"+52 {rng.randint(200, 999)} {rng.randint(1000000, 9999999)}"
    return Shelter(
        name=name,
        slug=demo_slug(index, name, 200),
        state=state,
        municipality=place.name,
        address=address,
        latitude=rng.coordinate(place.latitude),
        longitude=rng.coordinate(place.longitude),
        operator_type=rng.weighted(OPERATOR_WEIGHTS),
        capacity=capacity,
        average_daily_arrivals=average,
        peak_daily_arrivals=average + rng.randint(0, 2 * average),
        opening_hours_es=rng.choice(OPENING_HOURS),  # written in Spanish; the notes below in English
        eligibility_notes_en=rng.choice(ELIGIBILITY),
        accessibility_notes_en=rng.choice(ACCESSIBILITY),
        phone=phone,
        whatsapp=whatsapp,
        email=f"contacto{index}@albergues.example.org",
        website=f"https://albergue{index}.example.org/",
        status=rng.weighted(STATUS_WEIGHTS),
        location_visibility=rng.weighted(VISIBILITY_WEIGHTS),
        # Counted back from today, so the data always holds records verified within a year and older ones.
        last_verified=timezone.localdate() - timedelta(days=rng.randint(0, 730)),
    )


def weekly_hours(rng: DemoRandom, shelter: Shelter) -> list[OpeningHours]:
    rows = []
    for days, ranges in rng.choice(HOURS_PATTERNS):
        for day in days:
            for hours in ranges:
                opens, closes = hours or (None, None)
                rows.append(
                    OpeningHours(
                        shelter_id=shelter.pk, weekday=day, all_day=hours is None, opens_at=opens, closes_at=closes
                    )
                )
    return rows


def make_shelters(
    rng: DemoRandom,
    result: DemoResult,
    count: int,
    states: list[State],
    progress: Callable[[str], None],
) -> list[Shelter]:
    services = list(Service.objects.order_by("code"))
    populations = list(PopulationGroup.objects.order_by("code"))
    languages = dict(Language.objects.values_list("code", "pk"))
    core = [s for s in services if s.code in {"lodging", "food"}]
    others = [s for s in services if s not in core]
    # Names are unique within a state: keep clear of the real shelters (generate_demo --force on seeded data).
    names: set[tuple[str, int]] = set(
        Shelter.objects.exclude(slug__startswith=DEMO_PREFIX).values_list("name", "state_id")
    )
    created: list[Shelter] = []
    for start in range(0, count, BATCH_SIZE):
        batch = []
        for index in range(start, min(start + BATCH_SIZE, count)):
            state = rng.state(states)
            shelter = build_shelter(rng, index + 1, state, rng.choice(MUNICIPALITIES[state.iso_code]))
            base, n = shelter.name, 1
            while (shelter.name, shelter.state_id) in names:
                n += 1
                shelter.name = f"{base} (sede {n})"
            names.add((shelter.name, shelter.state_id))
            batch.append(shelter)
        result.bulk("shelters", batch)
        offered, served, spoken = [], [], []
        for shelter in batch:
            spoken += [
                Shelter.languages.through(shelter_id=shelter.pk, language_id=languages[code])
                for code in rng.choice(LANGUAGES)
                if code in languages
            ]
            chosen = [s for s in core if rng.random() < 0.9] + rng.sample(others, rng.randint(1, min(5, len(others))))
            offered += [Shelter.services.through(shelter_id=shelter.pk, service_id=s.pk) for s in chosen]
            groups = rng.sample(populations, rng.randint(min(2, len(populations)), min(5, len(populations))))
            served += [Shelter.populations.through(shelter_id=shelter.pk, populationgroup_id=p.pk) for p in groups]
        result.bulk("shelter services", offered)
        result.bulk("shelter populations", served)
        result.bulk("opening hours", [hours for shelter in batch for hours in weekly_hours(rng, shelter)])
        result.bulk("shelter languages", spoken)
        created += batch
    progress(f"shelters: {len(created):,}")
    return created


def build_agreement(rng: DemoRandom, shelter: Shelter, donor: Donor, phase: int, project: Any) -> CooperationAgreement:
    year = 2013 + 2 * phase + rng.randint(0, 2)
    if year < REFERENCE_DATE.year - 1:
        status = rng.weighted(((AgreementStatus.COMPLETED, 90), (AgreementStatus.CANCELLED, 10)))
    else:
        status = rng.weighted(
            ((AgreementStatus.SIGNED, 40), (AgreementStatus.IN_PROGRESS, 50), (AgreementStatus.PLANNED, 10))
        )
    return CooperationAgreement(
        reference=f"{donor.acronym}-{phase}-{shelter.slug}"[:80],
        shelter=shelter,
        donor=donor,
        programme_phase=phase,
        project=project,
        implementing_office_en=(office := rng.choice(OFFICES)),
        implementing_office_es=office.replace("IOM ", "OIM ").replace("Mexico", "México"),
        programme_year=year,
        signed_on=rng.day(date(year, 1, 1), min(date(year, 12, 31), REFERENCE_DATE)),
        status=status,
    )


def make_agreements(
    rng: DemoRandom,
    result: DemoResult,
    count: int,
    shelters: list[Shelter],
    donors: list[Donor],
    projects: Sequence[models.Model],
    progress: Callable[[str], None],
) -> None:
    """`count` agreements between demo shelters and donors, two in five under one of `projects` (any app's)."""
    taken: set[tuple[int, int, int]] = set()
    made = 0
    while made < count:
        batch = []
        for _ in range(min(BATCH_SIZE, count - made)):
            while True:  # a free (shelter, donor, phase): max_agreements() guarantees there is one
                shelter, donor, phase = rng.choice(shelters), rng.choice(donors), rng.choice(PHASES)
                if (shelter.pk, donor.pk, phase) not in taken:
                    break
            taken.add((shelter.pk, donor.pk, phase))
            project = rng.choice(projects) if projects and rng.random() < 0.4 else None
            batch.append(build_agreement(rng, shelter, donor, phase, project))
        result.bulk("agreements", batch)
        items = [
            SupportItem(
                agreement=agreement,
                category=category,
                description_en=description,  # the demo's support lines are English
                unit_en=unit,
                quantity=Decimal(rng.randint(lowest, highest)),
                value_usd=Decimal(rng.randint(5, 600) * 100),
            )
            for agreement in batch
            for category, description, unit, lowest, highest in rng.sample(SUPPORT, rng.randint(1, 5))
        ]
        result.bulk("support items", items)
        made += len(batch)
    progress(f"agreements: {made:,}")
