"""The staff consoles' list filters (django-filter): 地区, 业务年度, 单位, 状态 and the search box, one
FilterSet per kind of row, so each list and the tax API parse their query the same way. Region
codes are looked up, never trusted: an unknown code filters to nothing."""

import django_filters
from django import forms
from django.core.validators import RegexValidator
from django.db.models import Q, QuerySet
from drf_spectacular.utils import extend_schema_field

from placement import choices as c
from placement.selectors.queues import failed_check_q
from placement.selectors.scope import person_search, unit_q
from portal.drf import SinceFilter
from portal.models import Region


@extend_schema_field({"type": "integer", "minimum": 1, "maximum": 2**31 - 1})
class IdFilter(django_filters.NumberFilter):
    """A row's number: a whole number, not the decimal django-filter's NumberFilter reads."""

    field_class = forms.IntegerField


class ConsoleFilter(django_filters.FilterSet):
    """What every console list filters by. Subclasses say where their rows keep the unit (and
    the person, the year and the region the list is scoped by)."""

    employer_path = "employer"
    person_path: str | None = None  # the path to the PlacedPerson ("" for persons themselves)
    year_path: str | None = "business_year"
    region_field = "fed_region"

    q = django_filters.CharFilter(method="search", label="搜索")
    year = django_filters.NumberFilter(method="by_year", label="业务年度")
    region = django_filters.CharFilter(method="by_region", label="地区",
                                       validators=[RegexValidator(r"^\d{6}$", "行政区划代码应为6位数字")])
    unit = IdFilter(method="by_unit", label="单位", min_value=1, max_value=2**31 - 1,
                    error_messages={"invalid": "unit 应为单位编号（正整数）"})

    def search(self, qs: QuerySet, _name, term: str) -> QuerySet:
        """Unit name or credit code; where the rows are persons, also a name or a full ID number."""
        term = term.strip()
        if self.person_path is None:
            return qs.filter(unit_q(term, self.employer_path))
        if len(term) == 18 and term[:17].isdigit():
            return person_search(qs, term, person_path=self.person_path)
        return qs.filter(unit_q(term, self.employer_path) | Q(**{f"{self.person_path}name__icontains": term}))

    def by_year(self, qs: QuerySet, _name, year) -> QuerySet:
        return qs.filter(**{self.year_path: int(year)}) if self.year_path else qs

    def by_region(self, qs: QuerySet, _name, code: str) -> QuerySet:
        region = Region.objects.filter(code=code.strip()).only("path").first()
        if region is None:
            return qs.none()
        return qs.filter(**{f"{self.employer_path}__{self.region_field}__path__startswith": region.path})

    def by_unit(self, qs: QuerySet, _name, pk: int) -> QuerySet:
        return qs.filter(**{f"{self.employer_path}__pk": int(pk)})


def _status(choices, *, field: str = "status"):
    """状态: one of the choices, or "all" (the default status is the caller's)."""
    return django_filters.ChoiceFilter(field_name=field, choices=[("all", "全部"), *choices], method="by_status",
                                       label="状态")


class StatusMixin:
    status_field = "status"

    def by_status(self, qs: QuerySet, _name, value: str) -> QuerySet:
        return qs if value in ("", "all") else qs.filter(**{self.status_field: value})


class PersonQueueFilter(StatusMixin, ConsoleFilter):
    employer_path, person_path, year_path = "declaration__employer", "", "declaration__business_year"
    status = _status([(s.value, s.label) for s in (c.PersonStatus.PENDING_REVIEW, c.PersonStatus.CONFIRMED,
                                                   c.PersonStatus.PARTIALLY_REJECTED, c.PersonStatus.REJECTED)])
    check = django_filters.ChoiceFilter(choices=c.Check.choices, method="by_check", label="未通过的校验项")

    def by_check(self, qs: QuerySet, _name, check: str) -> QuerySet:
        return qs.filter(failed_check_q(check))


REVIEW_STATES = [(s.value, s.label) for s in (c.ReviewState.PENDING, c.ReviewState.APPROVED, c.ReviewState.REJECTED)]


class ItemQueueFilter(StatusMixin, ConsoleFilter):
    """Hand-added certificates and dispatch agreements (the items of a person)."""

    employer_path, person_path, year_path = "person__declaration__employer", "person__", "person__declaration__business_year"
    status_field = "review_state"
    status = _status(REVIEW_STATES)


REQUEST_STATES = [(s.value, s.label) for s in (c.RequestStatus.SUBMITTED, c.RequestStatus.APPROVED,
                                               c.RequestStatus.REFUSED)]


class WithdrawalFilter(StatusMixin, ConsoleFilter):
    employer_path, year_path = "declaration__employer", "declaration__business_year"
    status = _status(REQUEST_STATES)


class DeregistrationFilter(StatusMixin, ConsoleFilter):
    employer_path, year_path = "employer", None
    status = _status(REQUEST_STATES)


class DeclarationFilter(ConsoleFilter):
    """年审认证审核 (by 残联主管部门)."""


class SendFilter(ConsoleFilter):
    """发送税务 (by 税务主管部门: where the results go)."""

    region_field = "tax_region"


class DeliveryFilter(StatusMixin, ConsoleFilter):
    employer_path, year_path, region_field = "declaration__employer", "declaration__business_year", "tax_region"
    status = _status(c.DeliveryStatus.choices)
    kind = django_filters.ChoiceFilter(choices=c.DeliveryKind.choices, label="发送内容")


class TaxResultFilter(ConsoleFilter):
    """认定结果 for tax officers and the tax API (by 税务主管部门), optionally only those recorded,
    cancelled or recorded again since a moment (the API's incremental pulls)."""

    region_field = "tax_region"
    state = django_filters.ChoiceFilter(field_name="status", choices=[("active", "有效"), ("cancelled", "已作废")],
                                        label="认定状态")
    year = django_filters.NumberFilter(method="by_year", label="业务年度", min_value=2000, max_value=2100,
                                       error_messages={"invalid": "year 应为四位年份"})
    updated_since = SinceFilter(field_name="updated_at", lookup_expr="gte",
                                                     label="记录（更新）时间不早于",
                                                     error_messages={"invalid": "updated_since 应为 ISO 8601 时间"})


def apply(filterset_class, params, qs: QuerySet, *, defaults: dict | None = None) -> tuple[QuerySet, dict]:
    """Filter `qs` by the request's query (with the list's defaults for what is not given); returns
    the rows and the values the filter form shows."""
    data = {**(defaults or {}), **{k: v for k, v in params.items() if v != ""}}
    filterset = filterset_class(data, queryset=qs)
    values = {name: data.get(name, "") for name in filterset.filters}
    if not filterset.is_valid():
        return qs.none(), values
    return filterset.qs, values

