"""/api/v1/insurance/ (included from portal.urls)."""

from django.urls import path

from insurance import api

urlpatterns = [
    path("codes/", api.CodeListView.as_view(), name="api_insurance_codes"),
    path("batches/", api.BatchListView.as_view(), name="api_insurance_batches"),
    path("batches/<int:pk>/", api.BatchDetailView.as_view(), name="api_insurance_batch"),
    path("batches/<int:pk>/amounts/", api.BatchAmountsView.as_view(), name="api_insurance_amounts"),
    path("batches/<int:pk>/members/", api.BatchMembersView.as_view(), name="api_insurance_members"),
    path("batches/<int:pk>/roster/", api.RosterImportView.as_view(), name="api_insurance_roster"),
    path("roster-template/", api.RosterTemplateView.as_view(), name="api_insurance_roster_template"),
]
