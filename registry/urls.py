from django.urls import path

from registry import views

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("shelters/", views.ShelterListView.as_view(), name="shelter_list"),
    path("shelters/<slug:slug>/", views.ShelterDetailView.as_view(), name="shelter_detail"),
    path("states/", views.StateListView.as_view(), name="state_list"),
    path("states/<slug:slug>/", views.StateDetailView.as_view(), name="state_detail"),
    path("regions/<slug:region>/", views.RegionDetailView.as_view(), name="region_detail"),
]
