"""What every queue page shares: the filters, the search box, sorting and 50 rows a page."""

from django.shortcuts import render
from django.utils import timezone

from backoffice.selectors import QueueFields, queue_filter, regions_below, sort_queue
from placement.years import selectable_years
from portal.views.base import paginate

PER_PAGE = 50


def queue_page(request, *, qs, fields: QueueFields, template: str, title: str, statuses=(), default_status="",
               status_field="status", sorts: dict, default_sort: str, rows=None, context=None):
    """Filter (地区, 业务年度, 状态, 单位 and whatever the caller applied), search, sort and paginate.
    `rows(page)` turns a page's objects into what the template shows."""
    params = request.GET
    status = params.get("status", default_status)
    if status and status != "all" and status in dict(statuses):
        qs = qs.filter(**{status_field: status})
    qs = queue_filter(qs, params, fields)
    qs, sort = sort_queue(qs, params.get("sort", ""), {k: v[1] for k, v in sorts.items()}, default_sort)
    page, query = paginate(request, qs, per_page=PER_PAGE)
    return render(request, template, {
        "title": title, "page": page, "query": query, "rows": rows(page) if rows else list(page),
        "q": params.get("q", ""), "status": status, "statuses": statuses, "sort": sort,
        "sorts": [(k, v[0]) for k, v in sorts.items()], "regions": regions_below(request.user),
        "region": params.get("region", ""), "year": params.get("year", ""),
        "years": selectable_years() if fields.year else [], "unit": params.get("unit", ""),
        "now": timezone.now(), **(context or {}),
    })
