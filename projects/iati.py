"""Projects as IATI activities (IATI Activity Standard 2.03, https://iatistandard.org/en/iati-standard/203/).

Elements are written in the order the schema's sequence demands (iati-activities-schema.xsd). Codelists used:
ActivityStatus, ActivityDateType, OrganisationRole, OrganisationType, ActivityScope, BudgetType, BudgetStatus,
OtherIdentifierType, SectorVocabulary (99: the reporting organisation's own, here the thematic areas).
The IDF region ("Latin America and the Caribbean") is IOM's internal grouping, not an IATI recipient region, so it is
not exported as one; every project here benefits Mexico, hence recipient-country MX at 100 %.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from datetime import date, datetime
from decimal import ROUND_DOWN, Decimal

from django.conf import settings
from django.utils import timezone
from lxml import etree

from projects.models import Project, ProjectStatus

IATI_VERSION = "2.03"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"

# ActivityStatus codelist: 1 Pipeline/identification, 2 Implementation, 3 Finalisation, 4 Closed, 5 Cancelled,
# 6 Suspended.
ACTIVITY_STATUS = {
    ProjectStatus.PIPELINE: "1",
    ProjectStatus.ACTIVE: "2",
    ProjectStatus.COMPLETED: "4",
    ProjectStatus.CANCELLED: "5",
    ProjectStatus.SUSPENDED: "6",
}
STARTED = {ProjectStatus.ACTIVE, ProjectStatus.COMPLETED, ProjectStatus.SUSPENDED}
# ActivityDateType codelist.
PLANNED_START, ACTUAL_START, PLANNED_END, ACTUAL_END = "1", "2", "3", "4"
# OrganisationRole and OrganisationType codelists.
ROLE_FUNDING, ROLE_IMPLEMENTING = "1", "4"
ORG_TYPE_MULTILATERAL = "40"
# ActivityScope codelist.
SCOPE_NATIONAL, SCOPE_SUBNATIONAL_MULTI, SCOPE_SUBNATIONAL_SINGLE = "4", "5", "6"
# OtherIdentifierType A1: the reporting organisation's own activity identifier.
OTHER_ID_REPORTING_ORG = "A1"

# Characters XML 1.0 cannot carry at all (control characters other than tab, newline and carriage return).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def iati_identifier(project: Project) -> str:
    """The reporting organisation's identifier, a hyphen, and the Projects ID: XM-DAC-47066-PR.0173."""
    return f"{settings.IATI_REPORTING_ORG}-{project.projects_id}"


def _text(value: str) -> str:
    return _NOT_XML.sub("", value).strip()


def _narrative(parent: etree._Element, text: str) -> etree._Element:
    etree.SubElement(parent, "narrative").text = _text(text)
    return parent


def _iso(value: date) -> str:
    return value.isoformat()


def start_of(project: Project) -> date | None:
    """None for a project whose source gave no dates (the IOM Development Fund's pages): nothing is guessed."""
    if project.start_date:
        return project.start_date
    return date(project.start_year, 1, 1) if project.start_year else None


def end_of(project: Project) -> date | None:
    if project.end_date:
        return project.end_date
    return date(project.end_year, 12, 31) if project.end_year else None


def _activity_dates(project: Project, today: date) -> list[tuple[str, date]]:
    start, end = start_of(project), end_of(project)
    dates = [(PLANNED_START, start)] if start else []
    # Actual dates may not lie in the future.
    if start and project.status in STARTED and start <= today:
        dates.append((ACTUAL_START, start))
    if end is not None:
        dates.append((PLANNED_END, end))
        if project.status == ProjectStatus.COMPLETED and end <= today:
            dates.append((ACTUAL_END, end))
    return dates


def _scope(project: Project) -> str | None:
    if project.coverage.strip().lower() == "national":
        return SCOPE_NATIONAL
    states = list(project.states.all())
    if len(states) == 1:
        return SCOPE_SUBNATIONAL_SINGLE
    return SCOPE_SUBNATIONAL_MULTI if states else None


def _percentages(count: int) -> list[Decimal]:
    """Equal shares with two decimals that add up to exactly 100, as IATI asks of one vocabulary's sectors."""
    share = (Decimal(100) / count).quantize(Decimal("0.01"), rounding=ROUND_DOWN)
    return [share] * (count - 1) + [Decimal(100) - share * (count - 1)]


def activity(project: Project, today: date | None = None) -> etree._Element:
    """One iati-activity. Reads project.thematic_areas, states, objectives and agreements (prefetch them)."""
    today = today or timezone.localdate()
    org_ref, org_name = settings.IATI_REPORTING_ORG, settings.IATI_REPORTING_ORG_NAME
    updated: datetime = project.updated_at
    root = etree.Element(
        "iati-activity",
        {
            "last-updated-datetime": updated.isoformat(timespec="seconds"),
            XML_LANG: "en",
            "default-currency": "USD",
        },
    )
    etree.SubElement(root, "iati-identifier").text = iati_identifier(project)
    _narrative(etree.SubElement(root, "reporting-org", ref=org_ref, type=ORG_TYPE_MULTILATERAL), org_name)
    _narrative(etree.SubElement(root, "title"), project.title)
    general = _text(project.summary) or _text(project.description) or _text(project.title)
    _narrative(etree.SubElement(root, "description", type="1"), general)
    objectives = [objective.text for objective in project.objectives.all() if _text(objective.text)]
    if objectives:
        _narrative(etree.SubElement(root, "description", type="2"), "\n".join(_text(text) for text in objectives))

    funders = sorted({agreement.donor.name for agreement in project.agreements.all()})
    for funder in funders:
        _narrative(etree.SubElement(root, "participating-org", role=ROLE_FUNDING), funder)
    _narrative(
        etree.SubElement(root, "participating-org", role=ROLE_IMPLEMENTING, ref=org_ref, type=ORG_TYPE_MULTILATERAL),
        org_name,
    )
    if project.prima_id:  # older projects have none
        etree.SubElement(root, "other-identifier", ref=project.prima_id, type=OTHER_ID_REPORTING_ORG)
    etree.SubElement(root, "activity-status", code=ACTIVITY_STATUS[project.status])
    for date_type, value in _activity_dates(project, today):
        etree.SubElement(root, "activity-date", type=date_type, **{"iso-date": _iso(value)})
    scope = _scope(project)
    if scope:
        etree.SubElement(root, "activity-scope", code=scope)
    etree.SubElement(root, "recipient-country", code="MX", percentage="100")

    areas = list(project.thematic_areas.all())
    for area, percentage in zip(areas, _percentages(len(areas)) if areas else [], strict=True):
        sector = etree.SubElement(root, "sector", vocabulary="99", code=area.slug, percentage=str(percentage))
        _narrative(sector, area.name_en)

    end = end_of(project)
    # A budget needs a period; without a known start and end the amount has no period to belong to: left out.
    start = start_of(project)
    if project.budget_usd is not None and start is not None and end is not None:
        budget = etree.SubElement(root, "budget", type="1", status="1")  # original, indicative
        etree.SubElement(budget, "period-start", **{"iso-date": _iso(start)})
        etree.SubElement(budget, "period-end", **{"iso-date": _iso(max(start, end))})
        value = etree.SubElement(budget, "value", currency="USD", **{"value-date": _iso(start)})
        value.text = f"{project.budget_usd:.2f}"
    return root


def stream(projects: Iterable[Project]) -> Iterator[str]:
    """The iati-activities document, one activity at a time, so a large export never sits whole in memory."""
    generated = timezone.now().isoformat(timespec="seconds")
    yield (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<iati-activities version="{IATI_VERSION}" generated-datetime="{generated}">\n'
    )
    today = timezone.localdate()
    for project in projects:
        # IATI needs at least one activity date; a project whose source gave none (the IOM Development Fund's
        # pages) cannot be published as an activity until staff enter its dates, and no date is invented for it.
        if start_of(project) is None and end_of(project) is None:
            continue
        yield etree.tostring(activity(project, today), encoding="unicode", pretty_print=True)
    yield "</iati-activities>\n"


def document(projects: Iterable[Project]) -> bytes:
    return "".join(stream(projects)).encode()
