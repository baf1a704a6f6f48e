"""`manage.py setup_roles`: (re)create the Editors and Viewers groups with exactly their permissions."""

from django.contrib.auth.models import Group, Permission
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from registry.roles import apply_roles


class Command(BaseCommand):
    help = (
        "Create the Editors and Viewers groups, or reset their permissions to the defined sets "
        "(see registry/roles.py). Safe to run any number of times."
    )

    def handle(self, *args, **options) -> None:
        try:
            with transaction.atomic():
                applied = apply_roles(group_model=Group, permission_model=Permission)
        except LookupError as exc:
            raise CommandError(str(exc)) from exc
        for role, count in applied.items():
            self.stdout.write(f"{role}: {count} permissions")
        self.stdout.write(self.style.SUCCESS("Roles are set up."))
