"""`manage.py import_pages`: pages in, records out; idempotent, all-or-nothing, with --dry-run."""

import json
from decimal import Decimal
from io import StringIO
from pathlib import Path

import pytest
from django.apps import apps
from django.core import serializers
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import translation

from config.page_import import pages_import
from news.models import Article
from projects.models import Project, ThematicArea
from registry.importers.pages import MEXICAN_STATES
from registry.models import CooperationAgreement, Donor, Shelter, State, SupportItem
from tests.factories import (
    ArticleFactory,
    CooperationAgreementFactory,
    DonorFactory,
    ProjectFactory,
    ShelterFactory,
    SupportItemFactory,
    state,
)

pytestmark = pytest.mark.django_db

SAMPLES = Path(__file__).resolve().parents[1] / "samples"
# The seed documents sit beside the repository (in "../shared/seeds" of a checkout, or further up for a worktree).
SEEDS = next(
    (p / "shared" / "seeds" for p in Path(__file__).resolve().parents if (p / "shared" / "seeds").is_dir()),
    Path("shared") / "seeds",
)
VALID = [
    SAMPLES / name
    for name in (
        "overview.txt",
        "project_health_posts.txt",
        "project_unknown_label.txt",
        "news_agreements.txt",
        "news_forum.txt",
    )
]
MALFORMED = SAMPLES / "malformed_budget.txt"


def run(*paths: Path | str, **options) -> str:
    out = StringIO()
    options.setdefault("language", "en")
    call_command("import_pages", *map(str, paths), stdout=out, **options)
    return out.getvalue()


def snapshot() -> list[str]:
    """Every row of the three apps, history included, with every column (updated_at and version too)."""
    rows = []
    for label in ("registry", "projects", "news"):
        for model in apps.get_app_config(label).get_models():
            rows += [
                json.dumps(r, sort_keys=True) for r in json.loads(serializers.serialize("json", model.objects.all()))
            ]
    return sorted(rows)


def test_import_creates_projects_with_every_labelled_value():
    output = run(*VALID)
    assert "Read 5 page(s): 2 project, 2 news, 1 overview." in output
    project = Project.objects.get(prima_id="MX10P0777")
    assert project.projects_id == "MG.0042"
    assert (project.start_year, project.end_year, project.year, project.status) == (2019, 2021, 2019, "active")
    assert project.budget_usd == Decimal("250000.50")
    assert (project.project_type, project.coverage) == ("migration_health", "regional")
    assert [country.code for country in project.benefiting_member_states] == ["GT", "MX"]
    assert project.title_en.startswith("Health Posts") and not project.title_es  # an English page
    assert project.slug == "health-posts-for-migrants-in-transit-along-the-gulf-route"
    assert project.summary.startswith("Migrants travelling along the Gulf route")  # filled, as it was empty
    assert [o.text[:20] for o in project.objectives.all()] == [
        "Open six mobile heal",
        "Train 120 nurses and",
        "Publish a referral g",
    ]
    other = Project.objects.get(prima_id="MX10P0888")
    assert other.start_date.isoformat() == "2022-03-15"
    assert project.history.first().history_change_reason == "import_pages command"


def test_import_records_the_shelters_donor_agreements_and_support_of_a_news_item():
    output = run(*VALID)
    shelters = {s.name: s.state.iso_code for s in Shelter.objects.select_related("state")}
    assert shelters == {"Casa del Migrante Saltillo": "MX-COA", "Albergue Nazaret": "MX-NLE"}
    assert output.count("verify its state") == 2
    donor = Donor.objects.get(acronym="GAC")
    assert (donor.name, donor.country) == ("Global Affairs Canada", "CA")
    references = set(CooperationAgreement.objects.values_list("reference", flat=True))
    assert references == {"GAC-3-casa-del-migrante-saltillo", "GAC-3-albergue-nazaret"}
    for agreement in CooperationAgreement.objects.all():
        assert agreement.programme_phase == 3
        assert sorted(agreement.items.values_list("category", "description")) == [
            ("hygiene", "Hygiene kits"),
            ("medicines", "Medicines"),
            ("training", "First aid"),
            ("training", "Gender-based violence"),
            ("training", "Psychosocial support"),
        ]
    article = Article.objects.get(slug="iom-signs-agreements-with-shelters-in-coahuila-and-nuevo-leon")
    assert sorted(article.states.values_list("iso_code", flat=True)) == ["MX-CHP", "MX-COA", "MX-NLE", "MX-TAB"]
    assert article.shelters.count() == 2
    assert article.press_contact == "Ana Ruiz, IOM Mexico. Tel: +52 55 1234 5678. Email: aruiz@example.org"
    assert "Leave a Reply" not in article.body


def test_import_links_articles_to_the_states_and_projects_they_name_and_records_thematic_areas():
    run(*VALID)
    forum = Article.objects.get(slug="regional-forum-on-labour-mobility-opens-in-merida")
    assert forum.published_on.isoformat() == "2019-05-14"
    assert sorted(forum.states.values_list("iso_code", flat=True)) == ["MX-CMX", "MX-YUC"]
    assert list(forum.projects.values_list("prima_id", flat=True)) == ["MX10P0777"]
    assert list(ThematicArea.objects.values_list("slug", "position")) == [
        ("labour-mobility-and-skills", 1),
        ("protection", 2),
        ("climate-and-displacement", 3),
    ]


def test_second_run_changes_nothing():
    run(*VALID)
    before = snapshot()
    output = run(*VALID)
    assert snapshot() == before  # no row, timestamp, version or history entry differs
    assert "Created 0, updated 0, unchanged" in output


def test_dry_run_reports_but_writes_nothing():
    before = snapshot()
    output = run(*VALID, dry_run=True)
    assert "Dry run, nothing was written" in output
    assert snapshot() == before
    predicted = output.split("Would have: ")[1].strip()
    assert run(*VALID).strip().endswith(predicted)


def test_malformed_page_with_a_valid_one_writes_nothing_and_names_file_and_line():
    ProjectFactory(prima_id="MX10P0777", projects_id="MG.0042", title="Before")
    before = snapshot()
    with pytest.raises(CommandError) as info:
        run(SAMPLES / "project_health_posts.txt", SAMPLES / "news_agreements.txt", MALFORMED)
    message = str(info.value)
    assert "malformed_budget.txt, line 29" in message and "about a million" in message
    assert snapshot() == before


def test_every_malformed_file_is_reported(tmp_path):
    other = tmp_path / "no_value.txt"
    other.write_text("Some page\n-\nStart Date\n2020\n-\nPrima ID\n", encoding="utf-8")
    with pytest.raises(CommandError) as info:
        run(MALFORMED, other)
    assert "malformed_budget.txt, line 29" in str(info.value)
    assert "no_value.txt, line 2: the page gives no Projects ID" in str(info.value)


def test_command_exits_non_zero_on_malformed_input():
    from django.core.management import ManagementUtility

    with pytest.raises(SystemExit) as info:
        ManagementUtility(["manage.py", "import_pages", str(MALFORMED)]).execute()
    assert info.value.code != 0


def test_unknown_labels_are_reported():
    output = run(SAMPLES / "project_unknown_label.txt")
    assert "Labels the importer does not know, kept with the project (1):" in output
    assert "project_unknown_label.txt, line 37: Implementing Partner: Red de Albergues del Norte" in output
    project = Project.objects.get(prima_id="MX10P0888")
    assert project.extra_labels == [{"label": "Implementing Partner", "value": "Red de Albergues del Norte"}]


def test_missing_unreadable_and_non_text_files_are_refused(tmp_path):
    with pytest.raises(CommandError, match=r"nowhere\.txt: no such file"):
        run(SAMPLES / "overview.txt", tmp_path / "nowhere.txt")
    with pytest.raises(CommandError, match="is a directory"):
        run(tmp_path)
    binary = tmp_path / "latin1.txt"
    binary.write_bytes("Albergue Jesús".encode("latin-1"))
    with pytest.raises(CommandError, match=r"latin1\.txt: not UTF-8 text"):
        run(binary)
    assert not ThematicArea.objects.exists()


def test_existing_records_keep_staff_text_and_are_matched_by_natural_key():
    project = ProjectFactory(
        prima_id="MX10P0777", projects_id="MG.0042", title="Old title", summary="Written by staff.", slug="posts"
    )
    nazaret = ShelterFactory(name="NAZARÉT", slug="nazaret", state=state("MX-NLE"))  # no prefix, other case/accents
    donor = DonorFactory(acronym="GAC", name="Global Affairs Canada (Government of Canada)", country="")
    ArticleFactory(title="Regional Forum on Labour Mobility Opens in Mérida Highlighting Seasonal Work Schemes")
    output = run(*VALID)

    project.refresh_from_db()
    # The English page fills the English title; the Spanish one staff wrote stays.
    assert (project.title_en, project.title_es, project.summary, project.slug) == (
        "Health Posts for Migrants in Transit along the Gulf Route",
        "Old title",
        "Written by staff.",
        "posts",
    )
    assert project.version == 2
    assert "updated project MG.0042 (title [en], start year, end year, status" in output
    assert Shelter.objects.count() == 2 and Shelter.objects.filter(pk=nazaret.pk, name="NAZARÉT").exists()
    assert "“Albergue Nazaret” was not in the registry" not in output
    assert CooperationAgreement.objects.filter(shelter=nazaret, reference="GAC-3-nazaret").exists()
    donor.refresh_from_db()
    assert (donor.name, donor.country) == ("Global Affairs Canada (Government of Canada)", "CA")  # blank filled
    assert Article.objects.filter(title__startswith="Regional Forum").count() == 1


def test_existing_support_in_staff_words_is_not_duplicated():
    shelter = ShelterFactory(name="Albergue Nazaret", slug="albergue-nazaret", state=state("MX-NLE"))
    agreement = CooperationAgreementFactory(
        shelter=shelter, donor=DonorFactory(acronym="GAC", name="GAC"), programme_phase=3, reference="GAC-3-nz"
    )
    SupportItemFactory(agreement=agreement, category="medicines", description="Medicines for chronic illness")
    SupportItemFactory(agreement=agreement, category="training", description="First aid for volunteers")
    run(SAMPLES / "news_agreements.txt")
    assert CooperationAgreement.objects.filter(shelter=shelter).count() == 1
    assert sorted(agreement.items.values_list("description", flat=True)) == [
        "First aid for volunteers",
        "Gender-based violence",
        "Hygiene kits",
        "Medicines for chronic illness",
        "Psychosocial support",
    ]


def test_projects_id_of_another_project_is_refused():
    ProjectFactory(prima_id="MX10P0001", projects_id="MG.0042")
    with pytest.raises(CommandError, match="Projects ID MG.0042 has Prima ID MX10P0001 in the registry"):
        run(SAMPLES / "overview.txt", SAMPLES / "project_health_posts.txt")
    assert not ThematicArea.objects.exists()


def test_unplaceable_shelter_and_missing_donor_are_warnings(tmp_path):
    page = tmp_path / "news.txt"
    page.write_text(
        "IOM Signs Cooperation Agreements with a Shelter\n"
        "IOM signed cooperation agreements with Albergue Sin Estado this week. The shelter offers beds, meals and "
        "legal advice to people in transit, and the agreement adds a year of support for its volunteers, who "
        "receive training on first aid and on the rights of migrants in the country.\n",
        encoding="utf-8",
    )
    with translation.override("en"):
        report = pages_import(sources=[(str(page), page.read_text(encoding="utf-8"))])
    assert not Shelter.objects.exists()
    warnings = "\n".join(report.warnings)
    assert "“Albergue Sin Estado” is not in the registry and no state is named: skipped" in warnings
    assert "names no donor" in warnings
    assert report.created == 1  # the article


def test_parser_state_names_match_the_registry():
    registry = dict(State.objects.values_list("iso_code", "name"))
    assert {s.iso_code: s.name for s in MEXICAN_STATES} == registry


@pytest.mark.skipif(not SEEDS.is_dir(), reason=f"the seed documents are not available at {SEEDS}")
def test_seed_documents_import_with_their_real_values():
    seeds = sorted(SEEDS.glob("*.txt"))
    run(*seeds)
    first = Project.objects.get(prima_id="MX10P0001")
    assert (first.projects_id, first.start_year, first.end_year, first.status) == ("PR.0173", 2015, 2018, "completed")
    assert first.budget_usd == Decimal("100000.00")
    second = Project.objects.get(prima_id="MX10P0519")
    assert (second.projects_id, second.start_year, second.end_year) == ("IB.0279", 2021, 2023)
    assert second.budget_usd == Decimal("300000.00")
    names = set(Shelter.objects.values_list("name", flat=True))
    assert names == {
        "Albergue Hermanos en el Camino",
        "Albergue Hogar de la Misericordia",
        "Albergue Jesus el Buen Pastor del Pobre y el Migrante",
    }
    prm = Donor.objects.get(acronym="PRM")
    assert (prm.name, prm.country) == ("Bureau of Population, Refugees and Migration", "US")
    assert set(CooperationAgreement.objects.values_list("reference", flat=True)) == {
        "PRM-2-albergue-hermanos-en-el-camino",
        "PRM-2-albergue-hogar-de-la-misericordia",
        "PRM-2-albergue-jesus-el-buen-pastor-del-pobre-y-el-migrante",
    }
    assert ThematicArea.objects.count() == 6
    signing = Article.objects.get(
        slug="iom-signs-cooperation-agreements-with-migrant-shelters-on-mexicos-southern-border"
    )
    assert signing.states.count() == 9 and signing.shelters.count() == 3
    assert Article.objects.filter(slug="iom-participates-in-the-fourth-national-migration-week").exists()
    before = snapshot()
    run(*seeds)
    assert snapshot() == before


@pytest.mark.skipif(not SEEDS.is_dir(), reason=f"the seed documents are not available at {SEEDS}")
def test_seed_documents_import_over_the_seed_fixtures_without_duplicates():
    call_command("seed", stdout=StringIO())
    counts = {m: m.objects.count() for m in (Shelter, Donor, CooperationAgreement, SupportItem, Article, ThematicArea)}
    summary = Project.objects.get(prima_id="MX10P0001").summary
    run(*sorted(SEEDS.glob("*.txt")))
    assert {m: m.objects.count() for m in counts} == counts  # every record matched by its natural key
    assert Project.objects.get(prima_id="MX10P0001").summary == summary
    before = snapshot()
    output = run(*sorted(SEEDS.glob("*.txt")))
    assert snapshot() == before
    assert "Created 0, updated 0" in output
