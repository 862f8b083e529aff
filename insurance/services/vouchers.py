"""参保名单确定，前往上传缴费凭证 and 缴费凭证管理 (both channels), then the union's 凭证审核:

    roster_confirm   → 参保名单已确定; the 个人代扣 voucher row generated from the withholding (and,
                       when the withholding paid everything, the 电子票据 row too)
    voucher_save / refund_save / ereceipt_save (and their deletes) while 参保名单已确定 or
                       凭证审核不通过: each row checked against what is due, nothing stored on a refusal
    vouchers_submit  → 凭证审核中 (the totals must add up: rules.payment.VoucherCheck)
    voucher_decide   → 投保成功 (coverage dates fixed on every member, the 参保回执 issued) or
                       凭证审核不通过 with the reason shown as 职保中心反馈"""

from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils import timezone

from employers.models import Employer
from insurance import choices as c
from insurance import predicates as p
from insurance.models import EReceipt, InsuranceBatch, PaymentVoucher, Refund
from insurance.rules.payment import receipt_room, refund_room
from insurance.selectors.members import active_members, member_coverage
from insurance.selectors.money import settlement_of, voucher_state
from insurance.uploads import REFUND_EXPLANATION, VOUCHER_IMAGE
from portal.audit import audit_record
from portal.exceptions import NotAllowed, ValidationFailed
from portal.identity import parse_credit_code
from portal.models import Notice
from portal.notices import notice_post
from portal.receipts import receipt_issue
from portal.uploads import upload_accept
from portal.workflow import locked, transition_apply

B = c.BatchStatus
EDITABLE = (B.ROSTER_CONFIRMED, B.VOUCHER_REJECTED)
CENT = Decimal("0.01")


def money(value, *, field: str, label: str) -> Decimal:
    """An amount in 元 with at most two decimals, above zero."""
    try:
        amount = Decimal(str(value).replace(",", "").strip())
    except (InvalidOperation, ValueError):
        raise ValidationFailed(f"请输入{label}（元，最多两位小数）", field=field) from None
    if not amount.is_finite() or amount <= 0 or amount != amount.quantize(CENT) or amount >= Decimal("1e12"):
        raise ValidationFailed(f"{label}应大于0，最多两位小数", field=field)
    return amount


def _required(data: dict, field: str, label: str, max_length: int = 200) -> str:
    value = (data.get(field) or "").strip()
    if not value:
        raise ValidationFailed(f"请输入{label}", field=field)
    if len(value) > max_length:
        raise ValidationFailed(f"{label}不能超过{max_length}个字", field=field)
    return value


def _editable(actor, batch: InsuranceBatch) -> InsuranceBatch:
    p.agent_of_unit.require(actor, batch)
    batch = locked(batch, "employer", "code", "plan_year")
    if batch.status not in EDITABLE:
        raise NotAllowed(f"批次状态为“{batch.get_status_display()}”，不能修改缴费凭证信息", code="wrong_state")
    return batch


# --- 参保名单确定，前往上传缴费凭证 ----------------------------------------------------------------------


def roster_confirm(*, actor, batch: InsuranceBatch) -> InsuranceBatch:
    """The list is final: the 个人代扣 row carries what the pension accounts paid; when that is
    everything, the e-receipt row is generated too (the manual's 情形3: 直接点击提交审核)."""
    with transaction.atomic():
        batch = transition_apply(batch, "roster_confirm", actor=actor, related=("employer", "code", "plan_year"))
        figures = settlement_of(batch)
        if figures.withheld_total > 0:
            PaymentVoucher.objects.create(batch=batch, payer_name=batch.code.unit_name, method=c.VoucherMethod.WITHHELD,
                                          amount=figures.withheld_total, generated=True)
            if figures.unit_due == 0:
                EReceipt.objects.create(batch=batch, title=batch.code.unit_name, credit_code=batch.code.credit_code,
                                        amount=figures.withheld_total, generated=True)
    return batch


# --- rows -------------------------------------------------------------------------------------------


def voucher_save(*, actor, batch: InsuranceBatch, data: dict, image=None, voucher: PaymentVoucher | None = None
                 ) -> PaymentVoucher:
    """新增 / 编辑 a unit voucher row: payer, method, amount, and the voucher image (jpg/png only)."""
    payer = _required(data, "payer_name", "付款单位名称")
    method = data.get("method") or ""
    if method not in dict(c.UNIT_VOUCHER_METHODS):
        raise ValidationFailed("请选择缴费方式", field="method")
    amount = money(data.get("amount"), field="amount", label="缴费金额")
    with transaction.atomic():
        batch = _editable(actor, batch)
        if voucher is not None:
            voucher = PaymentVoucher.objects.select_for_update().get(pk=voucher.pk, batch=batch)
            if voucher.generated:
                raise NotAllowed("系统生成的个人代扣凭证不能修改", field="amount")
        if image is None and (voucher is None or not voucher.image_id):
            raise ValidationFailed("请上传缴费凭证图片（jpg、png）", field="image")
        row = voucher or PaymentVoucher(batch=batch)
        row.payer_name, row.method, row.amount = payer, method, amount
        if image is not None:
            row.image = upload_accept(file=image, kind=VOUCHER_IMAGE.code, employer=batch.employer, actor=actor,
                                      field="image")
        row.save()
        audit_record(action="insurance_batch.voucher_save", actor=actor, obj=batch,
                     data={"label": f"缴费凭证 {payer} {amount}元"})
    return row


def voucher_delete(*, actor, batch: InsuranceBatch, voucher: PaymentVoucher) -> None:
    with transaction.atomic():
        batch = _editable(actor, batch)
        voucher = PaymentVoucher.objects.select_for_update().get(pk=voucher.pk, batch=batch)
        if voucher.generated:
            raise NotAllowed("系统生成的个人代扣凭证不能删除")
        if voucher.refunds.exists():
            raise NotAllowed("请先删除该缴费单位的退款信息")
        voucher.delete()
        audit_record(action="insurance_batch.voucher_delete", actor=actor, obj=batch,
                     data={"label": f"删除缴费凭证 {voucher.payer_name} {voucher.amount}元"})


def refund_save(*, actor, batch: InsuranceBatch, data: dict, explanation=None) -> Refund:
    """退款信息填报: a row that returns part of the excess to an account (number encrypted). Its
    amount may not exceed the excess not yet refunded; another payer needs the 情况说明."""
    account_name = _required(data, "account_name", "退款账户名称")
    number = "".join((data.get("account_number") or "").split())
    if not number.isdigit() or not 8 <= len(number) <= 30:
        raise ValidationFailed("请输入8至30位数字的退款账号", field="account_number")
    bank = _required(data, "bank", "退款银行", 100)
    amount = money(data.get("amount"), field="amount", label="退款金额")
    with transaction.atomic():
        batch = _editable(actor, batch)
        voucher = batch.vouchers.filter(pk=data.get("voucher") or 0, generated=False).first() if str(
            data.get("voucher") or "").isdigit() else None
        if voucher is None:
            raise ValidationFailed("请选择缴费单位", field="voucher")
        figures = settlement_of(batch)
        room = refund_room(due=figures.total, vouchers=list(batch.vouchers.values_list("amount", flat=True)),
                           other_refunds=list(batch.refunds.values_list("amount", flat=True)))
        if amount > room:
            raise ValidationFailed(f"退款金额不能超过多缴金额（还可退{room:,.2f}元）", field="amount")
        row = Refund(batch=batch, voucher=voucher, account_name=account_name, account_number=number, bank=bank,
                     amount=amount)
        if row.needs_explanation:
            if explanation is None:
                raise ValidationFailed("缴费单位与退款账户不一致，须上传情况说明", field="explanation")
        if explanation is not None:
            row.explanation = upload_accept(file=explanation, kind=REFUND_EXPLANATION.code, employer=batch.employer,
                                            actor=actor, field="explanation")
        row.save()
        audit_record(action="insurance_batch.refund_save", actor=actor, obj=batch,
                     data={"label": f"退多余款 {account_name} {amount}元"})
    return row


def refund_delete(*, actor, batch: InsuranceBatch, refund: Refund) -> None:
    _row_delete(actor, batch, refund, f"删除退款信息 {refund.amount}元", "refund_delete")


def _matched_credit_code(title: str, given: str, batch: InsuranceBatch) -> str:
    """专用收据抬头 → 统一信用代码: the batch's unit, or a registered unit of that exact name; a
    code typed by hand must be a valid one."""
    if title == batch.code.unit_name:
        return batch.code.credit_code
    if given:
        return parse_credit_code(given, field_name="credit_code").code
    match = Employer.objects.filter(name=title).values_list("credit_code", flat=True).first()
    if match:
        return match
    raise ValidationFailed("未能按收据抬头匹配到统一信用代码，请填写", field="credit_code")


def ereceipt_save(*, actor, batch: InsuranceBatch, data: dict) -> EReceipt:
    """电子票据信息填报: the total of the e-receipts may not exceed what was paid (less refunds)."""
    title = _required(data, "title", "专用收据抬头")
    amount = money(data.get("amount"), field="amount", label="金额")
    note = (data.get("note") or "").strip()[:200]
    with transaction.atomic():
        batch = _editable(actor, batch)
        credit_code = _matched_credit_code(title, (data.get("credit_code") or "").strip(), batch)
        paid = sum(batch.vouchers.values_list("amount", flat=True), Decimal(0))
        refunded = sum(batch.refunds.values_list("amount", flat=True), Decimal(0))
        room = receipt_room(paid=paid, refunded=refunded, other_receipts=batch.ereceipts.values_list("amount", flat=True))
        if amount > room:
            raise ValidationFailed(f"电子票据金额合计不能超过缴费金额（还可开{room:,.2f}元）", field="amount")
        row = EReceipt.objects.create(batch=batch, title=title, credit_code=credit_code, amount=amount, note=note)
        audit_record(action="insurance_batch.ereceipt_save", actor=actor, obj=batch,
                     data={"label": f"电子票据 {title} {amount}元"})
    return row


def ereceipt_delete(*, actor, batch: InsuranceBatch, receipt: EReceipt) -> None:
    _row_delete(actor, batch, receipt, f"删除电子票据 {receipt.title} {receipt.amount}元", "ereceipt_delete")


def _row_delete(actor, batch: InsuranceBatch, row, label: str, action: str) -> None:
    with transaction.atomic():
        batch = _editable(actor, batch)
        type(row).objects.filter(pk=row.pk, batch=batch).delete()
        audit_record(action=f"insurance_batch.{action}", actor=actor, obj=batch, data={"label": label})


# --- 提交审核 and the union's 凭证审核 ---------------------------------------------------------------------


def _add_up(batch: InsuranceBatch, actor) -> dict:
    """Inside the lock: the rows add up (else nothing is issued), then the submission's receipt."""
    state = voucher_state(batch)
    problems = state.problems()
    if problems:
        section, message = problems[0]
        raise ValidationFailed(message, field=section, code="totals")
    receipt = receipt_issue(
        kind="insurance_voucher_submission", title="退休住院计划缴费凭证提交回执", employer=batch.employer, actor=actor,
        prefix="PZ", public_facts={
            "单位名称": batch.code.unit_name, "批次号": batch.number, "参保人数": f"{state.settlement.members}人",
            "参保总费用": f"{state.settlement.total:,.2f}元", "缴费凭证合计": f"{state.check.paid:,.2f}元",
            "退多余款": f"{state.check.refunded:,.2f}元", "电子票据": f"{state.check.receipted:,.2f}元",
        },
        details={"下一步": "职保会审核凭证后，结果在“缴费凭证管理”的“职保中心反馈”中显示"},
    )
    return {"receipt": receipt}


def vouchers_submit(*, actor, batch: InsuranceBatch) -> InsuranceBatch:
    """提交审核: the vouchers add up to the premium, the excess is refunded, the e-receipts do not
    exceed what was paid, every unit voucher has its image."""
    with transaction.atomic():
        batch = transition_apply(batch, "voucher_submit", actor=actor, related=("employer", "code", "plan_year"),
                                 prepare=lambda b: _add_up(b, actor))
        notice_post(employer=batch.employer, kind=Notice.Kind.SYSTEM, actor=actor,
                    title=f"参保批次{batch.number}缴费凭证已提交审核",
                    body=f"提交回执编号{batch.voucher_receipt.reference}。职保会审核凭证后，审核结果将在“缴费凭证管理”的“职保中心反馈”中显示。",
                    link=f"/insurance/batches/{batch.pk}/vouchers/",
                    dedupe_key=f"insurance-vouchers:{batch.pk}:{batch.voucher_submitted_at}")
    return batch


def _insured_receipt(batch: InsuranceBatch, actor, completed_on) -> dict:
    figures = settlement_of(batch)
    cover = member_coverage(batch) if batch.kind == c.BatchKind.CENTRAL else None
    receipt = receipt_issue(
        kind="insurance_insured", title="退休住院计划参保回执", employer=batch.employer, actor=actor, prefix="TB",
        public_facts={
            "单位名称": batch.code.unit_name, "批次号": batch.number, "参保编码": batch.code.code,
            "保障年度": f"{batch.plan_year.year}年度", "参保人数": f"{figures.members}人",
            "参保总费用": f"{figures.total:,.2f}元", "状态": "投保成功",
        },
        details={"保障期限": (f"{cover.start:%Y-%m-%d}至{cover.end:%Y-%m-%d}" if cover else
                          f"{completed_on:%Y-%m-%d}次日起至{batch.plan_year.coverage_end:%Y-%m-%d}")},
    )
    return {"receipt": receipt, "completed_on": completed_on, "by": actor}


def voucher_decide(*, actor, batch: InsuranceBatch, approve: bool, reason: str = "") -> InsuranceBatch:
    """凭证审核通过 → 投保成功 (every member's 起保 / 终保 dates fixed, the 参保回执 issued), or
    凭证审核不通过 with the reason (e.g. 退多余款账户信息错误). Two reviewers at once: the first
    decides, the second is told and nothing of theirs is stored."""
    reason = (reason or "").strip()
    if not approve and not reason:
        raise ValidationFailed("凭证审核不通过须填写原因", field="reason")
    today = timezone.localdate()
    with transaction.atomic():
        if not approve:
            batch = transition_apply(batch, "voucher_reject", actor=actor, related=("employer", "plan_year"), by=actor,
                                     reason=reason)
            notice_post(employer=batch.employer, kind=Notice.Kind.SYSTEM, actor=actor,
                        title=f"参保批次{batch.number}凭证审核不通过",
                        body=f"职保中心反馈：{reason}。请在“缴费凭证管理”中点击“编辑”修改凭证信息后再次提交审核。",
                        link=f"/insurance/batches/{batch.pk}/vouchers/",
                        dedupe_key=f"insurance-voucher-rejected:{batch.pk}:{batch.voucher_reviewed_at}")
            return batch
        batch = transition_apply(batch, "voucher_approve", actor=actor, related=("employer", "code", "plan_year"),
                                 prepare=lambda b: _insured_receipt(b, actor, today))
        cover = member_coverage(batch)
        active_members(batch).update(coverage_start=cover.start, coverage_end=cover.end)
        notice_post(employer=batch.employer, kind=Notice.Kind.SYSTEM, actor=actor,
                    title=f"参保批次{batch.number}投保成功",
                    body=f"凭证审核通过，投保成功。保障期限{cover.start:%Y-%m-%d}至{cover.end:%Y-%m-%d}，"
                         "可在“缴费凭证管理”下载参保回执。",
                    link=f"/insurance/batches/{batch.pk}/vouchers/", dedupe_key=f"insurance-insured:{batch.pk}")
    return batch
