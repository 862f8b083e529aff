"""What every queue page shares: the filters, the search box, sorting and 50 rows a page."""

from django.shortcuts import render
from django.utils import timezone

from backoffice.selectors import QueueFields, queue_filter, sort_queue
from placement.years import selectable_years
from portal.scoping import filter_regions
from portal.views.base import paginate

PER_PAGE = 50


def paginate_pks(request, qs, load=None):
    """Paginate on primary keys, then load the page's 50 rows with their joins: sorting thousands
    of narrow rows is several times cheaper than sorting them with every joined column. `load(ids)`
    may build the rows itself (in the ids' order)."""
    page, query = paginate(request, qs.values_list("pk", flat=True), per_page=PER_PAGE)
    ids = list(page.object_list)
    if load is not None:
        page.object_list = load(ids) if ids else []
    else:
        loaded = {obj.pk: obj for obj in qs.filter(pk__in=ids).order_by()} if ids else {}
        page.object_list = [loaded[pk] for pk in ids if pk in loaded]
    return page, query


def queue_page(request, *, qs, fields: QueueFields, template: str, title: str, statuses=(), default_status="",
               status_field="status", sorts: dict, default_sort: str, load=None, context=None):
    """Filter (地区, 业务年度, 状态, 单位 and whatever the caller applied), search, sort and paginate.
    `load(ids)` builds a page's rows from their primary keys (default: the queryset's objects)."""
    params = request.GET
    status = params.get("status", default_status)
    if status and status != "all" and status in dict(statuses):
        qs = qs.filter(**{status_field: status})
    qs = queue_filter(qs, params, fields)
    qs, sort = sort_queue(qs, params.get("sort", ""), {k: v[1] for k, v in sorts.items()}, default_sort)
    page, query = paginate_pks(request, qs, load)
    return render(request, template, {
        "title": title, "page": page, "query": query, "ellipsis": page.paginator.ELLIPSIS,
        "page_links": list(page.paginator.get_elided_page_range(page.number, on_each_side=3, on_ends=1)),
        "rows": page.object_list,
        "q": params.get("q", ""), "status": status, "statuses": statuses, "sort": sort,
        "sorts": [(k, v[0]) for k, v in sorts.items()], "regions": filter_regions(request.user),
        "region": params.get("region", ""), "year": params.get("year", ""),
        "years": selectable_years() if fields.year else [], "unit": params.get("unit", ""),
        "now": timezone.now(), **(context or {}),
    })
