"""The page parser on its own: plain Python, text in, dataclasses out (sample pages in tests/samples/)."""

import subprocess
import sys
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from django.utils.text import slugify as django_slugify

from registry.importers.pages import (
    NewsPage,
    OverviewPage,
    PageKind,
    ParseError,
    ProjectPage,
    article_slug,
    detect_kind,
    find_states,
    parse_page,
    slugify,
)

SAMPLES = Path(__file__).resolve().parents[1] / "samples"


def sample(name: str) -> str:
    return (SAMPLES / name).read_text(encoding="utf-8")


def project_page(*blocks: tuple[str, str], title: str = "A Test Project", tail: str = "Some description.") -> str:
    lines = ["-", "Who we are", "- 2030 Agenda", title]
    for label, value in blocks:
        lines += ["-", label, value]
    return "\n".join(lines) + "\n" + tail + "\n"


VALID_BLOCKS = [("Start Date", "2020"), ("Prima ID", "MX10P0100"), ("Projects ID", "TS.0100")]


def test_parser_module_does_not_import_django():
    code = "import sys, registry.importers.pages; print(sorted(m for m in sys.modules if m.startswith('django')))"
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=SAMPLES.parents[1], check=True
    )
    assert result.stdout.strip() == "[]"


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("project_health_posts.txt", PageKind.PROJECT),
        ("project_unknown_label.txt", PageKind.PROJECT),
        ("malformed_budget.txt", PageKind.PROJECT),
        ("news_agreements.txt", PageKind.NEWS),
        ("news_forum.txt", PageKind.NEWS),
        ("overview.txt", PageKind.OVERVIEW),
    ],
)
def test_page_kind_is_detected_from_content(name, kind):
    assert detect_kind(sample(name)) is kind


def test_project_page_yields_every_labelled_value():
    page = parse_page(sample("project_health_posts.txt"))
    assert isinstance(page, ProjectPage)
    assert page.title == "Health Posts for Migrants in Transit along the Gulf Route"
    assert page.title_line == 23  # after the 22 lines of site navigation
    assert (page.prima_id, page.projects_id) == ("MX10P0777", "MG.0042")
    assert (page.start_year, page.end_year, page.start_date, page.end_date) == (2019, 2021, None, None)
    assert page.status == "active"
    assert page.project_type == "Migration Health"
    assert page.budget_usd == Decimal("250000.50") and isinstance(page.budget_usd, Decimal)
    assert (page.coverage, page.year, page.idf_region) == ("Regional", 2019, "Latin America and the Caribbean")
    assert page.member_states == ["MX", "GT"]
    assert page.unknown_labels == [] and page.warnings == []


def test_project_page_separates_description_and_numbered_objectives():
    page = parse_page(sample("project_health_posts.txt"))
    assert page.objectives == [
        "Open six mobile health posts next to migrant shelters in Veracruz and Tabasco",
        "Train 120 nurses and community health workers in primary care for migrants, including mental health first "
        "aid.",
        "Publish a referral guide shared by the health posts and the state health services.",
    ]
    paragraphs = page.description.split("\n\n")
    assert paragraphs[0].startswith("Migrants travelling along the Gulf route")
    assert paragraphs[-1] == "The project will:"
    assert "1)" not in page.description
    for debris in ("WHO WE ARE", "Our Work", "2030 Agenda", "Take Action"):
        assert debris not in page.description and debris not in page.title


def test_project_page_reads_a_day_as_start_date_and_collects_unknown_labels():
    page = parse_page(sample("project_unknown_label.txt"))
    assert (page.start_year, page.start_date, page.end_year) == (2022, date(2022, 3, 15), 2024)
    assert page.budget_usd == Decimal("75000.00")
    assert [(u.line, u.label, u.value) for u in page.unknown_labels] == [
        (37, "Implementing Partner", "Red de Albergues del Norte")
    ]
    assert str(page.unknown_labels[0]) == "line 37: Implementing Partner: Red de Albergues del Norte"


def test_malformed_budget_sample_names_its_line():
    with pytest.raises(ParseError) as info:
        parse_page(sample("malformed_budget.txt"))
    assert info.value.line == 29
    assert "about a million" in str(info.value) and str(info.value).startswith("line 29:")


@pytest.mark.parametrize(
    ("blocks", "line", "message"),
    [
        ([("Start Date", "2020"), ("Budget Amount (USD)", "about a million")], 10, "not an amount"),
        ([("Start Date", "2020"), ("Budget Amount (USD)", "-5")], 10, "not an amount"),
        ([("Start Date", "20X5")], 7, "neither a year nor a date"),
        ([("Start Date", "31/02/2020")], 7, "not a valid date"),
        ([("Start Date", "2020"), ("Year", "twenty")], 10, "not a year"),
        ([("Start Date", "2020"), ("Year", "1492")], 10, "not a plausible year"),
        ([("Start Date", "2020"), ("End Date", "2019")], 10, "before Start Date"),
        ([("Start Date", "2020"), ("Project Status", "Sleeping")], 10, "Project Status “Sleeping”"),
        ([("Start Date", "2020"), ("Prima ID", "MX10 P1")], 10, "not an identifier"),
        ([("Start Date", "2020"), ("Start Date", "2021")], 9, "appears twice"),
    ],
)
def test_malformed_values_raise_with_the_line(blocks, line, message):
    ids = [b for b in VALID_BLOCKS if b[0] not in {label for label, _ in blocks}]
    with pytest.raises(ParseError, match=message) as info:
        parse_page(project_page(*blocks, *ids))
    assert info.value.line == line


def test_label_without_value_is_not_given_but_a_projects_id_is_required():
    page = parse_page("Some page\n-\nStart Date\n2020\n-\nPrima ID\n-\nProjects ID\nTS.1\n")
    assert (page.projects_id, page.prima_id, page.start_year) == ("TS.1", "", 2020)
    assert (6, "label “Prima ID” has no value") in [(w.line, w.message) for w in page.warnings]
    with pytest.raises(ParseError, match="gives no Projects ID") as info:
        parse_page("Some page\n-\nStart Date\n2020\n-\nPrima ID\nMX1\n-\nProjects ID\n")
    assert info.value.line == 2


def test_missing_title_and_empty_page_are_errors():
    with pytest.raises(ParseError, match="no title") as info:
        parse_page("-\nStart Date\n2020\n-\nPrima ID\nMX1\n-\nProjects ID\nTS.1\n")
    assert info.value.line == 1
    with pytest.raises(ParseError, match="empty"):
        parse_page("\n  \n")


def test_objectives_must_be_numbered_in_order():
    with pytest.raises(ParseError, match="numbered 3 where 2 was expected") as info:
        parse_page(project_page(*VALID_BLOCKS, tail="Aims:\n1) One thing.\n3) Another."))
    assert info.value.line == 16


def test_news_page_strips_site_debris_and_reads_the_press_contact():
    page = parse_page(sample("news_agreements.txt"))
    assert isinstance(page, NewsPage)
    assert page.title == "IOM Signs Agreements with Shelters in Coahuila and Nuevo León: A Northern Network"
    assert page.slug == "iom-signs-agreements-with-shelters-in-coahuila-and-nuevo-leon"
    paragraphs = page.body.split("\n\n")
    assert len(paragraphs) == 4  # hard-wrapped lines joined back into paragraphs
    assert paragraphs[0] == (
        "IOM Mexico signed cooperation agreements this week with two shelters that receive migrants arriving in "
        "the north of the country."
    )
    for debris in ("Share this", "Twitter", "Leave a Reply", "Anti Spam", "What is 3 + 4", "mailto", "Ana Ruiz"):
        assert debris not in page.body
    assert page.summary == paragraphs[0]
    contact = page.press_contact
    assert (contact.name, contact.organisation, contact.phone, contact.email) == (
        "Ana Ruiz",
        "IOM Mexico",
        "+52 55 1234 5678",
        "aruiz@example.org",
    )
    assert contact.as_text() == "Ana Ruiz, IOM Mexico. Tel: +52 55 1234 5678. Email: aruiz@example.org"


def test_news_page_extracts_the_agreements_it_announces():
    page = parse_page(sample("news_agreements.txt"))
    assert page.announces_agreements
    assert page.state_isos == ["MX-COA", "MX-NLE", "MX-CHP", "MX-TAB"]  # "Nuevo Leon" without its accent
    assert [(s.name, s.state_iso, s.state_basis) for s in page.shelters] == [
        ("Casa del Migrante Saltillo", "MX-COA", "clause"),
        ("Albergue Nazaret", "MX-NLE", "clause"),
    ]
    assert [(d.name, d.acronym, d.country) for d in page.donors] == [("Global Affairs Canada", "GAC", "CA")]
    assert page.programme_phase == 3
    assert [(i.category, i.description) for i in page.support_items] == [
        ("medicines", "Medicines"),
        ("hygiene", "Hygiene kits"),
        ("training", "First aid"),
        ("training", "Gender-based violence"),
        ("training", "Psychosocial support"),
    ]


def test_shelter_state_falls_back_to_sentence_paragraph_then_first_state_of_the_article():
    text = (
        "IOM Signs Cooperation Agreements with Shelters\n"
        "IOM works in Sonora and in Chihuahua with several partners.\n"
        "IOM signed agreements with Albergue Uno and Albergue Dos in Tamaulipas, with Albergue Tres, and with "
        "Albergue Cuatro. Also with Albergue Cinco in Durango and Albergue Seis in Puebla.\n"
        "The support is funded by the United States Government's Bureau of Example Affairs (BEA). In its second phase "
        "it adds Albergue Siete.\n"
    )
    page = parse_page(text)
    assert [(s.name, s.state_iso, s.state_basis) for s in page.shelters] == [
        ("Albergue Uno", "MX-TAM", "sentence"),
        ("Albergue Dos", "MX-TAM", "clause"),
        ("Albergue Tres", "MX-TAM", "sentence"),
        ("Albergue Cuatro", "MX-TAM", "sentence"),
        ("Albergue Cinco", "MX-DUR", "clause"),
        ("Albergue Seis", "MX-PUE", "clause"),
        ("Albergue Siete", "MX-SON", "article"),
    ]
    assert [(d.name, d.acronym, d.country) for d in page.donors] == [("Bureau of Example Affairs", "BEA", "US")]
    assert page.programme_phase == 2


def test_phase_prefers_the_current_year_over_a_look_back():
    text = (
        "IOM Signs Cooperation Agreements\n"
        "IOM signed cooperation agreements with shelters that receive people in transit, offering them beds, meals, "
        "medical care and advice on their rights while they decide where to go next.\n"
        "In the first phase of our regional programme we focused on the south. This is the fourth year of the work.\n"
    )
    assert parse_page(text).programme_phase == 4


def test_news_page_without_agreements_records_no_shelters_or_donor_and_skips_the_teaser():
    page = parse_page(sample("news_forum.txt"))
    assert page.title == "Regional Forum on Labour Mobility Opens in Mérida Highlighting Seasonal Work Schemes"
    assert page.slug == "regional-forum-on-labour-mobility-opens-in-merida"
    assert page.published_on == date(2019, 5, 14)
    assert page.body.count("Officials from five countries") == 1  # the teaser above the article is not repeated
    assert "Comment" not in page.body and "Written by" not in page.body
    assert page.state_isos == ["MX-YUC", "MX-CMX"]  # "Mexico" alone is the country, not the State of Mexico
    assert not page.announces_agreements
    assert (page.shelters, page.donors, page.support_items, page.programme_phase) == ([], [], [], None)
    assert page.press_contact is None


def test_overview_yields_thematic_areas_with_short_descriptions():
    page = parse_page(sample("overview.txt"))
    assert isinstance(page, OverviewPage)
    assert [(a.name, a.slug, a.position) for a in page.areas] == [
        ("Labor Mobility and Skills", "labour-mobility-and-skills", 1),
        ("Protection", "protection", 2),
        ("Climate and Displacement", "climate-and-displacement", 3),
    ]
    descriptions = [a.description for a in page.areas]
    assert descriptions[0] == "IOM helps employers and workers use regular labour pathways."
    assert descriptions[1] == "IOM supports victims of trafficking and strengthens consular protection."  # no <u>


def test_overview_with_an_area_but_no_description_is_an_error():
    text = "# Mission\n## AREAS OF WORK\n## Protection\nA subtitle without a full stop\n## DONORS\n"
    with pytest.raises(ParseError, match="“Protection” has no description") as info:
        parse_page(text)
    assert info.value.line == 3


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Baja California Sur and Nuevo León", ["MX-BCS", "MX-NLE"]),
        ("BAJA CALIFORNIA, then san luis potosi", ["MX-BCN", "MX-SLP"]),
        ("Mexico City and the State of Mexico", ["MX-CMX", "MX-MEX"]),
        ("Migrants cross Mexico towards the United States", []),
        ("Veracruz de Ignacio de la Llave; Michoacán; Querétaro", ["MX-VER", "MX-MIC", "MX-QUE"]),
        ("Oaxacan food", []),
    ],
)
def test_find_states_ignores_accents_and_case(text, expected):
    assert find_states(text) == expected


@pytest.mark.parametrize(
    ("title", "slug"),
    [
        (
            "IOM Signs Cooperation Agreements with Migrant Shelters on Mexico's Southern Border",
            "iom-signs-cooperation-agreements-with-migrant-shelters-on-mexicos-southern-border",
        ),
        (
            "IOM Participates in the Fourth National Migration Week Focusing on the Human Rights of Migrants in Mexico",
            "iom-participates-in-the-fourth-national-migration-week",
        ),
        ("Mexico: IOM Opens an Office in Tapachula", "mexico-iom-opens-an-office-in-tapachula"),
        ("Training Including Everyone", "training-including-everyone"),
    ],
)
def test_article_slug_keeps_the_main_clause_of_the_headline(title, slug):
    assert article_slug(title) == slug


def test_article_slug_is_cut_at_a_word_boundary():
    slug = article_slug("Shelters " + "interinstitutional " * 10)
    assert len(slug) <= 100
    assert slug == "shelters" + "-interinstitutional" * 4


@pytest.mark.parametrize("value", ["Jesús el Buen Pastor", "Mexico's  border -- now", "Ñandú 2030!", "  --x--  "])
def test_slugify_matches_django(value):
    assert slugify(value) == django_slugify(value)
