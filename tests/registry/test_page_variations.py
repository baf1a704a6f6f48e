"""The variations of real IOM pages (registry/importers/pages/VARIATIONS.md), one test each, on pages written for
the tests: the shipped samples (samples/pages/) and small pages built here."""

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from registry.importers.pages import NewsPage, ParseError, ProjectPage, find_states, parse_page, split_countries

PAGES = Path(__file__).resolve().parents[2] / "samples" / "pages"
HEADER = "-\nWho we are\nWHO WE AREThe International Organization for Migration is part of the UN.\n- 2030 Agenda\n"
BODY = (
    "IOM delivered beds, blankets and water filters this week to a shelter that receives families in transit. "
    "The shelter's volunteers also learnt how to refer people who need medical care or legal advice, and how to "
    "record the needs they see each night so that the support can follow them over the coming months."
)


def sample(name: str) -> str:
    return (PAGES / name).read_text(encoding="utf-8")


def news(head: str = "", title: str = "IOM Supports a Migrant Shelter in Tapachula", body: str = BODY) -> str:
    return f"{head}{title}\n{body}\n"


# --- project pages ---------------------------------------------------------------------------------------------


def test_older_project_without_prima_id_or_type_is_identified_by_its_projects_id():
    page = parse_page(sample("project_labelled_older.txt"))
    assert isinstance(page, ProjectPage)
    assert (page.projects_id, page.prima_id, page.project_type) == ("W02-611", "", "")
    assert page.key == "W02-611"


def test_bullet_layout_without_site_header_reads_the_indented_values():
    page = parse_page(sample("project_bullets.txt"))
    assert (page.layout, page.title_line) == ("bullets", 1)
    assert page.title == "Strengthening Consular Protection for Central American Migrants Crossing Mexico"
    assert (page.prima_id, page.projects_id, page.status) == ("HN10P0417", "CT.0988", "completed")
    assert (page.start_year, page.end_year, page.budget_usd) == (2019, 2021, Decimal("150000.00"))
    assert page.member_states == ["SV", "GT", "HN"]
    assert page.description.startswith("Consulates of the three countries")


def test_bullet_value_saved_without_its_indent_is_still_the_value():
    text = "A Project\n• Projects ID\nTS.0001\n• Start Date\n2020\n\nThe project does good work.\n"
    page = parse_page(text)
    assert (page.projects_id, page.start_year, page.description) == ("TS.0001", 2020, "The project does good work.")


def test_labels_in_another_order_with_days_as_dates():
    page = parse_page(sample("project_labelled_older.txt"))  # Year comes before Start Date here
    assert (page.year, page.start_year, page.end_year) == (2004, 2004, 2005)
    assert (page.start_date, page.end_date) == (date(2004, 3, 1), date(2005, 2, 28))


def test_unknown_label_is_kept_with_its_value_and_line():
    page = parse_page(sample("project_labelled.txt"))
    assert [(u.label, u.value) for u in page.unknown_labels] == [
        ("Other Countries Benefiting at Time of Allocation", "BelizePanama")
    ]
    assert page.unknown_labels[0].line == 49


@pytest.mark.parametrize(
    ("text", "codes"),
    [
        ("Costa Rica El Salvador Guatemala Honduras", ["CR", "SV", "GT", "HN"]),
        ("Argentina Bolivia (Plurinational State of) Brazil", ["AR", "BO", "BR"]),
        ("Venezuela (Bolivarian Republic of) Colombia", ["VE", "CO"]),
        ("Dominica Dominican Republic", ["DM", "DO"]),
        ("Mexico, Guatemala and Belize", ["MX", "GT", "BZ"]),
        ("Trinidad and Tobago", ["TT"]),
        ("méxico", ["MX"]),
    ],
)
def test_member_states_on_one_line_are_split_into_iso_codes(text, codes):
    assert split_countries(text) == codes


def test_member_states_line_is_read_as_iso_codes():
    assert parse_page(sample("project_labelled.txt")).member_states == ["CR", "SV", "GT", "HN", "MX"]


def test_a_member_state_that_is_no_country_is_an_error_at_its_line():
    text = "A Project\n-\nProjects ID\nTS.0001\n-\nBenefiting Member States\nMexico Atlantis Guatemala\n"
    with pytest.raises(ParseError, match="“atlantis” is not a country name") as info:
        parse_page(text)
    assert info.value.line == 7


def test_development_fund_layout_gives_every_value_and_no_dates():
    page = parse_page(sample("project_fund.txt"))
    assert (page.layout, page.title, page.title_line) == (
        "fund",
        "Data on Returned Migrants for Municipal Planning in Northern Mexico",
        10,
    )
    assert not page.warnings  # the title printed twice is not reported as stray text
    assert (page.idf_region, page.projects_id, page.prima_id) == (
        "Latin America and the Caribbean",
        "PO.0476",
        "MX10P0602",
    )
    assert page.budget_usd == Decimal("120000.00")
    assert page.member_states == ["MX"]
    assert (page.project_type, page.coverage, page.status) == ("Migration Policy Activities", "National", "active")
    assert (page.start_year, page.end_year, page.start_date, page.year) == (None, None, None, None)
    assert page.description.startswith("Many people returned")


def test_development_fund_layout_without_prima_id_and_several_countries():
    text = (
        "Return of Stranded Migrants\nReturn of Stranded Migrants\nLatin America and the Caribbean\nR77-100\n"
        "25,000\nEl Salvador\nGuatemala\nReturn Assistance\nRegional\nCompleted\nThe project paid for returns.\n"
    )
    page = parse_page(text)
    assert (page.projects_id, page.prima_id, page.budget_usd) == ("R77-100", "", Decimal("25000.00"))
    assert page.member_states == ["SV", "GT"]
    assert page.status == "completed"


def test_development_fund_layout_without_a_country_is_refused_at_that_line():
    text = "A Project\nLatin America and the Caribbean\nPX.0001\n50,000\nBorder Management\nNational\nActive\n"
    with pytest.raises(ParseError, match="“Border Management” is not a country") as info:
        parse_page(text)
    assert info.value.line == 5


@pytest.mark.parametrize(
    "text",
    [
        "A Project\n  • Start Date\n  • End Date\n  • Projects ID\n  • Benefiting Member States\n\nText.\n",
        "A Project\n-\nStart Date\n-\nEnd Date\n-\nProjects ID\n-\nCoverage\n",
    ],
)
def test_page_with_labels_but_no_values_is_refused(text):
    with pytest.raises(ParseError, match="labels but no values") as info:
        parse_page(text)
    assert info.value.line == 2


def test_page_whose_values_lack_the_projects_id_is_refused():
    text = "A Project\n  • Project Type\n    Counter Trafficking\n  • Projects ID\n  • Prima ID\n\nText.\n"
    with pytest.raises(ParseError, match="gives no Projects ID"):
        parse_page(text)


# --- news pages ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "head",
    [
        "Skip to main content\nNews - \nGlobal\n\n",
        "Comunicado\nGlobal\n\n",
        HEADER,
        "-\nQuiénes Somos\nQuiénes somosLa OIM forma parte del Sistema de las Naciones Unidas.\nSobre nosotros\n"
        "OIM Global\n-\nNuestro Trabajo\nPrioridades transversales (Global)\n- Datos y Recursos\n- Actúa\n",
        "-\nWho We Are\nIOM Global\n- Where We Work\n- Take action\n- Data and Resources\n",
        "News and Press Release\nOriginally published\nView original\nhttps://example.org/item\n",
    ],
)
def test_headline_is_never_site_chrome(head):
    page = parse_page(news(head))
    assert page.title == "IOM Supports a Migrant Shelter in Tapachula"


def test_language_of_the_page_is_detected():
    assert parse_page(sample("news_en.txt")).language == "en"
    assert parse_page(sample("news_es.txt")).language == "es"


@pytest.mark.parametrize(
    ("below_headline", "day"),
    [
        ("25 May 2016", date(2016, 5, 25)),
        ("25 May, 2016", date(2016, 5, 25)),
        ("May 25, 2016", date(2016, 5, 25)),
        ("25 de mayo de 2016", date(2016, 5, 25)),
        ("Date Publish: 5 January, 2018", date(2018, 1, 5)),
        ("Fecha de publicación: 3 de diciembre de 2019", date(2019, 12, 3)),
    ],
)
def test_publication_date_in_english_and_spanish_forms(below_headline, day):
    page = parse_page(news(title=f"IOM Supports a Migrant Shelter in Tapachula\n{below_headline}"))
    assert page.published_on == day
    assert below_headline not in page.body


@pytest.mark.parametrize(
    ("opening", "day"),
    [
        ("Costa Rica, San José, December 19, 2023. - ", date(2023, 12, 19)),
        ("Monterrey (México), 12 de mayo de 2021.- ", date(2021, 5, 12)),
        ("Villahermosa, Tabasco, June 2018. - ", None),  # a month is not a day
        ("Monterrey (México).- ", None),
        ("On Wednesday (25/05) ", None),  # a date in the text is what it talks about
    ],
)
def test_publication_date_from_a_dateline_and_never_invented(opening, day):
    assert parse_page(news(body=opening + BODY)).published_on == day


def test_no_stated_date_leaves_the_publication_date_empty():
    assert parse_page(news()).published_on is None


@pytest.mark.parametrize(
    ("text", "states"),
    [
        ("Migrants rest in the northern Mexico state of Chihuahua.", ["MX-CHH"]),
        ("The office opened in Ciudad Juarez, State of Chihuahua.", ["MX-CHH"]),
        ("Migrants crossed at Ciudad Hidalgo, Chiapas.", ["MX-CHP"]),
        ("Shelters in Ciudad Juárez are full.", []),  # a city is not a state
        ("Officials of the State of Mexico and Mexico City met.", ["MX-MEX", "MX-CMX"]),
    ],
)
def test_states_are_linked_only_when_the_text_names_them(text, states):
    assert find_states(text) == states


def test_two_shelters_joined_by_y_are_two_shelters():
    page = parse_page(sample("news_es.txt"))
    assert [s.name for s in page.shelters] == ["Albergue Jesús el Buen Pastor", "Casa de la Misericordia Tijuana"]


def test_programme_page_without_a_headline_is_refused():
    text = (
        "Este programa busca mejorar las condiciones de vida de las personas migrantes alojadas en albergues de la "
        "frontera norte, con capacitación para sus equipos y entrega de insumos básicos.\n" + BODY
    )
    with pytest.raises(ParseError, match="starts with a sentence, not a headline") as info:
        parse_page(text)
    assert info.value.line == 1


def test_rewrite_on_another_site_starting_with_prose_is_refused():
    text = "Un convenio con tres albergues del sur de México firmó la OIM, según informó la organización.\n" + BODY
    with pytest.raises(ParseError, match="not a headline"):
        parse_page(text)


def test_comment_form_is_refused():
    text = "Leave a Reply\nYour email address will not be published.\nComment\nName\nEmail\nPost Comment\n"
    with pytest.raises(ParseError, match="comment form"):
        parse_page(text)
    with pytest.raises(ParseError, match="comment form") as info:
        parse_page("A Shelter Opens Its Doors Today\nLeave a Reply\nName\n")
    assert info.value.line == 2


def test_page_that_never_names_iom_is_refused():
    text = news(title="A Charity Supports a Migrant Shelter", body=BODY.replace("IOM", "A charity"))
    with pytest.raises(ParseError, match="names IOM"):
        parse_page(text)


def test_two_line_junk_file_is_refused():
    with pytest.raises(ParseError, match="too short to be a headline") as info:
        parse_page("asdf qwer\nzxcv\n")
    assert info.value.line == 1
    with pytest.raises(ParseError, match="words of text under the headline"):
        parse_page("Notes for the Weekly Meeting\nbring the key\n")


def test_news_index_listing_several_items_is_refused():
    items = "\n".join(f"{day} March, 2019\nIOM Trains Officials in Town Number {day}\n{BODY}" for day in (8, 7, 5))
    with pytest.raises(ParseError, match="lists several items"):
        parse_page(f"IOM Opens a Migrant Information Office\n{items}\n")


def test_shipped_samples_parse_into_their_kinds():
    kinds = {p.name: type(parse_page(p.read_text(encoding="utf-8"))).__name__ for p in sorted(PAGES.glob("*.txt"))}
    assert kinds == {
        "news_en.txt": "NewsPage",
        "news_es.txt": "NewsPage",
        "overview.txt": "OverviewPage",
        "project_bullets.txt": "ProjectPage",
        "project_fund.txt": "ProjectPage",
        "project_labelled.txt": "ProjectPage",
        "project_labelled_older.txt": "ProjectPage",
    }
    assert isinstance(parse_page(sample("news_en.txt")), NewsPage)


def test_press_contact_given_on_one_line_is_read():
    body = (
        BODY
        + "\nFor further information, please contact Ana Ruiz at IOM Mexico, Email: aruiz@example.org, Tel. +52 55 1.\n"
    )
    contact = parse_page(news(body=body)).press_contact
    assert (contact.name, contact.organisation, contact.email, contact.phone) == (
        "Ana Ruiz",
        "IOM Mexico",
        "aruiz@example.org",
        "+52 55 1",
    )
