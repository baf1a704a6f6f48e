"""`manage.py backup_data`: dump every record to one JSON file (gzipped when the name ends in .gz)."""

from __future__ import annotations

from pathlib import Path

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

# Everything staff and the public site rely on: the three apps (reference data, records, their history), the
# roles and accounts (history and the admin log point at users), and the admin log. Left out on purpose: sessions,
# login attempts (axes) and API tokens, which are transient or are credentials better reissued than archived.
COMPRESSIONS = {".gz", ".bz2", ".xz", ".lzma"}
BACKUP_LABELS = ["registry", "projects", "news", "auth.group", "auth.user", "admin.logentry"]


class Command(BaseCommand):
    help = (
        "Dump all registry, projects and news records, users and groups to a JSON file with natural foreign keys "
        "(primary keys are kept, so history, the admin log and API ids stay valid). Restore with restore_data."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--output",
            "-o",
            help="File to write; .gz, .bz2, .xz or .lzma compress it. Default: backups/registry-<timestamp>.json.gz",
        )

    def handle(self, *args, **options) -> None:
        output = options["output"] or f"backups/registry-{timezone.now():%Y%m%d-%H%M%S}.json.gz"
        path = Path(output)
        suffixes = path.suffixes
        if suffixes and suffixes[-1] in COMPRESSIONS:
            suffixes = suffixes[:-1]
        if not suffixes or suffixes[-1] != ".json":
            raise CommandError(f"The backup file name must end in .json or .json.gz (.bz2, .xz), not {path.name!r}.")
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise CommandError(f"Cannot create the folder {path.parent}: {exc}") from exc
        try:
            # Natural foreign keys make references to content types and permissions portable between databases,
            # whose ids for those differ; the records' own primary keys are kept on purpose.
            call_command(
                "dumpdata",
                *BACKUP_LABELS,
                natural_foreign=True,
                output=str(path),
                verbosity=0,
            )
        except (CommandError, OSError) as exc:
            raise CommandError(f"Backup failed: {exc}") from exc
        size = path.stat().st_size
        self.stdout.write(self.style.SUCCESS(f"Backup written to {path} ({size:,} bytes)."))
