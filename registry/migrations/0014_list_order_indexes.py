"""Indexes in the lists' orders, so that a page (and the keys of the rows it skips) is read off an index instead
of sorting every row: shelters by name then id, for the public list (active shelters) and for the API (no status),
replacing (status, name), which left the id to a sort, and by the other sorts the public list offers; agreements
by phase, latest first, then reference.
"""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("projects", "0009_latest_first_indexes"),
        ("registry", "0013_shelter_uuid"),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name="shelter",
            name="shelter_status_name_idx",
        ),
        migrations.AddIndex(
            model_name="cooperationagreement",
            index=models.Index(fields=["-programme_phase", "reference"], name="agreement_phase_reference_idx"),
        ),
        migrations.AddIndex(
            model_name="shelter",
            index=models.Index(fields=["status", "name", "id"], name="shelter_status_name_id_idx"),
        ),
        migrations.AddIndex(
            model_name="shelter",
            index=models.Index(fields=["name", "id"], name="shelter_name_id_idx"),
        ),
        migrations.AddIndex(
            model_name="shelter",
            index=models.Index(fields=["status", "capacity", "id"], name="shelter_status_capacity_idx"),
        ),
        migrations.AddIndex(
            model_name="shelter",
            index=models.Index(fields=["status", "last_verified", "id"], name="shelter_status_verified_idx"),
        ),
        migrations.AddIndex(
            model_name="shelter",
            index=models.Index(fields=["status", "updated_at", "id"], name="shelter_status_updated_idx"),
        ),
    ]
