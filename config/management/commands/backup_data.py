"""`manage.py backup_data`: dump every record to one JSON file (gzipped when the name ends in .gz).

This module is also the serialization format "json-precise" that the dump is written in: Django's JSON encoder
cuts datetimes to milliseconds, which would make a restored database differ from the original.
The output is ordinary fixture JSON, read back by loaddata's own "json" format.
"""

from __future__ import annotations

import datetime
from pathlib import Path

from django.core import serializers
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.core.serializers import json as json_serializer
from django.core.serializers.json import DjangoJSONEncoder
from django.utils import timezone

COMPRESSIONS = {".gz", ".bz2", ".xz", ".lzma"}
FORMAT = "json-precise"
# Everything staff and the public site rely on: the three apps (reference data, records, their history), the
# roles and accounts (history and the admin log point at users), and the admin log. Left out on purpose: sessions,
# login attempts (axes) and API tokens, which are transient or are credentials better reissued than archived.
BACKUP_LABELS = ["registry", "projects", "news", "auth.group", "auth.user", "admin.logentry"]


class PreciseJSONEncoder(DjangoJSONEncoder):
    """Datetimes and times with their microseconds (ISO 8601 allows any number of fraction digits)."""

    def default(self, o: object) -> object:
        if isinstance(o, datetime.datetime):
            text = o.isoformat()
            return text.removesuffix("+00:00") + "Z" if text.endswith("+00:00") else text
        if isinstance(o, datetime.time):
            return o.isoformat()
        return super().default(o)


class Serializer(json_serializer.Serializer):
    def _init_options(self) -> None:
        super()._init_options()
        self.json_kwargs["cls"] = PreciseJSONEncoder


Deserializer = json_serializer.Deserializer


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
        serializers.register_serializer(FORMAT, __name__)
        try:
            # Natural foreign keys make references to content types and permissions portable between databases,
            # whose ids for those differ; the records' own primary keys are kept on purpose.
            call_command(
                "dumpdata",
                *BACKUP_LABELS,
                natural_foreign=True,
                format=FORMAT,
                output=str(path),
                verbosity=0,
            )
        except (CommandError, OSError) as exc:
            raise CommandError(f"Backup failed: {exc}") from exc
        size = path.stat().st_size
        self.stdout.write(self.style.SUCCESS(f"Backup written to {path} ({size:,} bytes)."))
