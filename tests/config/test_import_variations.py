"""What the real pages' variations become in the registry: imported through `import_pages`, the shipped samples
(samples/pages/) give the records a careful clerk would enter, and what cannot be read is refused whole."""

import json
from http import HTTPStatus
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import translation

from news.models import Article
from projects.models import Project
from registry.models import Shelter
from tests.factories import ProjectFactory, ShelterFactory, state

pytestmark = pytest.mark.django_db

PAGES = Path(__file__).resolve().parents[2] / "samples" / "pages"
ALL = sorted(PAGES.glob("*.txt"))


def run(*names: str, language: str = "en", **options) -> str:
    out = StringIO()
    call_command("import_pages", *(str(PAGES / n) for n in names), stdout=out, language=language, **options)
    return out.getvalue()


def test_every_shipped_sample_imports_and_a_second_run_changes_nothing():
    output = run(*(p.name for p in ALL))
    assert "Read 7 page(s): 4 project, 2 news, 1 overview." in output
    assert "Created 0" not in output
    assert "Created 0, updated 0" in run(*(p.name for p in ALL))


def test_projects_without_prima_id_import_and_a_prima_id_stays_unique_when_present():
    run("project_labelled_older.txt", "project_fund.txt")
    older = Project.objects.get(projects_id="W02-611")
    assert older.prima_id == ""
    ProjectFactory(prima_id="", projects_id="XX.0002")  # a second project without Prima ID is fine
    with translation.override("en"), pytest.raises(ValidationError, match="Another project already has this Prima ID"):
        ProjectFactory.build(prima_id="MX10P0602", projects_id="XX.0003").full_clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        ProjectFactory(prima_id="MX10P0602", projects_id="XX.0004")


def test_prima_id_of_another_project_is_refused_naming_the_file():
    ProjectFactory(prima_id="MX10P0602", projects_id="ZZ.0001")
    with pytest.raises(CommandError, match=r"project_fund\.txt, line 10: Prima ID MX10P0602 belongs to project"):
        run("project_fund.txt")
    assert not Project.objects.filter(projects_id="PO.0476").exists()


def test_development_fund_page_imports_without_dates():
    run("project_fund.txt")
    project = Project.objects.get(projects_id="PO.0476")
    assert (project.start_year, project.end_year, project.start_date) == (None, None, None)
    assert (project.budget_usd, project.status, project.coverage) == (120000, "active", "national")
    assert project.period == ""


def test_member_states_are_stored_as_iso_codes():
    run("project_labelled.txt", "project_bullets.txt")
    codes = {p.projects_id: [c.code for c in p.benefiting_member_states] for p in Project.objects.all()}
    assert codes["PX.0301"] == ["CR", "GT", "HN", "MX", "SV"]  # the field keeps them sorted
    assert codes["CT.0988"] == ["GT", "HN", "SV"]


def test_unknown_labels_are_kept_with_the_project_in_the_admin_the_api_and_the_report(staff_client, api_client):
    output = run("project_labelled.txt")
    assert "Labels the importer does not know, kept with the project (1):" in output
    assert "Other Countries Benefiting at Time of Allocation: BelizePanama" in output
    project = Project.objects.get(projects_id="PX.0301")
    assert project.extra_labels == [
        {"label": "Other Countries Benefiting at Time of Allocation", "value": "BelizePanama"}
    ]
    page = staff_client.get(reverse("admin:projects_project_change", args=[project.pk]))
    assert "<strong>Other Countries Benefiting at Time of Allocation</strong>: BelizePanama" in page.content.decode()
    detail = api_client.get(f"/api/v1/projects/{project.slug}/")
    assert detail.status_code == HTTPStatus.OK
    assert detail.json()["extra_labels"] == project.extra_labels


def test_news_language_and_publication_date_are_recorded():
    run("news_en.txt", "news_es.txt")
    english = Article.objects.get(slug__startswith="iom-and-partners-equip-three-migrant-shelters")
    spanish = Article.objects.get(slug__startswith="la-oim-entrega-cocinas")
    assert (english.language, english.published_on.isoformat()) == ("en", "2024-03-12")
    assert (spanish.language, spanish.published_on.isoformat()) == ("es", "2023-06-14")
    assert list(english.states.values_list("iso_code", flat=True)) == ["MX-CHH"]  # not the State of Mexico


def test_shelters_are_matched_without_regard_to_accents_or_case_and_never_duplicated():
    tijuana = state("MX-BCN")
    pastor = ShelterFactory(name="ALBERGUE JESUS EL BUEN PASTOR", slug="buen-pastor", state=tijuana)
    misericordia = ShelterFactory(name="Casa de la Misericordia Tijuana, A.C.", slug="misericordia", state=tijuana)
    run("news_es.txt")
    assert Shelter.objects.count() == 2
    article = Article.objects.get(slug__startswith="la-oim-entrega-cocinas")
    assert set(article.shelters.all()) == {pastor, misericordia}


def test_junk_in_a_batch_refuses_the_whole_batch_naming_file_and_line(tmp_path):
    junk = tmp_path / "junk.txt"
    junk.write_text("Click here\nto win\n", encoding="utf-8")
    with pytest.raises(CommandError) as info:
        call_command("import_pages", str(PAGES / "project_fund.txt"), str(junk), stdout=StringIO(), language="en")
    assert "junk.txt, line 1: not a news item" in str(info.value)
    assert not Project.objects.exists()


def test_dry_run_shows_each_fields_old_and_new_value_and_writes_nothing():
    ProjectFactory(
        projects_id="CT.0988",
        prima_id="HN10P0417",
        title="",
        title_en="Consular work",
        slug="consular-work",
        status="active",
        start_year=2019,
        end_year=2020,
    )
    output = run("project_bullets.txt", dry_run=True)
    assert "updated project CT.0988" in output
    assert "title [en]: Consular work → Strengthening Consular Protection for Central American Migrants" in output
    assert "status: Active → Completed" in output
    assert "end year: 2020 → 2021" in output
    assert Project.objects.get(projects_id="CT.0988").title == "Consular work"


def test_dry_run_report_and_refusals_are_in_the_staff_members_language(tmp_path):
    output = run("project_labelled.txt", language="es", dry_run=True)
    assert "creado proyecto PX.0301" in output
    assert "Etiquetas que el importador no conoce" in output
    assert "Simulación: no se escribió nada" in output
    junk = tmp_path / "junk.txt"
    junk.write_text("Click here\nto win\n", encoding="utf-8")
    with pytest.raises(CommandError, match="junk.txt, línea 1: no es una noticia"):
        call_command("import_pages", str(junk), stdout=StringIO(), language="es")


def test_admin_preview_lists_old_and_new_values_and_unknown_labels(staff_client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    ProjectFactory(
        projects_id="PX.0301", prima_id="GT10P0731", title="", title_en="Old name", slug="old-name", status="pipeline"
    )
    upload = SimpleUploadedFile("project_labelled.txt", (PAGES / "project_labelled.txt").read_bytes(), "text/plain")
    response = staff_client.post(
        reverse("import_pages"), {"pages": [upload], "dry_run": "on"}, HTTP_ACCEPT_LANGUAGE="en"
    )
    html = response.content.decode()
    assert "<del>Old name</del> → <ins>Safer Routes" in html
    assert "<del>Pipeline</del>" in html or "<del>pipeline</del>" in html
    assert "Other Countries Benefiting at Time of Allocation: BelizePanama" in html
    assert "samples/pages/" in html
    assert Project.objects.get(projects_id="PX.0301").title == "Old name"


def test_extra_labels_are_valid_json_in_the_export_of_a_project():
    run("project_labelled.txt")
    stored = Project.objects.values_list("extra_labels", flat=True).get(projects_id="PX.0301")
    assert json.loads(json.dumps(stored))[0]["label"].startswith("Other Countries")


def test_an_imported_article_has_one_history_entry_holding_its_links():
    run("news_en.txt")
    article = Article.objects.get(slug__startswith="iom-and-partners-equip-three-migrant-shelters")
    assert [h.history_type for h in article.history.all()] == ["+"]
    entry = article.history.get()
    assert [s.state.iso_code for s in entry.states.all()] == ["MX-CHH"]
    assert entry.shelters.count() == 3
    assert entry.history_change_reason == "import_pages command"


def test_undated_project_without_prima_id_shows_and_exports_without_invented_values(client, api_client):
    run("project_fund.txt", "project_labelled_older.txt")
    fund = Project.objects.get(projects_id="PO.0476")
    page = client.get(fund.get_absolute_url())
    assert page.status_code == HTTPStatus.OK
    older = Project.objects.get(projects_id="W02-611")
    html = client.get(older.get_absolute_url()).content.decode()
    assert "Prima ID" not in html
    iati = api_client.get("/api/v1/projects/?format=iati")
    assert iati.status_code == HTTPStatus.OK
    xml = b"".join(iati.streaming_content).decode()
    # The undated project is left out (IATI requires an activity date), the older one is in, without Prima ID.
    assert "W02-611" in xml and "PO.0476" not in xml and 'ref=""' not in xml
    schema = next(
        (
            p / "shared" / "iati" / "iati-activities-schema.xsd"
            for p in Path(settings.BASE_DIR).resolve().parents
            if (p / "shared" / "iati").is_dir()
        ),
        Path("missing"),
    )
    if schema.exists():
        import xmlschema

        xmlschema.XMLSchema(str(schema)).validate(xml)


def test_english_and_spanish_pages_of_one_project_fill_both_languages(tmp_path):
    english = (PAGES / "project_labelled.txt").read_text()
    title = "Safer Routes: Information Points for Migrants in Transit through Central America and Mexico"
    start = english.index("People who cross")
    spanish = english[:start].replace(title, "Rutas más seguras: puntos de información para personas migrantes") + (
        "Las personas que cruzan Centroamérica y México en su camino hacia el norte deciden con poca información "
        "dónde descansar, dónde pedir ayuda y qué ruta tomar. El proyecto abre puntos de información en los "
        "municipios de paso y en las redes de albergues de los cinco países.\n"
    )
    (tmp_path / "project_es.txt").write_text(spanish)
    run("project_labelled.txt")
    out = StringIO()
    call_command("import_pages", str(tmp_path / "project_es.txt"), stdout=out, language="en")

    project = Project.objects.get(projects_id="PX.0301")  # one record, found by its natural key
    assert project.title_en == title
    assert project.title_es == "Rutas más seguras: puntos de información para personas migrantes"
    assert project.description_en.startswith("People who cross")
    assert project.description_es.startswith("Las personas que cruzan")
    assert project.summary_es.startswith("Las personas que cruzan") and project.summary_en.startswith("People")
    assert Project.objects.filter(prima_id="GT10P0731").count() == 1
