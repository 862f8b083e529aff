"""API plumbing: pagination, throttling and the one exception handler (kept apart from the API
views because DRF imports these while its own generics load)."""

from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.throttling import AnonRateThrottle
from rest_framework.views import exception_handler as drf_exception_handler

from portal.exceptions import DomainError


class Pagination(PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500


class PublicThrottle(AnonRateThrottle):
    """Public endpoints (calculator, receipt verification) are throttled per client address."""

    scope = "public"


def exception_handler(exc, context):
    """Domain errors become 400 (bad input) or 409 (wrong state, conflict) with a Chinese
    message, and the field they concern when there is one."""
    if isinstance(exc, DomainError):
        body = {"detail": exc.message, "code": exc.code}
        if exc.field:
            body["errors"] = {exc.field: [exc.message]}
        return Response(body, status=exc.http_status)
    return drf_exception_handler(exc, context)
