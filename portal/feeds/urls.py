from django.urls import path

from portal.feeds import views

app_name = "feeds"

urlpatterns = [
    path("", views.people, name="people"),
    path("people/<int:pk>/", views.person_detail, name="person"),
    path("people/<int:pk>/edit/", views.person_edit, name="person_edit"),
    path("people/<int:pk>/months/new/", views.month_new, name="month_new"),
    path("people/<int:pk>/certificates/new/", views.certificate_new, name="certificate_new"),
    path("months/<int:pk>/edit/", views.month_edit, name="month_edit"),
    path("certificates/<int:pk>/edit/", views.certificate_edit, name="certificate_edit"),
    path("units/", views.units, name="units"),
    path("units/<int:pk>/edit/", views.unit_edit, name="unit_edit"),
    path("units/<int:pk>/headcounts/", views.unit_headcounts, name="unit_headcounts"),
    path("intake/", views.intakes, name="intakes"),
    path("intake/<int:pk>/edit/", views.intake_edit, name="intake_edit"),
]
