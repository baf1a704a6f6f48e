"""Writes on news articles: what an imported news page says, with the shelters, donor and agreements it
announces (written by the registry's services) and links to the states, shelters and projects it names."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import Q

from news.models import Article
from projects.selectors import ProjectNames
from registry.importers.pages import NewsPage
from registry.importers.records import RecordWriter
from registry.services import agreements_record, donor_match_or_create, shelter_match_or_create


@transaction.atomic(savepoint=False)  # a failure aborts the whole import: no savepoint to return to
def article_import(*, writer: RecordWriter, page: NewsPage) -> Article:
    shelters = [s for s in (shelter_match_or_create(writer=writer, mention=m) for m in page.shelters) if s]
    donors = [donor_match_or_create(writer=writer, mention=d) for d in page.donors]
    if page.announces_agreements:
        agreements_record(writer=writer, page=page, shelters=shelters, donors=donors)

    # By slug, else by headline (one query: the slug's match first).
    by_title = Q(title_es__iexact=page.title) | Q(title_en__iexact=page.title)
    found = list(Article.objects.filter(Q(slug=page.slug) | by_title)[:2])
    article = next((a for a in found if a.slug == page.slug), found[0] if found else None)
    # The page's text fills its own language's fields (IOM's pages are English when the text does not say).
    lang = page.language or "en"
    values: dict[str, Any] = {f"title_{lang}": page.title, f"body_{lang}": page.body}
    if article is None or not article.language:  # the language it was first published in
        values["language"] = page.language
    if page.published_on:
        values["published_on"] = page.published_on
    if page.press_contact:
        values[f"press_contact_{lang}"] = page.press_contact.as_text()
    values = {k: v for k, v in values.items() if v not in (None, "")}
    # Projects imported in the same run are known by now: the run writes projects before news.
    names: ProjectNames | None = writer.cache.get("project_names")
    if names is None:
        names = writer.cache["project_names"] = ProjectNames()
    states = [writer.states[iso] for iso in page.state_isos if iso in writer.states]
    links = {"states": states, "shelters": shelters, "projects": names.named(page.body)}
    if article is None:
        article = Article(slug=page.slug, **{f"summary_{lang}": page.summary}, **values)
        changes = [writer.change(article, name, None, value) for name, value in values.items()]
        changes += writer.create_with_links(article, links)
        writer.record(str(Article._meta.verbose_name), article.slug, "created", changes)
        return article
    if not getattr(article, f"summary_{lang}"):
        values[f"summary_{lang}"] = page.summary
    changes = writer.update(article, values)
    for name, targets in links.items():
        if change := writer.add_links(article, name, targets):
            changes.append(change)
    writer.record_update(article, article.slug, changes)
    return article
