"""发送税务 (one by one or a selection at once) and 发送税务查询 (every hand-off with its state,
failed ones flagged and retried here). Views parse, select through
placement.certification_selectors and call one service of placement.delivery."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from placement import certification_selectors as sel
from placement import choices as c
from placement.delivery import delivery_alerts, delivery_retry, delivery_send, delivery_send_batch
from placement.years import selectable_years
from portal.access import roles_required
from portal.exceptions import DomainError
from portal.roles import ADMIN, FEDERATION
from portal.scoping import filter_regions
from portal.views.base import paginate

STAFF = FEDERATION | ADMIN


def _filters(request) -> dict:
    return {k: request.GET.get(k, "") for k in ("q", "year", "region")}


@roles_required(STAFF)
def send_list(request):
    """发送税务: certified declarations not yet handed over (or whose hand-off failed)."""
    qs = sel.unit_filter(sel.declarations_to_send(request.user), region_field="tax_region", **_filters(request))
    if request.method == "POST":
        ids = [int(i) for i in request.POST.getlist("declaration") if i.isdigit()]
        if not ids:
            messages.error(request, "请先勾选要发送的年审申报")
            return redirect(request.get_full_path())
        chosen = list(sel.declarations_to_send(request.user).filter(pk__in=ids))
        try:
            outcome = delivery_send_batch(actor=request.user, declarations=chosen)
        except DomainError as error:
            messages.error(request, error.message)
        else:
            if outcome.sent:
                messages.success(request, f"已发送 {len(outcome.sent)} 家单位的认定结果，可在“发送税务查询”查看接收情况。")
            for unit, reason in outcome.refused.items():
                messages.error(request, f"{unit}：{reason}")
        return redirect("tax:send")
    page, query = paginate(request, qs)
    return render(request, "backoffice/delivery/send.html", {
        "page": page, "query": query, **_filters(request), "years": selectable_years(),
        "regions": filter_regions(request.user),
    })


@require_POST
@roles_required(STAFF)
def send_one(request, pk: int):
    """发送税务 for one declaration (idempotent: a second click changes nothing)."""
    declaration = sel.declaration_for_review(request.user, pk)
    try:
        delivery = delivery_send(actor=request.user, declaration=declaration)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"已发送{declaration}（{delivery.get_status_display()}）。")
    back = request.POST.get("next", "")
    # only a path of this site: "//elsewhere.example" also starts with "/"
    if url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return redirect(back)
    return redirect("tax:send")


@roles_required(STAFF)
def delivery_list(request):
    """发送税务查询: every hand-off, failed ones with an alert and a retry."""
    status = request.GET.get("status", "")
    qs = sel.deliveries_filtered(request.user, status=status, **_filters(request))
    page, query = paginate(request, qs)
    return render(request, "backoffice/delivery/list.html", {
        "page": page, "query": query, **_filters(request), "status": status,
        "statuses": c.DeliveryStatus.choices, "years": selectable_years(), "regions": filter_regions(request.user),
        "failed": delivery_alerts(request.user),
    })


@require_POST
@roles_required(STAFF)
def delivery_retry_view(request, pk: int):
    delivery = sel.delivery_for(request.user, pk)
    try:
        delivery_retry(actor=request.user, delivery=delivery)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"已重新发送{delivery.declaration}。")
    return redirect("tax:deliveries")
