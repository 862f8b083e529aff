"""年审认证审核 (the queue and the declaration page: certify, or return with a reason) and the
decisions after certification: 认证后撤回 (four-eyes) and 年审认证反馈. Views parse, select through
placement.certification_selectors (which own the scoping) and call one service of
placement.certification."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone

from backoffice.tax_forms import FeedbackDecisionForm, ReturnForm, WithdrawalDecisionForm
from placement import certification as cert
from placement import certification_selectors as sel
from placement.selectors import declaration_persons, list_rows, status_summary, weight_rule_of
from placement.years import selectable_years
from portal.access import roles_required
from portal.exceptions import DomainError
from portal.roles import ADMIN, FEDERATION, SUPERVISOR
from portal.scoping import filter_regions
from portal.views.base import call_service, paginate

STAFF = FEDERATION | ADMIN


def _filters(request) -> dict:
    return {k: request.GET.get(k, "") for k in ("q", "year", "region")}


def _list_context(request, page, query, **extra):
    return {"page": page, "query": query, **_filters(request), "years": selectable_years(),
            "regions": filter_regions(request.user), "now": timezone.now(), **extra}


@roles_required(STAFF)
def certification_queue(request):
    """年审认证审核: submitted declarations, the longest waiting first."""
    qs = sel.unit_filter(sel.certification_queue(request.user), **_filters(request))
    page, query = paginate(request, qs)
    return render(request, "backoffice/certification/queue.html", _list_context(request, page, query))


@roles_required(STAFF)
def certification_detail(request, pk: int):
    """The declaration with its persons, the reasons it cannot be certified yet, and the actions."""
    declaration = sel.declaration_for_review(request.user, pk)
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
    persons = list(declaration_persons(declaration)[:200])
    is_submitted = declaration.status == cert.D.SUBMITTED
    return render(request, "backoffice/certification/detail.html", {
        "declaration": declaration, "summary": status_summary(declaration),
        "rows": list_rows(persons, declaration.business_year, weight_rule_of(declaration)),
        "blockers": cert.certification_blockers(declaration) if is_submitted else [],
        "can_decide": is_submitted, "return_form": return_form,
    })


@roles_required(STAFF)
def requests_after_certification(request):
    """认证反馈审核: open withdrawals of certified declarations and open feedback, oldest first."""
    withdrawals, feedback = sel.requests_after_certification(request.user)
    return render(request, "backoffice/certification/requests.html", {
        "withdrawals": withdrawals[:100], "feedback": feedback[:100], "now": timezone.now(),
        "is_supervisor": request.user.role in SUPERVISOR | ADMIN,
    })


@roles_required(STAFF)
def withdrawal_decide(request, pk: int):
    """认证后撤回: approve (reopens the declaration, cancels the certificate) or refuse."""
    req = sel.withdrawal_for(request.user, pk)
    form = WithdrawalDecisionForm(request.POST or None)
    can_decide = req.is_open and cert.withdrawal_can_decide(request.user, req)
    if request.method == "POST" and req.is_open and form.is_valid():
        done = call_service(form, cert.withdrawal_decide, actor=request.user, request=req,
                            approve=form.cleaned_data["decision"] == "approve", reason=form.cleaned_data["reason"])
        if done:
            messages.success(request, f"已办理：{done.get_status_display()}。")
            return redirect("tax:requests")
    note = cert.withdrawal_refusal(request.user, req) if req.is_open else ""
    return render(request, "backoffice/certification/withdrawal.html",
                  {"req": req, "form": form, "can_decide": can_decide, "four_eyes": note})


@roles_required(STAFF)
def feedback_decide(request, pk: int):
    """年审认证反馈: answer, approve as a reopening, or refuse."""
    req = sel.feedback_for(request.user, pk)
    form = FeedbackDecisionForm(request.POST or None)
    if request.method == "POST" and req.is_open and form.is_valid():
        done = call_service(form, cert.feedback_decide, actor=request.user, request=req,
                            outcome=form.cleaned_data["outcome"], reason=form.cleaned_data["reason"])
        if done:
            messages.success(request, f"已办理：{done.get_status_display()}。")
            return redirect("tax:requests")
    certifier = request.user.pk == req.declaration.certified_by_id
    return render(request, "backoffice/certification/feedback.html",
                  {"req": req, "form": form, "can_decide": req.is_open, "certifier": certifier,
                   "attachments": list(req.attachments.all())})

