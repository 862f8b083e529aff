"""参保批次: 请选择参保类型 (create), 单位信息维护 (信息确认无误), the payment method (chosen once),
the signed withholding form, 批次删除."""

from decimal import Decimal, InvalidOperation

from django.db import IntegrityError, transaction
from django.utils import timezone

from insurance import choices as c
from insurance import predicates as p
from insurance.models import InsuranceBatch, InsuranceCode
from insurance.selectors.codes import name_match
from insurance.selectors.config import closed_message, plan_year_for
from insurance.uploads import WITHHOLDING_FORM
from portal.audit import audit_record
from portal.exceptions import NotAllowed, ValidationFailed
from portal.guards import insist
from portal.uploads import upload_accept
from portal.workflow import audit_created, locked, transition_apply

CENT = Decimal("0.01")


def _number() -> str:
    """批次号: TXZY + today + a four-digit sequence of the day (TXZY202504300001)."""
    prefix = f"TXZY{timezone.localdate():%Y%m%d}"
    last = InsuranceBatch.objects.filter(number__startswith=prefix).order_by("-number").values_list(
        "number", flat=True).first()
    return f"{prefix}{int(last[-4:]) + 1 if last else 1:04d}"


def batch_create(*, actor, employer, code: InsuranceCode, kind: str, payment_method: str = "",
                 withholding_amount=None, withholding_form=None) -> InsuranceBatch:
    """集中参保办理 / 即时参保办理: a new batch under one of the unit's codes, in the plan year whose
    window is open for its kind (名单待导入). The payment method may be chosen at once (the API)
    or later in ③ (the page)."""
    if kind not in c.BatchKind.values:
        raise ValidationFailed("请选择参保类型：集中参保或即时参保", field="type")
    if code is None or code.employer_id != employer.pk:
        raise ValidationFailed("请选择本单位已审核通过的参保编码", field="code")
    plan_year = plan_year_for(kind)
    if plan_year is None:
        raise NotAllowed(closed_message(kind), field="type", code="window_closed")
    with transaction.atomic():
        for _attempt in range(5):
            batch = InsuranceBatch(number=_number(), employer=employer, code=code, plan_year=plan_year, kind=kind,
                                   created_by=actor)
            try:
                with transaction.atomic():
                    batch.save()
                break
            except IntegrityError:  # two batches numbered at the same moment: take the next number
                continue
        else:  # pragma: no cover - five collisions in a row
            raise NotAllowed("系统繁忙，请稍后再试")
        audit_created(batch, actor=actor, data={"label": f"{batch.get_kind_display()}办理：新建批次"})
        if payment_method:
            batch = batch_choose_payment(actor=actor, batch=batch, method=payment_method, amount=withholding_amount,
                                         form=withholding_form)
    return batch


def batch_confirm_unit(*, actor, batch: InsuranceBatch) -> InsuranceBatch:
    """信息确认无误: the code's unit data are right. A name the enterprise registry does not match to
    the credit code must first be changed (修改单位名称, reviewed by the union)."""
    p.agent_of_unit.require(actor, batch)
    match = name_match(batch.code)
    if match.blocks:
        if match.pending_change:
            raise NotAllowed("单位名称修改申请正在审核中（1个工作日内），审核通过后可继续办理参保", code="name_pending")
        raise NotAllowed("该单位名称无法匹配到统一社会信用代码，请先“修改单位名称”，职保会审核通过后可继续办理参保",
                         code="name_unmatched")
    with transaction.atomic():
        batch = locked(batch)
        insist(p.roster_editable, batch)
        batch.unit_confirmed_at = timezone.now()
        batch.save(update_fields=["unit_confirmed_at", "updated_at"])
        audit_record(action="insurance_batch.unit_confirm", actor=actor, obj=batch, data={"label": "单位信息确认无误"})
    return batch


def _amount(amount, premium: Decimal) -> Decimal:
    try:
        value = Decimal(str(amount)).quantize(CENT) if amount not in (None, "") else None
    except InvalidOperation:
        value = None
    if value is None:
        raise ValidationFailed("请输入委托代扣金额（元/人）", field="withholding_amount")
    if not Decimal(0) < value <= premium:
        raise ValidationFailed(f"委托代扣金额须大于0且小于等于{premium}元/人", field="withholding_amount")
    return value


def batch_choose_payment(*, actor, batch: InsuranceBatch, method: str, amount=None, form=None) -> InsuranceBatch:
    """选择参保缴费方式, once: 委托代扣款缴费参保 (the same amount for every member, 0 < amount ≤ the
    premium; only 集中参保 and only before the withholding channel closes) or 缴费凭证参保."""
    if method not in c.PaymentMethod.values:
        raise ValidationFailed("请选择参保缴费方式", field="payment_method")
    plan = batch.plan_year
    value = None
    if method == c.PaymentMethod.WITHHOLDING:
        if batch.kind != c.BatchKind.CENTRAL:
            raise ValidationFailed("即时参保在委托代扣通道关闭后办理，只能选择缴费凭证参保", field="payment_method")
        if timezone.now() >= plan.withholding_closes_at:
            raise NotAllowed(f"委托代扣款缴费参保通道已于{timezone.localtime(plan.withholding_closes_at):%Y-%m-%d %H:%M}"
                             "关闭，请选择缴费凭证参保", field="payment_method", code="window_closed")
        value = _amount(amount, plan.premium)
    with transaction.atomic():
        batch = locked(batch)
        insist(p.payment_not_chosen, batch)
        insist(p.roster_editable, batch)
        batch.payment_method, batch.withholding_amount = method, value
        batch.payment_chosen_at = timezone.now()
        if form is not None:
            batch.withholding_form = upload_accept(file=form, kind=WITHHOLDING_FORM.code, employer=batch.employer,
                                                   actor=actor, field="withholding_form")
        batch.save(update_fields=["payment_method", "withholding_amount", "payment_chosen_at", "withholding_form",
                                  "updated_at"])
        label = c.PaymentMethod(method).label + (f"，代扣金额{value}元/人" if value else "")
        audit_record(action="insurance_batch.payment", actor=actor, obj=batch, data={"label": f"选择参保缴费方式：{label}"})
    return batch


def batch_withholding_form(*, actor, batch: InsuranceBatch, form) -> InsuranceBatch:
    """上传（或更换）已盖章的委托代扣款申请表, while the roster can still change."""
    if not batch.is_withholding:
        raise ValidationFailed("缴费凭证参保无需上传委托代扣款申请表", field="withholding_form")
    with transaction.atomic():
        batch = locked(batch)
        insist(p.roster_editable, batch)
        batch.withholding_form = upload_accept(file=form, kind=WITHHOLDING_FORM.code, employer=batch.employer,
                                               actor=actor, field="withholding_form")
        batch.save(update_fields=["withholding_form", "updated_at"])
        audit_record(action="insurance_batch.withholding_form", actor=actor, obj=batch,
                     data={"label": "上传委托代扣款申请表"})
    return batch


def batch_delete(*, actor, batch: InsuranceBatch) -> InsuranceBatch:
    """批次删除: the batch and its roster leave every list and count; the record stays."""
    return transition_apply(batch, "delete_batch", actor=actor)
