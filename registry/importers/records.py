"""What every app's importer shares: the report of an import (each record's action and each field's old → new
value), the refusal that names file and line, and `RecordWriter`, which matches records by natural key and
writes only what differs, so a second run changes nothing and history moves only when the data does.

The parser's messages are English msgids; `translate()` puts them into the active language (the staff member's
in the admin, `--language` for the command).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any, Literal

from django.db import models
from django.db.models.signals import post_save
from django.utils.translation import gettext
from simple_history.utils import bulk_create_with_history

from registry.importers.pages import Page, ParseError, ParseWarning, parse_page, truncate_slug
from registry.models import State

Action = Literal["created", "updated", "unchanged"]
HISTORY_REASON_MAX = 100  # simple-history's change reason column


def translate(message: ParseError | ParseWarning) -> str:
    return gettext(message.msgid) % message.params if message.params else gettext(message.msgid)


def show(value: Any) -> str:
    """A field's value as the report shows it: empty values as a dash, lists joined."""
    if value in (None, "", [], ()):
        return "—"
    if isinstance(value, list | tuple):
        return ", ".join(show(v) for v in value)
    if isinstance(value, dict):
        return ": ".join(str(v) for v in value.values())
    if isinstance(value, date | Decimal):
        return str(value)
    if isinstance(value, models.Model):
        return str(value)
    text = str(value)
    return text if len(text) <= 120 else text[:119] + "…"


@dataclass(frozen=True)
class FieldChange:
    field: str  # the field's verbose name, in the active language
    old: str
    new: str


@dataclass(frozen=True)
class RecordChange:
    model: str
    key: str
    action: Action
    source: str
    changes: tuple[FieldChange, ...] = ()

    @property
    def fields(self) -> tuple[str, ...]:
        return tuple(change.field for change in self.changes)

    @property
    def action_label(self) -> str:
        return {"created": gettext("created"), "updated": gettext("updated"), "unchanged": gettext("unchanged")}[
            self.action
        ]

    def __str__(self) -> str:
        detail = f" ({', '.join(self.fields)})" if self.action == "updated" and self.changes else ""
        return f"{self.action_label} {self.model} {self.key}{detail} [{self.source}]"


@dataclass
class ImportReport:
    dry_run: bool = False
    pages: list[tuple[str, str]] = field(default_factory=list)  # (source, page kind)
    records: list[RecordChange] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    unknown_labels: list[str] = field(default_factory=list)

    def count(self, action: Action) -> int:
        return sum(1 for r in self.records if r.action == action)

    @property
    def created(self) -> int:
        return self.count("created")

    @property
    def updated(self) -> int:
        return self.count("updated")

    @property
    def unchanged(self) -> int:
        return self.count("unchanged")

    @property
    def changed(self) -> bool:
        return any(r.action != "unchanged" for r in self.records)


@dataclass(frozen=True)
class Problem:
    source: str
    line: int | None
    message: str

    def __str__(self) -> str:
        if self.line:
            return gettext("%(file)s, line %(line)s: %(message)s") % {
                "file": self.source,
                "line": self.line,
                "message": self.message,
            }
        return f"{self.source}: {self.message}"


class PageImportError(Exception):
    """The import was refused and nothing was written. Each problem names its source and, if known, the line."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = list(problems)
        super().__init__("; ".join(str(p) for p in self.problems))


def parse_sources(sources: Iterable[tuple[str, str]]) -> list[tuple[str, Page]]:
    """Parse every source before anything is written; all parse errors are reported together."""
    pages: list[tuple[str, Page]] = []
    problems: list[Problem] = []
    for name, text in sources:
        try:
            pages.append((name, parse_page(text)))
        except ParseError as exc:
            problems.append(Problem(name, exc.line, translate(exc)))
    if problems:
        raise PageImportError(problems)
    return pages


def _same(current: Any, new: Any) -> bool:
    if isinstance(current, list) and isinstance(new, list):  # countries: Country objects against codes
        return [str(getattr(item, "code", item)) for item in current] == [str(item) for item in new]
    return current == new or (current in (None, "", []) and new in (None, "", []))


class RecordWriter:
    """Writes one import's records and reports each of them. `source` is the page being written."""

    def __init__(self, report: ImportReport, change_reason: str) -> None:
        self.report = report
        self.change_reason = change_reason[:HISTORY_REASON_MAX]
        self.source = ""
        self._states: dict[str, State] | None = None
        self.cache: dict[str, Any] = {}  # lookups an app's importer keeps for the whole run

    def record(self, model: str, key: str, action: Action, changes: Iterable[FieldChange] = ()) -> None:
        self.report.records.append(RecordChange(model, key, action, self.source, tuple(changes)))

    def warn(self, message: str, line: int | None = None) -> None:
        where = gettext("%(file)s, line %(line)s") % {"file": self.source, "line": line} if line else self.source
        self.report.warnings.append(f"{where}: {message}")

    def fail(self, message: str, line: int | None = None) -> PageImportError:
        return PageImportError([Problem(self.source, line, message)])

    def save(self, obj: models.Model) -> None:
        # Uniqueness is the natural-key lookups' job and the checks the parser's (dates in order, amounts not
        # negative); the database enforces both. Validating them here too cost a query per constraint per record
        # (a third of the import's time, measured with bench/import_pages.py).
        obj.full_clean(validate_unique=False, validate_constraints=False)
        obj._change_reason = self.change_reason  # read by simple-history
        obj.save()

    def create(self, obj: models.Model, key: str, values: dict[str, Any] | None = None) -> None:
        """Save a new record; the report lists the values it was given (all but empty ones)."""
        self.save(obj)
        given = (values or {}).items()
        changes = [self.change(obj, name, None, value) for name, value in given if value not in ("", None, [])]
        self.record(str(obj._meta.verbose_name), key, "created", changes)

    def change(self, obj: models.Model, name: str, old: Any, new: Any) -> FieldChange:
        field = obj._meta.get_field(name)
        if field.choices and field.flatchoices:  # the label staff see ("Activo"), not the value ("active")
            labels = dict(field.flatchoices)
            old, new = labels.get(old, old), labels.get(new, new)
        return FieldChange(str(field.verbose_name), show(old), show(new))

    def update(self, obj: models.Model, values: dict[str, Any]) -> list[FieldChange]:
        """Set `values` on `obj` and save it only if one of them differs; returns each changed field's old → new."""
        changes = []
        for name, value in values.items():
            current = getattr(obj, name)
            if not _same(current, value):
                changes.append(self.change(obj, name, current, value))
                setattr(obj, name, value)
        if changes:
            if hasattr(obj, "version"):
                obj.version += 1  # a staff form opened before the import is now stale
            self.save(obj)
        return changes

    def record_update(self, obj: models.Model, key: str, changes: list[FieldChange]) -> None:
        self.record(str(obj._meta.verbose_name), key, "updated" if changes else "unchanged", changes)

    def add_links(
        self, obj: models.Model, name: str, targets: Iterable[models.Model], *, new: bool = False
    ) -> FieldChange | None:
        """Add the missing links only: adding none would still send m2m signals and write a history row. A record
        created in this run (`new`) has no links yet, so they are not read."""
        manager = getattr(obj, name)
        present = set() if new else set(manager.values_list("pk", flat=True))
        missing = [t for t in dict.fromkeys(targets) if t.pk not in present]
        if not missing:
            return None
        obj._change_reason = self.change_reason
        manager.add(*missing)
        return FieldChange(str(obj._meta.get_field(name).verbose_name), "", "+ " + show([str(t) for t in missing]))

    def create_with_links(self, obj: models.Model, links: dict[str, Iterable[models.Model]]) -> list[FieldChange]:
        """Save a new record and its links as one history entry. simple-history would write one entry for the
        record and one more for each relation linked after it (three per article, measured); the record's own
        post_save is sent again once the links are in, so its one "created" entry holds them."""
        obj.skip_history_when_saving = True  # simple-history's switch: no entry for this save and these links
        try:
            self.save(obj)
            changes = [
                change for name, targets in links.items() if (change := self.add_links(obj, name, targets, new=True))
            ]
        finally:
            del obj.skip_history_when_saving
        post_save.send(sender=type(obj), instance=obj, created=True, update_fields=None, raw=False, using=obj._state.db)
        return changes

    def unique_slug(self, model: type[models.Model], base: str, max_length: int) -> str:
        """A slug no record of `model` has. The model's slugs are read once per import (one query, not one per
        new record) and the ones handed out are added, so two pages of one run never get the same slug."""
        taken: set[str] = self.cache.setdefault(f"slugs:{model._meta.label}", set())
        if not taken:
            taken.update(model._default_manager.values_list("slug", flat=True))
            taken.add("")  # marks the set as loaded, even for a model with no records yet
        base = truncate_slug(base, max_length) or "untitled"
        slug, n = base, 1
        while slug in taken:
            n += 1
            suffix = f"-{n}"
            slug = truncate_slug(base, max_length - len(suffix)) + suffix
        taken.add(slug)
        return slug

    def create_many(self, objs: list[models.Model], keys: list[str], values: list[dict[str, Any]]) -> None:
        """New records of one model at once, each with its history entry (two queries, not two per record)."""
        if not objs:
            return
        for obj in objs:
            obj.full_clean(validate_unique=False, validate_constraints=False, exclude=["project"])
        bulk_create_with_history(objs, type(objs[0]), default_change_reason=self.change_reason)
        for obj, key, given in zip(objs, keys, values, strict=True):
            changes = [self.change(obj, name, None, value) for name, value in given.items() if value not in ("", None)]
            self.record(str(obj._meta.verbose_name), key, "created", changes)

    @property
    def states(self) -> dict[str, State]:
        if self._states is None:
            self._states = {s.iso_code: s for s in State.objects.all()}
        return self._states

    def page_warnings(self, page: Page) -> None:
        self.report.warnings.extend(
            f"{self.source}, {gettext('line %(line)s') % {'line': w.line}}: {translate(w)}" for w in page.warnings
        )
