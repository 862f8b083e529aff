"""API plumbing: pagination, throttling and the one exception handler (kept apart from the API
views because DRF imports these while its own generics load)."""

import datetime

import django_filters
from django import forms
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework.exceptions import APIException, NotFound, ValidationError
from rest_framework.exceptions import PermissionDenied as DRFPermissionDenied
from rest_framework.pagination import PageNumberPagination
from rest_framework.parsers import JSONParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.throttling import AnonRateThrottle
from rest_framework.views import exception_handler as drf_exception_handler

from portal.exceptions import DomainError

# The API reads JSON (the default in settings); an operation that receives a file reads
# multipart/form-data only, so its schema offers no encoding in which the file cannot travel.
FILE_PARSERS = [MultiPartParser]


class SchemaCheckedJSONParser(JSONParser):
    """JSON, held to the operation's documented request schema before any serializer coerces it
    (portal.schema.request_body_problems): a wrong type is a 400, as the schema promises."""

    def parse(self, stream, media_type=None, parser_context=None):
        from portal.schema import request_body_problems  # generates the schema: not while DRF loads

        data = super().parse(stream, media_type, parser_context)
        request = (parser_context or {}).get("request")
        if request is not None:
            problems = request_body_problems(request.path, request.method, data)
            if problems:
                raise ValidationError(problems)
        return data


class SinceFilter(django_filters.IsoDateTimeFilter):
    """`updated_since`: an ISO 8601 moment, compared in UTC. RFC 3339 (the schema's date-time) allows
    offsets up to ±23:59 and PostgreSQL only up to ±15:59; a moment beyond the calendar's ends after
    the shift is the end itself."""

    def filter(self, qs, value):
        if value:
            try:
                value = value.astimezone(datetime.UTC)
            except OverflowError:
                value = (datetime.datetime.min if value.year == 1 else datetime.datetime.max).replace(tzinfo=datetime.UTC)
        return super().filter(qs, value)


class StrictFilterBackend(DjangoFilterBackend):
    """django-filter reads an empty parameter as "not given", which a client generated from the
    schema cannot know: a filter other than the search box is refused when sent empty."""

    def filter_queryset(self, request, queryset, view):
        filterset_class = self.get_filterset_class(view, queryset)
        filters = filterset_class.base_filters if filterset_class else {}
        errors = {}
        for name, spec in filters.items():
            values = request.query_params.getlist(name)
            if len(values) > 1 and not issubclass(spec.field_class, forms.MultipleChoiceField):
                errors[name] = ["只能传一次"]  # a client must not learn which of two values we read
            elif name != "q" and "" in values:  # 搜索 may be empty
                errors[name] = ["不能为空；不筛选时请不要传此参数"]
        if errors:
            raise ValidationError(errors)
        return super().filter_queryset(request, queryset, view)


class Pagination(PageNumberPagination):
    """50 a page; `page_size` up to 500. A page size that is not a whole number from 1 to 500 is
    refused with 400 (not silently replaced by the default, which a client would never notice)."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500

    @staticmethod
    def _once(request, name: str) -> str | None:
        if len(request.query_params.getlist(name)) > 1:
            raise ValidationError({name: ["只能传一次"]})
        return request.query_params.get(name)

    def get_page_number(self, request, paginator):
        """A page is a whole number from 1 (an empty or a word is refused, not read as page 1)."""
        raw = self._once(request, self.page_query_param)
        if raw is not None and (not raw.isdigit() or int(raw) < 1):
            raise ValidationError({self.page_query_param: ["页码须为从 1 开始的整数"]})
        return raw or 1

    def get_page_size(self, request):
        raw = self._once(request, self.page_size_query_param)
        if raw is None:
            return self.page_size
        if not raw.isdigit() or not 1 <= int(raw) <= self.max_page_size:
            raise ValidationError({self.page_size_query_param: [f"每页条数须为 1 至 {self.max_page_size} 的整数"]})
        return int(raw)

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_query_param:
                parameter["schema"]["minimum"] = 1
            if parameter["name"] == self.page_size_query_param:
                parameter["schema"].update(minimum=1, maximum=self.max_page_size)
        return parameters


class PublicThrottle(AnonRateThrottle):
    """Public endpoints (calculator, receipt verification) are throttled per client address."""

    scope = "public"


def exception_handler(exc, context):
    """Every API error has one body (portal.schema.ErrorSerializer, documented on every operation):
    `detail` a Chinese sentence, `code` a stable word, `errors` field → messages when fields are
    concerned. Domain errors are 400 (bad input) or 409 (wrong state, conflict)."""
    if isinstance(exc, DomainError):
        body = {"detail": exc.message, "code": exc.code}
        if exc.field:
            body["errors"] = {}
            for problem in exc.problems():
                body["errors"].setdefault(problem.field or "non_field_errors", []).append(problem.message)
        return Response(body, status=exc.http_status)
    if isinstance(exc, Http404):  # as DRF's handler does, so the body below applies to it too
        exc = NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = DRFPermissionDenied()
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, ValidationError):
        errors = exc.detail if isinstance(exc.detail, dict) else {"non_field_errors": exc.detail}
        shape = bool(_leaf_codes(exc.get_codes()) & SHAPE_CODES)
        response.status_code = 400 if shape else 422
        response.data = {"detail": _first_message(errors) or "提交的数据有误", "code": "invalid" if shape else "rule",
                         "errors": errors}
    elif isinstance(exc, APIException):
        response.data = {"detail": str(exc.detail), "code": _code_of(exc)}
    return response


# DRF's own field errors: the request does not match the schema (a type, a required field, a
# length, a choice, a date format). Anything else a serializer says is a rule (422): a reference to
# an object that does not exist, a check across fields, a code the policy table does not know.
SHAPE_CODES = {
    "required", "null", "blank", "invalid", "max_length", "min_length", "max_value", "min_value", "invalid_choice",
    "not_a_list", "empty", "incorrect_type", "max_digits", "max_decimal_places", "max_whole_digits", "max_string_length",
    "no_name", "parse_error", "not_a_dict", "invalid_image", "date", "datetime", "make_aware", "overflow",
    "null_characters_not_allowed", "surrogate_characters_not_allowed",
}


def _leaf_codes(codes) -> set:
    if isinstance(codes, dict):
        return set().union(*map(_leaf_codes, codes.values())) if codes else set()
    if isinstance(codes, list):
        return set().union(*map(_leaf_codes, codes)) if codes else set()
    return {codes}


def _first_message(errors) -> str:
    """The first message of a nested error structure, with its field's name."""
    if isinstance(errors, dict):
        for field, inner in errors.items():
            message = _first_message(inner)
            if message:
                return message if field == "non_field_errors" else f"{field}：{message}"
        return ""
    if isinstance(errors, list):
        return next((m for m in map(_first_message, errors) if m), "")
    return str(errors)


def _code_of(exc) -> str:
    codes = exc.get_codes()
    return codes if isinstance(codes, str) else exc.default_code
