"""The certification and hand-off queues of the reviewer dashboard (backoffice.queues).
`register()` adds them; the app config calls it at start-up. Each queue is a scoped queryset of
open items and its waiting field."""

from placement import certification_selectors as sel
from placement import choices as c
from placement.delivery import deliveries_visible


def certification_items(user):
    """年审认证审核: submitted declarations waiting for certification."""
    return sel.certification_queue(user)


def after_certification_items(user):
    """认证反馈审核: open 认证后撤回 requests (feedback is a queue of its own)."""
    return sel.requests_after_certification(user)[0]


def feedback_items(user):
    return sel.requests_after_certification(user)[1]


def send_items(user):
    """发送税务: certified declarations not yet handed to tax (or whose hand-off failed)."""
    return sel.declarations_to_send(user)


def failed_delivery_items(user):
    """发送税务查询 alert: failed hand-offs waiting for a retry."""
    return deliveries_visible(user).filter(status=c.DeliveryStatus.FAILED, cancelled_at__isnull=True)


def register() -> None:
    from backoffice.queues import Queue, register_queue

    register_queue(Queue("certification", "年审认证审核", "tax:certification_queue", certification_items,
                         "submitted_at", order=30, help="完成申报的年审申报，等待认证或退回"))
    register_queue(Queue("withdrawal_after_certification", "认证后撤回", "tax:requests",
                         after_certification_items, "submitted_at", order=40,
                         help="须由未参与认证的业务主管审核（双人复核）"))
    register_queue(Queue("feedback", "年审认证反馈", "tax:requests", feedback_items, "submitted_at", order=41,
                         help="答复单位的反馈，或同意重新申报（须未参与认证的人员办理）"))
    register_queue(Queue("send_to_tax", "发送税务", "tax:send", send_items, "certified_at", order=50,
                         help="已认证、尚未发送税务部门（或发送失败）的申报"))
    register_queue(Queue("failed_deliveries", "发送税务失败", "tax:deliveries", failed_delivery_items, "queued_at",
                         order=51, help="税务部门尚未收到，请查看原因后重新发送"))
