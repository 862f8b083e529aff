"""④ 校验结果查看: 提交系统校验 and its progress (the page can be left), the results with their
filters and summary, each exception's fix on its row, 处理完成，再次提交系统校验, and the export."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from insurance import choices as c
from insurance import predicates as p
from insurance.exports import results_response
from insurance.forms import RetirementForm, SituationForm
from insurance.selectors.members import results_summary
from insurance.selectors.scope import member_for
from insurance.services import members as services
from insurance.services.verification import batch_verify_start
from insurance.views.common import agent_batch, batch_page
from portal.access import roles_required
from portal.audit import audit_record
from portal.crypto import matches
from portal.exceptions import DomainError
from portal.roles import EMPLOYER
from portal.views.base import call_service, paginate
from portal.workflow import can

R = c.Result
FILTERS = {
    "withholding": [(w.value or "none", w.label) for w in c.Withholding],
    "result": c.Result.choices,
    "deleted": [("no", "否"), ("yes", "是"), ("all", "全部")],
}


def filtered_members(request, batch):
    """姓名 / 证件号 / 代扣类型 / 校验结果 / 是否删除 (default: not deleted)."""
    qs = batch.members.all()
    values = {k: request.GET.get(k, "").strip() for k in ("q", "withholding", "result", "deleted")}
    deleted = values["deleted"] or "no"
    if deleted == "no":
        qs = qs.filter(deleted_at__isnull=True)
    elif deleted == "yes":
        qs = qs.filter(deleted_at__isnull=False)
    if values["withholding"]:
        qs = qs.filter(withholding="" if values["withholding"] == "none" else values["withholding"])
    if values["result"] in R.values:
        qs = qs.filter(result=values["result"])
    term = values["q"]
    if term:
        qs = qs.filter(matches("id_index", term.upper())) if len(term) >= 15 else qs.filter(name__icontains=term)
    return qs.order_by("row_number", "id"), {**values, "deleted": deleted}


def _row(member, editable: bool) -> dict:
    """One result line with the fix its exception offers."""
    open_ = member.deleted_at is None and editable
    return {
        "member": member, "fix": c.EXCEPTION_FIX.get(member.result, ""),
        "confirm_name": open_ and member.result == R.NAME_MISMATCH,
        "edit_retirement": open_ and member.result in (R.RETIREMENT_MISSING, R.RETIREMENT_FILLED),
        "choose_situation": open_ and member.result in (R.NO_SOCIAL_INSURANCE, R.UNVERIFIABLE),
        "delete": open_,
        "handled_note": (c.Situation(member.situation).label if member.situation else ""),
        "queued": member.check_state == c.CheckState.QUEUED,
    }


def _progress(batch) -> dict:
    running = batch.status == c.BatchStatus.VERIFYING
    return {"running": running, "percent": (batch.verify_done * 100 // batch.verify_total) if batch.verify_total else 0}


@roles_required(EMPLOYER)
def batch_results(request, pk):
    """④ 校验结果查看."""
    batch = agent_batch(request, pk)
    qs, values = filtered_members(request, batch)
    page, query = paginate(request, qs, per_page=50)
    editable = p.roster_editable(batch)
    page.object_list = [_row(m, editable) for m in page.object_list]
    return batch_page(request, batch, 4, "insurance/batch_results.html", {
        "page": page, "query": query, **values, "filters": FILTERS, "summary": results_summary(batch),
        "editable": editable, "can_verify": can(request.user, batch, "verify_start"),
        "can_go_submit": batch.status in (c.BatchStatus.VERIFIED, c.BatchStatus.REVIEW_REJECTED),
        **_progress(batch),
    })


@roles_required(EMPLOYER)
def batch_progress(request, pk):
    """The polled fragment: 已校验 X / N 人 while running; done when the batch is verified."""
    batch = agent_batch(request, pk)
    return render(request, "insurance/progress_fragment.html", {"batch": batch, **_progress(batch)})


@require_POST
@roles_required(EMPLOYER)
def batch_verify(request, pk):
    """提交系统校验 / 处理完成，再次提交系统校验."""
    batch = agent_batch(request, pk)
    try:
        batch_verify_start(actor=request.user, batch=batch)
        messages.success(request, "已提交系统校验。校验在后台进行，您可以离开本页面，稍后回来查看结果。")
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("insurance:batch_roster", pk=batch.pk)
    return redirect("insurance:batch_results", pk=batch.pk)


@require_POST
@roles_required(EMPLOYER)
def member_confirm_name(request, pk, member_id):
    """异常核对 — 确认: the social-insurance name replaces the imported one."""
    batch = agent_batch(request, pk)
    member = member_for(request.user, batch, member_id)
    try:
        member = services.member_confirm_name(actor=request.user, member=member)
        messages.success(request, f"已以社保姓名“{member.name}”覆盖。")
    except DomainError as error:
        messages.error(request, error.message)
    return redirect("insurance:batch_results", pk=batch.pk)


@roles_required(EMPLOYER)
def member_retirement(request, pk, member_id):
    """编辑 — 补充退休年月."""
    batch = agent_batch(request, pk)
    member = member_for(request.user, batch, member_id)
    initial = {"retirement_month": f"{member.retirement_month // 100}-{member.retirement_month % 100:02d}"
               if member.retirement_month else ""}
    form = RetirementForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid() and call_service(
            form, services.member_fill_retirement, actor=request.user, member=member,
            month=form.cleaned_data["retirement_month"]):
        messages.success(request, f"已补充{member.name}的退休年月。")
        return redirect("insurance:batch_results", pk=batch.pk)
    return batch_page(request, batch, 4, "insurance/member_fix.html", {
        "member": member, "form": form, "title": "补充退休年月", "multipart": False})


@roles_required(EMPLOYER)
def member_situation(request, pk, member_id):
    """未匹配到社保信息: 新退休 / 干保 / 出国 / 其他 with a note and an attachment."""
    batch = agent_batch(request, pk)
    member = member_for(request.user, batch, member_id)
    form = SituationForm(request.POST or None, request.FILES or None,
                         initial={"situation": member.situation, "note": member.situation_note})
    if request.method == "POST" and form.is_valid() and call_service(
            form, services.member_set_situation, actor=request.user, member=member,
            situation=form.cleaned_data["situation"], note=form.cleaned_data["note"],
            attachment=form.cleaned_data.get("attachment")):
        messages.success(request, f"已保存{member.name}的社保类型。")
        back = "insurance:batch_submit" if request.GET.get("back") == "submit" else "insurance:batch_results"
        return redirect(back, pk=batch.pk)
    return batch_page(request, batch, 4, "insurance/member_fix.html", {
        "member": member, "form": form, "title": "选择社保类型（无社保人员）", "multipart": True})


@roles_required(EMPLOYER)
def results_export(request, pk):
    """导出: the results as filtered, with full document numbers (the export is audited)."""
    batch = agent_batch(request, pk)
    qs, values = filtered_members(request, batch)
    audit_record(action="insurance_batch.export", actor=request.user, obj=batch,
                 data={"label": "导出校验结果（含完整证件号码）", "filters": values})
    return results_response(batch, qs, f"{batch.number}-校验结果-{timezone.localdate():%Y%m%d}.xlsx")
