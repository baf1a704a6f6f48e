from django.urls import path

from registry import views

urlpatterns = [
    path("shelters/", views.ShelterListView.as_view(), name="shelter_list"),
    path("states/", views.StateListView.as_view(), name="state_list"),
]
