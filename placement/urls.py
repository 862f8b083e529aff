from django.urls import path

from placement import views

app_name = "placement"

urlpatterns = [
    path("", views.person_list, name="list"),
    path("persons/new/", views.person_new, name="person_new"),
    path("persons/<int:pk>/", views.person_resume, name="resume"),
    path("persons/<int:pk>/record/", views.person_record, name="record"),
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
    path("persons/<int:pk>/accept/", views.person_accept, name="person_accept"),
    path("persons/<int:pk>/re-register/", views.person_re_register, name="person_re_register"),
    path("persons/<int:pk>/delete/", views.person_delete, name="person_delete"),
    path("persons/delete/", views.persons_delete, name="persons_delete"),
    path("import/", views.import_previous, name="import"),
    path("headcount/", views.headcount, name="headcount"),
    path("submit/", views.submit, name="submit"),
    path("submitted/", views.submitted, name="submitted"),
    path("commitment.pdf", views.commitment_pdf, name="commitment_pdf"),
    path("certificate/", views.certificate_download, name="certificate_download"),
    path("requests/", views.requests_page, name="requests"),
    path("requests/withdrawal/", views.withdrawal_new, name="withdrawal_new"),
    path("requests/feedback/", views.feedback_new, name="feedback_new"),
    path("requests/deregistration/", views.deregistration_new, name="deregistration_new"),
    path("requests/deregistration/form.pdf", views.deregistration_pdf, name="deregistration_pdf"),
]
