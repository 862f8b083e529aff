"""Error pages in Chinese that reveal nothing about the server. They are what the embedded
default shows too: Django's own debug pages (English, listing every URL pattern) appear only with
an explicit DEBUG=true (issue 14, point 14)."""

from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.template.loader import get_template

# Under /api/ the answer is the API's one error body (portal.schema), never a page: a client
# generated from the schema reads JSON for every status, including a path no route matches.
API_ERRORS = {
    400: ("请求无效", "invalid"),
    403: ("无权访问", "permission_denied"),
    404: ("对象不存在或不在您的办理范围内", "not_found"),
    500: ("服务器内部错误，请稍后再试", "error"),
}


def _api(request) -> bool:
    return request.path.startswith("/api/")


def _api_error(status: int) -> JsonResponse:
    detail, code = API_ERRORS[status]
    return JsonResponse({"detail": detail, "code": code}, status=status, json_dumps_params={"ensure_ascii": False})


def bad_request(request, exception=None):
    if _api(request):
        return _api_error(400)
    # Standalone like the 500 page: a request refused this early (an unknown Host header) must
    # not run the layout's context processors.
    return _static("errors/400.html", 400)


def permission_denied(request, exception=None):
    if _api(request):
        return _api_error(403)
    return render(request, "errors/403.html", status=403)


def csrf_failure(request, reason=""):
    """A form posted from a page that has expired (or from another site): say what to do."""
    return render(request, "errors/403_csrf.html", status=403)


def not_found(request, exception=None):
    if _api(request):
        return _api_error(404)
    return render(request, "errors/404.html", status=404)


def server_error(request):
    if _api(request):
        return _api_error(500)
    return _static("errors/500.html", 500)


def _static(template: str, status: int):
    return HttpResponse(get_template(template).render(), status=status)
