"""The money side of a batch (issue 19): the withholding run against the pension registry with its
delivery state, and the rows of 缴费凭证管理 — vouchers, 退多余款 and 电子票据.

WithholdingRun (one per withholding batch, the file handed to the pension registry):

    待养老金发放日 ─start─▶ 待发送 ─mark_sent─▶ 代扣中 ─receive─▶ 已返回代扣结果
                             ▲                     └─fail─▶ 发送失败 (an alert) ─retry─┘

The registry's withholding call is idempotent by each member's reference, so a run sent twice,
or retried after a failure, never takes a member's premium twice."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from insurance import choices as c
from insurance import predicates as p
from portal.crypto import EncryptedCharField
from portal.models import Upload

RS = c.RunStatus


class WithholdingRun(ConcurrentTransitionMixin, models.Model):
    batch = models.OneToOneField("insurance.InsuranceBatch", verbose_name="参保批次", on_delete=models.PROTECT,
                                 related_name="withholding_run")
    status = FSMField("代扣文件状态", max_length=10, default=RS.SCHEDULED, choices=RS.choices, protected=True)
    pension_day = models.DateField("养老金发放日")
    requested = models.PositiveIntegerField("申请代扣人数", default=0)
    amount = models.DecimalField("代扣金额（元/人）", max_digits=14, decimal_places=2)
    created_at = models.DateTimeField("申请时间", default=timezone.now)
    queued_at = models.DateTimeField("发送时间", null=True, blank=True)
    queued_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="发起人", null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="+")
    sent_at = models.DateTimeField("送达时间", null=True, blank=True)
    received_at = models.DateTimeField("结果返回时间", null=True, blank=True)
    attempts = models.PositiveSmallIntegerField("尝试次数", default=0)
    next_attempt_at = models.DateTimeField("下次尝试时间", null=True, blank=True)
    last_error = models.CharField("最近错误", max_length=500, blank=True)
    withheld = models.PositiveIntegerField("代扣成功人数", default=0)

    audit_name = "withholding_run"

    class Meta:
        ordering = ["pension_day", "id"]
        indexes = [models.Index(fields=["status", "pension_day"])]
        verbose_name = verbose_name_plural = "代扣文件（养老金代扣）"

    def __str__(self):
        return f"{self.batch} 代扣 {self.get_status_display()}"

    @property
    def employer(self):
        return self.batch.employer

    @transition(field=status, source=[RS.SCHEDULED], target=RS.QUEUED, permission=p.run_starter,
                custom={"label": "养老金发放日，发送代扣文件", "refused": lambda r: f"代扣文件状态为“{r.get_status_display()}”，不能再次发送"})
    def start(self, *, by=None):
        self.queued_at, self.queued_by = timezone.now(), by if getattr(by, "pk", None) else None

    @transition(field=status, source=[RS.QUEUED, RS.SENT], target=RS.SENT, permission=p.system,
                custom={"action": "send", "label": "代扣文件已送达养老金系统"})
    def mark_sent(self):
        self.sent_at, self.last_error, self.next_attempt_at = timezone.now(), "", None

    @transition(field=status, source=RS.SENT, target=RS.RECEIVED, permission=p.system,
                custom={"label": "代扣结果已返回"})
    def receive(self, *, withheld: int):
        self.received_at, self.withheld = timezone.now(), withheld

    @transition(field=status, source=[RS.QUEUED, RS.SENT], target=RS.FAILED, permission=p.system,
                custom={"label": "代扣文件发送失败"})
    def fail(self, *, error: str):
        self.last_error, self.next_attempt_at = error[:500], None

    @transition(field=status, source=RS.FAILED, target=RS.QUEUED, permission=p.run_operator,
                custom={"label": "重新发送代扣文件",
                        "refused": lambda r: f"代扣文件状态为“{r.get_status_display()}”，只有发送失败的可以重新发送"})
    def retry(self, *, by=None):
        self.last_error, self.attempts = "", 0
        self.queued_at, self.queued_by = timezone.now(), by if getattr(by, "pk", None) else None


class PaymentVoucher(models.Model):
    """A row of 上传缴费凭证: who paid how much how; the 个人代扣 row is generated from the run."""

    batch = models.ForeignKey("insurance.InsuranceBatch", on_delete=models.CASCADE, related_name="vouchers")
    payer_name = models.CharField("付款单位名称", max_length=200)
    method = models.CharField("缴费方式", max_length=10, choices=c.VoucherMethod.choices)
    amount = models.DecimalField("缴费金额", max_digits=14, decimal_places=2)
    account_kind = models.CharField("收款帐户类别", max_length=10, choices=c.AccountKind.choices,
                                    default=c.AccountKind.RETIREE)
    image = models.ForeignKey(Upload, verbose_name="缴费凭证图片", null=True, blank=True, on_delete=models.PROTECT,
                              related_name="+")
    generated = models.BooleanField("系统生成", default=False)
    created_at = models.DateTimeField("创建时间", default=timezone.now)

    class Meta:
        ordering = ["-generated", "created_at", "id"]
        verbose_name = verbose_name_plural = "缴费凭证"

    def __str__(self):
        return f"{self.payer_name} {self.amount}"


class Refund(models.Model):
    """退多余款: the excess of the vouchers over the premium goes back to an account; the account
    number is encrypted, and a refund to another payer than the voucher's needs an explanation."""

    batch = models.ForeignKey("insurance.InsuranceBatch", on_delete=models.CASCADE, related_name="refunds")
    voucher = models.ForeignKey(PaymentVoucher, verbose_name="缴费单位", on_delete=models.PROTECT,
                                related_name="refunds")
    account_name = models.CharField("退款账户名称", max_length=200)
    account_number = EncryptedCharField("退款账号")
    bank = models.CharField("退款银行", max_length=100)
    amount = models.DecimalField("退款金额", max_digits=14, decimal_places=2)
    explanation = models.ForeignKey(Upload, verbose_name="情况说明", null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")
    created_at = models.DateTimeField("创建时间", default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = verbose_name_plural = "退多余款"

    def __str__(self):
        return f"{self.account_name} {self.amount}"

    @property
    def needs_explanation(self) -> bool:
        """缴费单位与退款账号不一致，须上传情况说明."""
        return self.account_name.strip() != self.voucher.payer_name.strip()


class EReceipt(models.Model):
    """电子票据: a 专用收据 title with its matched credit code; several may share what was paid."""

    batch = models.ForeignKey("insurance.InsuranceBatch", on_delete=models.CASCADE, related_name="ereceipts")
    title = models.CharField("专用收据抬头", max_length=200)
    credit_code = models.CharField("统一信用代码", max_length=18)
    amount = models.DecimalField("金额", max_digits=14, decimal_places=2)
    note = models.CharField("备注", max_length=200, blank=True)
    generated = models.BooleanField("系统生成", default=False)
    created_at = models.DateTimeField("创建时间", default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = verbose_name_plural = "电子票据"

    def __str__(self):
        return f"{self.title} {self.amount}"
