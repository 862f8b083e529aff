"""缴费: a unit pays an assessment through the payment channel (behind the feeds boundary), tracked
like the tax hand-off: the order is queued and pushed in the background, the bank answers on its
own time (polled by the task and the beat sweep, or told to us by the channel's callback), and a
paid order settles the assessment (paid, or paid late with the late fee) with a 缴费凭证. Transient
channel failures are retried with backoff and jitter; a refused order stays failed and the unit
pays again."""

import datetime
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone

from levy import predicates as p
from levy.choices import AssessmentStatus, Outcome, PaymentMethod, PaymentStatus
from levy.models import LevyAssessment, LevyPayment
from levy.selectors.assessment import assessment_view
from levy.services.channel import channel_poll, channel_push, channel_to_sweep
from portal.exceptions import Conflict, NotAllowed, ValidationFailed
from portal.feeds import get_feeds
from portal.feeds.types import PAYMENT_FAILED, PAYMENT_PAID, PaymentOrder, PaymentReceipt
from portal.jobs import enqueue_on_commit
from portal.models import Notice
from portal.notices import notice_post
from portal.receipts import receipt_issue
from portal.workflow import audit_created, locked, transition_apply

S, PS = AssessmentStatus, PaymentStatus


def payment_request(*, actor, assessment: LevyAssessment, method: str) -> LevyPayment:
    """缴费: an order for the levy and today's late fee, sent in the background. Refused while
    another order is in flight (two tabs paying at once make one order) or once paid."""
    if method not in PaymentMethod.values:
        raise ValidationFailed("请选择缴费方式", field="method")
    with transaction.atomic():
        assessment = locked(assessment, "employer")
        p.agent_of_unit.require(actor, assessment)
        if assessment.status in (S.PAID, S.PAID_LATE):
            raise Conflict(f"{assessment.collection_year}年残保金已缴纳，无需重复缴费", code="already_paid")
        if assessment.status not in (S.SUBMITTED, S.OVERDUE) or assessment.outcome != Outcome.PAYABLE:
            raise NotAllowed(p.refused_assessment(assessment))
        if assessment.payments.filter(status__in=[PS.QUEUED, PS.SENT]).exists():
            raise Conflict("已有一笔缴费正在由银行处理，请等待处理结果", code="payment_in_flight")
        view = assessment_view(assessment)
        fee = view.fee_today
        late = fee.fee if fee else Decimal("0.00")
        try:
            with transaction.atomic():
                payment = LevyPayment.objects.create(
                    assessment=assessment, method=method, principal=assessment.levy_amount, late_fee=late,
                    amount=assessment.levy_amount + late, late_days=fee.days if fee else 0,
                    requested_by=actor if getattr(actor, "pk", None) else None)
        except IntegrityError:
            raise Conflict("已有一笔缴费正在由银行处理，请等待处理结果", code="payment_in_flight") from None
        audit_created(payment, actor=actor, data={"label": f"发起缴费（{payment.get_method_display()}）",
                                                 "amount": str(payment.amount), "late_fee": str(late)})
        pk = payment.pk
        enqueue_on_commit("levy.tasks.payment_push_task", pk)
    return payment


def _order(payment: LevyPayment) -> PaymentOrder:
    employer = payment.assessment.employer
    return PaymentOrder(payment.reference, employer.credit_code, employer.name, payment.amount, payment.method,
                        f"{payment.assessment.collection_year}年残疾人就业保障金")


def _record(payment: LevyPayment, receipt: PaymentReceipt, *, actor=None) -> None:
    if receipt.status == PAYMENT_PAID:
        paid_on = timezone.localdate(receipt.settled_at) if receipt.settled_at else timezone.localdate()
        _settle(payment, actor=actor, paid_on=paid_on, bank_reference=receipt.bank_reference)
    elif receipt.status == PAYMENT_FAILED:
        transition_apply(payment, "fail", actor=actor, lock=False, message=receipt.message or "扣款失败",
                         reason=receipt.message)
        _tell_failed(payment)


def _tell_failed(payment: LevyPayment) -> None:
    assessment = payment.assessment
    notice_post(employer=assessment.employer, kind=Notice.Kind.REMINDER, link="/levy/",
                title=f"{assessment.collection_year}年残保金缴费失败",
                body=f"缴费单{payment.reference}（{payment.amount:,.2f}元）缴费失败：{payment.message or payment.last_error}。"
                     "请核对账户后重新缴费。", dedupe_key=f"levy-payment-failed:{payment.pk}")


def _fail(payment: LevyPayment, message: str) -> None:
    transition_apply(payment, "fail", lock=False, message=message, reason=message[:300])
    _tell_failed(payment)


def _channel():
    return get_feeds().payments


def payment_push(payment_id: int) -> float | None:
    """Send a queued order to the channel (levy.services.channel: idempotent, retried with backoff;
    the status query follows after commit)."""
    return channel_push(LevyPayment, payment_id, source=_channel, order=_order, failed=_fail, record=_record,
                        poll_task="levy.tasks.payment_poll_task")


def payment_poll(payment_id: int) -> None:
    """Ask the channel where a sent order stands (idempotent; an outage leaves it for the sweep)."""
    channel_poll(LevyPayment, payment_id, source=_channel, order=_order, failed=_fail, record=_record)


def _payment_receipt(assessment: LevyAssessment, payment: LevyPayment, paid_on: datetime.date, actor) -> dict:
    employer = assessment.employer
    facts = {"单位名称": employer.name, "事项": "残疾人就业保障金缴费", "征收年份": f"{assessment.collection_year}年",
             "统一审批编码": assessment.reference, "缴费金额": f"{payment.amount:,.2f}元",
             "其中滞纳金": f"{payment.late_fee:,.2f}元", "缴费日期": str(paid_on)}
    details = {"缴费单号": payment.reference, "缴费方式": payment.get_method_display(),
               "银行流水号": payment.bank_reference or "—", "统一社会信用代码": employer.credit_code}
    receipt = receipt_issue(kind="levy_payment", title="残疾人就业保障金缴费凭证", employer=employer, actor=actor,
                            public_facts=facts, details=details, prefix="JF")
    return {"receipt": receipt}


def _settle(payment: LevyPayment, *, actor, paid_on: datetime.date, bank_reference: str) -> None:
    """The bank paid: the order and the assessment move on (paid or paid late), a 缴费凭证 is
    issued and the unit told."""
    payment = transition_apply(payment, "mark_paid", actor=actor, lock=False, bank_reference=bank_reference)
    assessment = locked(payment.assessment, "employer")
    assessment = transition_apply(
        assessment, "settle", actor=actor, lock=False, paid_on=paid_on, amount=payment.amount,
        late_fee=payment.late_fee, prepare=lambda row: _payment_receipt(row, payment, paid_on, actor),
        data={"payment": payment.reference, "late_fee": str(payment.late_fee)})
    notice_post(employer=assessment.employer, kind=Notice.Kind.REVIEW, link="/levy/",
                title=f"{assessment.collection_year}年残保金缴费成功",
                body=f"缴费单{payment.reference}已缴纳{payment.amount:,.2f}元（其中滞纳金{payment.late_fee:,.2f}元）。"
                     f"可在残保金征缴页面下载缴费凭证（{assessment.payment_receipt.reference}）。",
                dedupe_key=f"levy-paid:{payment.pk}")


def payment_notify(*, actor, reference: str, status: str, bank_reference: str = "", message: str = "",
                   paid_on: datetime.date | None = None) -> LevyPayment:
    """The channel's callback (a tax system's token): an order was paid or failed. An unknown
    order, an order already settled or an assessment already paid is refused with a message and
    nothing changes."""
    if status not in (PAYMENT_PAID, PAYMENT_FAILED):
        raise ValidationFailed("status 应为 paid 或 failed", field="status")
    with transaction.atomic():
        payment = LevyPayment.objects.select_for_update().select_related("assessment__employer").filter(
            reference=(reference or "").strip()).first()
        if payment is None or not p.system_or_tax_scope.test(actor, payment):
            raise ValidationFailed("未找到该缴费单号", field="reference")  # outside the token's region: unknown
        p.payment_confirmer.require(actor, payment)
        if payment.assessment.status in (S.PAID, S.PAID_LATE) and payment.status != PS.PAID:
            raise Conflict(f"{payment.assessment.collection_year}年残保金已缴纳，该缴费单不能再确认", code="already_paid")
        if not payment.in_flight:
            raise Conflict(f"缴费单{payment.reference}已是“{payment.get_status_display()}”", code="already_settled")
        now = timezone.now()
        receipt = PaymentReceipt(payment.reference, status, payment.amount, payment.requested_at, now,
                                 bank_reference, message)
        if status == PAYMENT_PAID:
            _settle(payment, actor=actor, paid_on=paid_on or timezone.localdate(now), bank_reference=bank_reference)
        else:
            _record(payment, receipt, actor=actor)
    return LevyPayment.objects.get(pk=payment.pk)


def payments_to_sweep(now: datetime.datetime | None = None) -> tuple[list[int], list[int]]:
    """(queued ids whose retry is due or whose task was lost, sent ids to ask about)."""
    return channel_to_sweep(LevyPayment, now)
