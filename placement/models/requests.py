"""Requests about a declaration (ARCHITECTURE.md): 年审申报撤回, 年审认证反馈 and 单位注销安置登记.
Each is submitted → approved | refused (feedback may also be answered), decided with a reason by
the federation; a receipt is issued when the agent submits one."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from placement import choices as c
from placement import predicates as p
from portal.guards import permission_of
from portal.models import Upload

R = c.RequestStatus


class RequestBase(ConcurrentTransitionMixin, models.Model):
    status = FSMField("办理状态", default=R.SUBMITTED, choices=R.choices, protected=True)
    submitted_at = models.DateTimeField("申请时间", default=timezone.now)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="申请人", on_delete=models.PROTECT,
                                     related_name="+")
    receipt = models.ForeignKey("portal.Receipt", verbose_name="回执", null=True, blank=True,
                                on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField("办理时间", null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="办理人", null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    decision_reason = models.CharField("办理意见", max_length=500, blank=True)

    # who may decide: each request says (the four-eyes rules differ); refusing is the same as approving
    # unless a request says otherwise
    approve_permission = p.federation_in_scope
    refuse_permission = p.federation_in_scope

    class Meta:
        abstract = True
        ordering = ["submitted_at", "id"]

    @property
    def is_open(self) -> bool:
        return self.status == R.SUBMITTED

    def _decide(self, by, reason: str):
        self.decided_at, self.decided_by, self.decision_reason = timezone.now(), by, reason

    @transition(field=status, source=R.SUBMITTED, target=R.APPROVED, permission=permission_of("approve_permission"),
                custom={"action": "decide", "label": "同意", "refused": p.request_refused, "code": "already_decided"})
    def approve(self, *, by, reason: str = ""):
        self._decide(by, reason)

    @transition(field=status, source=R.SUBMITTED, target=R.REFUSED, permission=permission_of("refuse_permission"),
                custom={"action": "decide", "label": "不同意", "refused": p.request_refused, "code": "already_decided"})
    def refuse(self, *, by, reason: str):
        self._decide(by, reason)


class WithdrawalRequest(RequestBase):
    """年审申报撤回. Before certification a reviewer decides; after it, a supervisor who did not
    certify the declaration (the four-eyes rule). Approval returns the declaration to draft."""

    declaration = models.ForeignKey("placement.AnnualDeclaration", on_delete=models.PROTECT,
                                    related_name="withdrawals")
    reason = models.CharField("撤回原因", max_length=500)
    after_certification = models.BooleanField("认证后撤回", default=False)

    audit_name = "withdrawal"
    approve_permission = refuse_permission = p.withdrawal_decider

    class Meta(RequestBase.Meta):
        verbose_name = verbose_name_plural = "年审申报撤回"
        constraints = [
            models.UniqueConstraint(fields=["declaration"], condition=models.Q(status="submitted"),
                                    name="one_open_withdrawal_per_declaration")
        ]

    def __str__(self):
        return f"{self.declaration} 撤回申请"



class FeedbackRequest(RequestBase):
    """年审认证反馈: the agent's objection to a certified result; answered, or approved as a reopening."""

    declaration = models.ForeignKey("placement.AnnualDeclaration", on_delete=models.PROTECT,
                                    related_name="feedback")
    text = models.TextField("反馈内容")
    attachments = models.ManyToManyField(Upload, verbose_name="附件", blank=True, related_name="+")

    audit_name = "feedback"
    approve_permission = p.reopening_decider  # approving reopens the certified declaration

    class Meta(RequestBase.Meta):
        verbose_name = verbose_name_plural = "年审认证反馈"

    def __str__(self):
        return f"{self.declaration} 认证反馈"


    @transition(field="status", source=R.SUBMITTED, target=R.ANSWERED, permission=p.federation_in_scope,
                custom={"action": "decide", "label": "已答复", "refused": p.request_refused, "code": "already_decided"})
    def answer(self, *, by, reason: str):
        self._decide(by, reason)


class DeregistrationRequest(RequestBase):
    """单位注销安置登记: the signed 注销业务申请书 uploaded by the agent, reviewed by the federation."""

    employer = models.ForeignKey("employers.Employer", on_delete=models.PROTECT, related_name="deregistrations")
    reason = models.CharField("注销原因", max_length=500)
    signed_form = models.ForeignKey(Upload, verbose_name="注销业务申请书（盖章）", on_delete=models.PROTECT,
                                    related_name="+")

    audit_name = "deregistration"

    class Meta(RequestBase.Meta):
        verbose_name = verbose_name_plural = "单位注销安置登记"
        constraints = [
            models.UniqueConstraint(fields=["employer"], condition=models.Q(status="submitted"),
                                    name="one_open_deregistration_per_unit")
        ]

    def __str__(self):
        return f"{self.employer} 注销安置登记"

