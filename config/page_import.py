"""The page import as one all-or-nothing batch: every page is parsed first, then each app's service writes its
part (thematic areas, then projects, then news, so an article links to projects of the same run) inside one
transaction. Used by `manage.py import_pages` and the admin's upload screen."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import DatabaseError, transaction
from django.utils.translation import gettext

from news.services import article_import
from projects.services import project_import, thematic_areas_import
from registry.importers.pages import NewsPage, OverviewPage, ProjectPage
from registry.importers.records import ImportReport, PageImportError, Problem, RecordWriter, parse_sources


def _validation_message(exc: ValidationError) -> str:
    if hasattr(exc, "message_dict"):
        return "; ".join(f"{name}: {' '.join(msgs)}" for name, msgs in exc.message_dict.items())
    return " ".join(exc.messages)


@transaction.atomic
def pages_import(
    *, sources: list[tuple[str, str]], dry_run: bool = False, change_reason: str = "import_pages"
) -> ImportReport:
    """Parse all `sources` ((name, text) pairs), then write what they say in one transaction.

    Raises PageImportError, with nothing written, if any page cannot be read or classified, or a record cannot be
    saved. With `dry_run` the full report (each field's old → new value) is computed and the transaction rolled
    back.
    """
    parsed = parse_sources(sources)
    report = ImportReport(dry_run=dry_run, pages=[(name, page.kind.value) for name, page in parsed])
    order = {OverviewPage: 0, ProjectPage: 1, NewsPage: 2}
    parsed.sort(key=lambda item: order[type(item[1])])
    writer = RecordWriter(report, change_reason)
    for name, page in parsed:
        writer.source = name
        try:
            if isinstance(page, OverviewPage):
                thematic_areas_import(writer=writer, page=page)
            elif isinstance(page, ProjectPage):
                project_import(writer=writer, page=page)
                report.unknown_labels.extend(
                    gettext("%(file)s, line %(line)s: %(label)s: %(value)s")
                    % {"file": name, "line": u.line, "label": u.label, "value": u.value}
                    for u in page.unknown_labels
                )
            else:
                article_import(writer=writer, page=page)
        except ValidationError as exc:
            raise PageImportError([Problem(name, None, _validation_message(exc))]) from exc
        except DatabaseError as exc:
            raise PageImportError(
                [Problem(name, None, gettext("the database refused a record: %(error)s") % {"error": exc})]
            ) from exc
        writer.page_warnings(page)
    if dry_run:
        transaction.set_rollback(True)
    return report
