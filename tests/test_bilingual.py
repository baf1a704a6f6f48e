"""Content in both languages: vocabulary names, fallback marking with `lang`, the language filter, bilingual search,
the admin's language pairs, and the vocabulary readers the importers use."""

import re
from http import HTTPStatus
from io import StringIO

import lxml.html
import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import translation
from django_countries import countries

from news.models import Article
from projects.models import Coverage, IdfRegion, Project, ProjectStatus, ProjectType, ThematicArea
from registry.localized import localized
from registry.models import (
    AgreementStatus,
    BorderRegion,
    Language,
    OperatorType,
    PopulationGroup,
    Service,
    Shelter,
    ShelterStatus,
    SupportCategory,
    SupportItem,
)
from registry.vocabulary import choice_from_text, country_codes_from_text
from tests.factories import ArticleFactory, ProjectFactory, ShelterFactory, state

pytestmark = pytest.mark.django_db

VOCABULARIES = [
    ProjectType,
    Coverage,
    IdfRegion,
    ProjectStatus,
    ShelterStatus,
    OperatorType,
    AgreementStatus,
    SupportCategory,
    BorderRegion,
]


def url(name: str, lang: str, **kwargs) -> str:
    with translation.override(lang):
        return reverse(name, kwargs=kwargs or None)


def seed() -> None:
    call_command("seed", stdout=StringIO())


def english_vocabulary() -> set[str]:
    """The English name of every vocabulary term whose Spanish name differs ("Regional" is both)."""
    words = set()
    for choices in VOCABULARIES:
        for value in choices.values:
            with translation.override("en"):
                english = str(choices(value).label)
            with translation.override("es"):
                spanish = str(choices(value).label)
            if english != spanish:
                words.add(english)
            if "_" in value:
                words.add(value)  # a code shown raw instead of its name
    for model in (Service, PopulationGroup, Language, ThematicArea):
        words |= {term.name_en for term in model.objects.all() if term.name_en != term.name_es}
    words |= {item.description_en for item in SupportItem.objects.all() if item.description_en != item.description_es}
    for project in Project.objects.all():
        for country in project.benefiting_member_states:
            with translation.override("en"):
                english = countries.name(country.code)
            with translation.override("es"):
                spanish = countries.name(country.code)
            if english != spanish:
                words.add(english)
    return words


def visible_text_in_page_language(html: str) -> str:
    """The page's visible text, less scripts and anything marked as another language (the language switcher)."""
    document = lxml.html.fromstring(html)
    page_language = document.get("lang")
    for element in document.xpath("//script | //style | //template | //*[@lang]"):
        if element is not document and (
            element.tag in ("script", "style", "template") or element.get("lang") != page_language
        ):
            element.drop_tree()
    return " ".join(" ".join(document.itertext()).split())


def seed_pages(lang: str) -> list[str]:
    pages = [url(name, lang) for name in ("home", "shelter_list", "project_list", "article_list", "state_list")]
    pages += [url("shelter_detail", lang, slug=s.slug) for s in Shelter.objects.all()]
    pages += [url("project_detail", lang, slug=p.slug) for p in Project.objects.all()]
    pages += [url("article_detail", lang, slug=a.slug) for a in Article.objects.all()]
    pages += [url("state_detail", lang, slug=slug) for slug in ("chiapas", "oaxaca", "ciudad-de-mexico")]
    pages += [url("region_detail", lang, region=region) for region in BorderRegion.values]
    # Filtered lists: the active-filter chips name the chosen terms.
    pages += [
        url("project_list", lang) + "?project_type=research_publication&status=completed&thematic_area=protection",
        url("shelter_list", lang) + "?language=spa&region=south&service=lodging",
    ]
    return pages


def test_spanish_pages_of_the_seed_show_no_english_vocabulary_word(client):
    seed()
    english = english_vocabulary()
    assert {"Migration Research and Publication", "National", "Latin America and the Caribbean"} <= english
    assert {"Mexico", "Spanish", "Medicines", "Protection"} <= english
    for path in seed_pages("es"):
        response = client.get(path)
        assert response.status_code == HTTPStatus.OK, path
        text = visible_text_in_page_language(response.content.decode())
        found = sorted(word for word in english if re.search(rf"(?<!\w){re.escape(word)}(?!\w)", text))
        assert found == [], path


def test_the_check_finds_an_english_word_left_on_a_spanish_page(client):
    """The test above can fail: a term without its Spanish name shows its English one, and is caught."""
    seed()
    Language.objects.filter(code="spa").update(name_es="Spanish")  # as if nobody had translated it
    html = client.get(url("shelter_list", "es") + "?language=spa").content.decode()
    text = visible_text_in_page_language(html)
    assert re.search(r"(?<!\w)Spanish(?!\w)", text)


@pytest.mark.parametrize("lang", ["es", "en"])
def test_every_seed_project_and_article_reads_in_the_visitors_language(client, lang):
    seed()
    for record, name in [
        *((p, "project_detail") for p in Project.objects.all()),
        *((a, "article_detail") for a in Article.objects.all()),
    ]:
        html = client.get(url(name, lang, slug=record.slug)).content.decode()
        title = getattr(record, f"title_{lang}")
        assert f">{title}</h1>" in html.replace("&#x27;", "'")
        assert getattr(record, f"summary_{lang}").split(".")[0].replace("'", "&#x27;") in html
        assert "fallback-note" not in html  # every seed text exists in both languages


def test_spanish_project_page_names_its_vocabulary_in_spanish(client):
    seed()
    project = Project.objects.get(prima_id="MX10P0001")
    html = client.get(url("project_detail", "es", slug=project.slug)).content.decode()
    for spanish in (
        "Investigación y publicaciones sobre migración",
        "Nacional",
        "América Latina y el Caribe",
        "México",
    ):
        assert spanish in html, spanish
    assert "Código del proyecto" in html and "ID de Projects" not in html
    english = client.get(url("project_detail", "en", slug=project.slug)).content.decode()
    for word in ("Migration Research and Publication", "National", "Latin America and the Caribbean", "Mexico"):
        assert word in english, word


def test_content_missing_in_spanish_is_shown_in_english_marked_with_lang(client):
    project = ProjectFactory(title_en="Only in English", title_es="", summary_en="An English summary.", summary_es="")
    ProjectFactory(title_es="Proyecto en español", title_en="Project in English")
    detail = client.get(url("project_detail", "es", slug=project.slug)).content.decode()
    assert '<h1 lang="en">Only in English</h1>' in detail
    assert '<div class="summary" lang="en"><p>An English summary.</p></div>' in detail
    assert '<span class="fallback-note">(en inglés)</span>' in detail
    listing = client.get(url("project_list", "es")).content.decode()
    assert '<span lang="en">Only in English</span> <span class="fallback-note">(en inglés)</span>' in listing
    assert ">Proyecto en español</a>" in listing  # written in Spanish: no lang, no note
    assert listing.count("(en inglés)") == 1


def test_content_missing_in_english_is_shown_in_spanish_marked_with_lang(client):
    article = ArticleFactory(title_es="Nota solo en español", title_en="", summary_es="Resumen.", body_es="Cuerpo.")
    html = client.get(url("article_detail", "en", slug=article.slug)).content.decode()
    assert '<h1 id="article-title" lang="es">Nota solo en español</h1>' in html
    assert '<div class="body" lang="es"><p>Cuerpo.</p></div>' in html
    assert "(in Spanish)" in html
    spanish = client.get(url("article_detail", "es", slug=article.slug)).content.decode()
    assert 'lang="es">Nota' not in spanish and "fallback-note" not in spanish


def test_shelter_texts_and_support_items_fall_back_with_lang(client):
    from tests.factories import CooperationAgreementFactory, SupportItemFactory

    shelter = ShelterFactory(eligibility_notes_en="Families only.", eligibility_notes_es="")
    SupportItemFactory(
        agreement=CooperationAgreementFactory(shelter=shelter), description_en="Blankets", description_es=""
    )
    html = client.get(url("shelter_detail", "es", slug=shelter.slug)).content.decode()
    assert '<dd lang="en">Families only. <span class="fallback-note">(en inglés)</span></dd>' in html
    assert '<td><span lang="en">Blankets</span> <span class="fallback-note">(en inglés)</span></td>' in html


def test_localized_says_which_language_it_fell_back_to():
    project = ProjectFactory(title_es="Título", title_en="", summary_es="", summary_en="")
    with translation.override("en"):
        title = localized(project, "title")
        assert (title.value, title.language, title.fallback) == ("Título", "es", True)
        assert str(title.lang_attr) == ' lang="es"'
        assert project.title == "Título"  # modeltranslation's own fallback agrees
        empty = localized(project, "summary")
        assert (empty.value, bool(empty), empty.fallback, str(empty.note)) == ("", False, False, "")
    with translation.override("es"):
        assert localized(project, "title").fallback is False


@pytest.fixture
def polyglot_shelters():
    creole = ShelterFactory(name="Casa con criollo", state=state("MX-CHP"))
    creole.languages.set(Language.objects.filter(code__in=["spa", "hat"]))
    kiche = ShelterFactory(name="Casa con k'iche'", state=state("MX-CHP"))
    kiche.languages.set(Language.objects.filter(code__in=["spa", "quc"]))
    ShelterFactory(name="Casa sin idiomas", state=state("MX-CHP"))
    return creole, kiche


def test_route_languages_are_in_the_vocabulary_with_both_names():
    names = dict(Language.objects.values_list("code", "name_es"))
    for code, spanish in [("hat", "Criollo haitiano"), ("quc", "K'iche'"), ("mam", "Mam"), ("kek", "Q'eqchi'"),
                          ("tzo", "Tsotsil"), ("tzh", "Tseltal"), ("fra", "Francés"), ("por", "Portugués"),
                          ("eng", "Inglés")]:  # fmt: skip
        assert names[code] == spanish
    assert Language.objects.get(code="hat").name_en == "Haitian Creole"


def test_shelter_list_filters_by_language_spoken(client, polyglot_shelters):
    response = client.get(url("shelter_list", "es") + "?language=hat")
    assert response.status_code == HTTPStatus.OK
    assert [s.name for s in response.context["object_list"]] == ["Casa con criollo"]
    html = response.content.decode()
    assert "Criollo haitiano" in html  # the filter's choice, named in Spanish
    both = client.get(url("shelter_list", "es") + "?language=hat&language=quc")
    assert {s.name for s in both.context["object_list"]} == {"Casa con criollo", "Casa con k'iche'"}


def test_shelter_list_refuses_an_unknown_language_code(client, polyglot_shelters):
    response = client.get(url("shelter_list", "es") + "?language=xx")
    assert response.status_code == HTTPStatus.OK
    assert response.context["filter"].errors


def test_api_filters_shelters_by_language_spoken(client, polyglot_shelters):
    response = client.get("/api/v1/shelters/?language=quc")
    assert response.status_code == HTTPStatus.OK
    assert [s["name"] for s in response.json()["results"]] == ["Casa con k'iche'"]
    assert client.get("/api/v1/shelters/?language=xx").status_code == HTTPStatus.BAD_REQUEST


def test_shelter_page_names_its_languages_in_the_visitors_language(client, polyglot_shelters):
    creole, _kiche = polyglot_shelters
    assert "Criollo haitiano" in client.get(url("shelter_detail", "es", slug=creole.slug)).content.decode()
    assert "Haitian Creole" in client.get(url("shelter_detail", "en", slug=creole.slug)).content.decode()


def test_language_codes_are_checked_against_iso_639_3():
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError, match="ISO 639-3"):
        Language(code="xx", name_es="X", name_en="X").full_clean()
    Language(code="zap", name_es="Zapoteco", name_en="Zapotec", position=50).full_clean()


@pytest.mark.parametrize(
    ("lang", "query"),
    [("es", "health"), ("es", "salud"), ("en", "salud"), ("en", "health"), ("es", "fronteriza")],
)
def test_public_search_matches_both_languages(client, lang, query):
    ProjectFactory(title_es="Salud en la frontera", title_en="Health at the border", summary_es="Zona fronteriza.")
    ProjectFactory(title_es="Otro proyecto", title_en="Another project")
    response = client.get(url("project_list", lang) + f"?q={query}")
    assert [p.slug for p in response.context["object_list"]] == [Project.objects.get(title_es__startswith="Salud").slug]


def test_api_search_matches_both_languages(client):
    ArticleFactory(title_es="Feria de empleo en Tapachula", title_en="Job fair in Tapachula", slug="feria")
    ArticleFactory(title_es="Otra nota", title_en="Another story", slug="otra")
    for query in ("empleo", "job"):
        response = client.get(f"/api/v1/news/?q={query}", headers={"accept-language": "en"})
        assert [a["slug"] for a in response.json()["results"]] == ["feria"], query


def test_admin_edits_both_languages_side_by_side_and_needs_one(staff_client):
    from tests.admin.forms import admin_form_data

    add = reverse("admin:projects_project_add")
    page = staff_client.get(add)
    html = page.content.decode()
    assert 'name="title_es"' in html and 'name="title_en"' in html and 'name="title"' not in html
    assert re.search(r'class="form-row field-title_es field-title_en"', html)  # one row: side by side
    data = admin_form_data(page)
    data.update({"slug": "sin-titulo", "prima_id": "MX10P9998", "projects_id": "PR.9998", "start_year": "2024"})
    data.update({"title_es": "", "title_en": "", "status": "active"})
    response = staff_client.post(add, data)
    assert response.status_code == HTTPStatus.OK
    assert "Escriba el título en español, en inglés o en ambos idiomas." in response.content.decode()
    data["title_en"] = "Only English for now"
    assert staff_client.post(add, data).status_code == HTTPStatus.FOUND
    assert Project.objects.get(slug="sin-titulo").title_en == "Only English for now"


def test_vocabulary_words_are_read_in_either_language():
    assert choice_from_text(ProjectType, "Migration Health") == "migration_health"
    assert choice_from_text(ProjectType, "migración y SALUD") == "migration_health"
    assert choice_from_text(Coverage, "Nacional") == choice_from_text(Coverage, "national") == "national"
    assert choice_from_text(IdfRegion, "América Latina y el Caribe") == "latin_america_caribbean"
    assert choice_from_text(ProjectType, "Space travel") is None
    assert country_codes_from_text("Mexico, Guatemala, México, Estados Unidos, MX, Narnia") == (
        ["MX", "GT", "MX", "US", "MX"],
        ["Narnia"],
    )


# --- API ----------------------------------------------------------------------------------------------------------


def test_api_gives_content_in_the_requested_language(client):
    project = ProjectFactory(title_es="Albergues del sur", title_en="Southern shelters", slug="sur")
    by_header = client.get("/api/v1/projects/", headers={"accept-language": "en"})
    assert [p["title"] for p in by_header.json()["results"]] == ["Southern shelters"]
    assert by_header["Content-Language"] == "en"
    by_parameter = client.get("/api/v1/projects/?lang=es", headers={"accept-language": "en"})
    assert [p["title"] for p in by_parameter.json()["results"]] == ["Albergues del sur"]
    assert by_parameter["Content-Language"] == "es"
    detail = client.get(f"/api/v1/projects/{project.slug}/?lang=en").json()
    assert (detail["title"], detail["title_es"], detail["title_en"]) == (
        "Southern shelters",
        "Albergues del sur",
        "Southern shelters",
    )
    refused = client.get("/api/v1/projects/?lang=fr")
    assert refused.status_code == HTTPStatus.BAD_REQUEST and "lang" in refused.json()


def test_api_falls_back_to_the_other_language(client):
    ProjectFactory(title_es="", title_en="Only English", slug="only-english")
    row = client.get("/api/v1/projects/?lang=es").json()["results"][0]
    assert row["title"] == "Only English"
    detail = client.get("/api/v1/projects/only-english/?lang=es").json()
    assert (detail["title_es"], detail["title_en"]) == ("", "Only English")


def test_api_writes_either_language(token_client):
    base = {"prima_id": "MX10P7001", "projects_id": "PR.7001", "start_year": 2024, "status": "active"}
    english = token_client.post(
        "/api/v1/projects/?lang=en", {**base, "title": "Water for shelters"}, format="json"
    ).json()
    assert (english["title_en"], english["title_es"], english["slug"]) == (
        "Water for shelters",
        "",
        "water-for-shelters",
    )
    spanish = token_client.patch(
        "/api/v1/projects/water-for-shelters/", {"title_es": "Agua para albergues"}, format="json"
    )
    assert spanish.status_code == HTTPStatus.OK
    project = Project.objects.get(prima_id="MX10P7001")
    assert (project.title_es, project.title_en) == ("Agua para albergues", "Water for shelters")
    both = {**base, "prima_id": "MX10P7002", "projects_id": "PR.7002", "title_es": "Uno", "title_en": "One"}
    assert token_client.post("/api/v1/projects/", both, format="json").status_code == HTTPStatus.CREATED


def test_api_refuses_a_record_without_text_in_either_language(token_client):
    base = {"prima_id": "MX10P7003", "projects_id": "PR.7003", "start_year": 2024, "slug": "no-title"}
    response = token_client.post("/api/v1/projects/?lang=es", {**base, "title_es": "", "title_en": ""}, format="json")
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert response.json()["title"] == ["Escriba el título en español, en inglés o en ambos idiomas."]
    assert not Project.objects.filter(prima_id="MX10P7003").exists()


def test_api_shelters_list_their_languages_and_vocabulary_codes(client, polyglot_shelters):
    creole, _kiche = polyglot_shelters
    row = client.get(f"/api/v1/shelters/{creole.slug}/").json()
    assert row["languages"] == ["spa", "hat"]
    project = ProjectFactory(benefiting_member_states=["MX", "GT"], project_type="migration_health")
    detail = client.get(f"/api/v1/projects/{project.slug}/").json()
    assert (detail["project_type"], detail["benefiting_member_states"]) == ("migration_health", ["GT", "MX"])


def test_schema_documents_lang_and_both_languages(client):
    import yaml

    schema = yaml.safe_load(client.get("/api/schema/").content)
    parameters = {p["name"]: p for p in schema["paths"]["/api/v1/projects/"]["get"]["parameters"]}
    assert parameters["lang"]["schema"]["enum"] == ["es", "en"]
    assert "Accept-Language" in parameters["lang"]["description"]
    detail = next(s for name, s in schema["components"]["schemas"].items() if name == "Project")
    assert {"title", "title_es", "title_en", "summary_es", "summary_en"} <= set(detail["properties"])
    assert not detail["properties"]["title_es"].get("nullable")


@pytest.mark.parametrize(("lang", "office"), [("es", "OIM México"), ("en", "IOM Mexico")])
def test_implementing_office_is_named_in_the_pages_language(client, lang, office):
    seed()
    html = client.get(url("shelter_detail", lang, slug="albergue-hermanos-en-el-camino")).content.decode()
    assert f"<dd>{office}</dd>" in html
