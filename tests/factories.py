"""One factory-boy factory per model. States, services and population groups are reference data that
migrations load, so their factories fetch the existing row instead of inventing new ones."""

from datetime import date, time, timedelta
from decimal import Decimal

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.utils.text import slugify

from news.models import Article
from projects.models import Project, ProjectObjective, ThematicArea
from registry.models import (
    CooperationAgreement,
    Donor,
    OpeningHours,
    PopulationGroup,
    Service,
    Shelter,
    State,
    SupportCategory,
    SupportItem,
)


def state(iso_code: str) -> State:
    return State.objects.get(iso_code=iso_code)


class StateFactory(factory.django.DjangoModelFactory):
    """Returns one of the 32 migrated states (Chiapas unless `iso_code` says otherwise)."""

    class Meta:
        model = State
        django_get_or_create = ("iso_code",)

    iso_code = "MX-CHP"


class ServiceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Service
        django_get_or_create = ("code",)

    code = "medical-care"


class PopulationGroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PopulationGroup
        django_get_or_create = ("code",)

    code = "women"


class ShelterFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Shelter
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Albergue de prueba {n}")
    slug = factory.LazyAttribute(lambda o: slugify(o.name))
    state = factory.SubFactory(StateFactory)
    municipality = "Tapachula"
    capacity = 80
    average_daily_arrivals = 40
    peak_daily_arrivals = 120

    @factory.post_generation
    def services(self, create, extracted, **kwargs):
        if create and extracted:
            self.services.set(extracted)

    @factory.post_generation
    def populations(self, create, extracted, **kwargs):
        if create and extracted:
            self.populations.set(extracted)


class OpeningHoursFactory(factory.django.DjangoModelFactory):
    """09:00-17:00 on Monday unless told otherwise."""

    class Meta:
        model = OpeningHours

    shelter = factory.SubFactory(ShelterFactory)
    weekday = 1
    opens_at = time(9)
    closes_at = time(17)


class DonorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Donor
        django_get_or_create = ("acronym",)

    name = factory.Sequence(lambda n: f"Donor agency {n}")
    acronym = factory.Sequence(lambda n: f"DA{n}")
    country = "US"


class ThematicAreaFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ThematicArea
        django_get_or_create = ("slug",)

    name_en = factory.Sequence(lambda n: f"Thematic area {n}")
    name_es = factory.Sequence(lambda n: f"Área temática {n}")
    slug = factory.LazyAttribute(lambda o: slugify(o.name_en))


class ProjectFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Project
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Test project {n}")
    slug = factory.LazyAttribute(lambda o: slugify(o.title))
    start_year = 2021
    end_year = 2023
    year = factory.SelfAttribute("start_year")
    status = "completed"
    project_type = "immigration_borders"
    budget_usd = Decimal("300000.00")
    coverage = "national"
    idf_region = "latin_america_caribbean"
    prima_id = factory.Sequence(lambda n: f"MX10T{n:04d}")
    projects_id = factory.Sequence(lambda n: f"TS.{n:04d}")
    benefiting_member_states = ["MX"]
    summary = "A project used in tests."

    @factory.post_generation
    def states(self, create, extracted, **kwargs):
        if create and extracted:
            self.states.set(extracted)

    @factory.post_generation
    def thematic_areas(self, create, extracted, **kwargs):
        if create and extracted:
            self.thematic_areas.set(extracted)


class ProjectObjectiveFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProjectObjective

    project = factory.SubFactory(ProjectFactory)
    position = factory.Sequence(lambda n: n + 1)
    text = factory.Sequence(lambda n: f"Objective number {n}")


class CooperationAgreementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CooperationAgreement

    shelter = factory.SubFactory(ShelterFactory)
    donor = factory.SubFactory(DonorFactory)
    programme_phase = 2
    programme_year = 2015
    reference = factory.LazyAttribute(lambda o: f"{o.donor.acronym}-{o.programme_phase}-{o.shelter.slug}"[:80])


class SupportItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SupportItem

    agreement = factory.SubFactory(CooperationAgreementFactory)
    category = SupportCategory.MEDICINES
    description = factory.Sequence(lambda n: f"Support item {n}")


class ArticleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Article
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"News article {n}")
    slug = factory.LazyAttribute(lambda o: slugify(o.title))
    published_on = factory.Sequence(lambda n: date(2020, 1, 1) + timedelta(days=n))
    summary = "A news item used in tests."
    body = "Body text."

    @factory.post_generation
    def states(self, create, extracted, **kwargs):
        if create and extracted:
            self.states.set(extracted)

    @factory.post_generation
    def shelters(self, create, extracted, **kwargs):
        if create and extracted:
            self.shelters.set(extracted)

    @factory.post_generation
    def projects(self, create, extracted, **kwargs):
        if create and extracted:
            self.projects.set(extracted)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.org")
    password = factory.django.Password("correct-horse-battery-staple")

    @factory.post_generation
    def permissions(self, create, extracted, **kwargs):
        """`permissions=["registry.add_shelter", ...]` grants model permissions by their dotted names."""
        if create and extracted:
            for dotted in extracted:
                app_label, codename = dotted.split(".")
                self.user_permissions.add(Permission.objects.get(content_type__app_label=app_label, codename=codename))
