"""用人单位注册 under /accounts/, beside the portal's login pages (no namespace: the URL name is
`register`, as the login page and the tests know it)."""

from django.urls import path

from employers import views

urlpatterns = [
    path("register/", views.register_view, name="register"),
    path("invitation/<uidb64>/<token>/", views.InvitationAcceptView.as_view(), name="invitation_accept"),
]
