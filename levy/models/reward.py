"""超比例奖励 (issue 18): one application per unit and data year, in the manual's two modes, and its
payout to the unit's bank.

    网报 (online):  apply ──▶ first_review (待初审) ──first_approve──▶ second_review (待复审) ──second_approve──▶ approved
    申办 (window):  a reviewer files it ──▶ second_review (待复核) ──second_approve──▶ approved
    first_review  ──first_return──▶ returned (to the unit) ──resubmit──▶ first_review
    second_review ──second_return──▶ first_review (网报) | returned (申办: to the window's reviewer)
    first_review / second_review ──reject──▶ rejected (with the reason)
    approved ──mark_paid──▶ paid (the payout reached the unit's account)

The figures (headcount, local disabled count, required and excess persons, base, multiplier,
amount) are fixed when the application is filed, from the certified snapshot and the policy in
force (levy.rules.reward); `estimate` says a policy row it used is unverified, which blocks the
复审 until an administrator verifies it. Transitions change in-memory fields only; levy.services
.reward saves and audits through portal.workflow.transition_apply."""

import secrets
from fractions import Fraction

from django.conf import settings
from django.db import models
from django.utils import timezone
from django_fsm import RETURN_VALUE, ConcurrentTransitionMixin, FSMField, transition

from levy import predicates as p
from levy.choices import BankKind, PayoutStatus, RewardMode, RewardStatus
from levy.models.payment import BankOrder
from portal.crypto import EncryptedCharField
from portal.identity import mask_account

RS, PS = RewardStatus, PayoutStatus
MONEY = {"max_digits": 14, "decimal_places": 2}


def new_reward_reference() -> str:
    return "JL" + f"{secrets.randbelow(10**16):016d}"


def _refused(reward) -> str:
    return f"该超比例奖励申请当前为“{reward.get_status_display()}”，请刷新页面后查看"


class OverRatioReward(ConcurrentTransitionMixin, models.Model):
    employer = models.ForeignKey("employers.Employer", verbose_name="用人单位", on_delete=models.PROTECT,
                                 related_name="over_ratio_rewards")
    data_year = models.PositiveSmallIntegerField("业务年度")
    mode = models.CharField("申请方式", max_length=8, choices=RewardMode.choices)
    status = FSMField("审核状态", max_length=14, choices=RS.choices, default=RS.FIRST_REVIEW, protected=True)
    reference = models.CharField("申请编号", max_length=20, unique=True, default=new_reward_reference)
    assessment = models.ForeignKey("levy.LevyAssessment", verbose_name="残保金征缴", null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="rewards")
    certified = models.ForeignKey("levy.CertifiedFigures", verbose_name="认证数据", on_delete=models.PROTECT,
                                  related_name="rewards")

    # 超比例奖励信息 (fixed when filed)
    budget_funded = models.BooleanField("财政全额拨款单位", default=False)
    headcount = models.PositiveIntegerField("上年度在职职工总数")
    disabled_numerator = models.BigIntegerField("上年度安置残疾人数（分子）")
    disabled_denominator = models.PositiveBigIntegerField("上年度安置残疾人数（分母）", default=1)
    required_persons = models.CharField("安置比例残疾人数", max_length=20)
    excess_persons = models.CharField("超比例安置残疾人数", max_length=20)
    ratio = models.CharField("安置系数", max_length=10, help_text="百分数，如 1.5")
    base = models.DecimalField("奖励基数（元）", null=True, blank=True, **MONEY)
    multiplier = models.CharField("倍数", max_length=10, blank=True)
    amount = models.DecimalField("超比例奖励金额", **MONEY)
    estimate = models.BooleanField("估算（标准未核实）", default=False)
    record = models.JSONField("计算记录", default=dict, help_text="步骤与所用政策参数")

    # 银行卡信息
    payee_name = models.CharField("收款单位名称", max_length=200)
    bank_name = models.CharField("开户银行", max_length=100)
    account_number = EncryptedCharField("开户账号")
    bank_kind = models.CharField("开户银行行别", max_length=10, choices=BankKind.choices)
    payee_proof = models.ForeignKey("portal.Upload", verbose_name="更名证明或隶属关系证明", null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    attachments = models.ManyToManyField("portal.Upload", verbose_name="附件材料", blank=True, related_name="+")

    # who did what
    submitted_at = models.DateTimeField("提交时间", default=timezone.now)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="提交人", null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+")
    initiated_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="窗口发起人", null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+")
    receipt = models.ForeignKey("portal.Receipt", verbose_name="申请回执", null=True, blank=True,
                                on_delete=models.PROTECT, related_name="+")
    first_reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="初审人", null=True, blank=True,
                                       on_delete=models.PROTECT, related_name="+")
    first_reviewed_at = models.DateTimeField("初审时间", null=True, blank=True)
    first_opinion = models.CharField("初审意见", max_length=300, blank=True)
    second_reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="复审人", null=True, blank=True,
                                        on_delete=models.PROTECT, related_name="+")
    second_reviewed_at = models.DateTimeField("复审时间", null=True, blank=True)
    second_opinion = models.CharField("复审意见", max_length=300, blank=True)
    return_reason = models.CharField("退回原因", max_length=300, blank=True)
    reject_reason = models.CharField("不通过原因", max_length=300, blank=True)
    certificate = models.ForeignKey("portal.Receipt", verbose_name="奖励审核认定书", null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    paid_at = models.DateTimeField("发放时间", null=True, blank=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        ordering = ["-data_year", "-submitted_at"]
        verbose_name = verbose_name_plural = "超比例奖励申请"
        constraints = [
            models.UniqueConstraint(fields=["employer", "data_year"], name="levy_one_reward_a_year"),
        ]
        indexes = [models.Index(fields=["status", "submitted_at"])]

    audit_name = "levy_reward"

    def __str__(self):
        return f"{self.employer.name} {self.data_year}年度超比例奖励"

    @property
    def disabled_count(self) -> Fraction:
        return Fraction(self.disabled_numerator, self.disabled_denominator)

    @property
    def account_masked(self) -> str:
        return mask_account(self.account_number)

    @property
    def second_label(self) -> str:
        """复审 for the unit's application, 复核 for one the window filed (the manual's words)."""
        return "复核" if self.mode == RewardMode.WINDOW else "复审"

    @property
    def status_label(self) -> str:
        if self.status == RS.SECOND_REVIEW and self.mode == RewardMode.WINDOW:
            return "待复核"
        return self.get_status_display()

    # --- transitions (in-memory only) --------------------------------------------------------------

    @transition(field=status, source=RS.FIRST_REVIEW, target=RS.SECOND_REVIEW, permission=p.first_reviewer,
                custom={"label": "初审通过", "refused": _refused, "code": "already_decided"})
    def first_approve(self, *, by, reason: str = ""):
        self.first_reviewer, self.first_reviewed_at, self.first_opinion = by, timezone.now(), reason[:300]

    @transition(field=status, source=RS.FIRST_REVIEW, target=RS.RETURNED, permission=p.first_reviewer,
                custom={"label": "初审退回", "refused": _refused, "code": "already_decided"})
    def first_return(self, *, by, reason: str):
        self.first_reviewer, self.first_reviewed_at, self.first_opinion = by, timezone.now(), reason[:300]
        self.return_reason = reason[:300]

    @transition(field=status, source=RS.FIRST_REVIEW, target=RS.REJECTED, permission=p.first_reviewer,
                custom={"label": "初审不通过", "refused": _refused, "code": "already_decided"})
    def first_reject(self, *, by, reason: str):
        self.first_reviewer, self.first_reviewed_at, self.first_opinion = by, timezone.now(), reason[:300]
        self.reject_reason = reason[:300]

    @transition(field=status, source=RS.SECOND_REVIEW, target=RS.APPROVED, conditions=[p.amount_verified],
                permission=p.second_reviewer,
                custom={"label": "复审通过", "refused": _refused, "code": "already_decided"})
    def second_approve(self, *, by, certificate, reason: str = ""):
        self.second_reviewer, self.second_reviewed_at, self.second_opinion = by, timezone.now(), reason[:300]
        self.certificate = certificate

    @transition(field=status, source=RS.SECOND_REVIEW, target=RETURN_VALUE(RS.FIRST_REVIEW, RS.RETURNED),
                permission=p.second_reviewer,
                custom={"label": "复审退回", "refused": _refused, "code": "already_decided"})
    def second_return(self, *, by, reason: str):
        """Back one level: to the 初审 (网报), or to the window's reviewer (申办)."""
        self.second_reviewer, self.second_reviewed_at, self.second_opinion = by, timezone.now(), reason[:300]
        self.return_reason = reason[:300]
        return RS.RETURNED if self.mode == RewardMode.WINDOW else RS.FIRST_REVIEW

    @transition(field=status, source=RS.SECOND_REVIEW, target=RS.REJECTED, permission=p.second_reviewer,
                custom={"label": "复审不通过", "refused": _refused, "code": "already_decided"})
    def second_reject(self, *, by, reason: str):
        self.second_reviewer, self.second_reviewed_at, self.second_opinion = by, timezone.now(), reason[:300]
        self.reject_reason = reason[:300]

    @transition(field=status, source=RS.RETURNED, target=RETURN_VALUE(RS.FIRST_REVIEW, RS.SECOND_REVIEW),
                permission=p.resubmitter, custom={"label": "修改后重新提交", "refused": _refused})
    def resubmit(self, *, by, changes: dict):
        for name, value in changes.items():
            setattr(self, name, value)
        self.submitted_at, self.submitted_by, self.return_reason = timezone.now(), by, ""
        self.second_reviewer, self.second_reviewed_at, self.second_opinion = None, None, ""
        if self.mode == RewardMode.WINDOW:
            return RS.SECOND_REVIEW
        self.first_reviewer, self.first_reviewed_at, self.first_opinion = None, None, ""
        return RS.FIRST_REVIEW

    @transition(field=status, source=RS.APPROVED, target=RS.PAID, permission=p.system,
                custom={"label": "奖励已发放"})
    def mark_paid(self):
        self.paid_at = timezone.now()


def new_payout_reference() -> str:
    return "FF" + secrets.token_hex(10).upper()


class RewardPayout(BankOrder):
    """发放: the approved reward paid to the unit's account through the bank (behind the feeds
    boundary), tracked like the tax hand-off: queued (待发送) → sent (银行处理中) → paid (已到账) |
    failed (发放失败, with the bank's reason and an alert to staff). A failed payout stays as
    history; 重新发放 makes a new one."""

    reward = models.ForeignKey(OverRatioReward, verbose_name="超比例奖励", on_delete=models.PROTECT,
                               related_name="payouts")
    reference = models.CharField("发放单号", max_length=40, unique=True, default=new_payout_reference)
    amount = models.DecimalField("发放金额", **MONEY)
    status = FSMField("发放状态", max_length=8, choices=PS.choices, default=PS.QUEUED, protected=True)

    class Meta:
        ordering = ["-requested_at", "-id"]
        verbose_name = verbose_name_plural = "超比例奖励发放"
        constraints = [
            models.UniqueConstraint(fields=["reward"], condition=models.Q(status__in=["queued", "sent"]),
                                    name="levy_one_payout_in_flight"),
        ]
        indexes = [models.Index(fields=["status", "next_attempt_at"])]

    audit_name = "levy_payout"

    def __str__(self):
        return f"{self.reference}（{self.get_status_display()}）"

    @property
    def employer(self):
        return self.reward.employer

    @transition(field=status, source=[PS.QUEUED, PS.SENT], target=PS.SENT, permission=p.system,
                custom={"action": "send", "label": "已送达银行"})
    def mark_sent(self):
        self.sent_at, self.next_attempt_at, self.last_error = timezone.now(), None, ""

    @transition(field=status, source=[PS.QUEUED, PS.SENT], target=PS.PAID, permission=p.system,
                custom={"label": "奖励已到账"})
    def mark_paid(self, *, bank_reference: str = ""):
        self.settled_at, self.bank_reference, self.next_attempt_at = timezone.now(), bank_reference, None

    @transition(field=status, source=[PS.QUEUED, PS.SENT], target=PS.FAILED, permission=p.system,
                custom={"label": "发放失败"})
    def fail(self, *, message: str):
        self.settled_at, self.message, self.next_attempt_at = timezone.now(), message[:300], None
