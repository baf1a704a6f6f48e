"""The shelter page reads what it shows in five queries whatever the shelter has, and shows it as the plain
relations would: open now as the database says, items under their agreement, terms and projects in their order."""

from datetime import UTC, datetime, time, timedelta
from http import HTTPStatus

import pytest

from projects.models import Project
from registry.hours import TimeZone, open_now_values
from registry.models import CooperationAgreement, Language, Shelter, SupportItem
from tests.conftest import url
from tests.factories import (
    ArticleFactory,
    CooperationAgreementFactory,
    DonorFactory,
    OpeningHoursFactory,
    PopulationGroupFactory,
    ProjectFactory,
    ServiceFactory,
    ShelterFactory,
    SupportItemFactory,
    state,
)

pytestmark = pytest.mark.django_db


def shelter_with(count: int) -> Shelter:
    """A shelter with `count` agreements (each with a project and items, one without items) and news items."""
    shelter = ShelterFactory(
        services=[ServiceFactory(code="lodging"), ServiceFactory(code="food")],
        populations=[PopulationGroupFactory(code="women")],
    )
    shelter.languages.set(Language.objects.filter(code__in=["spa", "hat"]))
    OpeningHoursFactory(shelter=shelter, weekday=1)
    OpeningHoursFactory(shelter=shelter, weekday=5, opens_at=time(20), closes_at=time(6))
    for i in range(count):
        agreement = CooperationAgreementFactory(shelter=shelter, programme_phase=i + 1, project=ProjectFactory())
        if i:  # the first has none: "No support items recorded"
            SupportItemFactory(agreement=agreement)
            SupportItemFactory(agreement=agreement, category="hygiene")
        ArticleFactory(shelters=[shelter])
    return shelter


@pytest.mark.parametrize("count", [1, 40])
def test_the_page_reads_five_queries_however_much_the_shelter_has(client, django_assert_num_queries, count):
    shelter = shelter_with(count)
    # The shelter (with its state), its services, populations and languages, its weekly hours, its agreements with
    # their donor, project and items, its news.
    with django_assert_num_queries(5):
        response = client.get(url("shelter_detail", slug=shelter.slug))
    assert response.status_code == HTTPStatus.OK
    assert len(response.context["projects"]) == count


def test_staff_read_the_same_queries_for_few_and_many(staff_client, django_assert_num_queries):
    few, many = shelter_with(1), shelter_with(30)
    staff_client.get(url("shelter_detail", slug=few.slug))  # the session's first read out of the way
    with django_assert_num_queries(7) as counted:  # the session and the user, then the page's five
        staff_client.get(url("shelter_detail", slug=few.slug))
    with django_assert_num_queries(len(counted.captured_queries)):
        staff_client.get(url("shelter_detail", slug=many.slug))


def test_items_stay_under_their_agreement_in_order(client):
    shelter = ShelterFactory()
    first = CooperationAgreementFactory(shelter=shelter, programme_phase=3, donor=DonorFactory(acronym="ZZ"))
    second = CooperationAgreementFactory(shelter=shelter, programme_phase=3, donor=DonorFactory(acronym="AA"))
    empty = CooperationAgreementFactory(shelter=shelter, programme_phase=1)
    for agreement, categories in [(first, ["training", "hygiene", "hygiene"]), (second, ["medicines"])]:
        for category in categories:
            SupportItemFactory(agreement=agreement, category=category)
    SupportItemFactory(agreement=CooperationAgreementFactory(), category="medicines")  # another shelter's

    response = client.get(url("shelter_detail", slug=shelter.slug))

    shown = [(a.reference, [item.pk for item in a.item_list]) for a in response.context["shelter"].agreements.all()]
    expected = [
        (a.reference, list(SupportItem.objects.filter(agreement=a).values_list("pk", flat=True)))
        for a in CooperationAgreement.objects.filter(shelter=shelter)
    ]
    assert shown == expected
    assert [reference for reference, _items in shown][-1] == empty.reference
    html = response.content.decode()
    assert html.count("<tbody>") == 2 and html.count("No support items recorded for this agreement.") == 1
    assert html.index("Hygiene products") < html.index("Staff training")  # by category (its code), then id


def test_terms_come_in_each_vocabularys_order(client):
    shelter = shelter_with(0)
    shelter.languages.set(Language.objects.all()[:6])

    terms = client.get(url("shelter_detail", "es", slug=shelter.slug)).context["terms"]

    assert [t.code for t in terms.services] == list(shelter.services.values_list("code", flat=True))
    assert [t.code for t in terms.populations] == list(shelter.populations.values_list("code", flat=True))
    assert [(t.code, t.name) for t in terms.languages] == [
        (lang.code, lang.name_es) for lang in shelter.languages.all()
    ]


@pytest.mark.parametrize("language", ["es", "en"])
def test_related_projects_keep_the_project_order_once_each(client, language):
    shelter = ShelterFactory()
    projects = [
        ProjectFactory(title="B project", title_es="Proyecto A", start_year=2020, end_year=None),
        ProjectFactory(title="A project", title_es="Proyecto B", start_year=2020, end_year=None),
        ProjectFactory(title="Undated", start_year=None, end_year=None),
        ProjectFactory(title="Latest", start_year=2024, end_year=None),
    ]
    for phase, project in enumerate([*projects, projects[0], None], start=1):
        CooperationAgreementFactory(shelter=shelter, programme_phase=phase, project=project)

    shown = client.get(url("shelter_detail", language, slug=shelter.slug)).context["projects"]

    assert [p.pk for p in shown] == list(
        Project.objects.filter(pk__in=[p.pk for p in projects]).values_list("pk", flat=True)
    )


# --- open now, from the hours the page has read ---------------------------------------------------------------


@pytest.fixture
def shelters_with_all_kinds_of_hours():
    """Every zone, overnight ranges (also from Sunday into Monday), whole days, split days, a closed shelter."""
    shelters = []
    for i, zone in enumerate(TimeZone.values):
        shelter = ShelterFactory(state=state("MX-CHP"), time_zone=zone)
        OpeningHoursFactory(shelter=shelter, weekday=(i % 7) + 1, opens_at=time(8), closes_at=time(12, 30))
        OpeningHoursFactory(shelter=shelter, weekday=(i % 7) + 1, opens_at=time(16), closes_at=time(20))
        OpeningHoursFactory(shelter=shelter, weekday=7, opens_at=time(22), closes_at=time(7))
        OpeningHoursFactory(shelter=shelter, weekday=((i + 3) % 7) + 1, all_day=True, opens_at=None, closes_at=None)
        shelters.append(shelter)
    closed = ShelterFactory(state=state("MX-BCN"), status="temporarily_closed")
    OpeningHoursFactory(shelter=closed, weekday=3, all_day=True, opens_at=None, closes_at=None)
    ShelterFactory(state=state("MX-SON"))  # no hours at all
    return shelters


def test_open_now_from_the_hours_agrees_with_the_database(shelters_with_all_kinds_of_hours):
    shelters = list(Shelter.objects.select_related("state").prefetch_related("hours"))
    # Every 97 minutes over eight days, in winter and in summer (daylight saving time on the US border).
    instants = [
        start + timedelta(minutes=97 * step)
        for start in (datetime(2026, 1, 10, tzinfo=UTC), datetime(2026, 7, 10, tzinfo=UTC))
        for step in range(8 * 24 * 60 // 97)
    ]
    seen = set()
    for at in instants:
        database = {s.pk: (s.has_hours, s.open_now) for s in Shelter.objects.with_opening(at)}
        for shelter in shelters:
            values = open_now_values(list(shelter.hours.all()), shelter.local_time_zone, shelter.status == "active", at)
            assert (values["has_hours"], values["open_now"]) == database[shelter.pk], (shelter.time_zone, at)
            seen.add(values["open_now"])
    assert seen == {True, False}
