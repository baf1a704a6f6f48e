"""The projects' part of the demo dataset (`manage.py generate_demo`): projects with their states, thematic areas
and objectives. Shares the core's randomness, batching and marking (registry.demo)."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

from django.db import models

from projects.models import Coverage, IdfRegion, Project, ProjectObjective, ProjectStatus, ProjectType, ThematicArea
from registry.demo import BATCH_SIZE, DEMO_PREFIX, REFERENCE_DATE, DemoRandom, DemoResult, demo_slug
from registry.models import CooperationAgreement, State

PROJECT_ACTIONS = ("Strengthening", "Supporting", "Improving", "Expanding", "Protecting", "Building")
PROJECT_THEMES = (
    "the capacities of migrant shelters",
    "health care for migrants in transit",
    "access to asylum procedures",
    "the reintegration of returned migrants",
    "the labour inclusion of refugees",
    "data on human mobility",
    "the protection of unaccompanied children",
    "responses to trafficking in persons",
    "social cohesion in host communities",
    "consular protection networks",
    "alternatives to immigration detention",
    "resilience to climate-related displacement",
)
PROJECT_TYPES = (
    ProjectType.IMMIGRATION_BORDERS,
    ProjectType.MIGRATION_HEALTH,
    ProjectType.LABOUR_MOBILITY,
    ProjectType.PROTECTION_ASSISTANCE,
    ProjectType.RESEARCH_PUBLICATION,
    ProjectType.EMERGENCY_POST_CRISIS,
    ProjectType.RETURN_REINTEGRATION,
)
REGIONS = {
    "along the southern border": ("MX-CHP", "MX-TAB", "MX-CAM", "MX-ROO", "MX-OAX"),
    "on the northern border": ("MX-BCN", "MX-SON", "MX-CHH", "MX-COA", "MX-NLE", "MX-TAM"),
    "along the Gulf route": ("MX-TAB", "MX-VER", "MX-TAM", "MX-SLP", "MX-NLE"),
    "in central Mexico": ("MX-CMX", "MX-MEX", "MX-PUE", "MX-TLA", "MX-QUE", "MX-GUA", "MX-JAL"),
}
OBJECTIVES = (
    "Train {n} officials in {theme}.",
    "Equip {n} shelters with what they need to assist migrants in vulnerable situations.",
    "Produce a diagnosis of {theme} and share it with federal and state authorities.",
    "Set up a coordination table between civil society and government in each state covered.",
    "Reach {n} migrants with information on their rights and the services available.",
)

TABLES = (Project, Project.states.through, Project.thematic_areas.through, ProjectObjective)


def real_record_counts() -> dict[str, int]:
    return {"projects": Project.objects.exclude(slug__startswith=DEMO_PREFIX).count()}


def clear_demo() -> int:
    """Delete the demo projects, after the news about them and the demo agreements (cleared first)."""
    demo = DEMO_PREFIX
    # A real agreement may point at a demo project (added with --force): it loses the link, not its life.
    CooperationAgreement.objects.filter(project__slug__startswith=demo).update(project=None)
    querysets: list[models.QuerySet] = [
        ProjectObjective.objects.filter(project__slug__startswith=demo),
        Project.states.through.objects.filter(project__slug__startswith=demo),
        Project.thematic_areas.through.objects.filter(project__slug__startswith=demo),
        Project.objects.filter(slug__startswith=demo),
    ]
    return sum(qs._raw_delete(qs.db) for qs in querysets)


def build_project(rng: DemoRandom, index: int, where: str, theme: str) -> Project:
    title = f"{rng.choice(PROJECT_ACTIONS)} {theme} {where}"
    start_year = rng.randint(2006, 2026)
    end_year = start_year + rng.randint(1, 4)
    if start_year > REFERENCE_DATE.year:
        status = ProjectStatus.PIPELINE
    elif end_year >= REFERENCE_DATE.year:
        status = ProjectStatus.ACTIVE
    else:
        status = rng.weighted(
            ((ProjectStatus.COMPLETED, 92), (ProjectStatus.CANCELLED, 4), (ProjectStatus.SUSPENDED, 4))
        )
    budget = Decimal(rng.randint(50, 4000) * 1000)
    # The demo's texts are English: they fill the English fields.
    return Project(
        title_en=title,
        slug=demo_slug(index, title, 120),
        start_year=start_year,
        end_year=end_year,
        year=start_year,
        status=status,
        project_type=rng.choice(PROJECT_TYPES),
        budget_usd=budget,
        coverage=Coverage.NATIONAL if where == "in Mexico" else Coverage.REGIONAL,
        idf_region=IdfRegion.LATIN_AMERICA_CARIBBEAN,
        prima_id=f"DEMO{index:06d}",
        projects_id=f"DEMO.{index:06d}",
        benefiting_member_states=rng.choice((["MX"], ["MX"], ["GT", "HN", "MX"])),
        summary_en=f"A demo project {where} working on {theme}.",
        description_en=(
            f"This demo project works on {theme} {where}, with federal, state and municipal authorities "
            f"and the civil society organisations that run migrant shelters.\n\nIt runs from {start_year} to "
            f"{end_year} with a budget of USD {budget:,.0f}."
        ),
    )


def make_projects(
    rng: DemoRandom, result: DemoResult, count: int, states: list[State], progress: Callable[[str], None]
) -> list[Project]:
    areas = list(ThematicArea.objects.order_by("slug"))
    by_iso = {s.iso_code: s for s in states}
    created: list[Project] = []
    for start in range(0, count, BATCH_SIZE):
        batch, covered, themed, objectives = [], [], [], []
        for index in range(start, min(start + BATCH_SIZE, count)):
            where = rng.choice([*REGIONS, "in Mexico", "in Mexico", "in one state"])
            if where == "in one state":
                state = rng.choice(states)
                where, project_states = f"in {state.name}", [state]
            elif where == "in Mexico":
                project_states = states
            else:
                project_states = [by_iso[iso] for iso in REGIONS[where]]
            theme = rng.choice(PROJECT_THEMES)
            batch.append((build_project(rng, index + 1, where, theme), project_states, theme))
        result.bulk("projects", [p for p, _, _ in batch])
        for project, project_states, theme in batch:
            covered += [Project.states.through(project_id=project.pk, state_id=s.pk) for s in project_states]
            if areas:
                chosen = rng.sample(areas, rng.randint(1, min(2, len(areas))))
                themed += [Project.thematic_areas.through(project_id=project.pk, thematicarea_id=a.pk) for a in chosen]
            objectives += [
                ProjectObjective(
                    project=project,
                    position=position,
                    text_en=rng.choice(OBJECTIVES).format(n=rng.randint(2, 40) * 10, theme=theme),
                )
                for position in range(1, rng.randint(2, 4) + 1)
            ]
        result.bulk("project states", covered)
        result.bulk("project thematic areas", themed)
        result.bulk("project objectives", objectives)
        created += [p for p, _, _ in batch]
    progress(f"projects: {len(created):,}")
    return created
