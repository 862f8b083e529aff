from django.urls import path

from employers import views

app_name = "employers"

urlpatterns = [
    path("", views.unit_view, name="unit"),
    path("reveal-legal-rep/", views.unit_reveal_legal_rep, name="reveal_legal_rep"),
    path("related/new/", views.related_unit_new, name="related_new"),
    path("related/<int:pk>/", views.related_unit_edit, name="related_edit"),
    path("related/<int:pk>/delete/", views.related_unit_delete_view, name="related_delete"),
    path("agents/", views.agent_list, name="agents"),
    path("agents/<int:pk>/remove/", views.agent_remove_view, name="agent_remove"),
]
