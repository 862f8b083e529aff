"""What every console list shares: the filters (placement.filters, django-filter), sorting, and
50 rows a page, paginated on primary keys."""

from django.shortcuts import render
from django.utils import timezone

from placement.filters import apply
from placement.years import selectable_years
from portal.scoping import filter_regions
from portal.views.base import paginate

PER_PAGE = 50


def paginate_pks(request, qs, load=None, per_page: int = PER_PAGE):
    """Paginate on primary keys, then load the page's rows with their joins: sorting thousands
    of narrow rows is several times cheaper than sorting them with every joined column. `load(ids)`
    may build the rows itself (in the ids' order)."""
    page, query = paginate(request, qs.values_list("pk", flat=True), per_page=per_page)
    ids = list(page.object_list)
    if load is not None:
        page.object_list = load(ids) if ids else []
    else:
        loaded = {obj.pk: obj for obj in qs.filter(pk__in=ids).order_by()} if ids else {}
        page.object_list = [loaded[pk] for pk in ids if pk in loaded]
    return page, query


def console_list(request, *, qs, filterset, template: str, defaults: dict | None = None, sorts: dict | None = None,
                 default_sort: str = "", load=None, context: dict | None = None):
    """Filter (地区, 业务年度, 状态, 单位, the search box and whatever the list's FilterSet adds), sort
    by one of `sorts` ({key: (label, order_by)}) and paginate. The filter form shows what applied."""
    qs, values = apply(filterset, request.GET, qs, defaults=defaults)
    sort = ""
    if sorts:
        sort = request.GET.get("sort", "") if request.GET.get("sort", "") in sorts else default_sort
        qs = qs.order_by(*sorts[sort][1])
    page, query = paginate_pks(request, qs, load)
    status = filterset.base_filters.get("status")
    return render(request, template, {
        "page": page, "query": query, "rows": page.object_list, **values,
        "sort": sort, "sorts": [(key, label) for key, (label, _order) in (sorts or {}).items()],
        "statuses": [(v, label) for v, label in status.extra["choices"] if v != "all"] if status else [],
        "regions": filter_regions(request.user), "years": selectable_years() if filterset.year_path else [],
        "now": timezone.now(), **(context or {}),
    })
