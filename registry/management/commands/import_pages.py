"""Import saved pages of the IOM Mexico website: project pages, news items and the mission overview."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from registry.importers.load import ImportReport, PageImportError, import_pages


class Command(BaseCommand):
    help = (
        "Import pages in the IOM site's format (project pages, news items, the mission overview) into projects, "
        "articles, shelters, donors, agreements and thematic areas. All-or-nothing and safe to run twice."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("files", nargs="+", metavar="FILE", help="Text files holding one page each.")
        parser.add_argument("--dry-run", action="store_true", help="Report what would change; write nothing.")

    def handle(self, *args, files: list[str], dry_run: bool, verbosity: int, **options) -> None:
        sources = [(name, self.read(name)) for name in files]
        try:
            report = import_pages(sources=sources, dry_run=dry_run, change_reason="import_pages command")
        except PageImportError as exc:
            problems = "\n".join(
                f"  {source}, line {line}: {message}" if line else f"  {source}: {message}"
                for source, line, message in exc.problems
            )
            raise CommandError(f"Nothing was imported:\n{problems}") from exc
        self.report(report, verbosity)

    @staticmethod
    def read(name: str) -> str:
        path = Path(name)
        try:
            return path.read_text(encoding="utf-8")
        except FileNotFoundError as exc:
            raise CommandError(f"{name}: no such file; nothing was imported") from exc
        except IsADirectoryError as exc:
            raise CommandError(f"{name}: is a directory, not a page; nothing was imported") from exc
        except UnicodeDecodeError as exc:
            reason = f"not UTF-8 text ({exc.reason} at byte {exc.start})"
            raise CommandError(f"{name}: {reason}; nothing was imported") from exc
        except OSError as exc:
            raise CommandError(f"{name}: cannot be read ({exc.strerror}); nothing was imported") from exc

    def report(self, report: ImportReport, verbosity: int) -> None:
        kinds = [kind for _, kind in report.pages]
        self.stdout.write(
            f"Read {len(kinds)} page(s): {kinds.count('project')} project, {kinds.count('news')} news, "
            f"{kinds.count('overview')} overview."
        )
        for record in report.records:
            if record.action != "unchanged" or verbosity >= 2:
                self.stdout.write(f"  {record}")
        if report.unknown_labels:
            self.stdout.write(self.style.WARNING(f"Unknown labels, not imported ({len(report.unknown_labels)}):"))
            for label in report.unknown_labels:
                self.stdout.write(f"  {label}")
        if report.warnings:
            self.stdout.write(self.style.WARNING(f"Warnings ({len(report.warnings)}):"))
            for warning in report.warnings:
                self.stdout.write(f"  {warning}")
        summary = f"Created {report.created}, updated {report.updated}, unchanged {report.unchanged}."
        if report.dry_run:
            self.stdout.write(self.style.WARNING(f"Dry run, nothing was written. Would have: {summary}"))
        else:
            self.stdout.write(self.style.SUCCESS(summary))
