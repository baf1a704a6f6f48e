"""backup_data / restore_data: a dump restores every table, row for row, ids and timestamps included."""

import gzip
import json
from io import StringIO
from pathlib import Path

import pytest
from django.apps import apps
from django.contrib.auth.models import Group, Permission
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import models

from news.models import Article
from projects.models import Project
from registry.models import CooperationAgreement, Donor, Shelter
from tests.factories import ShelterFactory, UserFactory

pytestmark = pytest.mark.django_db

BACKED_UP_APPS = ("registry", "projects", "news")


def backed_up_models() -> list[type[models.Model]]:
    """Every table of the three apps (history and the M2M through tables included), plus roles and accounts."""
    found = []
    for label in BACKED_UP_APPS:
        found += apps.get_app_config(label).get_models(include_auto_created=True)
    user = apps.get_model("auth", "User")
    found += [Group, Group.permissions.through, user, user.groups.through]
    return found


def table_rows() -> dict[str, list[tuple]]:
    # Permissions and content types are recreated by migrate with ids of their own: compare them by natural key.
    permission_keys = {p.pk: p.natural_key() for p in Permission.objects.select_related("content_type")}
    rows = {}
    for model in backed_up_models():
        if model._meta.auto_created:
            # An M2M link is its pair of keys; the link row's own id is a surrogate that loaddata renumbers.
            fields = [f for f in model._meta.concrete_fields if not f.primary_key]
            rows[model._meta.db_table] = sorted(
                tuple(
                    permission_keys[value] if field.related_model is Permission else value
                    for field, value in zip(fields, values, strict=True)
                )
                for values in model._default_manager.values_list(*[f.attname for f in fields])
            )
        else:
            rows[model._meta.db_table] = list(model._default_manager.order_by("pk").values_list())
    return rows


def backup(path: Path) -> str:
    out = StringIO()
    call_command("backup_data", output=str(path), stdout=out)
    return out.getvalue()


def restore(path: Path, **options) -> str:
    out = StringIO()
    call_command("restore_data", str(path), stdout=out, **options)
    return out.getvalue()


def clear_records() -> None:
    """What a freshly migrated database holds: reference data and roles, but no records and no users."""
    Article.objects.all().delete()
    CooperationAgreement.objects.all().delete()
    Shelter.objects.all().delete()
    Project.objects.all().delete()
    Donor.objects.all().delete()
    apps.get_model("auth", "User").objects.all().delete()


@pytest.fixture
def dataset():
    call_command("seed", stdout=StringIO())
    call_command(
        "generate_demo", shelters=40, projects=8, agreements=30, articles=25, seed=7, force=True, stdout=StringIO()
    )
    UserFactory(username="officer", is_staff=True).groups.add(Group.objects.get(name="Editors"))
    return table_rows()


def test_round_trip_restores_every_table_row_for_row(dataset, tmp_path, django_capture_on_commit_callbacks):
    assert sum(len(rows) for rows in dataset.values()) > 500
    assert all(dataset[table] for table in ("registry_shelter", "registry_shelter_services", "news_article_states"))
    path = tmp_path / "registry.json.gz"
    assert "Backup written" in backup(path)
    with gzip.open(path, "rt") as dump:
        assert json.load(dump)  # ordinary fixture JSON

    # Lose data, change data, add data: the restore must bring back exactly what was backed up.
    clear_records()
    ShelterFactory(name="Created after the backup")
    restore(path, force=True)

    assert table_rows() == dataset


def test_restore_into_a_freshly_migrated_database(dataset, tmp_path):
    path = tmp_path / "registry.json"
    backup(path)
    clear_records()
    assert "Restored" in restore(path)
    assert table_rows() == dataset


def test_restore_refuses_a_database_with_records(dataset, tmp_path):
    path = tmp_path / "registry.json"
    backup(path)
    Shelter.objects.filter(pk=Shelter.objects.order_by("pk")[0].pk).delete()
    remaining = Shelter.objects.count()
    with pytest.raises(CommandError, match=rf"not empty \({remaining} shelters.*--force"):
        restore(path)
    assert Shelter.objects.count() == remaining


def test_failed_restore_changes_nothing(tmp_path):
    ShelterFactory(name="Albergue Belén")
    before = table_rows()
    broken = tmp_path / "broken.json"
    broken.write_text('[{"model": "registry.shelter", "pk": 1, "fields": {"name": "no state"}}]')
    with pytest.raises(CommandError, match="Restore failed, the database is unchanged"):
        restore(broken, force=True)
    assert table_rows() == before


def test_restore_reports_a_missing_file(tmp_path):
    with pytest.raises(CommandError, match="No such backup file"):
        restore(tmp_path / "nowhere.json")


def test_backup_refuses_a_file_name_loaddata_could_not_read(tmp_path):
    with pytest.raises(CommandError, match=r"must end in \.json"):
        backup(tmp_path / "registry.sql")
