"""年审申报撤回 (before certification) and 单位注销安置登记: queues and decision pages. The decisions
are the lead's services in placement.certification (withdrawal_decide, deregistration_decide)."""

from django.contrib import messages
from django.shortcuts import redirect, render

from backoffice.forms import RequestDecisionForm
from backoffice.selectors import QueueFields, deregistrations_visible, one, withdrawals_visible
from backoffice.views.common import queue_page
from placement import certification
from placement import choices as c
from placement.selectors import status_summary
from portal.access import roles_required
from portal.audit import audit_timeline
from portal.roles import FEDERATION
from portal.views.base import call_service

REQUEST_STATES = [(s.value, s.label) for s in (c.RequestStatus.SUBMITTED, c.RequestStatus.APPROVED,
                                               c.RequestStatus.REFUSED)]
REQUEST_SORTS = {
    "oldest": ("等待最久", ("submitted_at", "pk")),
    "newest": ("最新申请", ("-submitted_at", "-pk")),
}
WITHDRAWAL_FIELDS = QueueFields(employer="declaration__employer__", year="declaration__business_year")
DEREGISTRATION_FIELDS = QueueFields(employer="employer__")


def _merged(*timelines):
    """One timeline from the request's entries and its declaration's (or unit's), oldest first."""
    return sorted({e.pk: e for entries in timelines for e in entries}.values(), key=lambda e: (e.at, e.pk))


def _sorts(employer_path):
    return {**REQUEST_SORTS, "unit": ("单位名称", (f"{employer_path}name", "pk"))}


@roles_required(FEDERATION)
def withdrawal_queue(request):
    return queue_page(
        request, qs=withdrawals_visible(request.user), fields=WITHDRAWAL_FIELDS,
        template="backoffice/request_queue.html", title="年审申报撤回审核", statuses=REQUEST_STATES,
        default_status=c.RequestStatus.SUBMITTED, sorts=_sorts("declaration__employer__"), default_sort="oldest",
        context={"detail_url": "backoffice:withdrawal_decide", "kind": "withdrawal"},
    )


@roles_required(FEDERATION)
def withdrawal_decide(request, pk):
    """年审申报撤回 before certification: 同意 returns the declaration to draft (进行中)."""
    withdrawal = one(withdrawals_visible(request.user), pk)
    form = RequestDecisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid() and withdrawal.is_open:
        if call_service(form, certification.withdrawal_decide, actor=request.user, request=withdrawal, approve=form.approve,
                        reason=form.cleaned_data["reason"]):
            messages.success(request, "已办理该撤回申请，并已通知用人单位。")
            return redirect("backoffice:withdrawal_decide", pk=withdrawal.pk)
    return render(request, "backoffice/request_decide.html", {
        "title": "年审申报撤回审核", "item": withdrawal, "employer": withdrawal.declaration.employer,
        "declaration": withdrawal.declaration, "summary": status_summary(withdrawal.declaration),
        "form": form, "timeline": _merged(audit_timeline(withdrawal), audit_timeline(withdrawal.declaration)),
        "queue_url": "backoffice:withdrawal_queue",
    })


@roles_required(FEDERATION)
def deregistration_queue(request):
    return queue_page(
        request, qs=deregistrations_visible(request.user), fields=DEREGISTRATION_FIELDS,
        template="backoffice/request_queue.html", title="单位注销安置登记审核", statuses=REQUEST_STATES,
        default_status=c.RequestStatus.SUBMITTED, sorts=_sorts("employer__"), default_sort="oldest",
        context={"detail_url": "backoffice:deregistration_decide", "kind": "deregistration"},
    )


@roles_required(FEDERATION)
def deregistration_decide(request, pk):
    """单位注销安置登记: the signed 注销业务申请书 and the reason, 同意 or 不同意 with a reason."""
    deregistration = one(deregistrations_visible(request.user), pk)
    form = RequestDecisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid() and deregistration.is_open:
        if call_service(form, certification.deregistration_decide, actor=request.user, request=deregistration, approve=form.approve,
                        reason=form.cleaned_data["reason"]):
            messages.success(request, "已办理该注销申请，并已通知用人单位。")
            return redirect("backoffice:deregistration_decide", pk=deregistration.pk)
    return render(request, "backoffice/request_decide.html", {
        "title": "单位注销安置登记审核", "item": deregistration, "employer": deregistration.employer,
        "form": form, "timeline": audit_timeline(deregistration),
        "queue_url": "backoffice:deregistration_queue",
    })
