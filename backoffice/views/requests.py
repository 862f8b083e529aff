"""年审申报撤回 (before certification: reviewers; after it: supervisors who did not certify) and
单位注销安置登记: one queue page and one decision page for every kind of request. Who may decide is
the request's transition's permission (placement.predicates); the page shows the same refusal
the service would give."""

from dataclasses import dataclass

from django.contrib import messages
from django.shortcuts import redirect, render

from backoffice.forms import RequestDecisionForm, WithdrawalDecisionForm
from backoffice.views.common import console_list
from placement import choices as c
from placement.filters import DeregistrationFilter, WithdrawalFilter
from placement.predicates import status_summary
from placement.selectors.queues import deregistrations_visible, withdrawals_visible
from placement.selectors.scope import one
from placement.services import certification
from portal.access import roles_required
from portal.audit import audit_timeline
from portal.roles import ADMIN, FEDERATION
from portal.views.base import call_service

REQUEST_SORTS = {
    "oldest": ("等待最久", ("submitted_at", "pk")),
    "newest": ("最新申请", ("-submitted_at", "-pk")),
}


@dataclass(frozen=True)
class RequestKind:
    title: str
    selector: object  # user → the requests the user may see
    filterset: type
    employer_path: str
    decide: object  # the service
    form: type
    template: str
    queue_url: str
    detail_url: str
    back_to_queue: bool = False  # after deciding, the list (else the decided request)


KINDS = {
    "withdrawal": RequestKind(
        "年审申报撤回审核", withdrawals_visible, WithdrawalFilter, "declaration__employer",
        certification.withdrawal_decide, RequestDecisionForm, "backoffice/request_decide.html",
        "backoffice:withdrawal_queue", "backoffice:withdrawal_decide"),
    "withdrawal_certified": RequestKind(
        "年审申报撤回（认证后）", lambda user: withdrawals_visible(user, after_certification=True), WithdrawalFilter,
        "declaration__employer", certification.withdrawal_decide, WithdrawalDecisionForm,
        "backoffice/certification/withdrawal.html", "tax:requests", "tax:withdrawal_decide", back_to_queue=True),
    "deregistration": RequestKind(
        "单位注销安置登记审核", deregistrations_visible, DeregistrationFilter, "employer",
        certification.deregistration_decide, RequestDecisionForm, "backoffice/request_decide.html",
        "backoffice:deregistration_queue", "backoffice:deregistration_decide"),
}


@roles_required(FEDERATION)
def request_queue(request, kind: str):
    spec = KINDS[kind]
    sorts = {**REQUEST_SORTS, "unit": ("单位名称", (f"{spec.employer_path}__name", "pk"))}
    return console_list(
        request, qs=spec.selector(request.user), filterset=spec.filterset, template="backoffice/request_queue.html",
        defaults={"status": c.RequestStatus.SUBMITTED}, sorts=sorts, default_sort="oldest",
        context={"title": spec.title, "detail_url": spec.detail_url, "kind": kind},
    )


def _merged(*timelines):
    """One timeline from the request's entries and its declaration's (or unit's), oldest first."""
    return sorted({e.pk: e for entries in timelines for e in entries}.values(), key=lambda e: (e.at, e.pk))


@roles_required(FEDERATION | ADMIN)
def request_decide(request, kind: str, pk: int):
    """同意 or 不同意 with a reason; a user who may not decide sees why instead of the form."""
    spec = KINDS[kind]
    item = one(spec.selector(request.user), pk, "未找到该申请")
    refusal = certification.request_refusal(request.user, item) if item.is_open else ""
    form = spec.form(request.POST or None)
    if request.method == "POST" and item.is_open and form.is_valid():
        if call_service(form, spec.decide, actor=request.user, request=item, approve=form.approve,
                        reason=form.cleaned_data["reason"]):
            messages.success(request, "已办理该申请，并已通知用人单位。")
            return redirect(spec.queue_url) if spec.back_to_queue else redirect(spec.detail_url, item.pk)
    declaration = getattr(item, "declaration", None)
    timelines = [audit_timeline(item)] + ([audit_timeline(declaration)] if declaration else [])
    return render(request, spec.template, {
        "title": spec.title, "item": item, "req": item, "employer": declaration.employer if declaration else item.employer,
        "declaration": declaration, "summary": status_summary(declaration) if declaration else None,
        "form": form, "timeline": _merged(*timelines), "queue_url": spec.queue_url,
        "can_decide": item.is_open and not refusal, "four_eyes": refusal,
    })
