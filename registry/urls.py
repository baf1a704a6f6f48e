from django.urls import path

from registry import views

urlpatterns = [
    path("shelters/", views.ShelterListView.as_view(), name="shelter_list"),
    path("shelters/<slug:slug>/correction/", views.CorrectionReportView.as_view(), name="shelter_correction"),
    path("states/", views.StateListView.as_view(), name="state_list"),
    path("offline/", views.ShelterOfflineListView.as_view(), name="shelter_offline_list"),
]
