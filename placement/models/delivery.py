"""发送税务: the hand-offs of a certified declaration to the tax bureau's intake, tracked until
acknowledged (ARCHITECTURE.md "where we go beyond" 7): the result, and — when a reopening cancels
a result that reached tax — its revocation. One row of each kind per certificate: sending again
re-drives the same row, so a result is delivered once however often it is sent."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from placement import choices as c
from placement import predicates as p
from portal.guards import allowed
from portal.predicates import is_system

DS = c.DeliveryStatus


class TaxDelivery(ConcurrentTransitionMixin, models.Model):
    declaration = models.ForeignKey("placement.AnnualDeclaration", verbose_name="年审申报",
                                    on_delete=models.PROTECT, related_name="deliveries")
    certificate = models.ForeignKey("portal.Receipt", verbose_name="审核认定书", on_delete=models.PROTECT,
                                    related_name="tax_deliveries")
    kind = models.CharField("发送内容", max_length=12, choices=c.DeliveryKind.choices, default=c.DeliveryKind.RESULT)
    reason = models.CharField("撤销原因", max_length=500, blank=True)
    status = FSMField("发送状态", default=DS.QUEUED, choices=DS.choices, protected=True)
    queued_at = models.DateTimeField("发送时间", default=timezone.now)
    queued_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="发送人", null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="+")
    attempts = models.PositiveSmallIntegerField("尝试次数", default=0)
    next_attempt_at = models.DateTimeField("下次尝试时间", null=True, blank=True)
    last_error = models.CharField("最近错误", max_length=500, blank=True)
    sent_at = models.DateTimeField("送达时间", null=True, blank=True)
    intake_reference = models.CharField("税务接收编号", max_length=64, blank=True)
    acknowledged_at = models.DateTimeField("税务确认时间", null=True, blank=True)
    acknowledged_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="确认人（人工）", null=True,
                                        blank=True, on_delete=models.PROTECT, related_name="+")
    cancelled_at = models.DateTimeField("作废时间", null=True, blank=True)  # the declaration was reopened

    class Meta:
        ordering = ["-queued_at", "-id"]
        indexes = [models.Index(fields=["status", "next_attempt_at"])]
        constraints = [models.UniqueConstraint(fields=["certificate", "kind"], name="one_delivery_of_each_kind")]
        verbose_name = verbose_name_plural = "发送税务记录"

    audit_name = "tax_delivery"

    def __str__(self):
        return f"{self.declaration} {self.get_kind_display()} {self.get_status_display()}"

    @property
    def is_revocation(self) -> bool:
        return self.kind == c.DeliveryKind.REVOCATION

    @property
    def reference(self) -> str:
        """What the intake knows the hand-off by: the certificate's number, or the revocation's."""
        return f"{self.certificate.reference}-CX" if self.is_revocation else self.certificate.reference

    # the intake's answers arrive through the system; staff queue, re-drive and confirm by hand
    @transition(field=status, source=[DS.QUEUED, DS.FAILED, DS.SENT], target=DS.SENT, permission=allowed(is_system),
                custom={"action": "send", "label": "已送达税务接口"})
    def mark_sent(self):
        # the intake's own number (税务接收编号) arrives with its acknowledgement, not now
        self.sent_at, self.last_error, self.next_attempt_at = timezone.now(), "", None

    @transition(field=status, source=[DS.QUEUED, DS.SENT, DS.FAILED], target=DS.ACKNOWLEDGED,
                permission=p.system_or_tax_in_scope,
                custom={"label": "税务确认接收", "refused": lambda d: (
                    "该审核认定书已作废，不能确认接收" if d.status == DS.CANCELLED else "该认定结果已确认接收")})
    def acknowledge(self, *, by=None):
        self.acknowledged_at, self.acknowledged_by = timezone.now(), by
        self.next_attempt_at, self.last_error = None, ""

    @transition(field=status, source=[DS.QUEUED, DS.SENT], target=DS.FAILED, permission=allowed(is_system),
                custom={"label": "发送税务失败"})
    def fail(self, *, error: str):
        self.last_error, self.next_attempt_at = error[:500], None

    @transition(field=status, source=DS.FAILED, target=DS.QUEUED, permission=p.federation_in_scope,
                custom={"label": "重新发送税务", "refused": lambda d: (
                    "该审核认定书已作废，不能重新发送" if d.status == DS.CANCELLED else
                    f"该记录状态为“{d.get_status_display()}”，只有发送失败的记录可以重新发送")})
    def retry(self):
        self.last_error, self.attempts = "", 0

    @transition(field=status, source=[DS.QUEUED, DS.SENT, DS.FAILED, DS.ACKNOWLEDGED], target=DS.CANCELLED,
                permission=p.system_or_federation_in_scope, custom={"label": "发送记录作废"})
    def cancel(self):
        """The certificate was cancelled by a reopening."""
        self.cancelled_at, self.next_attempt_at = timezone.now(), None
