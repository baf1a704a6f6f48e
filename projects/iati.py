"""Projects as IATI activities (IATI Activity Standard 2.03, https://iatistandard.org/en/iati-standard/203/).

Elements are written in the order the schema's sequence demands (iati-activities-schema.xsd). Codelists used:
ActivityStatus, ActivityDateType, OrganisationRole, OrganisationType, ActivityScope, BudgetType, BudgetStatus,
OtherIdentifierType, SectorVocabulary (99: the reporting organisation's own, here the thematic areas).
The IDF region ("Latin America and the Caribbean") is IOM's internal grouping, not an IATI recipient region, so it is
not exported as one; every project here benefits Mexico, hence recipient-country MX at 100 %.
The Standard's rules beyond the XSD that this export follows are listed, and implemented, in projects.iati_rules.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from datetime import date, datetime

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext
from lxml import etree

from projects import iati_rules
from projects.models import Project, ProjectStatus

IATI_VERSION = "2.03"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
DEFAULT_LANGUAGE = "en"  # the activities' xml:lang
NARRATIVE_LANGUAGES = ("en", "es")  # texts this export writes itself come in both

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


def _narrative(parent: etree._Element, text: str, language: str | None = None) -> etree._Element:
    """A narrative in the activity's language (xml:lang="en"), or in `language` where another one is given."""
    narrative = etree.SubElement(parent, "narrative")
    if language and language != DEFAULT_LANGUAGE:
        narrative.set(XML_LANG, language)
    narrative.text = _text(text)
    return parent


def _narratives(parent: etree._Element, texts: Mapping[str, str]) -> etree._Element:
    """One narrative per language that has a text: the activity's own language first, without xml:lang."""
    ordered = sorted(texts.items(), key=lambda item: item[0] != DEFAULT_LANGUAGE)
    for language, text in ordered:
        if _text(text or ""):
            _narrative(parent, text, language)
    return parent


def _per_language(record: object, field: str) -> dict[str, str]:
    """A translated field's text in each language (modeltranslation's `<field>_es`, `<field>_en`)."""
    return {language: getattr(record, f"{field}_{language}") or "" for language in NARRATIVE_LANGUAGES}


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


def _activity_dates(project: Project, today: date) -> list[iati_rules.ActivityDate]:
    return iati_rules.activity_dates(
        start_date=project.start_date,
        start_year=project.start_year,
        end_date=project.end_date,
        end_year=project.end_year,
        started=project.status in STARTED,
        completed=project.status == ProjectStatus.COMPLETED,
        today=today,
    )


def _year_only(parent: etree._Element, year: int) -> None:
    """Rule 3: say that the day stands for a year, in every language the activity is written in."""
    for language in NARRATIVE_LANGUAGES:
        with translation.override(language):
            text = gettext("%(year)s (only the year is known; the day stands for the year)") % {"year": year}
        _narrative(parent, text, language)


def _scope(project: Project) -> str | None:
    if project.coverage.strip().lower() == "national":
        return SCOPE_NATIONAL
    states = list(project.states.all())
    if len(states) == 1:
        return SCOPE_SUBNATIONAL_SINGLE
    return SCOPE_SUBNATIONAL_MULTI if states else None


def activity(project: Project, today: date | None = None, *, vocabulary_uri: str = "") -> etree._Element:
    """One iati-activity. Reads project.thematic_areas, states, objectives and agreements (prefetch them)."""
    today = today or timezone.localdate()
    org_ref, org_name = settings.IATI_REPORTING_ORG, settings.IATI_REPORTING_ORG_NAME
    updated: datetime = project.updated_at
    root = etree.Element(
        "iati-activity",
        {
            "last-updated-datetime": updated.isoformat(timespec="seconds"),
            XML_LANG: DEFAULT_LANGUAGE,
            "default-currency": "USD",
        },
    )
    etree.SubElement(root, "iati-identifier").text = iati_identifier(project)
    _narrative(etree.SubElement(root, "reporting-org", ref=org_ref, type=ORG_TYPE_MULTILATERAL), org_name)
    # One narrative per language staff wrote (xml:lang="es" for Spanish), none claiming a language it is not in.
    _narratives(etree.SubElement(root, "title"), _per_language(project, "title"))
    general = {
        language: _text(getattr(project, f"summary_{language}") or "")
        or _text(getattr(project, f"description_{language}") or "")
        or _text(getattr(project, f"title_{language}") or "")
        for language in NARRATIVE_LANGUAGES
    }
    _narratives(etree.SubElement(root, "description", type="1"), general)
    objectives = {
        language: "\n".join(
            _text(text)
            for text in (getattr(o, f"text_{language}") or "" for o in project.objectives.all())
            if _text(text)
        )
        for language in NARRATIVE_LANGUAGES
    }
    if any(objectives.values()):
        _narratives(etree.SubElement(root, "description", type="2"), objectives)

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
    for activity_date in _activity_dates(project, today):
        element = etree.SubElement(
            root, "activity-date", type=activity_date.type, **{"iso-date": _iso(activity_date.day)}
        )
        if activity_date.year_only:
            _year_only(element, activity_date.day.year)
    scope = _scope(project)
    if scope:
        etree.SubElement(root, "activity-scope", code=scope)
    etree.SubElement(root, "recipient-country", code="MX", percentage="100")

    areas = [
        (area.slug, {"en": area.name_en, "es": area.name_es}, area.dac_sector) for area in project.thematic_areas.all()
    ]
    for sector in iati_rules.sectors(areas):
        attributes = {"vocabulary": sector.vocabulary, "code": sector.code}
        if sector.vocabulary == iati_rules.VOCABULARY_REPORTING_ORG and vocabulary_uri:
            attributes["vocabulary-uri"] = vocabulary_uri
        if sector.percentage is not None:
            attributes["percentage"] = str(sector.percentage)
        _narratives(etree.SubElement(root, "sector", attributes), sector.names)

    for period in iati_rules.budget_periods(total=project.budget_usd, start=start_of(project), end=end_of(project)):
        budget = etree.SubElement(root, "budget", type="1", status=period.status)  # BudgetType 1: original
        etree.SubElement(budget, "period-start", **{"iso-date": _iso(period.start)})
        etree.SubElement(budget, "period-end", **{"iso-date": _iso(period.end)})
        value = etree.SubElement(budget, "value", currency="USD", **{"value-date": _iso(period.start)})
        value.text = f"{period.value:.2f}"
    return root


def stream(projects: Iterable[Project], *, vocabulary_uri: str = "") -> Iterator[str]:
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
        element = activity(project, today, vocabulary_uri=vocabulary_uri)
        yield etree.tostring(element, encoding="unicode", pretty_print=True)
    yield "</iati-activities>\n"


def document(projects: Iterable[Project], *, vocabulary_uri: str = "") -> bytes:
    return "".join(stream(projects, vocabulary_uri=vocabulary_uri)).encode()
