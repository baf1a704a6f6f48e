"""URLs of the pages that combine several apps (config.views), mounted beside the apps' own in config/urls.py."""

from django.urls import path

from config import views

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("shelters/<slug:slug>/", views.ShelterPageView.as_view(), name="shelter_detail"),
    path("states/<slug:slug>/", views.StateDetailView.as_view(), name="state_detail"),
    path("regions/<slug:region>/", views.RegionDetailView.as_view(), name="region_detail"),
    path("projects/<slug:slug>/", views.ProjectPageView.as_view(), name="project_detail"),
]
