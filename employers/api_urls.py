"""The unit's API under /api/v1/unit/ (included by portal/urls.py; URL names without a namespace,
as the OpenAPI schema and the tests know them)."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from employers import api

router = SimpleRouter(trailing_slash=True)
router.register("unit/related-units", api.RelatedUnitViewSet, basename="api_related_unit")

urlpatterns = [
    path("unit/", api.UnitView.as_view(), name="api_unit"),
    *router.urls,
]
