"""The agent's money pages: ⑥ 审核通过，向职保会提交代扣申请 and 查看代扣结果 (with 删减人员 and
参保名单确定，前往上传缴费凭证), and 缴费凭证管理 (the list, and per batch the voucher, 退多余款 and
电子票据 rows, 提交审核, the 职保中心反馈 and the 参保回执)."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from employers.selectors import employer_for_agent
from insurance import choices as c
from insurance import predicates as p
from insurance.forms import EReceiptForm, RefundForm, VoucherForm, WithholdingRequestForm
from insurance.models import EReceipt, PaymentVoucher, Refund
from insurance.rules.ratio import percent_text
from insurance.selectors.members import active_members, results_summary
from insurance.selectors.money import listed_settlements, settlement_of, voucher_state
from insurance.selectors.scope import batches_visible
from insurance.services import vouchers as services
from insurance.services import withholding
from insurance.views.common import B, agent_batch, batch_page
from portal.access import roles_required
from portal.roles import EMPLOYER
from portal.views.base import call_action, call_service, paginate
from portal.workflow import can, refusal

W = c.WithholdingResult
RESULT_FILTERS = {"withheld": [W.WITHHELD], "failed": list(c.WITHHOLDING_FAILED), "none": [W.NONE]}
# the pages a batch's money is handled on, by status (继续办理参保 resumes there)
WITHHOLDING_STATES = (B.WITHHOLDING_REQUESTED, B.WITHHOLDING_DONE)
VOUCHER_STATES = (B.ROSTER_CONFIRMED, B.VOUCHER_REVIEW, B.VOUCHER_REJECTED, B.INSURED, B.COMPLETED)


def money_page(batch) -> str | None:
    """Where 继续办理参保 goes for a batch past the union's review (None: not a money status)."""
    if batch.status in WITHHOLDING_STATES or (batch.status == B.REVIEW_APPROVED and batch.is_withholding):
        return "insurance:batch_withholding"
    if batch.status in VOUCHER_STATES or batch.status == B.REVIEW_APPROVED:
        return "insurance:batch_vouchers"
    return None


@roles_required(EMPLOYER)
def batch_withholding(request, pk):
    """⑥ 代扣申请提交 and, after the pension day, 查看代扣结果 / 确认参保名单."""
    batch = agent_batch(request, pk)
    if not batch.is_withholding:
        return redirect("insurance:batch_vouchers", pk=batch.pk)
    form = WithholdingRequestForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        if call_service(form, withholding.withholding_request, actor=request.user, batch=batch,
                        agreed=form.cleaned_data["agreed"]):
            messages.success(request, "代扣申请已提交，代扣名单已锁定。代扣受理单将于1个工作日后可下载。")
            return redirect("insurance:batch_withholding", pk=batch.pk)
    qs = active_members(batch)
    result = request.GET.get("result", "")
    if result in RESULT_FILTERS:
        qs = qs.filter(withholding_result__in=RESULT_FILTERS[result])
    page, query = paginate(request, qs)
    run = getattr(batch, "withholding_run", None)
    problem = refusal(batch, "withholding_request", request.user)
    return batch_page(request, batch, 6, "insurance/batch_withholding.html", {
        "form": form, "page": page, "query": query, "result": result, "run": run,
        "summary": results_summary(batch), "figures": settlement_of(batch),
        "threshold": percent_text(batch.plan_year.threshold),
        "can_request": problem is None, "request_refusal": problem.message if problem and batch.status == B.REVIEW_APPROVED else "",
        "can_confirm": can(request.user, batch, "roster_confirm"),
        "can_delete": p.failed_members_deletable.test(batch), "failed_results": c.WITHHOLDING_FAILED,
        "slip_ready": p.acceptance_slip_ready(batch, timezone.localdate()),
    })


@require_POST
@roles_required(EMPLOYER)
def failed_delete(request, pk):
    """删减人员: the ticked members whose withholding failed (all or nothing, under the 75% rule)."""
    batch = agent_batch(request, pk)
    ids = [int(v) for v in request.POST.getlist("members") if v.isdigit()]
    call_action(request, withholding.failed_members_delete, lambda count: f"已删除代扣失败人员{count}人。",
                actor=request.user, batch=batch, member_ids=ids)
    return redirect("insurance:batch_withholding", pk=batch.pk)


@require_POST
@roles_required(EMPLOYER)
def roster_confirm(request, pk):
    """参保名单确定，前往上传缴费凭证."""
    batch = agent_batch(request, pk)
    if call_action(request, services.roster_confirm, "参保名单已确定，请上传缴费凭证。", actor=request.user, batch=batch):
        return redirect("insurance:batch_vouchers", pk=batch.pk)
    return redirect("insurance:batch_withholding" if batch.is_withholding else "insurance:batch_info", pk=batch.pk)


@roles_required(EMPLOYER)
def voucher_list(request):
    """缴费凭证管理: the union's receiving account and the batches past the union's review."""
    employer_for_agent(request.user)
    qs = batches_visible(request.user).filter(status__in=(B.REVIEW_APPROVED, *WITHHOLDING_STATES, *VOUCHER_STATES))
    number, status = request.GET.get("number", "").strip(), request.GET.get("status", "")
    if number:
        qs = qs.filter(number__icontains=number)
    if status in B.values:
        qs = qs.filter(status=status)
    page, query = paginate(request, qs.select_related("plan_year", "code").order_by("-updated_at", "-id"))
    figures = listed_settlements(list(page.object_list))
    page.object_list = [{"batch": b, "figures": figures[b.pk], "page": money_page(b)} for b in page.object_list]
    plans = {row["batch"].plan_year for row in page.object_list}
    return render(request, "insurance/voucher_list.html", {
        "page": page, "query": query, "number": number, "status": status, "plans": sorted(plans, key=lambda p: -p.year),
        "statuses": [(s.value, s.label) for s in (B.REVIEW_APPROVED, *WITHHOLDING_STATES, *VOUCHER_STATES)],
    })


SECTIONS = {
    "voucher": (VoucherForm, lambda request, batch, form: services.voucher_save(
        actor=request.user, batch=batch, data=form.cleaned_data, image=form.cleaned_data.get("image")),
        "缴费凭证已保存。"),
    "refund": (RefundForm, lambda request, batch, form: services.refund_save(
        actor=request.user, batch=batch, data=form.cleaned_data, explanation=form.cleaned_data.get("explanation")),
        "退款信息已保存。"),
    "ereceipt": (EReceiptForm, lambda request, batch, form: services.ereceipt_save(
        actor=request.user, batch=batch, data=form.cleaned_data), "电子票据信息已保存。"),
}


def _forms(batch, data=None, files=None, section=""):
    unit_vouchers = list(batch.vouchers.filter(generated=False))
    built = {}
    for key, (form_class, _call, _done) in SECTIONS.items():
        bound = (data, files) if key == section else (None, None)
        kwargs = {"vouchers": unit_vouchers} if form_class is RefundForm else {}
        built[key] = form_class(*bound, prefix=key, **kwargs)
    return built


@roles_required(EMPLOYER)
def batch_vouchers(request, pk):
    """上传缴费凭证 for one batch: the rows, their totals against what is due, and 提交审核."""
    batch = agent_batch(request, pk)
    section = request.POST.get("section", "")
    forms = _forms(batch, request.POST, request.FILES, section) if request.method == "POST" else _forms(batch)
    if request.method == "POST" and section == "submit":
        call_action(request, services.vouchers_submit, "缴费凭证已提交职保会审核。", actor=request.user, batch=batch)
        return redirect("insurance:batch_vouchers", pk=batch.pk)
    if request.method == "POST" and section in SECTIONS:
        form = forms[section]
        _form_class, call, done = SECTIONS[section]
        if form.is_valid() and call_service(form, lambda: call(request, batch, form)):
            messages.success(request, done)
            return redirect("insurance:batch_vouchers", pk=batch.pk)
    state = voucher_state(batch)
    editable = batch.status in services.EDITABLE
    return batch_page(request, batch, 6 if batch.is_withholding else 5, "insurance/batch_vouchers.html", {
        "forms": forms, "section": section, "state": state, "figures": state.settlement, "editable": editable,
        "vouchers": batch.vouchers.select_related("image"), "refunds": batch.refunds.select_related("voucher", "explanation"),
        "ereceipts": batch.ereceipts.all(), "problems": state.problems(), "plan": batch.plan_year,
        "can_submit": editable and not state.problems(),
        "can_confirm": can(request.user, batch, "roster_confirm"),
    })


ROW_MODELS = {"voucher": (PaymentVoucher, services.voucher_delete, "voucher"),
              "refund": (Refund, services.refund_delete, "refund"),
              "ereceipt": (EReceipt, services.ereceipt_delete, "receipt")}


@require_POST
@roles_required(EMPLOYER)
def row_delete(request, pk, kind, row):
    """删除 a voucher, refund or e-receipt row of the batch."""
    batch = agent_batch(request, pk)
    if kind not in ROW_MODELS:
        return redirect("insurance:batch_vouchers", pk=batch.pk)
    model, delete, argument = ROW_MODELS[kind]
    item = get_object_or_404(model, pk=row, batch=batch)
    call_action(request, delete, "已删除。", actor=request.user, batch=batch, **{argument: item})
    return redirect("insurance:batch_vouchers", pk=batch.pk)
