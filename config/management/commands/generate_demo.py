"""Fill the database with a large, realistic, reproducible demo dataset for performance work.

Each app builds its own part (registry.demo, projects.demo, news.demo); this command composes them: one seeded
random source, one transaction, the parts cleared in foreign-key order and generated in dependency order.
"""

import time

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection, transaction

from news import demo as news_demo
from projects import demo as projects_demo
from registry import demo
from registry.models import State
from registry.versioned_cache import bump_data_version

# Cleared in this order: news points at shelters and projects, agreements at projects.
PARTS = (news_demo, demo, projects_demo)


def count(value: str) -> int:
    number = int(value)
    if number < 0:
        raise ValueError(value)
    return number


class Command(BaseCommand):
    help = (
        "Replace the demo dataset (slugs starting with 'demo-') with a new one of the given size, built in memory "
        "and written with bulk inserts. The same --seed gives the same data. Refuses to run while the database "
        "holds real shelters, projects or articles, unless --force."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--shelters", type=count, default=1000, help="Number of shelters (default 1000).")
        parser.add_argument("--projects", type=count, default=100, help="Number of projects (default 100).")
        parser.add_argument("--articles", type=count, default=500, help="Number of news articles (default 500).")
        parser.add_argument(
            "--agreements",
            type=count,
            default=None,
            help="Number of agreements (default: 0.6 per shelter).",
        )
        parser.add_argument("--seed", type=int, default=1, help="Random seed (default 1): same seed, same data.")
        parser.add_argument(
            "--force", action="store_true", help="Add demo data even though the database holds real records."
        )

    def handle(self, *args, shelters: int, projects: int, articles: int, agreements: int | None, seed: int,
               force: bool, **options) -> None:  # fmt: skip
        if agreements is None:
            agreements = shelters * 3 // 5
        if agreements > demo.max_agreements(shelters):
            raise CommandError(
                f"--agreements {agreements} is more than {shelters} shelters can take "
                f"(at most {demo.max_agreements(shelters)}: one per shelter, demo donor and programme phase)."
            )
        real = {kind: n for part in PARTS for kind, n in part.real_record_counts().items() if n}
        if real and not force:
            found = ", ".join(f"{n} {kind}" for kind, n in real.items())
            raise CommandError(
                f"This database holds real records ({found}) that generate_demo did not make. Refusing to mix demo "
                "data into it; use an empty database, or pass --force if you really mean to."
            )

        rng = demo.DemoRandom(seed)
        result = demo.DemoResult()
        started = time.perf_counter()

        def progress(message: str) -> None:
            self.stdout.write(f"  {message} ({time.perf_counter() - started:.1f} s)")

        with transaction.atomic():
            result.removed = sum(part.clear_demo() for part in PARTS)
            started = time.perf_counter()
            states = list(State.objects.order_by("iso_code"))
            donors = demo.make_donors(result)
            shelter_rows = demo.make_shelters(rng, result, shelters, states, progress)
            project_rows = projects_demo.make_projects(rng, result, projects, states, progress)
            demo.make_agreements(rng, result, agreements, shelter_rows, donors, project_rows, progress)
            news_demo.make_articles(rng, result, articles, states, shelter_rows, project_rows, donors, progress)
            result.seconds = time.perf_counter() - started
        self._analyze()
        # bulk_create sends no signals, so cached public pages would not learn about the new rows on their own.
        bump_data_version()
        if result.removed:
            self.stdout.write(f"Replaced the earlier demo dataset ({result.removed:,} rows).")
        for table, rows in result.rows.items():
            self.stdout.write(f"  {table}: {rows:,} rows")
        self.stdout.write(
            self.style.SUCCESS(
                f"Inserted {result.total:,} rows in {result.seconds:.1f} s: {result.rows_per_second:,.0f} rows/s "
                f"(seed {seed})."
            )
        )

    @staticmethod
    def _analyze() -> None:
        """Fresh planner statistics after a bulk load: without them PostgreSQL guesses row counts (30 shelters per
        state instead of 1,500) and picks slow plans until autovacuum gets round to the tables."""
        if connection.in_atomic_block:  # inside a caller's transaction (tests): the statistics can wait
            return
        tables = [model._meta.db_table for part in PARTS for model in part.TABLES]
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute("ANALYZE " + ", ".join(connection.ops.quote_name(t) for t in tables))
            else:
                cursor.execute("ANALYZE")
