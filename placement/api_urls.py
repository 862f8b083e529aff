"""The declaration's API under /api/v1/placement/ (included by portal/urls.py; URL names without a
namespace, as the OpenAPI schema and the tests know them)."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from placement import api

router = SimpleRouter(trailing_slash=True)
router.register("placement/persons", api.PersonViewSet, basename="api_placement_person")
router.register(r"placement/persons/(?P<person_pk>[0-9]+)/contracts", api.ContractViewSet,
                basename="api_placement_contract")
router.register(r"placement/persons/(?P<person_pk>[0-9]+)/certificates", api.CertificateViewSet,
                basename="api_placement_certificate")
router.register(r"placement/persons/(?P<person_pk>[0-9]+)/evidence", api.EvidenceViewSet,
                basename="api_placement_evidence")

urlpatterns = [
    path("placement/declaration/", api.DeclarationView.as_view(), name="api_placement_declaration"),
    path("placement/declaration/submit/", api.DeclarationSubmitView.as_view(),
         name="api_placement_declaration_submit"),
    path("placement/declaration/headcount/", api.HeadcountConfirmView.as_view(),
         name="api_placement_declaration_headcount"),
    path("placement/declaration/requests/", api.DeclarationRequestsView.as_view(),
         name="api_placement_declaration_requests"),
    path("placement/declaration/withdrawal/", api.WithdrawalCreateView.as_view(), name="api_placement_withdrawal"),
    path("placement/declaration/feedback/", api.FeedbackCreateView.as_view(), name="api_placement_feedback"),
    *router.urls,
]
