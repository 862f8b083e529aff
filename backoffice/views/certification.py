"""年审认证审核 (the queue and the declaration page: certify, or return with a reason) and the
requests after certification (认证后撤回, four-eyes, and 年审认证反馈). Views parse, select through
placement.selectors.queues and call one service of placement.services.certification; what a
user may do comes from the same checks the services make."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone

from backoffice.forms import FeedbackDecisionForm, ReturnForm
from backoffice.views.common import console_list
from placement.filters import DeclarationFilter
from placement.predicates import certification_blockers, status_summary
from placement.selectors.declaration import certification_summary
from placement.selectors.queues import (
    certification_queue as queue,
)
from placement.selectors.queues import (
    declaration_for_review,
    feedback_visible,
    open_requests,
    withdrawals_visible,
)
from placement.selectors.scope import one
from placement.selectors.year import list_persons, person_years, weight_rule_of
from placement.services import certification as cert
from portal.access import roles_required
from portal.exceptions import DomainError
from portal.roles import ADMIN, FEDERATION, SUPERVISOR
from portal.views.base import call_service
from portal.workflow import can

STAFF = FEDERATION | ADMIN


@roles_required(STAFF)
def certification_queue(request):
    """年审认证审核: submitted declarations, the longest waiting first."""
    return console_list(request, qs=queue(request.user), filterset=DeclarationFilter,
                        template="backoffice/certification/queue.html")


@roles_required(STAFF)
def certification_detail(request, pk: int):
    """The declaration with its persons, the reasons it cannot be certified yet, and the actions."""
    declaration = declaration_for_review(request.user, pk)
    return_form = ReturnForm()
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "certify":
            try:
                cert.declaration_certify(actor=request.user, declaration=declaration)
            except DomainError as error:
                messages.error(request, error.message)
            else:
                messages.success(request, f"已认证通过{declaration}，审核认定书正在生成，单位可在首页下载。")
            return redirect("tax:certification_detail", pk=declaration.pk)
        if action == "return":
            return_form = ReturnForm(request.POST)
            if return_form.is_valid() and call_service(return_form, cert.declaration_return, actor=request.user,
                                                        declaration=declaration,
                                                        reason=return_form.cleaned_data["reason"]):
                messages.success(request, f"已退回{declaration}，单位修改后可重新完成申报。")
                return redirect("tax:certification_queue")
    years = person_years(list_persons(declaration)[:200], declaration.business_year, weight_rule_of(declaration))
    can_decide = can(request.user, declaration, "return_to_employer")
    return render(request, "backoffice/certification/detail.html", {
        "declaration": declaration, "summary": status_summary(declaration),
        "figures": certification_summary(declaration),
        "rows": [(model.person, model.counts) for model in years],
        "blockers": certification_blockers(declaration) if can_decide else [],
        "can_decide": can_decide, "return_form": return_form,
    })


@roles_required(STAFF)
def requests_after_certification(request):
    """认证反馈审核: open withdrawals of certified declarations and open feedback, oldest first."""
    return render(request, "backoffice/certification/requests.html", {
        "withdrawals": open_requests(withdrawals_visible(request.user, after_certification=True))[:100],
        "feedback": open_requests(feedback_visible(request.user))[:100], "now": timezone.now(),
        "is_supervisor": request.user.role in SUPERVISOR | ADMIN,
    })


@roles_required(STAFF)
def feedback_decide(request, pk: int):
    """年审认证反馈: answer, approve as a reopening, or refuse."""
    req = one(feedback_visible(request.user), pk, "未找到该申请")
    form = FeedbackDecisionForm(request.POST or None)
    if request.method == "POST" and req.is_open and form.is_valid():
        done = call_service(form, cert.feedback_decide, actor=request.user, request=req,
                            outcome=form.cleaned_data["outcome"], reason=form.cleaned_data["reason"])
        if done:
            messages.success(request, f"已办理：{done.get_status_display()}。")
            return redirect("tax:requests")
    return render(request, "backoffice/certification/feedback.html", {
        "req": req, "form": form, "can_decide": can(request.user, req, "answer"),
        "reopen_refusal": cert.request_refusal(request.user, req, "approve") if req.is_open else "",
        "attachments": list(req.attachments.all()),
    })
