"""The articles' default order (latest first, undated last, then title, then id) gains the id, so that pages
neither repeat nor skip an article, and an index per language that serves it whole: the title sorted by is the page
language's column (django-modeltranslation), which the index of 0003 (on the untranslated column) could not serve.
PostgreSQL only, as 0003: SQLite cannot index NULLS LAST. Not part of the model state."""

from django.db import migrations, models

LANGUAGES = ("es", "en")


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for code in LANGUAGES:
            schema_editor.execute(
                f"CREATE INDEX IF NOT EXISTS article_latest_first_{code}_idx "
                f"ON news_article (published_on DESC NULLS LAST, title_{code}, id)"
            )
        schema_editor.execute("DROP INDEX IF EXISTS article_latest_first_idx")


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "CREATE INDEX IF NOT EXISTS article_latest_first_idx ON news_article (published_on DESC NULLS LAST, title)"
        )
        for code in LANGUAGES:
            schema_editor.execute(f"DROP INDEX IF EXISTS article_latest_first_{code}_idx")


class Migration(migrations.Migration):
    dependencies = [
        ("news", "0007_translated_text_validators"),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="article",
            options={
                "ordering": [models.OrderBy(models.F("published_on"), descending=True, nulls_last=True), "title", "id"],
                "verbose_name": "news article",
                "verbose_name_plural": "news articles",
            },
        ),
        migrations.RunPython(create, drop, elidable=False),
    ]
