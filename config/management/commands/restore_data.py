"""`manage.py restore_data FILE`: load a backup_data dump, replacing the database's contents, in one transaction."""

from __future__ import annotations

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError, connection, transaction
from django.test.utils import override_settings

from news.models import Article
from projects.models import Project
from registry.models import CooperationAgreement, Donor, Shelter
from registry.versioned_cache import bump_data_version


class Command(BaseCommand):
    help = (
        "Restore a dump written by backup_data. The database must be migrated and hold no records yet (only the "
        "reference data migrations load); --force replaces whatever it holds. All or nothing: on any error the "
        "database is left as it was."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("file", help="A .json file from backup_data, optionally compressed (.gz, .bz2, .xz).")
        parser.add_argument(
            "--force", action="store_true", help="Replace the existing data (all of it, users included)."
        )

    def handle(self, *args, **options) -> None:
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"No such backup file: {path}")
        existing = self._existing_records()
        if existing and not options["force"]:
            raise CommandError(
                f"The database is not empty ({existing}). Restore into a freshly migrated database, or pass --force "
                "to replace all of its data with the backup."
            )
        try:
            with transaction.atomic():
                # The dump carries every row with its primary key, reference data included, so the restore starts
                # from empty tables: the result is the backed-up database, ids and all, not a merge.
                if connection.vendor == "postgresql":
                    # TRUNCATE refuses tables with deferred foreign-key checks still pending in this transaction
                    # (when the caller wrote rows before calling): run those checks now, then defer again for
                    # loaddata, which relies on deferred checks for forward references.
                    with connection.cursor() as cursor:
                        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
                        call_command("flush", interactive=False, verbosity=0)
                        cursor.execute("SET CONSTRAINTS ALL DEFERRED")
                else:
                    call_command("flush", interactive=False, verbosity=0)
                # The dump holds the history itself; loading must not write more of it (M2M sets would).
                with override_settings(SIMPLE_HISTORY_ENABLED=False):
                    call_command("loaddata", str(path), verbosity=0)
        except Exception as exc:  # loaddata wraps bad JSON, unknown models and constraint errors alike
            raise CommandError(f"Restore failed, the database is unchanged: {exc}") from exc
        if connection.vendor == "postgresql" and not connection.in_atomic_block:
            # Fresh statistics for the planner, as after any bulk load (otherwise it guesses until autovacuum runs).
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        bump_data_version()
        self.stdout.write(self.style.SUCCESS(f"Restored {path}: {self._summary()}."))

    @staticmethod
    def _counts() -> dict[str, int]:
        return {
            "shelters": Shelter.objects.count(),
            "donors": Donor.objects.count(),
            "agreements": CooperationAgreement.objects.count(),
            "projects": Project.objects.count(),
            "articles": Article.objects.count(),
            "users": get_user_model().objects.count(),
        }

    def _existing_records(self) -> str:
        try:
            counts = self._counts()
        except DatabaseError as exc:
            raise CommandError(f"Cannot read the database (is it migrated? run `manage.py migrate`): {exc}") from exc
        return ", ".join(f"{count} {name}" for name, count in counts.items() if count)

    def _summary(self) -> str:
        return ", ".join(f"{count} {name}" for name, count in self._counts().items())
