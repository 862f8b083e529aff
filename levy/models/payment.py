"""缴费: one payment order of an assessment through the payment channel (三方协议扣款 or 银行转账),
tracked like the tax hand-off until the channel says paid or failed: queued (待发送) → sent (银行
处理中) → paid | failed. A transient channel outage is retried with backoff (the row keeps its
attempts); a failed payment stays as history and the unit pays again with a new order."""

import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from levy import predicates as p
from levy.choices import PaymentMethod, PaymentStatus

PS = PaymentStatus
MONEY = {"max_digits": 14, "decimal_places": 2}


def new_order_reference() -> str:
    return "JF" + secrets.token_hex(10).upper()


class BankOrder(ConcurrentTransitionMixin, models.Model):
    """What every order to a bank keeps while it is tracked (levy.services.channel): who asked and
    when, the attempts and the next retry, the last transient error, when the bank received and
    settled it, its 银行流水号 or its reason for refusing. Concrete models add the reference, the
    amount, the state and its transitions."""

    requested_at = models.DateTimeField("发起时间", default=timezone.now)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="发起人", null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+")
    attempts = models.PositiveSmallIntegerField("尝试次数", default=0)
    next_attempt_at = models.DateTimeField("下次尝试时间", null=True, blank=True)
    last_error = models.CharField("最近错误", max_length=300, blank=True)
    sent_at = models.DateTimeField("送达渠道时间", null=True, blank=True)
    settled_at = models.DateTimeField("渠道确认时间", null=True, blank=True)
    bank_reference = models.CharField("银行流水号", max_length=40, blank=True)
    message = models.CharField("渠道说明", max_length=300, blank=True)

    class Meta:
        abstract = True

    @property
    def in_flight(self) -> bool:
        return self.status in ("queued", "sent")


class LevyPayment(BankOrder):
    assessment = models.ForeignKey("levy.LevyAssessment", verbose_name="残保金征缴", on_delete=models.PROTECT,
                                   related_name="payments")
    reference = models.CharField("缴费单号", max_length=40, unique=True, default=new_order_reference)
    method = models.CharField("缴费方式", max_length=10, choices=PaymentMethod.choices)
    principal = models.DecimalField("残保金", **MONEY)
    late_fee = models.DecimalField("滞纳金", default=0, **MONEY)
    amount = models.DecimalField("缴费金额", **MONEY)
    late_days = models.PositiveIntegerField("滞纳天数", default=0)
    status = FSMField("缴费状态", max_length=8, choices=PS.choices, default=PS.QUEUED, protected=True)

    class Meta:
        ordering = ["-requested_at", "-id"]
        verbose_name = verbose_name_plural = "残保金缴费"
        constraints = [
            # one order in flight per assessment: two tabs paying at once make one order
            models.UniqueConstraint(fields=["assessment"], condition=models.Q(status__in=["queued", "sent"]),
                                    name="levy_one_payment_in_flight"),
        ]
        indexes = [models.Index(fields=["status", "next_attempt_at"])]

    audit_name = "levy_payment"

    def __str__(self):
        return f"{self.reference}（{self.get_status_display()}）"

    @property
    def employer(self):
        return self.assessment.employer

    @transition(field=status, source=[PS.QUEUED, PS.SENT], target=PS.SENT, permission=p.system,
                custom={"action": "send", "label": "已提交缴费渠道"})
    def mark_sent(self):
        self.sent_at, self.next_attempt_at, self.last_error = timezone.now(), None, ""

    @transition(field=status, source=[PS.QUEUED, PS.SENT], target=PS.PAID, permission=p.payment_confirmer,
                custom={"label": "缴费成功", "refused": lambda pay: f"缴费单{pay.reference}已是“{pay.get_status_display()}”",
                        "code": "already_settled"})
    def mark_paid(self, *, bank_reference: str = ""):
        self.settled_at, self.bank_reference, self.next_attempt_at = timezone.now(), bank_reference, None

    @transition(field=status, source=[PS.QUEUED, PS.SENT], target=PS.FAILED, permission=p.payment_confirmer,
                custom={"label": "缴费失败", "refused": lambda pay: f"缴费单{pay.reference}已是“{pay.get_status_display()}”",
                        "code": "already_settled"})
    def fail(self, *, message: str):
        self.settled_at, self.message, self.next_attempt_at = timezone.now(), message[:300], None
