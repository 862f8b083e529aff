from django.urls import path

from backoffice.views import dashboard, items, persons, requests

app_name = "backoffice"

urlpatterns = [
    path("", dashboard.dashboard, name="dashboard"),
    path("announcements/", dashboard.announcements, name="announcements"),
    path("persons/", persons.person_queue, name="person_queue"),
    path("persons/<int:pk>/", persons.person_review, name="person_review"),
    path("certificates/", items.certificate_queue, name="certificate_queue"),
    path("certificates/bulk-approve/", items.certificate_bulk, name="certificate_bulk"),
    path("certificates/<int:pk>/", items.certificate_review, name="certificate_review"),
    path("dispatch/", items.dispatch_queue, name="dispatch_queue"),
    path("dispatch/<int:pk>/", items.dispatch_review, name="dispatch_review"),
    path("withdrawals/", requests.withdrawal_queue, name="withdrawal_queue"),
    path("withdrawals/<int:pk>/", requests.withdrawal_decide, name="withdrawal_decide"),
    path("deregistrations/", requests.deregistration_queue, name="deregistration_queue"),
    path("deregistrations/<int:pk>/", requests.deregistration_decide, name="deregistration_decide"),
]
