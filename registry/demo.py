"""A large, realistic and reproducible demo dataset, for performance work (`manage.py generate_demo`).

factory-boy factories build the objects (`Factory.build`, no database round trip per row) and `bulk_create` writes
them in batches, many-to-many links straight into the through tables. Every random choice comes from factory-boy's
generator, reseeded at the start, and reference rows are read in a fixed order, so one seed always gives the same
data. Demo rows are marked: shelter, project and article slugs start with "demo-", donor acronyms with "DEMO-",
Prima IDs with "DEMO"; agreements and support items hang off demo shelters. bulk_create writes no history, on
purpose: this is not data anybody edited.

This module needs factory-boy (a development dependency); the command imports it only when it runs.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any, NamedTuple

import factory
import factory.fuzzy
import factory.random
from django.db import connection, models, transaction
from django.db.models import Q
from django.utils import translation
from django.utils.text import slugify

from news.models import Article
from projects.models import Coverage, IdfRegion, Project, ProjectObjective, ProjectStatus, ProjectType, ThematicArea
from registry.models import (
    AgreementStatus,
    CooperationAgreement,
    Donor,
    Language,
    OperatorType,
    PopulationGroup,
    Service,
    Shelter,
    ShelterStatus,
    State,
    SupportCategory,
    SupportItem,
)

DEMO_PREFIX = "demo-"
DEMO_DONOR_PREFIX = "DEMO-"
BATCH_SIZE = 2000
PHASES = (1, 2, 3, 4)
# "Today" for the demo world, fixed so the data does not depend on the day it is generated.
REFERENCE_DATE = date(2025, 6, 30)

rng = factory.random.randgen  # reseeded by generate(); every declaration below draws from it


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

PROJECT_ACTIONS = ("Strengthening", "Supporting", "Improving", "Expanding", "Protecting", "Building")
PROJECT_THEMES = (
    "the capacities of migrant shelters",
    "health care for migrants in transit",
    "access to asylum procedures",
    "the reintegration of returned migrants",
    "the labour inclusion of refugees",
    "data on human mobility",
    "the protection of unaccompanied children",
    "responses to trafficking in persons",
    "social cohesion in host communities",
    "consular protection networks",
    "alternatives to immigration detention",
    "resilience to climate-related displacement",
)
PROJECT_TYPES = (
    ProjectType.IMMIGRATION_BORDERS,
    ProjectType.MIGRATION_HEALTH,
    ProjectType.LABOUR_MOBILITY,
    ProjectType.PROTECTION_ASSISTANCE,
    ProjectType.RESEARCH_PUBLICATION,
    ProjectType.EMERGENCY_POST_CRISIS,
    ProjectType.RETURN_REINTEGRATION,
)
REGIONS = {
    "along the southern border": ("MX-CHP", "MX-TAB", "MX-CAM", "MX-ROO", "MX-OAX"),
    "on the northern border": ("MX-BCN", "MX-SON", "MX-CHH", "MX-COA", "MX-NLE", "MX-TAM"),
    "along the Gulf route": ("MX-TAB", "MX-VER", "MX-TAM", "MX-SLP", "MX-NLE"),
    "in central Mexico": ("MX-CMX", "MX-MEX", "MX-PUE", "MX-TLA", "MX-QUE", "MX-GUA", "MX-JAL"),
}
OBJECTIVES = (
    "Train {n} officials in {theme}.",
    "Equip {n} shelters with what they need to assist migrants in vulnerable situations.",
    "Produce a diagnosis of {theme} and share it with federal and state authorities.",
    "Set up a coordination table between civil society and government in each state covered.",
    "Reach {n} migrants with information on their rights and the services available.",
)
ARTICLE_EVENTS = (
    ("IOM Delivers Hygiene Kits to Shelters in {place}", "delivered hygiene kits to shelters in {place}"),
    ("IOM Trains Shelter Staff in {place} on Psychological First Aid", "trained shelter staff in {place}"),
    ("IOM Signs Cooperation Agreements with Shelters in {place}", "signed cooperation agreements in {place}"),
    ("A New Migrant Information Point Opens in {place}", "opened a migrant information point in {place}"),
    ("Shelter Renovation Completed in {place}", "completed the renovation of a shelter in {place}"),
    ("IOM Presents a Study on Migrant Health in {place}", "presented a study on migrant health in {place}"),
    ("Authorities and IOM Hold a Migration Forum in {place}", "held a migration forum in {place}"),
    ("Mobile Health Clinic Reaches Migrants in {place}", "sent a mobile health clinic to {place}"),
)
ARTICLE_PARAGRAPHS = (
    "Shelters in {state} have received more people than usual in recent months, many of them families with "
    "small children.",
    "The activity is part of a programme funded by {donor}, which supports shelters along the main migration routes.",
    "Staff and volunteers said the support allows them to keep their doors open and to refer people with urgent "
    "health needs to local clinics.",
    "State and municipal authorities took part and agreed to meet again to follow up on the commitments made.",
    "Since the programme started, more than {n} people have been assisted in the shelters it supports.",
)
PRESS_CONTACTS = ("Laura Méndez", "Carlos Ruiz", "Ana Sofía Torres", "Jorge Castillo", "María Fernanda López")


def weighted(pairs: Sequence[tuple[Any, int]]) -> Any:
    values, weights = zip(*pairs, strict=True)
    return rng.choices(values, weights)[0]


def coordinate(centre: float) -> Decimal:
    return Decimal(f"{centre + rng.uniform(-0.03, 0.03):.6f}")


def demo_slug(index: int, text: str, max_length: int) -> str:
    slug = f"{DEMO_PREFIX}{index:06d}-{slugify(text)}"
    return slug[:max_length].rstrip("-")


def random_day(first: date, last: date) -> date:
    return first + timedelta(days=rng.randint(0, (last - first).days))


# --- factories -------------------------------------------------------------------------------------------------


class DemoShelterFactory(factory.django.DjangoModelFactory):
    """A shelter in `state` and `place`, one of the state's MUNICIPALITIES (pass both in)."""

    class Meta:
        model = Shelter

    class Params:
        index = 0
        place = Place("Tapachula", 14.90, -92.26)

    name = factory.LazyAttribute(
        lambda o: (
            f"{rng.choice(SHELTER_KINDS)} {rng.choice(SHELTER_PATRONS)}"
            + (f" de {o.place.name}" if rng.random() < 0.4 else "")
        )
    )
    slug = factory.LazyAttribute(lambda o: demo_slug(o.index, o.name, 200))
    municipality = factory.LazyAttribute(lambda o: o.place.name)
    address = factory.LazyAttribute(
        lambda o: f"{rng.choice(STREETS)} {rng.randint(1, 2500)}, Col. {rng.choice(NEIGHBOURHOODS)}, {o.place.name}"
    )
    latitude = factory.LazyAttribute(lambda o: coordinate(o.place.latitude))
    longitude = factory.LazyAttribute(lambda o: coordinate(o.place.longitude))
    operator_type = factory.LazyFunction(lambda: weighted(OPERATOR_WEIGHTS))
    capacity = factory.fuzzy.FuzzyChoice(CAPACITIES)
    average_daily_arrivals = factory.LazyAttribute(lambda o: rng.randint(max(1, o.capacity // 10), o.capacity))
    peak_daily_arrivals = factory.LazyAttribute(
        lambda o: o.average_daily_arrivals + rng.randint(0, 2 * o.average_daily_arrivals)
    )
    opening_hours_es = factory.fuzzy.FuzzyChoice(OPENING_HOURS)  # written in Spanish; the other texts in English
    eligibility_notes = factory.fuzzy.FuzzyChoice(ELIGIBILITY)
    accessibility_notes = factory.fuzzy.FuzzyChoice(ACCESSIBILITY)
    phone = factory.LazyFunction(
        lambda: f"+52 {rng.randint(200, 999)} {rng.randint(100, 999)} {rng.randint(1000, 9999)}"
    )
    email = factory.LazyAttribute(lambda o: f"contacto{o.index}@albergues.example.org")
    website = factory.LazyAttribute(lambda o: f"https://albergue{o.index}.example.org/")
    status = factory.LazyFunction(lambda: weighted(STATUS_WEIGHTS))
    last_verified = factory.LazyFunction(lambda: REFERENCE_DATE - timedelta(days=rng.randint(0, 730)))


class DemoProjectFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Project

    class Params:
        index = 0
        theme = factory.fuzzy.FuzzyChoice(PROJECT_THEMES)
        where = factory.fuzzy.FuzzyChoice([*REGIONS, "in Mexico", "in Mexico", "in one state"])

    title = factory.LazyAttribute(lambda o: f"{rng.choice(PROJECT_ACTIONS)} {o.theme} {o.where}")
    slug = factory.LazyAttribute(lambda o: demo_slug(o.index, o.title, 120))
    start_year = factory.fuzzy.FuzzyInteger(2006, 2026)
    end_year = factory.LazyAttribute(lambda o: o.start_year + rng.randint(1, 4))
    year = factory.SelfAttribute("start_year")
    status = factory.LazyAttribute(
        lambda o: (
            ProjectStatus.PIPELINE
            if o.start_year > REFERENCE_DATE.year
            else ProjectStatus.ACTIVE
            if o.end_year >= REFERENCE_DATE.year
            else weighted(((ProjectStatus.COMPLETED, 92), (ProjectStatus.CANCELLED, 4), (ProjectStatus.SUSPENDED, 4)))
        )
    )
    project_type = factory.fuzzy.FuzzyChoice(PROJECT_TYPES)
    budget_usd = factory.LazyFunction(lambda: Decimal(rng.randint(50, 4000) * 1000))
    coverage = factory.LazyAttribute(lambda o: Coverage.NATIONAL if o.where == "in Mexico" else Coverage.REGIONAL)
    idf_region = IdfRegion.LATIN_AMERICA_CARIBBEAN
    prima_id = factory.LazyAttribute(lambda o: f"DEMO{o.index:06d}")
    projects_id = factory.LazyAttribute(lambda o: f"DEMO.{o.index:06d}")
    benefiting_member_states = factory.fuzzy.FuzzyChoice((["MX"], ["MX"], ["MX", "GT", "HN"]))
    summary = factory.LazyAttribute(lambda o: f"A demo project {o.where} working on {o.theme}.")
    description = factory.LazyAttribute(
        lambda o: (
            f"This demo project works on {o.theme} {o.where}, with federal, state and municipal authorities "
            f"and the civil society organisations that run migrant shelters.\n\nIt runs from {o.start_year} to "
            f"{o.end_year} with a budget of USD {o.budget_usd:,.0f}."
        )
    )


class DemoObjectiveFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProjectObjective

    class Params:
        theme = "migration"

    text = factory.LazyAttribute(lambda o: rng.choice(OBJECTIVES).format(n=rng.randint(2, 40) * 10, theme=o.theme))


class DemoAgreementFactory(factory.django.DjangoModelFactory):
    """An agreement for `shelter` with `donor` in `programme_phase` (pass all three in)."""

    class Meta:
        model = CooperationAgreement

    reference = factory.LazyAttribute(lambda o: f"{o.donor.acronym}-{o.programme_phase}-{o.shelter.slug}"[:80])
    implementing_office_en = factory.fuzzy.FuzzyChoice(OFFICES)
    implementing_office_es = factory.LazyAttribute(
        lambda o: o.implementing_office_en.replace("IOM ", "OIM ").replace("Mexico", "México")
    )
    programme_year = factory.LazyAttribute(lambda o: 2013 + 2 * o.programme_phase + rng.randint(0, 2))
    signed_on = factory.LazyAttribute(
        lambda o: random_day(date(o.programme_year, 1, 1), min(date(o.programme_year, 12, 31), REFERENCE_DATE))
    )
    status = factory.LazyAttribute(
        lambda o: (
            weighted(((AgreementStatus.COMPLETED, 90), (AgreementStatus.CANCELLED, 10)))
            if o.programme_year < REFERENCE_DATE.year - 1
            else weighted(
                ((AgreementStatus.SIGNED, 40), (AgreementStatus.IN_PROGRESS, 50), (AgreementStatus.PLANNED, 10))
            )
        )
    )


class DemoSupportItemFactory(factory.django.DjangoModelFactory):
    """One line of support: pass `agreement`, `category`, `description` and `unit`, and the quantity range."""

    class Meta:
        model = SupportItem

    class Params:
        lowest = 1
        highest = 100

    quantity = factory.LazyAttribute(lambda o: Decimal(rng.randint(o.lowest, o.highest)))
    value_usd = factory.LazyFunction(lambda: Decimal(rng.randint(5, 600) * 100))


class DemoArticleFactory(factory.django.DjangoModelFactory):
    """A news item about something that happened in `state` (pass it in)."""

    class Meta:
        model = Article

    class Params:
        index = 0
        state = None  # a State; articles link to states through `states`, set after the insert
        place = factory.LazyAttribute(lambda o: rng.choice(MUNICIPALITIES[o.state.iso_code]).name)
        event = factory.fuzzy.FuzzyChoice(ARTICLE_EVENTS)
        donor_name = "a donor"

    title = factory.LazyAttribute(lambda o: o.event[0].format(place=f"{o.place}, {o.state.name}"))
    slug = factory.LazyAttribute(lambda o: demo_slug(o.index, o.title, 120))
    published_on = factory.LazyFunction(lambda: random_day(date(2012, 1, 1), REFERENCE_DATE))
    summary = factory.LazyAttribute(lambda o: f"IOM Mexico {o.event[1].format(place=o.place)} ({o.state.name}).")
    body = factory.LazyAttribute(
        lambda o: "\n\n".join(
            [f"IOM Mexico {o.event[1].format(place=o.place)}, {o.state.name}."]
            + [
                p.format(state=o.state.name, donor=o.donor_name, n=f"{rng.randint(2, 90) * 1000:,}")
                for p in rng.sample(ARTICLE_PARAGRAPHS, rng.randint(2, 4))
            ]
        )
    )
    press_contact = factory.LazyFunction(
        lambda: f"{rng.choice(PRESS_CONTACTS)}, IOM Mexico. Email: press@example.org" if rng.random() < 0.3 else ""
    )


# --- generation ------------------------------------------------------------------------------------------------


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


def real_record_counts() -> dict[str, int]:
    """Shelters, projects and articles that generate_demo did not make: somebody's real data."""
    return {
        "shelters": Shelter.objects.exclude(slug__startswith=DEMO_PREFIX).count(),
        "projects": Project.objects.exclude(slug__startswith=DEMO_PREFIX).count(),
        "articles": Article.objects.exclude(slug__startswith=DEMO_PREFIX).count(),
    }


def max_agreements(shelters: int) -> int:
    return shelters * len(DEMO_DONORS) * len(PHASES)


def clear_demo() -> int:
    """Delete an earlier demo dataset, and only that, in foreign-key order.

    A plain `.delete()` would load and signal every one of possibly hundreds of thousands of rows (and write a
    deletion history entry for each); these are bulk rows nobody edited, so they go with one DELETE per table.
    """
    demo = DEMO_PREFIX
    agreements = CooperationAgreement.objects.filter(
        Q(shelter__slug__startswith=demo) | Q(donor__acronym__startswith=DEMO_DONOR_PREFIX)
    )
    # A real agreement may point at a demo project (added with --force): it loses the link, not its life.
    CooperationAgreement.objects.filter(project__slug__startswith=demo).exclude(pk__in=agreements).update(project=None)
    querysets: list[models.QuerySet] = [
        Article.states.through.objects.filter(article__slug__startswith=demo),
        Article.shelters.through.objects.filter(Q(article__slug__startswith=demo) | Q(shelter__slug__startswith=demo)),
        Article.projects.through.objects.filter(Q(article__slug__startswith=demo) | Q(project__slug__startswith=demo)),
        Article.objects.filter(slug__startswith=demo),
        SupportItem.objects.filter(agreement__in=agreements),
        agreements,
        ProjectObjective.objects.filter(project__slug__startswith=demo),
        Project.states.through.objects.filter(project__slug__startswith=demo),
        Project.thematic_areas.through.objects.filter(project__slug__startswith=demo),
        Project.objects.filter(slug__startswith=demo),
        Shelter.services.through.objects.filter(shelter__slug__startswith=demo),
        Shelter.populations.through.objects.filter(shelter__slug__startswith=demo),
        Shelter.languages.through.objects.filter(shelter__slug__startswith=demo),
        Shelter.objects.filter(slug__startswith=demo),
        Donor.objects.filter(acronym__startswith=DEMO_DONOR_PREFIX),
    ]
    return sum(qs._raw_delete(qs.db) for qs in querysets)


def _bulk(result: DemoResult, label: str, objs: list[models.Model]) -> None:
    if objs:
        type(objs[0]).objects.bulk_create(objs, batch_size=BATCH_SIZE)
        result.rows[label] += len(objs)


def generate(
    *,
    shelters: int,
    projects: int,
    articles: int,
    agreements: int,
    seed: int,
    progress: Callable[[str], None] = lambda message: None,
) -> DemoResult:
    """Replace any earlier demo dataset with a new one, in one transaction. Same arguments, same data."""
    if agreements > max_agreements(shelters):
        raise ValueError(f"at most {max_agreements(shelters)} agreements fit {shelters} shelters")
    factory.random.reseed_random(seed)
    result = DemoResult()
    # The demo's texts are English: `title=...` and the like fill the English fields (the active language's).
    with transaction.atomic(), translation.override("en"):
        result.removed = clear_demo()
        started = time.perf_counter()
        states = list(State.objects.order_by("iso_code"))
        services = list(Service.objects.order_by("code"))
        populations = list(PopulationGroup.objects.order_by("code"))
        areas = list(ThematicArea.objects.order_by("slug"))
        donors = _donors(result)

        def timed(message: str) -> None:
            progress(f"{message} ({time.perf_counter() - started:.1f} s)")

        shelter_rows = _shelters(result, shelters, states, services, populations, timed)
        project_rows = _projects(result, projects, states, areas, timed)
        _agreements(result, agreements, shelter_rows, donors, project_rows, timed)
        _articles(result, articles, states, shelter_rows, project_rows, donors, timed)
        result.seconds = time.perf_counter() - started
    analyze()
    return result


def analyze() -> None:
    """Fresh planner statistics after a bulk load: without them PostgreSQL guesses row counts (30 shelters per state
    instead of 1,500) and picks slow plans until autovacuum gets round to the tables."""
    if connection.in_atomic_block:  # inside a caller's transaction (tests): the statistics can wait
        return
    tables = [
        m._meta.db_table
        for m in (
            Shelter,
            Shelter.services.through,
            Shelter.populations.through,
            Donor,
            CooperationAgreement,
            SupportItem,
            Project,
            Project.states.through,
            Project.thematic_areas.through,
            ProjectObjective,
            Article,
            Article.states.through,
            Article.shelters.through,
            Article.projects.through,
        )
    ]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("ANALYZE " + ", ".join(connection.ops.quote_name(t) for t in tables))
        else:
            cursor.execute("ANALYZE")


def _donors(result: DemoResult) -> list[Donor]:
    donors = [Donor(name=name, acronym=acronym, country=country) for name, acronym, country in DEMO_DONORS]
    _bulk(result, "donors", donors)
    return donors


def _shelters(
    result: DemoResult,
    count: int,
    states: list[State],
    services: list[Service],
    populations: list[PopulationGroup],
    progress: Callable[[str], None],
) -> list[Shelter]:
    weights = [STATE_WEIGHTS.get(s.iso_code, 1) for s in states]
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
            state = rng.choices(states, weights)[0]
            place = rng.choice(MUNICIPALITIES[state.iso_code])
            shelter = DemoShelterFactory.build(index=index + 1, state=state, place=place)
            base, n = shelter.name, 1
            while (shelter.name, shelter.state_id) in names:
                n += 1
                shelter.name = f"{base} (sede {n})"
            names.add((shelter.name, shelter.state_id))
            batch.append(shelter)
        _bulk(result, "shelters", batch)
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
        _bulk(result, "shelter services", offered)
        _bulk(result, "shelter populations", served)
        _bulk(result, "shelter languages", spoken)
        created += batch
    progress(f"shelters: {len(created):,}")
    return created


def _projects(
    result: DemoResult, count: int, states: list[State], areas: list[ThematicArea], progress: Callable[[str], None]
) -> list[Project]:
    by_iso = {s.iso_code: s for s in states}
    created: list[Project] = []
    for start in range(0, count, BATCH_SIZE):
        batch, covered, themed, objectives = [], [], [], []
        for index in range(start, min(start + BATCH_SIZE, count)):
            where = rng.choice([*REGIONS, "in Mexico", "in Mexico", "in one state"])
            if where == "in one state":
                state = rng.choice(states)
                where, project_states = f"in {state.name}", [state]
            elif where == "in Mexico":
                project_states = states
            else:
                project_states = [by_iso[iso] for iso in REGIONS[where]]
            theme = rng.choice(PROJECT_THEMES)
            project = DemoProjectFactory.build(index=index + 1, where=where, theme=theme)
            batch.append((project, project_states, theme))
        _bulk(result, "projects", [p for p, _, _ in batch])
        for project, project_states, theme in batch:
            covered += [Project.states.through(project_id=project.pk, state_id=s.pk) for s in project_states]
            if areas:
                chosen = rng.sample(areas, rng.randint(1, min(2, len(areas))))
                themed += [Project.thematic_areas.through(project_id=project.pk, thematicarea_id=a.pk) for a in chosen]
            objectives += [
                DemoObjectiveFactory.build(project=project, position=position, theme=theme)
                for position in range(1, rng.randint(2, 4) + 1)
            ]
        _bulk(result, "project states", covered)
        _bulk(result, "project thematic areas", themed)
        _bulk(result, "project objectives", objectives)
        created += [p for p, _, _ in batch]
    progress(f"projects: {len(created):,}")
    return created


def _agreements(
    result: DemoResult,
    count: int,
    shelters: list[Shelter],
    donors: list[Donor],
    projects: list[Project],
    progress: Callable[[str], None],
) -> None:
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
            batch.append(
                DemoAgreementFactory.build(shelter=shelter, donor=donor, programme_phase=phase, project=project)
            )
        _bulk(result, "agreements", batch)
        items = []
        for agreement in batch:
            for category, description, unit, lowest, highest in rng.sample(SUPPORT, rng.randint(1, 5)):
                items.append(
                    DemoSupportItemFactory.build(
                        agreement=agreement,
                        category=category,
                        description=description,
                        unit=unit,
                        lowest=lowest,
                        highest=highest,
                    )
                )
        _bulk(result, "support items", items)
        made += len(batch)
    progress(f"agreements: {made:,}")


def _articles(
    result: DemoResult,
    count: int,
    states: list[State],
    shelters: list[Shelter],
    projects: list[Project],
    donors: list[Donor],
    progress: Callable[[str], None],
) -> None:
    by_state: dict[int, list[Shelter]] = {}
    for shelter in shelters:
        by_state.setdefault(shelter.state_id, []).append(shelter)
    weights = [STATE_WEIGHTS.get(s.iso_code, 1) for s in states]
    made = 0
    for start in range(0, count, BATCH_SIZE):
        batch = []
        for index in range(start, min(start + BATCH_SIZE, count)):
            state = rng.choices(states, weights)[0]
            donor = rng.choice(donors).name
            batch.append((DemoArticleFactory.build(index=index + 1, state=state, donor_name=donor), state))
        _bulk(result, "articles", [a for a, _ in batch])
        in_states, about_shelters, about_projects = [], [], []
        for article, state in batch:
            mentioned = {state.pk, *(s.pk for s in rng.sample(states, rng.randint(0, 2)))}
            in_states += [Article.states.through(article_id=article.pk, state_id=pk) for pk in sorted(mentioned)]
            local = by_state.get(state.pk, [])
            for shelter in rng.sample(local, min(len(local), rng.randint(0, 3))):
                about_shelters.append(Article.shelters.through(article_id=article.pk, shelter_id=shelter.pk))
            if projects:
                for project in rng.sample(projects, min(len(projects), rng.randint(0, 2))):
                    about_projects.append(Article.projects.through(article_id=article.pk, project_id=project.pk))
        _bulk(result, "article states", in_states)
        _bulk(result, "article shelters", about_shelters)
        _bulk(result, "article projects", about_projects)
        made += len(batch)
    progress(f"articles: {made:,}")
