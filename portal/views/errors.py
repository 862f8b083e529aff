"""Error pages in Chinese that reveal nothing about the server. They are what the embedded
default shows too: Django's own debug pages (English, listing every URL pattern) appear only with
an explicit DEBUG=true (issue 14, point 14)."""

from django.http import HttpResponse
from django.shortcuts import render
from django.template.loader import get_template


def bad_request(request, exception=None):
    # Standalone like the 500 page: a request refused this early (an unknown Host header) must
    # not run the layout's context processors.
    return _static("errors/400.html", 400)


def permission_denied(request, exception=None):
    return render(request, "errors/403.html", status=403)


def csrf_failure(request, reason=""):
    """A form posted from a page that has expired (or from another site): say what to do."""
    return render(request, "errors/403_csrf.html", status=403)


def not_found(request, exception=None):
    return render(request, "errors/404.html", status=404)


def server_error(request):
    return _static("errors/500.html", 500)


def _static(template: str, status: int):
    return HttpResponse(get_template(template).render(), status=status)
