"""The tax bureaus' API under /api/v1/tax/ (included by portal/urls.py; the URL name has no
namespace, as the OpenAPI schema and the tests know it)."""

from django.urls import path

from backoffice import tax_api

urlpatterns = [
    path("tax/certified-results", tax_api.CertifiedResultsView.as_view(), name="api_tax_certified_results"),
]
