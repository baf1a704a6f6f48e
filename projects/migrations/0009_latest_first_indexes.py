"""The projects' default order (latest start year first, undated last, then title, then id) gains the id, so that
pages neither repeat nor skip a project, and an index per language that serves it, replacing the DESC index that
could not (DESC puts NULLs first; the order puts them last) and its per-language copies. The title sorted by is
the page language's column (django-modeltranslation), hence one index per language. PostgreSQL only: SQLite cannot
index NULLS LAST, and a test-sized SQLite table does not need it. Not part of the model state: the model declares
no index for it."""

from django.db import migrations, models

LANGUAGES = ("es", "en")


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for code in LANGUAGES:
            schema_editor.execute(
                f"CREATE INDEX IF NOT EXISTS project_latest_first_{code}_idx "
                f"ON projects_project (start_year DESC NULLS LAST, title_{code}, id)"
            )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for code in LANGUAGES:
            schema_editor.execute(f"DROP INDEX IF EXISTS project_latest_first_{code}_idx")


class Migration(migrations.Migration):
    dependencies = [
        ("projects", "0008_thematic_area_dac_sector"),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="project",
            options={
                "ordering": [models.OrderBy(models.F("start_year"), descending=True, nulls_last=True), "title", "id"],
                "verbose_name": "project",
                "verbose_name_plural": "projects",
            },
        ),
        migrations.RemoveIndex(model_name="project", name="project_start_title_idx"),
        migrations.RemoveIndex(model_name="project", name="project_start_title_idx-es"),
        migrations.RemoveIndex(model_name="project", name="project_start_title_idx-en"),
        migrations.RunPython(create, drop, elidable=False),
    ]
