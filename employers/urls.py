from django.urls import path

from employers import views

app_name = "employers"

urlpatterns = [
    path("", views.unit_view, name="unit"),
    path("agents/", views.agent_list, name="agents"),
    path("agents/<int:pk>/remove/", views.agent_remove_view, name="agent_remove"),
]
