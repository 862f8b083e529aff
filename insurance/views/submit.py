"""⑤ 提交职保会审核: the 参保比例 per 社保编号 with 上传相关材料, the situations of the members
without a social-insurance record, what still blocks the submission, then the confirmation page
with its receipt."""

from django.contrib import messages
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from insurance import choices as c
from insurance import predicates as p
from insurance.forms import MaterialsForm
from insurance.selectors.members import active_members, results_summary
from insurance.selectors.ratio import ratio_rows
from insurance.selectors.submission import submission_blockers
from insurance.services import submission as services
from insurance.views.common import agent_batch, batch_page
from portal.access import roles_required
from portal.exceptions import DomainError
from portal.roles import EMPLOYER
from portal.views.base import call_service
from portal.workflow import can


def submit_context(request, batch, **extra) -> dict:
    editable = p.roster_editable(batch)
    blockers = submission_blockers(batch) if batch.status in (c.BatchStatus.VERIFIED,
                                                                 c.BatchStatus.REVIEW_REJECTED) else []
    window = p.window_problem(batch)
    return {
        "rows": ratio_rows(batch), "summary": results_summary(batch), "editable": editable,
        "unmatched": active_members(batch).filter(si_number="").exclude(check_state=c.CheckState.NOT_CHECKED),
        "blockers": blockers, "window_problem": window, "can_submit": can(request.user, batch, "submit") and not blockers,
        "materials_form": MaterialsForm(), "materials_errors": {}, **extra,
    }


@roles_required(EMPLOYER)
def batch_submit(request, pk):
    """⑤ 提交职保会审核 (check answers, then the button naming the action)."""
    batch = agent_batch(request, pk)
    if request.method == "POST":
        try:
            batch = services.batch_submit(actor=request.user, batch=batch)
        except DomainError as error:
            messages.error(request, error.message)
            return redirect("insurance:batch_submit", pk=batch.pk)
        return redirect("insurance:batch_submitted", pk=batch.pk)
    return batch_page(request, batch, 5, "insurance/batch_submit.html", submit_context(request, batch))


@require_POST
@roles_required(EMPLOYER)
def ratio_materials(request, pk):
    """上传相关材料 for a 社保编号 below the threshold."""
    batch = agent_batch(request, pk)
    form = MaterialsForm(request.POST, request.FILES)
    if form.is_valid() and call_service(form, services.ratio_materials_upload, actor=request.user, batch=batch,
                                        si_number=form.cleaned_data["si_number"] or "", file=form.cleaned_data["file"]):
        messages.success(request, "相关材料已上传。")
        return redirect("insurance:batch_submit", pk=batch.pk)
    errors = {(request.POST.get("si_number") or ""): [str(e) for errors in form.errors.values() for e in errors]}
    return batch_page(request, batch, 5, "insurance/batch_submit.html",
                      submit_context(request, batch, materials_errors=errors))


@roles_required(EMPLOYER)
def batch_submitted(request, pk):
    """The confirmation page: the reference number, what happens next, the receipt."""
    batch = agent_batch(request, pk)
    if batch.submission_receipt_id is None:
        return redirect("insurance:batch", pk=batch.pk)
    return batch_page(request, batch, 5, "insurance/batch_submitted.html", {
        "receipt": batch.submission_receipt, "summary": results_summary(batch)})
