"""Fill the database with a large, realistic, reproducible demo dataset for performance work."""

from django.core.management.base import BaseCommand, CommandError, CommandParser


def count(value: str) -> int:
    number = int(value)
    if number < 0:
        raise ValueError(value)
    return number


class Command(BaseCommand):
    help = (
        "Replace the demo dataset (slugs starting with 'demo-') with a new one of the given size, built with "
        "factory-boy and bulk inserts. The same --seed gives the same data. Refuses to run while the database "
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
        try:
            from registry import demo
        except ModuleNotFoundError as exc:
            if exc.name and exc.name.split(".")[0] in {"factory", "faker"}:
                raise CommandError(
                    "generate_demo needs factory-boy, a development dependency: "
                    "pip install -e '.[dev]' (or `make install`)."
                ) from exc
            raise

        if agreements is None:
            agreements = shelters * 3 // 5
        if agreements > demo.max_agreements(shelters):
            raise CommandError(
                f"--agreements {agreements} is more than {shelters} shelters can take "
                f"(at most {demo.max_agreements(shelters)}: one per shelter, demo donor and programme phase)."
            )
        real = {kind: n for kind, n in demo.real_record_counts().items() if n}
        if real and not force:
            found = ", ".join(f"{n} {kind}" for kind, n in real.items())
            raise CommandError(
                f"This database holds real records ({found}) that generate_demo did not make. Refusing to mix demo "
                "data into it; use an empty database, or pass --force if you really mean to."
            )

        result = demo.generate(
            shelters=shelters,
            projects=projects,
            articles=articles,
            agreements=agreements,
            seed=seed,
            progress=lambda message: self.stdout.write(f"  {message}"),
        )
        self._bump_page_cache()
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
    def _bump_page_cache() -> None:
        # bulk_create sends no signals, so cached public pages would not learn about the new rows on their own.
        try:
            from registry.versioned_cache import bump_data_version
        except ImportError:  # a project without the anonymous page cache
            return
        bump_data_version()
