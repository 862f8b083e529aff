"""发送税务 (one by one or a selection at once) and 发送税务查询 (every hand-off with its state,
failed ones flagged and retried here). Views parse, select through placement.selectors.queues and
call one service of placement.services.delivery."""

from django.contrib import messages
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from backoffice.views.common import console_list
from placement import choices as c
from placement.filters import DeliveryFilter, SendFilter
from placement.selectors.queues import (
    declaration_for_review,
    declarations_to_send,
    deliveries_listed,
    delivery_for,
    failed_deliveries,
)
from placement.services.delivery import delivery_retry, delivery_send, delivery_send_batch
from portal.access import roles_required
from portal.exceptions import DomainError
from portal.roles import ADMIN, FEDERATION
from portal.workflow import can

STAFF = FEDERATION | ADMIN
DS = c.DeliveryStatus


@roles_required(STAFF)
def send_list(request):
    """发送税务: certified declarations not yet handed over (or whose hand-off failed)."""
    if request.method == "POST":
        ids = [int(i) for i in request.POST.getlist("declaration") if i.isdigit()]
        if not ids:
            messages.error(request, "请先勾选要发送的年审申报")
            return redirect(request.get_full_path())
        chosen = list(declarations_to_send(request.user).filter(pk__in=ids))
        try:
            outcome = delivery_send_batch(actor=request.user, declarations=chosen)
        except DomainError as error:
            messages.error(request, error.message)
        else:
            if outcome.sent:
                messages.success(request, f"已提交发送 {len(outcome.sent)} 家单位的认定结果，正在发送税务部门，"
                                          "可在“发送税务查询”查看接收情况。")
            for unit, reason in outcome.refused.items():
                messages.error(request, f"{unit}：{reason}")
        return redirect("tax:send")
    return console_list(request, qs=declarations_to_send(request.user), filterset=SendFilter,
                        template="backoffice/delivery/send.html")


@require_POST
@roles_required(STAFF)
def send_one(request, pk: int):
    """发送税务 for one declaration (idempotent: a second click changes nothing)."""
    declaration = declaration_for_review(request.user, pk)
    try:
        delivery = delivery_send(actor=request.user, declaration=declaration)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        _say_delivery(request, declaration, delivery)
    back = request.POST.get("next", "")
    # only a path of this site: "//elsewhere.example" also starts with "/"
    if url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return redirect(back)
    return redirect("tax:send")


def _say_delivery(request, declaration, delivery) -> None:
    """What a click on 发送税务 did, in words that match the hand-off's state (issue 15, 18: the
    message read "已发送…（待发送）")."""
    if delivery.status == DS.ACKNOWLEDGED:
        messages.success(request, f"{declaration}的认定结果税务部门已接收。")
    elif delivery.status == DS.FAILED:
        messages.error(request, f"{declaration}的认定结果发送失败：{delivery.last_error or '原因未知'}。"
                                "请在“发送税务查询”重新发送。")
    else:
        messages.success(request, f"已提交发送{declaration}的认定结果，正在发送税务部门，"
                                  "可在“发送税务查询”查看接收情况。")


@roles_required(STAFF)
def delivery_list(request):
    """发送税务查询: every hand-off, failed ones with an alert and a retry."""
    deliveries = deliveries_listed(request.user)

    def load(ids):
        rows = {d.pk: d for d in deliveries.filter(pk__in=ids)}
        page = [rows[pk] for pk in ids if pk in rows]
        for delivery in page:  # the 重新发送 button is the retry transition's own check
            delivery.can_retry = can(request.user, delivery, "retry")
        return page

    return console_list(request, qs=deliveries, filterset=DeliveryFilter, template="backoffice/delivery/list.html",
                        defaults={"status": "all"}, load=load,
                        context={"failed": failed_deliveries(request.user).count()})


@require_POST
@roles_required(STAFF)
def delivery_retry_view(request, pk: int):
    delivery = delivery_for(request.user, pk)
    try:
        delivery_retry(actor=request.user, delivery=delivery)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"已重新发送{delivery.declaration}。")
    return redirect("tax:deliveries")
