"""The IATI rules beyond the XSD (projects.iati_rules), one by one, and the whole export checked against them and
against the official 2.03 schema."""

from collections import defaultdict
from datetime import date
from decimal import Decimal

import pytest
import xmlschema
from lxml import etree

from projects.iati_rules import (
    ACTUAL_END,
    ACTUAL_START,
    BUDGET_COMMITTED,
    BUDGET_INDICATIVE,
    PLANNED_END,
    PLANNED_START,
    ActivityDate,
    Sector,
    activity_dates,
    budget_periods,
    sectors,
)
from tests.api.conftest import API, body
from tests.factories import ProjectFactory, ThematicAreaFactory, state
from tests.standards import require_shared

TODAY = date(2026, 12, 1)
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


def one_year_later(day: date) -> date:
    try:
        return day.replace(year=day.year + 1)
    except ValueError:  # 29 February
        return date(day.year + 1, 3, 1)


# --- rule 1: budget periods --------------------------------------------------------------------------------------


def test_a_multi_year_budget_is_split_into_calendar_years_spread_over_the_days():
    periods = budget_periods(total=Decimal("100000.00"), start=date(2021, 7, 1), end=date(2023, 6, 30))

    assert [(p.start, p.end) for p in periods] == [
        (date(2021, 7, 1), date(2021, 12, 31)),
        (date(2022, 1, 1), date(2022, 12, 31)),
        (date(2023, 1, 1), date(2023, 6, 30)),
    ]
    # 184, 365 and 181 of 730 days.
    assert [p.value for p in periods] == [Decimal("25205.48"), Decimal("50000.00"), Decimal("24794.52")]
    assert sum(p.value for p in periods) == Decimal("100000.00")
    assert {p.status for p in periods} == {BUDGET_INDICATIVE}
    assert all(p.end < one_year_later(p.start) for p in periods)


def test_a_budget_within_one_year_is_one_committed_period():
    (period,) = budget_periods(total=Decimal("5000.50"), start=date(2022, 3, 15), end=date(2022, 11, 30))

    assert (period.start, period.end, period.value, period.status) == (
        date(2022, 3, 15),
        date(2022, 11, 30),
        Decimal("5000.50"),
        BUDGET_COMMITTED,
    )


@pytest.mark.parametrize(
    ("total", "start", "end"),
    [(None, date(2021, 1, 1), date(2023, 1, 1)), (Decimal("10"), date(2021, 1, 1), None), (Decimal("10"), None, None)],
)
def test_no_budget_without_an_amount_a_start_and_an_end(total, start, end):
    assert budget_periods(total=total, start=start, end=end) == []


def test_the_cents_of_an_uneven_split_add_up():
    periods = budget_periods(total=Decimal("0.10"), start=date(2020, 1, 1), end=date(2022, 12, 31))

    assert sum(p.value for p in periods) == Decimal("0.10")
    assert len(periods) == 3


# --- rules 2 and 3: activity dates ---------------------------------------------------------------------------------


def dates(**kwargs) -> list[ActivityDate]:
    defaults = {"start_date": None, "start_year": 2021, "end_date": None, "end_year": None}
    defaults.update({"started": True, "completed": False, "today": TODAY})
    defaults.update(kwargs)
    return activity_dates(**defaults)


def test_known_days_that_have_passed_are_actual():
    result = dates(start_date=date(2021, 3, 1), end_date=date(2023, 6, 30), end_year=2023, completed=True)

    assert result == [ActivityDate(ACTUAL_START, date(2021, 3, 1)), ActivityDate(ACTUAL_END, date(2023, 6, 30))]


def test_an_end_alone_is_dated_and_no_start_is_made_up():
    assert dates(start_year=None, end_year=2019) == [ActivityDate(PLANNED_END, date(2019, 12, 31), year_only=True)]
    assert dates(start_year=None) == []


def test_a_year_alone_gives_planned_dates_marked_as_years():
    result = dates(start_year=2015, end_year=2018, completed=True)

    assert result == [
        ActivityDate(PLANNED_START, date(2015, 1, 1), year_only=True),
        ActivityDate(PLANNED_END, date(2018, 12, 31), year_only=True),
    ]


@pytest.mark.parametrize(
    ("kwargs", "expected"),
    [
        # Not started yet (pipeline): the known day is only the plan.
        ({"start_date": date(2021, 3, 1), "started": False}, [ActivityDate(PLANNED_START, date(2021, 3, 1))]),
        # A known day still ahead is never actual.
        ({"start_date": date(2027, 1, 10)}, [ActivityDate(PLANNED_START, date(2027, 1, 10))]),
        # Still running: its end is planned, even once the day has passed.
        (
            {"start_date": date(2021, 3, 1), "end_date": date(2026, 6, 30)},
            [ActivityDate(ACTUAL_START, date(2021, 3, 1)), ActivityDate(PLANNED_END, date(2026, 6, 30))],
        ),
        # Completed, but the recorded end is in the future: not actual.
        (
            {"start_date": date(2021, 3, 1), "end_date": date(2027, 6, 30), "completed": True},
            [ActivityDate(ACTUAL_START, date(2021, 3, 1)), ActivityDate(PLANNED_END, date(2027, 6, 30))],
        ),
    ],
)
def test_actual_only_where_it_has_happened(kwargs, expected):
    assert dates(**kwargs) == expected


# --- rules 4 and 5: sectors ---------------------------------------------------------------------------------------


def test_one_area_is_the_whole_activity_in_both_vocabularies():
    assert sectors([("protection", {"en": "Protection", "es": "Protección"}, "15190")]) == [
        Sector("99", "protection", Decimal(100), {"en": "Protection", "es": "Protección"}),
        Sector("1", "15190", Decimal(100)),
    ]


def test_areas_sharing_a_dac_code_give_one_dac_sector_at_100():
    result = sectors([("protection", {"en": "Protection"}, "15190"), ("data", {"en": "Data"}, "15190")])

    assert [(s.vocabulary, s.code, s.percentage) for s in result] == [
        ("99", "protection", None),
        ("99", "data", None),
        ("1", "15190", Decimal(100)),
    ]


def test_several_codes_without_recorded_shares_get_no_percentages():
    result = sectors(
        [("protection", {"en": "Protection"}, "15190"), ("health", {"en": "Health"}, "12220"), ("x", {"en": "X"}, "")]
    )

    assert [(s.vocabulary, s.code) for s in result] == [
        ("99", "protection"),
        ("99", "health"),
        ("99", "x"),
        ("1", "15190"),
        ("1", "12220"),
    ]
    assert all(s.percentage is None for s in result)


def test_no_areas_no_sectors():
    assert sectors([]) == []


# --- the export as a whole -------------------------------------------------------------------------------------


@pytest.fixture
def varied_projects():
    protection = ThematicAreaFactory(slug="protection", name_en="Protection", dac_sector="15190")
    data = ThematicAreaFactory(slug="data", name_en="Data", dac_sector="15190")
    health = ThematicAreaFactory(slug="health", name_en="Health", name_es="Salud", dac_sector="12220")
    return [
        ProjectFactory(
            title="Years only",
            start_year=2015,
            end_year=2018,
            status="completed",
            budget_usd=Decimal("100000.00"),
            thematic_areas=[protection, data],
        ),
        ProjectFactory(
            title="Exact days",
            start_year=2021,
            start_date=date(2021, 7, 1),
            end_year=2023,
            end_date=date(2023, 6, 30),
            status="completed",
            budget_usd=Decimal("77777.77"),
            thematic_areas=[protection, health],
        ),
        ProjectFactory(
            title="Short and single",
            start_year=2022,
            start_date=date(2022, 3, 15),
            end_year=2022,
            end_date=date(2022, 11, 30),
            status="completed",
            budget_usd=Decimal("5000.50"),
            thematic_areas=[health],
        ),
        ProjectFactory(
            title="Running, no end",
            start_year=2024,
            start_date=date(2024, 2, 1),
            end_year=None,
            status="active",
            budget_usd=Decimal("1.00"),
            states=[state("MX-CHP")],
        ),
        ProjectFactory(title="Future", start_year=2090, end_year=2091, status="pipeline", budget_usd=None),
    ]


def check_rules(tree: etree._Element, today: date) -> None:
    """Every rule of projects.iati_rules, checked on a document as a reviewer of the file would."""
    for act in tree.iter("iati-activity"):
        ident = act.findtext("iati-identifier")
        for budget in act.iter("budget"):
            start = date.fromisoformat(budget.find("period-start").get("iso-date"))
            end = date.fromisoformat(budget.find("period-end").get("iso-date"))
            value_date = date.fromisoformat(budget.find("value").get("value-date"))
            assert start <= end < one_year_later(start), ident  # rule 1
            assert start <= value_date <= end, ident
        for activity_date in act.iter("activity-date"):
            day = date.fromisoformat(activity_date.get("iso-date"))
            if activity_date.get("type") in (ACTUAL_START, ACTUAL_END):
                assert day <= today, ident  # rule 2
                assert activity_date.find("narrative") is None, ident  # an actual date is a known day
            if (day.month, day.day) in ((1, 1), (12, 31)) and activity_date.find("narrative") is None:
                # rule 3: such a day is either recorded, or said to stand for a year
                assert activity_date.get("type") in (ACTUAL_START, ACTUAL_END, PLANNED_START, PLANNED_END)
        types = [d.get("type") for d in act.iter("activity-date")]
        assert types, ident  # at least one date
        assert len(set(types) & {PLANNED_START, ACTUAL_START}) <= 1, ident  # one start at most, planned or actual
        assert len(set(types) & {PLANNED_END, ACTUAL_END}) <= 1, ident
        per_vocabulary: dict[str, list] = defaultdict(list)
        for sector in act.iter("sector"):
            per_vocabulary[sector.get("vocabulary")].append(sector)
            if sector.get("vocabulary") == "1":
                assert len(sector.get("code")) == 5 and sector.get("code").isdigit(), ident  # rule 4
            if sector.get("vocabulary") == "99":
                assert sector.get("vocabulary-uri") and sector.findtext("narrative"), ident
        for found in per_vocabulary.values():
            given = [Decimal(s.get("percentage")) for s in found if s.get("percentage") is not None]
            if given:  # rule 5: given ones are complete and add up
                assert len(given) == len(found) and sum(given) == 100, ident


@pytest.mark.django_db
def test_the_export_follows_every_rule_and_the_schema(varied_projects, client):
    schema = xmlschema.XMLSchema(str(require_shared("iati", "iati-activities-schema.xsd")))
    content = body(client.get(f"{API}/projects/?format=iati"))
    tree = etree.fromstring(content)

    errors = list(schema.iter_errors(content))

    assert not errors, errors[0]
    check_rules(tree, date.today())
    assert len(tree) == 5


@pytest.mark.django_db
def test_the_export_writes_what_the_rules_decide(varied_projects, client):
    tree = etree.fromstring(body(client.get(f"{API}/projects/?format=iati")))
    acts = {act.findtext("title/narrative"): act for act in tree.iter("iati-activity")}

    years = acts["Years only"]
    start = years.find("activity-date[@type='1']")
    assert start.get("iso-date") == "2015-01-01"
    narratives = {n.get(XML_LANG, "en"): n.text for n in start.findall("narrative")}
    assert narratives == {
        "en": "2015 (only the year is known; the day stands for the year)",
        "es": "2015 (solo se conoce el año; el día representa el año)",
    }
    assert [(s.get("vocabulary"), s.get("code"), s.get("percentage")) for s in years.findall("sector")] == [
        ("99", "data", None),  # the areas' order: position, then slug
        ("99", "protection", None),
        ("1", "15190", "100"),
    ]
    assert len(years.findall("budget")) == 4

    exact = acts["Exact days"]
    assert {d.get("type"): d.get("iso-date") for d in exact.findall("activity-date")} == {
        "2": "2021-07-01",
        "4": "2023-06-30",
    }
    assert [b.findtext("value") for b in exact.findall("budget")] == ["19604.26", "38888.89", "19284.62"]

    single = acts["Short and single"]
    (budget,) = single.findall("budget")
    assert (budget.get("status"), budget.findtext("value")) == ("2", "5000.50")
    assert [(s.get("vocabulary"), s.get("code"), s.get("percentage")) for s in single.findall("sector")] == [
        ("99", "health", "100"),
        ("1", "12220", "100"),
    ]
    # The organisation's own sectors are named in each language (xml:lang where not the activity's English).
    own = single.find("sector[@vocabulary='99']")
    assert [(n.get(XML_LANG), n.text) for n in own.findall("narrative")] == [(None, "Health"), ("es", "Salud")]

    assert acts["Running, no end"].find("budget") is None
    assert acts["Future"].find("activity-date[@type='2']") is None


@pytest.mark.django_db
def test_texts_are_narrated_in_each_language_written(client):
    schema = xmlschema.XMLSchema(str(require_shared("iati", "iati-activities-schema.xsd")))
    ProjectFactory(
        title_en="Shelter support",
        title_es="Apoyo a albergues",
        summary_en="Support for shelters.",
        summary_es="Apoyo para albergues.",
    )
    ProjectFactory(title_en="", title_es="Solo en español", summary_en="", summary_es="Resumen.")
    content = body(client.get(f"{API}/projects/?format=iati"))
    tree = etree.fromstring(content)

    assert not list(schema.iter_errors(content))
    titles = [[(n.get(XML_LANG), n.text) for n in act.findall("title/narrative")] for act in tree]
    assert sorted(titles, key=len) == [
        [("es", "Solo en español")],
        [(None, "Shelter support"), ("es", "Apoyo a albergues")],
    ]
    summaries = {n.text: n.get(XML_LANG) for n in tree.iterfind("iati-activity/description[@type='1']/narrative")}
    assert summaries == {"Support for shelters.": None, "Apoyo para albergues.": "es", "Resumen.": "es"}
