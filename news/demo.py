"""The news part of the demo dataset (`manage.py generate_demo`): articles about events in the states, linked to
the demo shelters and projects. Shares the core's randomness, batching and marking (registry.demo)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from django.db import models
from django.db.models import Q

from news.models import Article
from projects.models import Project
from registry.demo import (
    BATCH_SIZE,
    DEMO_PREFIX,
    MUNICIPALITIES,
    REFERENCE_DATE,
    DemoRandom,
    DemoResult,
    demo_slug,
)
from registry.models import Donor, Shelter, State

ARTICLE_EVENTS = (
    ("IOM Delivers Hygiene Kits to Shelters in {place}", "delivered hygiene kits to shelters in {place}"),
    ("IOM Trains Shelter Staff in {place} on Psychological First Aid", "trained shelter staff in {place}"),
    ("IOM Signs Cooperation Agreements with Shelters in {place}", "signed cooperation agreements in {place}"),
    ("A New Migrant Information Point Opens in {place}", "opened a migrant information point in {place}"),
    ("Shelter Renovation Completed in {place}", "completed the renovation of a shelter in {place}"),
    ("IOM Presents a Study on Migrant Health in {place}", "presented a study on migrant health in {place}"),
    ("Authorities and IOM Hold a Migration Forum in {place}", "held a migration forum in {place}"),
    ("Mobile Health Clinic Reaches Migrants in {place}", "sent a mobile health clinic to {place}"),
)
ARTICLE_PARAGRAPHS = (
    "Shelters in {state} have received more people than usual in recent months, many of them families with "
    "small children.",
    "The activity is part of a programme funded by {donor}, which supports shelters along the main migration routes.",
    "Staff and volunteers said the support allows them to keep their doors open and to refer people with urgent "
    "health needs to local clinics.",
    "State and municipal authorities took part and agreed to meet again to follow up on the commitments made.",
    "Since the programme started, more than {n} people have been assisted in the shelters it supports.",
)
PRESS_CONTACTS = ("Laura Méndez", "Carlos Ruiz", "Ana Sofía Torres", "Jorge Castillo", "María Fernanda López")

TABLES = (Article, Article.states.through, Article.shelters.through, Article.projects.through)


def real_record_counts() -> dict[str, int]:
    return {"articles": Article.objects.exclude(slug__startswith=DEMO_PREFIX).count()}


def clear_demo() -> int:
    """Delete the demo articles and every link to a demo shelter or project (first: they point at both)."""
    demo = DEMO_PREFIX
    querysets: list[models.QuerySet] = [
        Article.states.through.objects.filter(article__slug__startswith=demo),
        Article.shelters.through.objects.filter(Q(article__slug__startswith=demo) | Q(shelter__slug__startswith=demo)),
        Article.projects.through.objects.filter(Q(article__slug__startswith=demo) | Q(project__slug__startswith=demo)),
        Article.objects.filter(slug__startswith=demo),
    ]
    return sum(qs._raw_delete(qs.db) for qs in querysets)


def build_article(rng: DemoRandom, index: int, state: State, donor_name: str) -> Article:
    """A news item about something that happened in `state`."""
    place = rng.choice(MUNICIPALITIES[state.iso_code]).name
    headline, happened = rng.choice(ARTICLE_EVENTS)
    title = headline.format(place=f"{place}, {state.name}")
    published_on = rng.day(date(2012, 1, 1), REFERENCE_DATE)
    paragraphs = [
        p.format(state=state.name, donor=donor_name, n=f"{rng.randint(2, 90) * 1000:,}")
        for p in rng.sample(ARTICLE_PARAGRAPHS, rng.randint(2, 4))
    ]
    contact = f"{rng.choice(PRESS_CONTACTS)}, IOM Mexico. Email: press@example.org" if rng.random() < 0.3 else ""
    # The demo's texts are English: they fill the English fields.
    return Article(
        title_en=title,
        slug=demo_slug(index, title, 120),
        published_on=published_on,
        summary_en=f"IOM Mexico {happened.format(place=place)} ({state.name}).",
        body_en="\n\n".join([f"IOM Mexico {happened.format(place=place)}, {state.name}.", *paragraphs]),
        press_contact_en=contact,
        language="en",
    )


def make_articles(
    rng: DemoRandom,
    result: DemoResult,
    count: int,
    states: list[State],
    shelters: list[Shelter],
    projects: list[Project],
    donors: list[Donor],
    progress: Callable[[str], None],
) -> None:
    by_state: dict[int, list[Shelter]] = {}
    for shelter in shelters:
        by_state.setdefault(shelter.state_id, []).append(shelter)
    made = 0
    for start in range(0, count, BATCH_SIZE):
        batch = []
        for index in range(start, min(start + BATCH_SIZE, count)):
            state = rng.state(states)
            batch.append((build_article(rng, index + 1, state, rng.choice(donors).name), state))
        result.bulk("articles", [a for a, _ in batch])
        in_states, about_shelters, about_projects = [], [], []
        for article, state in batch:
            mentioned = {state.pk, *(s.pk for s in rng.sample(states, rng.randint(0, 2)))}
            in_states += [Article.states.through(article_id=article.pk, state_id=pk) for pk in sorted(mentioned)]
            local = by_state.get(state.pk, [])
            for shelter in rng.sample(local, min(len(local), rng.randint(0, 3))):
                about_shelters.append(Article.shelters.through(article_id=article.pk, shelter_id=shelter.pk))
            if projects:
                for project in rng.sample(projects, min(len(projects), rng.randint(0, 2))):
                    about_projects.append(Article.projects.through(article_id=article.pk, project_id=project.pk))
        result.bulk("article states", in_states)
        result.bulk("article shelters", about_shelters)
        result.bulk("article projects", about_projects)
        made += len(batch)
    progress(f"articles: {made:,}")
