"""The Editors and Viewers groups (see registry/roles.py), so every fresh database has the staff roles."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

from registry.roles import ROLE_PERMISSIONS, apply_roles


def create_roles(apps, schema_editor):
    # Permissions are normally created by a post_migrate signal, i.e. after this migration would run on a fresh
    # database; create them now from the migration state so the groups can be given them.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0, using=schema_editor.connection.alias)
        app_config.models_module = None
    apply_roles(
        group_model=apps.get_model("auth", "Group"),
        permission_model=apps.get_model("auth", "Permission"),
        models={f"{model._meta.app_label}.{model._meta.model_name}" for model in apps.get_models()},
    )


def remove_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=list(ROLE_PERMISSIONS)).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("registry", "0002_reference_data"),
        ("projects", "0002_initial"),
        ("news", "0002_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_roles, remove_roles)]
