"""Shelter.uuid: a stable public identifier (HSDS records are identified by UUIDs).

Existing rows each get their own value (a column default would give them all the same one), then the column
becomes unique and required. Historical rows take the value of their shelter, so the history agrees with it.
"""

import uuid

from django.db import migrations, models


def fill_uuids(apps, schema_editor):
    shelter_model = apps.get_model("registry", "Shelter")
    history_model = apps.get_model("registry", "HistoricalShelter")
    for shelter in shelter_model.objects.filter(uuid__isnull=True).only("pk"):
        shelter.uuid = uuid.uuid4()
        shelter.save(update_fields=["uuid"])
        history_model.objects.filter(id=shelter.pk).update(uuid=shelter.uuid)
    # History of shelters deleted before this migration: any value, one per deleted shelter.
    for shelter_id in history_model.objects.filter(uuid__isnull=True).values_list("id", flat=True).distinct():
        history_model.objects.filter(id=shelter_id).update(uuid=uuid.uuid4())


class Migration(migrations.Migration):
    dependencies = [
        ("registry", "0012_safety_text_validators"),
    ]

    operations = [
        migrations.AddField(
            model_name="shelter",
            name="uuid",
            field=models.UUIDField(editable=False, null=True, verbose_name="public identifier (UUID)"),
        ),
        migrations.AddField(
            model_name="historicalshelter",
            name="uuid",
            field=models.UUIDField(editable=False, null=True, verbose_name="public identifier (UUID)"),
        ),
        migrations.RunPython(fill_uuids, migrations.RunPython.noop, elidable=True),
        migrations.AlterField(
            model_name="shelter",
            name="uuid",
            field=models.UUIDField(
                default=uuid.uuid4, editable=False, unique=True, verbose_name="public identifier (UUID)"
            ),
        ),
        migrations.AlterField(
            model_name="historicalshelter",
            name="uuid",
            field=models.UUIDField(
                db_index=True, default=uuid.uuid4, editable=False, verbose_name="public identifier (UUID)"
            ),
        ),
    ]
