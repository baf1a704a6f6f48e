"""The pages that combine several apps: the home page, a state's and a border region's page, and the shelter and
project pages with the other apps' records that concern them.

Each app offers its part (QuerySet methods, selectors, its own detail view); these views put the parts together,
so no app has to reach up or sideways for another's records.
"""

from __future__ import annotations

from typing import Any

from django.http import Http404
from django.utils.translation import gettext_lazy as _
from django.views.generic import DetailView, TemplateView

from config import selectors
from news.models import Article
from projects.models import Project, in_default_order
from projects.views import ProjectDetailView
from registry.models import BorderRegion, Shelter, State
from registry.selectors import states_with_support, support_by_region, support_by_state
from registry.versioned_cache import remember
from registry.views import RELATED_LIMIT, ShelterDetailView


class HomeView(TemplateView):
    template_name = "home.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        states = states_with_support()
        return super().get_context_data(
            figures=selectors.key_figures(states),
            by_state=support_by_state(states),
            by_region=support_by_region(states),
            latest_articles=Article.objects.for_list()[:3],
            **kwargs,
        )


class ShelterPageView(ShelterDetailView):
    """The shelter, with the projects its agreements belong to and the news about it."""

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        shelter = self.object
        return super().get_context_data(
            articles=Article.objects.for_links().filter(shelters=shelter)[:RELATED_LIMIT],
            # The agreements came with their projects: no query of their own.
            projects=in_default_order(
                {a.project_id: a.project for a in shelter.agreements.all() if a.project_id}.values()
            ),
            **kwargs,
        )


class ProjectPageView(ProjectDetailView):
    """The project, with the news about it."""

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(
            articles=Article.objects.for_links().filter(projects=self.object)[:RELATED_LIMIT],
            **kwargs,
        )


class StateDetailView(DetailView):
    model = State

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        state = self.object
        shelters = Shelter.objects.for_summary().public().filter(state=state)
        projects = Project.objects.for_list().filter(states=state)
        articles = Article.objects.for_list().filter(states=state)
        return super().get_context_data(
            shelters=shelters[:RELATED_LIMIT],
            shelter_total=remember(f"state-count:shelters:{state.pk}", shelters.count),
            projects=projects[:RELATED_LIMIT],
            project_total=remember(f"state-count:projects:{state.pk}", projects.count),
            articles=articles[:RELATED_LIMIT],
            article_total=remember(f"state-count:articles:{state.pk}", articles.count),
            related_limit=RELATED_LIMIT,
            **kwargs,
        )


class RegionDetailView(TemplateView):
    template_name = "registry/region_detail.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        region = kwargs.pop("region")
        if region not in BorderRegion.values:
            raise Http404(_("There is no border region called “%(region)s”.") % {"region": region})
        states = [s for s in states_with_support() if s.region == region]
        shelters = Shelter.objects.for_summary().public().in_region(region)
        projects = Project.objects.for_list().in_region(region)
        articles = Article.objects.for_list().in_region(region)
        return super().get_context_data(
            region=region,
            region_label=BorderRegion(region).label,
            states=states,
            active_shelters=sum(s.shelter_count for s in states),
            agreement_total=sum(s.agreement_count for s in states),
            shelters=shelters[:RELATED_LIMIT],
            shelter_total=remember(f"region-count:shelters:{region}", shelters.count),
            projects=projects[:RELATED_LIMIT],
            project_total=remember(f"region-count:projects:{region}", projects.count),
            articles=articles[:10],
            related_limit=RELATED_LIMIT,
            **kwargs,
        )
