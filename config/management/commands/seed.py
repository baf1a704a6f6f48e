"""Load the seed dataset: the reference data from migrations plus the JSON fixtures built from the seed documents."""

from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.test.utils import override_settings

from registry.history import snapshot_m2m
from registry.models import State

# Loaded in this order so every natural foreign key points at a row that is already there.
FIXTURES = ["donors", "thematic_areas", "projects", "shelters", "agreements", "news"]
HISTORY_REASON = "Seed data (manage.py seed)"


class Command(BaseCommand):
    help = "Load the seed dataset (states, donor, projects, shelters, agreements, news). Safe to run twice."

    def handle(self, *args, **options) -> None:
        fixture_dir = Path(settings.BASE_DIR) / "fixtures"
        paths = [fixture_dir / f"{name}.json" for name in FIXTURES]
        missing = [str(p) for p in paths if not p.exists()]
        if missing:
            raise CommandError(f"Fixture file(s) missing: {', '.join(missing)}")
        if State.objects.count() != 32:
            raise CommandError(
                f"Expected the 32 states from the migrations, found {State.objects.count()}: run `manage.py migrate`."
            )
        try:
            with transaction.atomic():
                # History is written once, below, not for every raw save and M2M update loaddata makes.
                with override_settings(SIMPLE_HISTORY_ENABLED=False):
                    call_command("loaddata", *map(str, paths), verbosity=0)
                written = self._record_initial_history()
        except Exception as exc:  # loaddata wraps bad JSON, missing keys and constraint errors alike
            raise CommandError(f"Seeding failed, nothing was written: {exc}") from exc
        self.stdout.write(self.style.SUCCESS(f"Seed data loaded from {len(paths)} fixture files."))
        if written:
            self.stdout.write(f"Initial history recorded for {written} records.")

    def _record_initial_history(self) -> int:
        """loaddata saves raw, which simple-history skips: give each seeded record its first history entry once."""
        written = 0
        for label in ("registry", "projects", "news"):
            for model in apps.get_app_config(label).get_models():
                history = getattr(model, "history", None)
                if history is None or not hasattr(model, "_meta") or model.__name__.startswith("Historical"):
                    continue
                tracked = set(history.values_list(model._meta.pk.attname, flat=True).distinct())
                fresh = [obj for obj in model.objects.all() if obj.pk not in tracked]
                if fresh:
                    snapshot_m2m(history.bulk_history_create(fresh, default_change_reason=HISTORY_REASON))
                    written += len(fresh)
        return written
