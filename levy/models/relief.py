"""缓减免申请 (issue 18): a unit hit by force majeure asks to pay less (减免, at most one year's levy)
or later (缓缴, at most 6 months) — limits from the policy row `hardship_relief`. A tax officer of
the unit's 税务主管部门 decides; a reduction above the policy's threshold waits for a second
officer's confirmation. An approved one changes the assessment's amount or deadline (the late fee
follows the new deadline); a refused one says why.

    submitted (待审核) ──approve──▶ approved | confirming (待复核, above the threshold)
    submitted ──refuse──▶ refused
    confirming ──confirm──▶ approved;  confirming ──refuse_confirmation──▶ refused"""

import datetime
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils import timezone
from django_fsm import RETURN_VALUE, ConcurrentTransitionMixin, FSMField, transition

from levy import predicates as p
from levy.choices import ReliefKind, ReliefStatus

R = ReliefStatus
MONEY = {"max_digits": 14, "decimal_places": 2}


def _refused(relief) -> str:
    return f"该缓减免申请当前为“{relief.get_status_display()}”，不能重复处理，请刷新页面后查看"


class ReliefApplication(ConcurrentTransitionMixin, models.Model):
    assessment = models.ForeignKey("levy.LevyAssessment", verbose_name="残保金征缴", on_delete=models.PROTECT,
                                   related_name="reliefs")
    kind = models.CharField("申请类型", max_length=10, choices=ReliefKind.choices)
    status = FSMField("办理状态", max_length=10, choices=R.choices, default=R.SUBMITTED, protected=True)
    reason = models.TextField("申请原因（不可抗力情况）")
    amount = models.DecimalField("申请减免金额", null=True, blank=True, **MONEY)
    months = models.PositiveSmallIntegerField("申请缓缴月数", null=True, blank=True)
    evidence = models.ManyToManyField("portal.Upload", verbose_name="证明材料", related_name="+")
    needs_confirmation = models.BooleanField("须第二名税务人员复核", default=False)
    policy_row = models.JSONField("所用政策参数", default=dict)

    # the assessment before and after
    levy_before = models.DecimalField("原应缴纳残保金", **MONEY)
    deadline_before = models.DateField("原缴费期限", null=True, blank=True)
    levy_after = models.DecimalField("批准后应缴纳残保金", null=True, blank=True, **MONEY)
    deadline_after = models.DateField("批准后缴费期限", null=True, blank=True)

    submitted_at = models.DateTimeField("提交时间", default=timezone.now)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="提交人", null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+")
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="审核人", null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField("审核时间", null=True, blank=True)
    confirmed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="复核人", null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+")
    confirmed_at = models.DateTimeField("复核时间", null=True, blank=True)
    opinion = models.CharField("审核意见", max_length=300, blank=True)
    refuse_reason = models.CharField("不予批准的原因", max_length=300, blank=True)

    class Meta:
        ordering = ["-submitted_at", "-id"]
        verbose_name = verbose_name_plural = "缓减免申请"
        constraints = [
            # one open application per assessment: two tabs make one
            models.UniqueConstraint(fields=["assessment"], condition=models.Q(status__in=["submitted", "confirming"]),
                                    name="levy_one_open_relief"),
        ]

    audit_name = "levy_relief"

    def __str__(self):
        return f"{self.assessment} {self.get_kind_display()}"

    @property
    def employer(self):
        return self.assessment.employer

    @property
    def asked(self) -> str:
        if self.kind == ReliefKind.REDUCTION:
            return f"减免{self.amount:,.2f}元"
        return f"缓缴{self.months}个月"

    @transition(field=status, source=R.SUBMITTED, target=RETURN_VALUE(R.APPROVED, R.CONFIRMING),
                permission=p.relief_decider, custom={"label": "同意", "refused": _refused, "code": "already_decided"})
    def approve(self, *, by, reason: str = "", levy_after: Decimal | None = None,
                deadline_after: datetime.date | None = None):
        self.decided_by, self.decided_at, self.opinion = by, timezone.now(), reason[:300]
        if self.needs_confirmation:
            return R.CONFIRMING
        self.levy_after, self.deadline_after = levy_after, deadline_after
        return R.APPROVED

    @transition(field=status, source=R.SUBMITTED, target=R.REFUSED, permission=p.relief_decider,
                custom={"label": "不予批准", "refused": _refused, "code": "already_decided"})
    def refuse(self, *, by, reason: str):
        self.decided_by, self.decided_at, self.refuse_reason = by, timezone.now(), reason[:300]

    @transition(field=status, source=R.CONFIRMING, target=R.APPROVED, permission=p.relief_confirmer,
                custom={"label": "复核同意", "refused": _refused, "code": "already_decided"})
    def confirm(self, *, by, reason: str = "", levy_after: Decimal | None = None,
                deadline_after: datetime.date | None = None):
        self.confirmed_by, self.confirmed_at = by, timezone.now()
        self.levy_after, self.deadline_after = levy_after, deadline_after

    @transition(field=status, source=R.CONFIRMING, target=R.REFUSED, permission=p.relief_confirmer,
                custom={"label": "复核不同意", "refused": _refused, "code": "already_decided"})
    def refuse_confirmation(self, *, by, reason: str):
        self.confirmed_by, self.confirmed_at, self.refuse_reason = by, timezone.now(), reason[:300]
