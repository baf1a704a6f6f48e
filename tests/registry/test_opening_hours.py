"""Open now, in each shelter's own time zone: frozen instants, one shelter per zone, border states included.

The offsets are written out by hand (not computed with zoneinfo, as the code is) from Mexico's rules since
October 2022: no daylight saving time, except in Baja California and the US-border strips of Chihuahua, Coahuila,
Nuevo León and Tamaulipas, which follow the US dates.
"""

from datetime import UTC, datetime, time, timedelta
from http import HTTPStatus
from zoneinfo import ZoneInfo

import pytest
import time_machine

from registry.hours import STATE_TIME_ZONES, TimeZone
from registry.models import Shelter, State
from tests.factories import OpeningHoursFactory, ShelterFactory, state

pytestmark = pytest.mark.django_db

WEDNESDAY = 3
# (name, state, shelter's own zone or ""): every zone, on the northern and the southern border where it has them.
SHELTERS = [
    ("tapachula", "MX-CHP", ""),  # centre, southern border (Guatemala)
    ("chetumal", "MX-ROO", ""),  # south-east, southern border (Belize)
    ("nogales", "MX-SON", ""),  # Pacific without daylight saving time, northern border
    ("la-paz", "MX-BCS", ""),  # Pacific
    ("tijuana", "MX-BCN", ""),  # north-west, northern border
    ("chihuahua", "MX-CHH", ""),  # Chihuahua (centre time)
    ("ciudad-juarez", "MX-CHH", TimeZone.JUAREZ),  # border strip, US daylight saving time
    ("matamoros", "MX-TAM", TimeZone.NORTH_EAST_BORDER),  # border strip, US daylight saving time
]


@pytest.fixture
def wednesday_nine_to_ten():
    """One shelter per zone, each open on Wednesdays from 09:00 to 10:00 local time."""
    for name, iso_code, zone in SHELTERS:
        shelter = ShelterFactory(name=name, slug=name, state=state(iso_code), time_zone=zone)
        OpeningHoursFactory(shelter=shelter, weekday=WEDNESDAY, opens_at=time(9), closes_at=time(10))


def open_names(at: datetime | None = None) -> set[str]:
    return set(Shelter.objects.open_at(at).values_list("name", flat=True))


@pytest.mark.parametrize(
    ("instant", "expected"),
    [
        # January: Tijuana UTC-8, Juárez UTC-7, Matamoros UTC-6; all year: centre -6, Cancún -5, Sonora/Pacific -7.
        ("2026-01-14T14:30Z", {"chetumal"}),
        ("2026-01-14T15:30Z", {"tapachula", "chihuahua", "matamoros"}),
        ("2026-01-14T16:30Z", {"nogales", "la-paz", "ciudad-juarez"}),
        ("2026-01-14T17:30Z", {"tijuana"}),
        # July: Tijuana UTC-7, Juárez UTC-6, Matamoros UTC-5.
        ("2026-07-15T14:30Z", {"chetumal", "matamoros"}),
        ("2026-07-15T15:30Z", {"tapachula", "chihuahua", "ciudad-juarez"}),
        ("2026-07-15T16:30Z", {"nogales", "la-paz", "tijuana"}),
        ("2026-07-15T17:30Z", set()),
    ],
)
def test_open_now_is_read_in_each_shelters_time_zone(wednesday_nine_to_ten, instant, expected):
    at = datetime.fromisoformat(instant)
    assert open_names(at) == expected
    annotated = {s.name: s.open_now for s in Shelter.objects.with_opening(at)}
    assert {name for name, is_open in annotated.items() if is_open} == expected
    assert {s.name for s in Shelter.objects.with_opening_of_rows(at) if s.open_now} == expected
    with time_machine.travel(at, tick=False):  # the default instant is the clock's
        assert open_names() == expected


def test_the_migration_gave_each_state_its_zone():
    zones = dict(State.objects.values_list("iso_code", "time_zone"))
    assert len(zones) == 32
    for iso_code, zone in zones.items():
        assert zone == STATE_TIME_ZONES.get(iso_code, TimeZone.CENTRE), iso_code
    assert zones["MX-ROO"] == "America/Cancun" and zones["MX-SON"] == "America/Hermosillo"
    assert zones["MX-BCN"] == "America/Tijuana" and zones["MX-CMX"] == "America/Mexico_City"


@pytest.mark.parametrize(
    ("local", "expected"),
    [
        ("2026-01-13T19:59", False),  # Tuesday before opening
        ("2026-01-13T20:00", True),  # opens Tuesday 20:00
        ("2026-01-14T07:59", True),  # still open after midnight, Wednesday
        ("2026-01-14T08:00", False),  # closed at 08:00
        ("2026-01-17T12:00", True),  # Saturday: open 24 hours
        ("2026-01-18T12:00", False),  # Sunday: nothing recorded
    ],
)
def test_overnight_ranges_and_whole_days(local, expected):
    shelter = ShelterFactory(state=state("MX-CHP"))
    OpeningHoursFactory(shelter=shelter, weekday=2, opens_at=time(20), closes_at=time(8))
    OpeningHoursFactory(shelter=shelter, weekday=6, all_day=True, opens_at=None, closes_at=None)
    at = datetime.fromisoformat(local + "-06:00")  # Chiapas: UTC-6
    assert (shelter.pk in set(Shelter.objects.open_at(at).values_list("pk", flat=True))) is expected


def test_split_hours_and_closed_shelters():
    shelter = ShelterFactory(state=state("MX-CHP"))
    OpeningHoursFactory(shelter=shelter, weekday=WEDNESDAY, opens_at=time(8), closes_at=time(12))
    OpeningHoursFactory(shelter=shelter, weekday=WEDNESDAY, opens_at=time(16), closes_at=time(20))
    noon_break = datetime(2026, 1, 14, 19, 0, tzinfo=UTC)  # 13:00 in Chiapas
    afternoon = datetime(2026, 1, 14, 23, 0, tzinfo=UTC)  # 17:00
    assert not Shelter.objects.open_at(noon_break).exists()
    assert Shelter.objects.open_at(afternoon).exists()
    Shelter.objects.filter(pk=shelter.pk).update(status="temporarily_closed")
    assert not Shelter.objects.open_at(afternoon).exists()
    assert not Shelter.objects.with_opening(afternoon).get().open_now


def test_weekly_table_marks_today_in_local_time():
    shelter = ShelterFactory(state=state("MX-BCN"))
    OpeningHoursFactory(shelter=shelter, weekday=WEDNESDAY, opens_at=time(16), closes_at=time(20))
    OpeningHoursFactory(shelter=shelter, weekday=WEDNESDAY, opens_at=time(8), closes_at=time(12))
    # Thursday 01:00 UTC is still Wednesday 17:00 in Tijuana.
    with time_machine.travel(datetime(2026, 1, 15, 1, 0, tzinfo=UTC), tick=False):
        table = Shelter.objects.get(pk=shelter.pk).weekly_hours
        clock = Shelter.objects.get(pk=shelter.pk).local_clock
    today = [day for day in table if day.is_today]
    assert [d.weekday for d in today] == [WEDNESDAY]
    assert today[0].ranges == ["08:00–12:00", "16:00–20:00"]
    assert clock == "17:00"


@pytest.mark.parametrize("language", ["es", "en"])
def test_list_filter_and_badges_with_a_frozen_clock(client, wednesday_nine_to_ten, language):
    ShelterFactory(name="sin-horario", slug="sin-horario")  # no hours: no badge at all
    with time_machine.travel(datetime.fromisoformat("2026-01-14T17:30Z"), tick=False):
        page = client.get(f"/{language}/shelters/?open_now=on")
        everything = client.get(f"/{language}/shelters/").content.decode()
        api = client.get("/api/v1/shelters/?open_now=true").json()
        detail = client.get(f"/{language}/shelters/tijuana/").content.decode()
    assert page.status_code == HTTPStatus.OK
    assert [r["slug"] for r in api["results"]] == ["tijuana"]
    open_label, closed_label = ("Abierto ahora", "Cerrado ahora") if language == "es" else ("Open now", "Closed now")
    assert everything.count(open_label) == 1 and everything.count(closed_label) == len(SHELTERS) - 1
    assert open_label in detail and "09:00–10:00" in detail and "America/Tijuana" in detail


def test_open_now_list_query_count_is_constant(client, django_assert_max_num_queries):
    for n in range(3):
        OpeningHoursFactory(shelter=ShelterFactory(name=f"a{n}"), weekday=WEDNESDAY)
    with django_assert_max_num_queries(9) as few:
        client.get("/es/shelters/?open_now=on")
    for n in range(15):
        OpeningHoursFactory(shelter=ShelterFactory(name=f"b{n}"), weekday=WEDNESDAY)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get("/es/shelters/?open_now=on")


@pytest.mark.parametrize(("value", "status"), [("true", 200), ("1", 200), ("false", 200), ("null", 400), ("yes", 400)])
def test_the_api_open_now_filter_takes_true_or_false_only(client, value, status):
    assert client.get(f"/api/v1/shelters/?open_now={value}").status_code == status


def test_the_page_checkbox_stays_ticked(client):
    page = client.get("/es/shelters/?open_now=on").content.decode()
    assert 'name="open_now"' in page and "checked" in page.split('name="open_now"')[1].split(">")[0]


# name: (state, shelter's own zone, [(weekday, opens_at, closes_at)]); no times is open 24 hours
EVERY_KIND_OF_WEEK = {
    "day": ("MX-CHP", "", [(WEDNESDAY, time(9), time(17))]),
    "overnight": ("MX-BCN", "", [(2, time(20), time(8)), (7, time(22), time(6))]),  # Sunday into Monday too
    "split": ("MX-TAM", TimeZone.NORTH_EAST_BORDER, [(1, time(8), time(12)), (1, time(16), time(20, 30))]),
    "whole-days": ("MX-ROO", "", [(6, None, None), (7, None, None)]),
}


def boundaries() -> list[datetime]:
    """A minute before, at and after each range opens and closes, in its shelter's zone, in a January week and a
    July week (daylight saving time in the border zones), and every sixth hour of those weeks."""
    instants = []
    for monday in (datetime(2026, 1, 12), datetime(2026, 7, 13)):
        instants += [(monday + timedelta(hours=6 * step)).replace(tzinfo=UTC) for step in range(28)]
        for iso_code, zone, ranges in EVERY_KIND_OF_WEEK.values():
            tz = ZoneInfo(zone or STATE_TIME_ZONES.get(iso_code, TimeZone.CENTRE))
            for weekday, opens_at, closes_at in ranges:
                day = monday + timedelta(days=weekday - 1)
                opens = datetime.combine(day, opens_at or time(0), tzinfo=tz)
                closes = opens + timedelta(days=1) if closes_at is None else datetime.combine(day, closes_at, tzinfo=tz)
                closes += timedelta(days=1) if closes <= opens else timedelta(0)
                instants += [edge + timedelta(minutes=shift) for edge in (opens, closes) for shift in (-1, 0, 1)]
    return instants


@pytest.fixture
def every_kind_of_week():
    for name, (iso_code, zone, ranges) in EVERY_KIND_OF_WEEK.items():
        shelter = ShelterFactory(name=name, state=state(iso_code), time_zone=zone)
        for weekday, opens_at, closes_at in ranges:
            all_day = opens_at is None
            OpeningHoursFactory(
                shelter=shelter, weekday=weekday, all_day=all_day, opens_at=opens_at, closes_at=closes_at
            )
    closed = ShelterFactory(name="closed", state=state("MX-CHP"), status="closed")
    OpeningHoursFactory(shelter=closed, weekday=WEDNESDAY, opens_at=time(0, 30), closes_at=time(23, 30))
    ShelterFactory(name="no-hours", state=state("MX-SON"))


def test_the_rows_opening_agrees_with_the_database_condition(every_kind_of_week):
    # The cards' badge (computed in Python for the rows shown) and the filter and detail page (the SQL condition)
    # must never disagree.
    for at in boundaries():
        rows = {s.name: (s.has_hours, s.open_now) for s in Shelter.objects.with_opening_of_rows(at)}
        annotated = {s.name: (s.has_hours, s.open_now) for s in Shelter.objects.with_opening(at)}
        assert rows == annotated, at
        assert {name for name, (_hours, is_open) in rows.items() if is_open} == open_names(at), at
    assert rows["no-hours"] == (False, False) and rows["closed"][1] is False
