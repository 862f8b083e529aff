from django.urls import path

from placement import views

app_name = "placement"

urlpatterns = [
    path("", views.person_list, name="list"),
    path("persons/new/", views.person_new, name="person_new"),
    path("persons/<int:pk>/", views.person_resume, name="resume"),
    path("persons/<int:pk>/register/", views.step1, name="step1"),
    path("persons/<int:pk>/contracts/new/", views.contract_edit, name="contract_new"),
    path("persons/<int:pk>/contracts/<int:contract_id>/", views.contract_edit, name="contract_edit"),
    path("persons/<int:pk>/contracts/<int:contract_id>/delete/", views.contract_delete, name="contract_delete"),
    path("persons/<int:pk>/certificates/new/", views.certificate_new, name="certificate_new"),
    path("persons/<int:pk>/certificates/<int:certificate_id>/delete/", views.certificate_delete,
         name="certificate_delete"),
    path("persons/<int:pk>/verify/", views.step2, name="step2"),
    path("persons/<int:pk>/verify/progress/", views.step2_progress, name="step2_progress"),
    path("persons/<int:pk>/verify/again/", views.recheck, name="recheck"),
    path("persons/<int:pk>/evidence/", views.step3, name="step3"),
    path("persons/<int:pk>/evidence/<uuid:upload_id>/delete/", views.evidence_delete, name="evidence_delete"),
    path("persons/<int:pk>/done/", views.step4, name="step4"),
]
