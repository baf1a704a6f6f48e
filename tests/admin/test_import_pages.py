"""Staff upload pages in the seed documents' format from the admin and get what `import_pages` gives."""

from http import HTTPStatus
from pathlib import Path

import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from config.page_import import pages_import
from news.models import Article
from projects.models import Project

pytestmark = pytest.mark.django_db

SAMPLES = Path(__file__).resolve().parents[1] / "samples"
URL = reverse("import_pages")


def upload(*names: str, content: bytes | None = None) -> list[SimpleUploadedFile]:
    return [
        SimpleUploadedFile(name, content if content is not None else (SAMPLES / name).read_bytes(), "text/plain")
        for name in names
    ]


def messages_of(response) -> list[str]:
    return [str(m.message) for m in get_messages(response.wsgi_request)]


def test_preview_then_confirm_imports_what_the_command_would(staff_client):
    preview = staff_client.post(
        URL, {"pages": upload("project_health_posts.txt", "news_agreements.txt"), "dry_run": "on"}
    )
    assert preview.status_code == HTTPStatus.OK
    report = preview.context["report"]
    assert report.dry_run and report.created > 0
    assert "MX10P0777" in preview.content.decode()
    assert any(m.startswith("Preview, nothing written yet") for m in messages_of(preview))
    assert not Project.objects.exists() and not Article.objects.exists()

    done = staff_client.post(URL, {"payload": preview.context["payload"]})
    assert done.status_code == HTTPStatus.OK
    assert not done.context["report"].dry_run
    assert any(m.startswith("Pages imported") for m in messages_of(done))
    project = Project.objects.get(prima_id="MX10P0777")
    assert project.history.latest().history_change_reason.startswith("Pages uploaded in the admin")
    imported = {(p.prima_id, p.title) for p in Project.objects.all()}

    # the same pages through the importer the command uses: nothing left to change
    sources = [(n, (SAMPLES / n).read_text()) for n in ("project_health_posts.txt", "news_agreements.txt")]
    again = pages_import(sources=sources, dry_run=True, change_reason="test")
    assert again.created == 0 and again.updated == 0
    assert imported == {(p.prima_id, p.title) for p in Project.objects.all()}


def test_upload_without_preview_imports_at_once(staff_client):
    response = staff_client.post(URL, {"pages": upload("project_health_posts.txt")})
    assert response.status_code == HTTPStatus.OK
    assert Project.objects.filter(prima_id="MX10P0777").exists()


def test_malformed_page_names_file_and_line_and_writes_nothing(staff_client):
    response = staff_client.post(URL, {"pages": upload("project_health_posts.txt", "malformed_budget.txt")})
    assert response.status_code == HTTPStatus.OK
    errors = " ".join(response.context["form"].non_field_errors())
    assert "malformed_budget.txt, line 29" in errors
    assert "Nothing was imported" in " ".join(messages_of(response))
    assert not Project.objects.exists()


def test_altered_preview_is_refused(staff_client):
    response = staff_client.post(URL, {"payload": "forged"})
    assert response.status_code == HTTPStatus.OK
    assert "expired or was altered" in " ".join(messages_of(response))
    assert not Project.objects.exists()


@pytest.mark.parametrize(
    ("name", "content", "error"),
    [
        ("page.pdf", b"%PDF-1.4", "is not a .txt file"),
        ("page.txt", b"\xff\xfe\x00bad", "is not UTF-8 text"),
    ],
)
def test_files_that_are_not_text_pages_are_form_errors(staff_client, name, content, error):
    response = staff_client.post(URL, {"pages": upload(name, content=content)})
    assert response.status_code == HTTPStatus.OK
    assert error in str(response.context["form"].errors["pages"])


def test_no_file_is_a_form_error(staff_client):
    response = staff_client.post(URL, {"dry_run": "on"})
    assert response.status_code == HTTPStatus.OK
    assert response.context["form"].errors["pages"]


def test_editors_may_upload_pages_viewers_may_not(editor_client, viewer_client):
    assert editor_client.get(URL).status_code == HTTPStatus.OK
    assert viewer_client.get(URL).status_code == HTTPStatus.FORBIDDEN
    assert viewer_client.post(URL, {"pages": upload("project_health_posts.txt")}).status_code == HTTPStatus.FORBIDDEN
    assert not Project.objects.exists()
    changelist = reverse("admin:projects_project_changelist")
    assert URL in editor_client.get(changelist).content.decode()
    assert URL not in viewer_client.get(changelist).content.decode()
    assert URL in editor_client.get(reverse("admin:news_article_changelist")).content.decode()
