"""The union console's batches (职保会, scoped to the staff member's 区局工会; administrators all):
search across units and batches, 职保会审核 per 社保编号, the withholding runs with their delivery
state (模拟养老金发放日 for administrators, 重新发送 after a failure), 凭证审核 → 投保成功, and the
audited, masked, formula-safe export. Thin views over insurance's selectors and services."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from backoffice.views.common import console_list
from insurance import choices as c
from insurance.exports import batches_xlsx
from insurance.filters import BatchFilter, RunFilter
from insurance.forms import VoucherDecisionForm
from insurance.selectors.members import results_summary
from insurance.selectors.money import listed_batches, union_actions, voucher_state
from insurance.selectors.ratio import ratio_rows
from insurance.selectors.scope import batch_for, batches_visible, one, runs_visible
from insurance.services import review, vouchers, withholding
from placement.filters import apply
from portal.access import roles_required
from portal.audit import audit_record
from portal.roles import ADMIN, UNION
from portal.views.base import call_action, call_service

B = c.BatchStatus
STAGES = {
    "review": ("参保批次审核（职保会审核中）", B.UNDER_REVIEW),
    "vouchers": ("缴费凭证审核", B.VOUCHER_REVIEW),
    "all": ("参保批次查询", ""),
}
SORTS = {"oldest": ("等待最久", ("updated_at", "pk")), "newest": ("最近更新", ("-updated_at", "-pk"))}


@roles_required(UNION | ADMIN)
def union_batches(request, stage: str = "all"):
    """参保批次: every batch of the union's units, searchable by 批次号, 参保编码, unit name or code."""
    title, default = STAGES[stage]
    return console_list(
        request, qs=batches_visible(request.user), filterset=BatchFilter, template="backoffice/union/batches.html",
        defaults={"status": default or "all"}, sorts=SORTS, default_sort="oldest",
        load=lambda ids: listed_batches(batches_visible(request.user), ids),
        context={"title": title, "stage": stage, "status_table": c.STATUS_TABLE},
    )


@roles_required(UNION | ADMIN)
def union_batches_export(request):
    """导出Excel: the filtered batches, the agent's phone masked, formula-like text kept as text; audited."""
    qs, values = apply(BatchFilter, request.GET, batches_visible(request.user))
    audit_record(action="insurance_batch.union_export", actor=request.user, data={"filters": values,
                                                                                   "label": "导出参保批次"})
    return batches_xlsx(qs, f"参保批次-{timezone.localdate():%Y%m%d}.xlsx")


def _context(request, batch):
    state, actions = voucher_state(batch), union_actions(batch, request.user)
    run = actions["run"]
    return {
        "batch": batch, "rows": ratio_rows(batch), "summary": results_summary(batch),
        "state": state, "vouchers": batch.vouchers.select_related("image"),
        "refunds": batch.refunds.select_related("voucher", "explanation"), "ereceipts": batch.ereceipts.all(),
        **actions, "removed_since_file": state.settlement.removed_since(run.requested) if run else 0,
        "voucher_form": VoucherDecisionForm(prefix="v"), "status_table": c.STATUS_TABLE,
    }


@roles_required(UNION | ADMIN)
def union_batch(request, pk):
    """One batch: its 参保比例 rows with the materials, the withholding run, the vouchers, the timeline."""
    batch = batch_for(request.user, pk)
    return render(request, "backoffice/union/batch.html", _context(request, batch))


@require_POST
@roles_required(UNION | ADMIN)
def union_batch_review(request, pk):
    """职保会审核: one conclusion per 社保编号 (不通过 with its reason); the batch follows."""
    batch = batch_for(request.user, pk)
    decisions = {}
    for row in batch.ratios.all():
        value = request.POST.get(f"decision_{row.pk}", "")
        if value in ("approve", "reject"):
            decisions[row.pk] = (value == "approve", request.POST.get(f"reason_{row.pk}", ""))
    if call_action(request, review.batch_review_decide,
                   lambda decided: f"审核结果已保存（{decided.get_status_display()}），并已通知单位。",
                   actor=request.user, batch=batch, decisions=decisions):
        return redirect("backoffice:union_batch_queue")
    return redirect("backoffice:union_batch", pk=batch.pk)


@roles_required(UNION | ADMIN)
def union_voucher_review(request, pk):
    """凭证审核通过 (投保成功) or 凭证审核不通过 with the 职保中心反馈."""
    batch = batch_for(request.user, pk)
    form = VoucherDecisionForm(request.POST or None, prefix="v")
    if request.method == "POST" and form.is_valid():
        approve = form.cleaned_data["decision"] == "approve"
        if call_service(form, vouchers.voucher_decide, actor=request.user, batch=batch, approve=approve,
                        reason=form.cleaned_data["reason"]):
            messages.success(request, "凭证审核结果已保存，并已通知单位。")
            return redirect("backoffice:union_voucher_queue")
    return render(request, "backoffice/union/batch.html", {**_context(request, batch), "voucher_form": form})


@roles_required(UNION | ADMIN)
def union_runs(request):
    """代扣文件: each withholding run with its delivery state (failed ones first to act on)."""
    return console_list(
        request, qs=runs_visible(request.user), filterset=RunFilter, template="backoffice/union/runs.html",
        sorts={"day": ("养老金发放日", ("pension_day", "pk")), "newest": ("最新申请", ("-created_at", "-pk"))},
        default_sort="day", context={"title": "代扣文件（养老金代扣）"},
    )


@require_POST
@roles_required(UNION | ADMIN)
def union_run_action(request, pk, action: str):
    """模拟养老金发放日代扣 (administrators) or 重新发送 a failed run (union staff in scope)."""
    run = one(runs_visible(request.user), pk, "未找到该代扣文件")
    service = {"start": withholding.run_start, "retry": withholding.run_retry}[action]
    call_action(request, service, "代扣文件已发送，代扣结果返回后将通知单位。", actor=request.user, run=run)
    return redirect("backoffice:union_batch", pk=run.batch_id)
