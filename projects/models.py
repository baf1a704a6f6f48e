"""Aid projects of the mission and the thematic areas they belong to."""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from registry.models import CooperationAgreement, State, VersionedModel, choice_label, one_language_required


class ThematicAreaManager(models.Manager["ThematicArea"]):
    def get_by_natural_key(self, slug: str) -> ThematicArea:
        return self.get(slug=slug)


class ThematicArea(models.Model):
    """One of the mission's areas of work (protection, health and education, ...); name and description are
    translated (projects/translation.py)."""

    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    name = models.CharField(_("name"), max_length=120, blank=True, default="")  # one language is enough: see Meta
    description = models.TextField(_("description"), blank=True, default="")
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    dac_sector = models.CharField(
        _("OECD DAC sector"),
        max_length=5,
        blank=True,
        validators=[RegexValidator(r"^[0-9]{5}\Z", _("Give a 5-digit OECD DAC CRS purpose code, e.g. 15190."))],
        help_text=_(
            "The 5-digit OECD DAC CRS purpose code this area's work is reported under in IATI (e.g. 15190, "
            "facilitation of orderly, safe, regular and responsible migration). Empty: none."
        ),
    )

    # history: registered in projects/translation.py, after the translated fields exist
    objects = ThematicAreaManager()

    class Meta:
        ordering = ["position", "slug"]
        verbose_name = _("thematic area")
        verbose_name_plural = _("thematic areas")
        constraints = [
            one_language_required(
                "name", label="thematic_area", message=_("Write the name in Spanish, in English or in both.")
            ),
            models.CheckConstraint(
                condition=Q(dac_sector="") | Q(dac_sector__gte="10000", dac_sector__lte="99999"),
                name="thematic_area_dac_sector_five_digits",
                violation_error_message=_("The OECD DAC sector is a 5-digit purpose code, e.g. 15190."),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def natural_key(self) -> tuple[str]:
        return (self.slug,)


class ProjectStatus(models.TextChoices):
    PIPELINE = "pipeline", _("Pipeline")
    ACTIVE = "active", _("Active")
    COMPLETED = "completed", _("Completed")
    SUSPENDED = "suspended", _("Suspended")
    CANCELLED = "cancelled", _("Cancelled")


# IOM's own vocabularies for its project pages, with the Spanish names of its Mexico office's pages. The importer
# matches a page's words in either language (`choice_from_text`).
class ProjectType(models.TextChoices):
    IMMIGRATION_BORDERS = "immigration_borders", _("Immigration and Borders")
    MIGRATION_HEALTH = "migration_health", _("Migration Health")
    LABOUR_MOBILITY = "labour_mobility", _("Labour Mobility and Human Development")
    PROTECTION_ASSISTANCE = "protection_assistance", _("Migrant Protection and Assistance")
    RESEARCH_PUBLICATION = "research_publication", _("Migration Research and Publication")
    EMERGENCY_POST_CRISIS = "emergency_post_crisis", _("Emergency and Post-crisis")
    RETURN_REINTEGRATION = "return_reintegration", _("Return and Reintegration")
    COUNTER_TRAFFICKING = "counter_trafficking", _("Counter-Trafficking")
    POLICY_GOVERNANCE = "policy_governance", _("Migration Policy and Governance")


class Coverage(models.TextChoices):
    LOCAL = "local", _("Local")
    NATIONAL = "national", _("National")
    REGIONAL = "regional", _("Regional")
    GLOBAL = "global", _("Global")


class IdfRegion(models.TextChoices):
    LATIN_AMERICA_CARIBBEAN = "latin_america_caribbean", _("Latin America and the Caribbean")
    AFRICA = "africa", _("Africa")
    ASIA_PACIFIC = "asia_pacific", _("Asia and the Pacific")
    EUROPE = "europe", _("Europe")
    MIDDLE_EAST_NORTH_AFRICA = "middle_east_north_africa", _("Middle East and North Africa")
    GLOBAL = "global", _("Global")


class ProjectQuerySet(models.QuerySet["Project"]):
    def in_region(self, region: str) -> ProjectQuerySet:
        # A semi-join (IN) rather than a join + DISTINCT: no duplicate rows to sort away, and the default order's
        # index can still serve the first page.
        linked = self.model.states.through.objects.filter(state__region=region).values("project_id")
        return self.filter(pk__in=linked)

    def for_list(self) -> ProjectQuerySet:
        return self.prefetch_related("thematic_areas", "states")

    def for_detail(self) -> ProjectQuerySet:
        return self.prefetch_related("thematic_areas", "states", "objectives")

    def for_export(self) -> ProjectQuerySet:
        """Everything the CSV and IATI exports read, funders (donors of linked agreements) included."""
        return self.prefetch_related(
            "thematic_areas",
            "states",
            "objectives",
            # Only the funders' names: whole agreements with their texts, 500 projects' worth at a time, held
            # 26 MB in the worker that built the IATI export (bench/RESULTS.md).
            models.Prefetch(
                "agreements",
                queryset=CooperationAgreement.objects.select_related("donor").only("project_id", "donor__name"),
            ),
        )


def in_default_order(projects: Iterable[Project]) -> list[Project]:
    """Projects already read (with another model's rows), sorted as Meta.ordering sorts them in the database:
    latest start year first, undated last, then by the title in the active language (the column
    django-modeltranslation orders by; an unwritten one, NULL, last as PostgreSQL puts it)."""
    column = f"title_{(get_language() or settings.LANGUAGE_CODE).split('-')[0]}"

    def key(project: Project) -> tuple[bool, int, bool, str]:
        title = getattr(project, column, None)
        return (project.start_year is None, -(project.start_year or 0), title is None, title or "")

    return sorted(projects, key=key)


class ProjectManager(models.Manager.from_queryset(ProjectQuerySet)):  # type: ignore[misc]
    def get_by_natural_key(self, projects_id: str) -> Project:
        return self.get(projects_id=projects_id)


class Project(VersionedModel):
    title = models.CharField(_("title"), max_length=300, blank=True, default="")  # one language is enough: see Meta
    slug = models.SlugField(_("slug"), max_length=120, unique=True)
    # Empty when the source gives no dates (the IOM Development Fund's project pages do not).
    start_year = models.PositiveSmallIntegerField(_("start year"), null=True, blank=True)
    end_year = models.PositiveSmallIntegerField(_("end year"), null=True, blank=True)
    start_date = models.DateField(_("start date"), null=True, blank=True, help_text=_("When the exact day is known."))
    end_date = models.DateField(_("end date"), null=True, blank=True, help_text=_("When the exact day is known."))
    status = models.CharField(
        _("status"), max_length=20, choices=ProjectStatus.choices, default=ProjectStatus.ACTIVE, db_index=True
    )
    project_type = models.CharField(
        _("project type"), max_length=40, choices=ProjectType.choices, blank=True, db_index=True
    )
    budget_usd = models.DecimalField(_("budget (USD)"), max_digits=14, decimal_places=2, null=True, blank=True)
    coverage = models.CharField(_("coverage"), max_length=20, choices=Coverage.choices, blank=True)
    year = models.PositiveSmallIntegerField(_("year"), null=True, blank=True)
    idf_region = models.CharField(_("IDF region"), max_length=40, choices=IdfRegion.choices, blank=True)
    # Older projects have no Prima ID: the Projects ID is the key every project has (unique when present, below).
    prima_id = models.CharField(_("Prima ID"), max_length=20, blank=True)
    projects_id = models.CharField(_("Projects ID"), max_length=20, unique=True)
    benefiting_member_states = CountryField(_("benefiting member states"), multiple=True, blank=True)
    extra_labels = models.JSONField(
        _("other labelled values"),
        default=list,
        blank=True,
        help_text=_("Labels and values of the source page that have no field of their own, kept as they were."),
    )
    summary = models.TextField(_("summary"), blank=True, default="")
    description = models.TextField(_("description"), blank=True, default="")
    source_url = models.URLField(_("source URL"), blank=True)
    thematic_areas = models.ManyToManyField(
        ThematicArea, blank=True, related_name="projects", verbose_name=_("thematic areas")
    )
    states = models.ManyToManyField(State, blank=True, related_name="projects", verbose_name=_("states covered"))

    # history: registered in projects/translation.py, after the translated fields exist
    objects = ProjectManager()

    class Meta:
        # Projects without dates sort after dated ones, on both databases; the id makes the order total, so that
        # pages neither repeat nor skip a project. PostgreSQL reads it from an index per language (the title is
        # the page language's: projects/migrations/0009; SQLite cannot index NULLS LAST).
        ordering = [F("start_year").desc(nulls_last=True), "title", "id"]
        verbose_name = _("project")
        verbose_name_plural = _("projects")
        constraints = [
            models.CheckConstraint(
                condition=Q(budget_usd__isnull=True) | Q(budget_usd__gte=0),
                name="project_budget_non_negative",
                violation_error_message=_("The budget cannot be negative."),
            ),
            models.CheckConstraint(
                condition=Q(end_year__isnull=True) | Q(end_year__gte=F("start_year")),
                name="project_end_year_after_start",
                violation_error_message=_("The end year cannot be before the start year."),
            ),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(start_date__isnull=True) | Q(end_date__gte=F("start_date")),
                name="project_end_date_after_start",
                violation_error_message=_("The end date cannot be before the start date."),
            ),
            models.CheckConstraint(
                condition=Q(start_year__isnull=True) | Q(start_year__gte=1950, start_year__lte=2100),
                name="project_start_year_plausible",
                violation_error_message=_("The start year must be between 1950 and 2100."),
            ),
            models.UniqueConstraint(
                fields=["prima_id"],
                condition=~Q(prima_id=""),
                name="project_prima_id_unique_when_present",
                violation_error_message=_("Another project already has this Prima ID."),
            ),
            models.CheckConstraint(
                condition=Q(status__in=ProjectStatus.values),
                name="project_status_valid",
                violation_error_message=_("Choose a status from the list."),
            ),
            one_language_required(
                "title", label="project", message=_("Write the title in Spanish, in English or in both.")
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("project_detail", kwargs={"slug": self.slug})

    @property
    def status_label(self) -> str:
        return choice_label(ProjectStatus, self.status)

    @property
    def project_type_label(self) -> str:
        return choice_label(ProjectType, self.project_type) if self.project_type else ""

    @property
    def coverage_label(self) -> str:
        return choice_label(Coverage, self.coverage) if self.coverage else ""

    @property
    def idf_region_label(self) -> str:
        return choice_label(IdfRegion, self.idf_region) if self.idf_region else ""

    def natural_key(self) -> tuple[str]:
        return (self.projects_id,)

    @property
    def period(self) -> str:
        if self.start_year is None:
            return str(self.end_year or "")
        if self.end_year and self.end_year != self.start_year:
            return f"{self.start_year}–{self.end_year}"
        return str(self.start_year)


class ProjectObjectiveManager(models.Manager["ProjectObjective"]):
    def get_by_natural_key(self, projects_id: str, position: int) -> ProjectObjective:
        return self.get(project__projects_id=projects_id, position=position)


class ProjectObjective(models.Model):
    """An objective or output of a project, in the order the project lists them."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="objectives")
    position = models.PositiveSmallIntegerField(_("position"))
    text = models.TextField(_("text"), blank=True, default="")  # one language is enough: see Meta

    # history: registered in projects/translation.py, after the translated fields exist
    objects = ProjectObjectiveManager()

    class Meta:
        ordering = ["project", "position"]
        verbose_name = _("objective or output")
        verbose_name_plural = _("objectives and outputs")
        constraints = [
            models.UniqueConstraint(fields=["project", "position"], name="objective_unique_position"),
            one_language_required(
                "text", label="objective", message=_("Write the text in Spanish, in English or in both.")
            ),
        ]

    def __str__(self) -> str:
        return f"{self.position}) {self.text[:60]}"

    def natural_key(self) -> tuple[str, int]:
        return (self.project.projects_id, self.position)

    natural_key.dependencies = ["projects.project"]  # type: ignore[attr-defined]
