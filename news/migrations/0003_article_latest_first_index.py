"""An index in the articles' default order (latest first, undated last, then title), so the home page's latest
news and the news list read it instead of sorting every article. PostgreSQL only: SQLite cannot index NULLS LAST,
and a test-sized SQLite table does not need it. Not part of the model state, so the model declares nothing."""

from django.db import migrations

INDEX = "article_latest_first_idx"


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {INDEX} ON news_article (published_on DESC NULLS LAST, title)"
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [("news", "0002_initial")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
