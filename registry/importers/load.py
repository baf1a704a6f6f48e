"""Map parsed pages onto the registry's models, all in one transaction.

Every record is found by its natural key (projects by Prima ID, then Projects ID; articles by slug, then title;
shelters by name, ignoring accents, case and the "Albergue" prefix; donors by acronym; agreements by reference;
thematic areas by slug) and written only when a value differs, so a second run changes nothing, and history and
`updated_at` move only when the data does. Text that staff curate (summaries, a donor's or shelter's details)
is filled when empty and never overwritten; links between records are only ever added.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from django.core.exceptions import ValidationError
from django.db import DatabaseError, models, transaction
from django.utils import translation
from django.utils.text import slugify

from news.models import Article
from projects.models import Coverage, IdfRegion, Project, ProjectObjective, ProjectType, ThematicArea
from registry.importers.pages import (
    NewsPage,
    OverviewPage,
    Page,
    ParseError,
    ProjectPage,
    ShelterMention,
    fold,
    parse_page,
    shorten,
    truncate_slug,
)
from registry.models import CooperationAgreement, Donor, Shelter, State, SupportCategory, SupportItem
from registry.vocabulary import choice_from_text, country_codes_from_text

Action = Literal["created", "updated", "unchanged"]
PROJECT_SLUG_MAX = 80
_HISTORY_REASON_MAX = 100  # simple-history's change reason column


@dataclass(frozen=True)
class RecordChange:
    model: str
    key: str
    action: Action
    source: str
    fields: tuple[str, ...] = ()

    def __str__(self) -> str:
        detail = f" ({', '.join(self.fields)})" if self.action == "updated" and self.fields else ""
        return f"{self.action} {self.model} {self.key}{detail} [{self.source}]"


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


class PageImportError(Exception):
    """The import was refused and nothing was written. Each problem names its source and, if known, the line."""

    def __init__(self, problems: Sequence[tuple[str, int | None, str]]) -> None:
        self.problems = list(problems)
        super().__init__(
            "; ".join(f"{source}, line {line}: {msg}" if line else f"{source}: {msg}" for source, line, msg in problems)
        )


def parse_sources(sources: Iterable[tuple[str, str]]) -> list[tuple[str, Page]]:
    """Parse every source before anything is written; all parse errors are reported together."""
    pages: list[tuple[str, Page]] = []
    problems: list[tuple[str, int | None, str]] = []
    for name, text in sources:
        try:
            pages.append((name, parse_page(text)))
        except ParseError as exc:
            problems.append((name, exc.line, exc.message))
    if problems:
        raise PageImportError(problems)
    return pages


def import_pages(
    *, sources: list[tuple[str, str]], dry_run: bool = False, change_reason: str = "import_pages"
) -> ImportReport:
    """Parse all `sources` ((name, text) pairs), then write what they say in one transaction.

    Raises PageImportError, with nothing written, if any page is malformed or a record cannot be saved.
    With `dry_run` the full report is computed and the transaction rolled back.
    """
    parsed = parse_sources(sources)
    report = ImportReport(dry_run=dry_run, pages=[(name, page.kind.value) for name, page in parsed])
    # Areas first, then projects, then news: an article links to projects imported in the same run.
    order = {OverviewPage: 0, ProjectPage: 1, NewsPage: 2}
    parsed.sort(key=lambda item: order[type(item[1])])
    loader = _Loader(report, change_reason[:_HISTORY_REASON_MAX])
    with transaction.atomic():
        for name, page in parsed:
            loader.source = name
            try:
                # The pages read so far are IOM's English pages: their text fills the English fields (`title` is
                # the active language's). Filling each page's own language is the importer's next step.
                with transaction.atomic(), translation.override("en"):
                    loader.load(page)
            except ValidationError as exc:
                raise PageImportError([(name, None, _validation_message(exc))]) from exc
            except DatabaseError as exc:
                raise PageImportError([(name, None, f"the database refused a record: {exc}")]) from exc
        if dry_run:
            transaction.set_rollback(True)
    return report


def _validation_message(exc: ValidationError) -> str:
    if hasattr(exc, "message_dict"):
        return "; ".join(f"{field}: {' '.join(msgs)}" for field, msgs in exc.message_dict.items())
    return " ".join(exc.messages)


def _shelter_key(name: str) -> str:
    """A shelter's name for matching: no accents, case, punctuation or leading "Albergue"."""
    key = re.sub(r"[^\w\s]", " ", fold(name))
    key = re.sub(r"\s+", " ", key).strip()
    return re.sub(r"^albergue\s+", "", key)


def _same(current: Any, new: Any) -> bool:
    if isinstance(current, list) and isinstance(new, list):  # countries: Country objects against codes
        return [str(getattr(item, "code", item)) for item in current] == [str(item) for item in new]
    return current == new or (current in (None, "") and new in (None, ""))


class _Loader:
    def __init__(self, report: ImportReport, change_reason: str) -> None:
        self.report = report
        self.change_reason = change_reason
        self.source = ""
        self._states: dict[str, State] | None = None
        self._shelters: dict[str, list[int]] | None = None

    # --- plumbing ----------------------------------------------------------------------------------------------

    def record(self, model: str, key: str, action: Action, fields: Iterable[str] = ()) -> None:
        self.report.records.append(RecordChange(model, key, action, self.source, tuple(fields)))

    def warn(self, message: str, line: int | None = None) -> None:
        where = f"{self.source}, line {line}" if line else self.source
        self.report.warnings.append(f"{where}: {message}")

    def save(self, obj: models.Model) -> None:
        obj.full_clean(validate_unique=False)
        obj._change_reason = self.change_reason  # read by simple-history
        obj.save()

    def vocabulary(self, choices: type[models.TextChoices], text: str, label: str) -> str:
        """The code for a vocabulary word of the page; a word outside the vocabulary is left out, with a warning."""
        code = choice_from_text(choices, text)
        if text and code is None:
            self.report.warnings.append(f"{self.source}, {label}: {text!r} is not in the vocabulary; left out")
        return code or ""

    def countries(self, text: str) -> list[str]:
        codes, unknown = country_codes_from_text(text)
        for name in unknown:
            self.report.warnings.append(f"{self.source}, Benefiting Member States: no country named {name!r}")
        return sorted(set(codes))  # as the field stores them, so an unchanged page compares equal

    def create(self, obj: models.Model, model: str, key: str) -> None:
        self.save(obj)
        self.record(model, key, "created")

    def update(self, obj: models.Model, values: dict[str, Any]) -> list[str]:
        """Set `values` on `obj` and save it only if one of them differs; returns the fields that changed."""
        changed = [name for name, value in values.items() if not _same(getattr(obj, name), value)]
        if changed:
            for name in changed:
                setattr(obj, name, values[name])
            if hasattr(obj, "version"):
                obj.version += 1  # a staff form opened before the import is now stale
            self.save(obj)
        return changed

    def add_links(self, obj: models.Model, name: str, targets: Iterable[models.Model]) -> bool:
        """Add the missing links only: adding none would still send m2m signals and write a history row."""
        manager = getattr(obj, name)
        present = set(manager.values_list("pk", flat=True))
        missing = [t for t in dict.fromkeys(targets) if t.pk not in present]
        if missing:
            obj._change_reason = self.change_reason
            manager.add(*missing)
        return bool(missing)

    def unique_slug(self, model: type[models.Model], base: str, max_length: int) -> str:
        base = truncate_slug(base, max_length) or "untitled"
        slug, n = base, 1
        while model._default_manager.filter(slug=slug).exists():
            n += 1
            suffix = f"-{n}"
            slug = truncate_slug(base, max_length - len(suffix)) + suffix
        return slug

    @property
    def states(self) -> dict[str, State]:
        if self._states is None:
            self._states = {s.iso_code: s for s in State.objects.all()}
        return self._states

    def load(self, page: Page) -> None:
        if isinstance(page, ProjectPage):
            self.load_project(page)
            self.report.unknown_labels.extend(f"{self.source}, {label}" for label in page.unknown_labels)
        elif isinstance(page, NewsPage):
            self.load_news(page)
        else:
            self.load_overview(page)
        self.report.warnings.extend(f"{self.source}, {w}" for w in page.warnings)

    # --- thematic areas ----------------------------------------------------------------------------------------

    def load_overview(self, page: OverviewPage) -> None:
        by_name = {fold(a.name_en).replace("labor", "labour"): a for a in ThematicArea.objects.all()}
        for entry in page.areas:
            area = (
                ThematicArea.objects.filter(slug=entry.slug).first()
                or by_name.get(fold(entry.name).replace("labor", "labour"))
                or ThematicArea(slug=entry.slug, name_en=entry.name, position=entry.position)
            )
            if area.pk is None:
                area.description = entry.description
                self.create(area, "thematic area", entry.slug)
                continue
            # The mission's own wording of an area is staff-curated: only fill what is missing.
            changed = self.update(area, {"description": area.description or entry.description})
            self.record("thematic area", area.slug, "updated" if changed else "unchanged", changed)

    # --- projects ----------------------------------------------------------------------------------------------

    def load_project(self, page: ProjectPage) -> None:
        project = Project.objects.filter(prima_id=page.prima_id).first()
        by_projects_id = Project.objects.filter(projects_id=page.projects_id).first()
        if project is None:
            project = by_projects_id
            if project is not None:
                raise PageImportError(
                    [
                        (
                            self.source,
                            page.title_line,
                            f"Projects ID {page.projects_id} belongs to project Prima ID {project.prima_id}, "
                            f"but the page gives Prima ID {page.prima_id}",
                        )
                    ]
                )
        elif by_projects_id is not None and by_projects_id.pk != project.pk:
            raise PageImportError(
                [
                    (
                        self.source,
                        page.title_line,
                        f"Projects ID {page.projects_id} belongs to project {by_projects_id.prima_id}, "
                        f"not to {page.prima_id}",
                    )
                ]
            )

        # Only what the page states: a label the page leaves out never blanks a field staff filled in.
        values: dict[str, Any] = {
            "title": page.title,
            "prima_id": page.prima_id,
            "projects_id": page.projects_id,
            "start_year": page.start_year,
            "end_year": page.end_year,
            "start_date": page.start_date,
            "end_date": page.end_date,
            "status": page.status,
            "project_type": self.vocabulary(ProjectType, page.project_type, "Project Type"),
            "budget_usd": page.budget_usd,
            "coverage": self.vocabulary(Coverage, page.coverage, "Coverage"),
            "year": page.year,
            "idf_region": self.vocabulary(IdfRegion, page.idf_region, "IDF Region"),
            "benefiting_member_states": self.countries(page.benefiting_member_states),
            "description": page.description,
        }
        values = {k: v for k, v in values.items() if v not in (None, "", [])}
        lead = page.description.split("\n\n")[0] if page.description else ""
        if project is None:
            project = Project(**values, summary=shorten(lead))
            project.slug = self.unique_slug(Project, slugify(page.title), PROJECT_SLUG_MAX)
            self.create(project, "project", page.prima_id)
        else:
            if not project.summary and lead:
                values["summary"] = shorten(lead)  # staff's summary is kept; an empty one is filled
            changed = self.update(project, values)
            self.record("project", page.prima_id, "updated" if changed else "unchanged", changed)

        existing = {o.position: o for o in project.objectives.all()}
        for position, text in enumerate(page.objectives, start=1):
            key = f"{page.prima_id} #{position}"
            objective = existing.pop(position, None)
            if objective is None:
                self.create(ProjectObjective(project=project, position=position, text=text), "objective", key)
            else:
                changed = self.update(objective, {"text": text})
                self.record("objective", key, "updated" if changed else "unchanged", changed)
        for position in sorted(existing):
            if page.objectives:
                self.warn(f"project {page.prima_id} has objective #{position}, which the page does not list: kept")

    # --- news, and the shelters, donor and agreements it announces ---------------------------------------------

    def load_news(self, page: NewsPage) -> None:
        shelters = [s for s in (self.shelter(m) for m in page.shelters) if s is not None]
        donors = [self.donor(d.name, d.acronym, d.country) for d in page.donors]
        if page.announces_agreements:
            self.agreements(page, shelters, donors)

        article = Article.objects.filter(slug=page.slug).first()
        if article is None:
            article = next((a for a in Article.objects.filter(title__iexact=page.title)), None)
        values: dict[str, Any] = {"title": page.title, "body": page.body}
        if page.published_on:
            values["published_on"] = page.published_on
        if page.press_contact:
            values["press_contact"] = page.press_contact.as_text()
        if article is None:
            article = Article(slug=page.slug, summary=page.summary, **values)
            self.save(article)
            action: Action = "created"
            changed: list[str] = []
        else:
            if not article.summary:
                values["summary"] = page.summary
            changed = self.update(article, values)
            action = "updated" if changed else "unchanged"

        states = [self.states[iso] for iso in page.state_isos if iso in self.states]
        links = {"states": states, "shelters": shelters, "projects": self.projects_named(page.body)}
        for name, targets in links.items():
            if self.add_links(article, name, targets):
                changed.append(name)
        if action == "unchanged" and changed:
            action = "updated"
        self.record("article", article.slug, action, changed)

    def projects_named(self, text: str) -> list[Project]:
        """Projects the article names by Prima ID, Projects ID or full title."""
        folded = fold(text)
        named = []
        for project in Project.objects.only("pk", "prima_id", "projects_id", "title"):
            ids = (project.prima_id, project.projects_id)
            if any(re.search(rf"\b{re.escape(i)}\b", text) for i in ids) or fold(project.title) in folded:
                named.append(project)
        return named

    def shelter(self, mention: ShelterMention) -> Shelter | None:
        if self._shelters is None:
            self._shelters = {}
            for pk, name in Shelter.objects.values_list("pk", "name"):
                self._shelters.setdefault(_shelter_key(name), []).append(pk)
        matches = self._shelters.get(_shelter_key(mention.name), [])
        if matches:
            found = list(Shelter.objects.filter(pk__in=matches).select_related("state"))
            if len(found) > 1:
                same_state = [s for s in found if s.state.iso_code == mention.state_iso]
                found = same_state or found
                if len(found) > 1:
                    self.warn(
                        f"{len(found)} shelters are named {mention.name!r}; linked to the one in {found[0].state}",
                        mention.line,
                    )
            self.record("shelter", found[0].slug, "unchanged")
            return found[0]

        state = self.states.get(mention.state_iso or "")
        if state is None:
            self.warn(f"shelter {mention.name!r} is not in the registry and no state is named: skipped", mention.line)
            return None
        basis = {
            "clause": "the state named right after it",
            "sentence": "the state named in the same sentence",
            "paragraph": "the only state named in the same paragraph",
            "article": "the first state the article names",
        }[mention.state_basis]
        shelter = Shelter(name=mention.name, state=state)
        shelter.slug = self.unique_slug(Shelter, slugify(mention.name), 200)
        self.create(shelter, "shelter", shelter.slug)
        self.warn(
            f"shelter {mention.name!r} was not in the registry: created in {state.name} ({basis}); "
            "verify its state and add its details",
            mention.line,
        )
        self._shelters.setdefault(_shelter_key(mention.name), []).append(shelter.pk)
        return shelter

    def donor(self, name: str, acronym: str, country: str) -> Donor:
        donor = Donor.objects.filter(acronym__iexact=acronym).first()
        if donor is None:
            if Donor.objects.filter(name__iexact=name).exists():
                raise PageImportError(
                    [(self.source, None, f"a donor named {name!r} exists under another acronym than {acronym}")]
                )
            donor = Donor(name=name, acronym=acronym, country=country)
            self.create(donor, "donor", acronym)
            return donor
        # The registry's name for a donor is curated ("..., US Department of State"): fill blanks only.
        changed = self.update(donor, {"country": donor.country or country})
        self.record("donor", donor.acronym, "updated" if changed else "unchanged", changed)
        return donor

    def agreements(self, page: NewsPage, shelters: list[Shelter], donors: list[Donor]) -> None:
        if not donors:
            self.warn("the article announces agreements but names no donor with its acronym: agreements not recorded")
            return
        phase = page.programme_phase
        if phase is None:
            phase = 1
            self.warn("the article does not say which programme phase or year this is: phase 1 assumed")
        for donor in donors:
            for shelter in shelters:
                reference = f"{donor.acronym}-{phase}-{shelter.slug}"[:80]
                agreement = (
                    CooperationAgreement.objects.filter(reference=reference).first()
                    or CooperationAgreement.objects.filter(shelter=shelter, donor=donor, programme_phase=phase).first()
                )
                if agreement is None:
                    agreement = CooperationAgreement(
                        reference=reference, shelter=shelter, donor=donor, programme_phase=phase
                    )
                    self.create(agreement, "agreement", reference)
                else:
                    self.record("agreement", agreement.reference, "unchanged")
                self.support_items(agreement, page)

    def support_items(self, agreement: CooperationAgreement, page: NewsPage) -> None:
        existing = list(agreement.items.all())
        for item in page.support_items:
            key = f"{agreement.reference} / {item.category}: {item.description}"
            if self.has_item(existing, item.category, item.description):
                self.record("support item", key, "unchanged")
                continue
            new = SupportItem(agreement=agreement, category=item.category, description=item.description)
            self.create(new, "support item", key)
            existing.append(new)

    @staticmethod
    def has_item(existing: list[SupportItem], category: str, description: str) -> bool:
        """Whether the agreement already records this support, perhaps in staff's own words: any item of the
        same category does for goods; a training topic must match (one name containing the other)."""
        same = [i for i in existing if i.category == category]
        if category != SupportCategory.TRAINING:
            return bool(same)
        wanted = fold(description)
        return any(wanted in fold(i.description) or fold(i.description) in wanted for i in same)
