"""Import saved pages of IOM's websites: project pages, news items and the mission overview."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import translation
from django.utils.translation import gettext

from config.page_import import pages_import
from registry.importers.records import ImportReport, PageImportError


class Command(BaseCommand):
    help = (
        "Import pages saved from IOM's websites (project pages in any of their three layouts, news items, the "
        "mission overview) into projects, articles, shelters, donors, agreements and thematic areas. "
        "All-or-nothing and safe to run twice. Sample pages: samples/pages/."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("files", nargs="+", metavar="FILE", help="Text files holding one page each.")
        parser.add_argument(
            "--dry-run", action="store_true", help="Show each record's changes (old → new); write nothing."
        )
        parser.add_argument(
            "--language", choices=["es", "en"], default=None, help="Language of the report (default: the site's)."
        )

    def handle(self, *args, files: list[str], dry_run: bool, verbosity: int, language: str | None, **options) -> None:
        with translation.override(language or translation.get_language()):
            sources = [(name, self.read(name)) for name in files]
            try:
                report = pages_import(sources=sources, dry_run=dry_run, change_reason="import_pages command")
            except PageImportError as exc:
                problems = "\n".join(f"  {problem}" for problem in exc.problems)
                raise CommandError(gettext("Nothing was imported:") + "\n" + problems) from exc
            self.report(report, verbosity)

    @staticmethod
    def read(name: str) -> str:
        path = Path(name)
        nothing = gettext("nothing was imported")
        try:
            return path.read_text(encoding="utf-8-sig")
        except FileNotFoundError as exc:
            raise CommandError(f"{name}: {gettext('no such file')}; {nothing}") from exc
        except IsADirectoryError as exc:
            raise CommandError(f"{name}: {gettext('is a directory, not a page')}; {nothing}") from exc
        except UnicodeDecodeError as exc:
            reason = gettext("not UTF-8 text (byte %(position)s)") % {"position": exc.start}
            raise CommandError(f"{name}: {reason}; {nothing}") from exc
        except OSError as exc:
            reason = gettext("cannot be read (%(error)s)") % {"error": exc.strerror}
            raise CommandError(f"{name}: {reason}; {nothing}") from exc

    def report(self, report: ImportReport, verbosity: int) -> None:
        kinds = [kind for _, kind in report.pages]
        self.stdout.write(
            gettext("Read %(total)s page(s): %(project)s project, %(news)s news, %(overview)s overview.")
            % {
                "total": len(kinds),
                "project": kinds.count("project"),
                "news": kinds.count("news"),
                "overview": kinds.count("overview"),
            }
        )
        for record in report.records:
            if record.action == "unchanged" and verbosity < 2:
                continue
            self.stdout.write(f"  {record}")
            if report.dry_run or verbosity >= 2:
                for change in record.changes:
                    self.stdout.write(f"      {change.field}: {change.old} → {change.new}")
        if report.unknown_labels:
            self.stdout.write(
                self.style.WARNING(
                    gettext("Labels the importer does not know, kept with the project (%(count)s):")
                    % {"count": len(report.unknown_labels)}
                )
            )
            for label in report.unknown_labels:
                self.stdout.write(f"  {label}")
        if report.warnings:
            self.stdout.write(self.style.WARNING(gettext("Warnings (%(count)s):") % {"count": len(report.warnings)}))
            for warning in report.warnings:
                self.stdout.write(f"  {warning}")
        summary = gettext("Created %(created)s, updated %(updated)s, unchanged %(unchanged)s.") % {
            "created": report.created,
            "updated": report.updated,
            "unchanged": report.unchanged,
        }
        if report.dry_run:
            self.stdout.write(
                self.style.WARNING(
                    gettext("Dry run, nothing was written. Would have: %(summary)s") % {"summary": summary}
                )
            )
        else:
            self.stdout.write(self.style.SUCCESS(summary))
