"""残保金征缴: one assessment per unit and collection year (征收年份 = data year + 1), and what levy
knows of the unit's placement declaration (placement hands it over; levy never asks placement).

    draft (信息确认) ──object──▶ objection (异议处理中) ──objection_decided──▶ draft
    draft ──confirm──▶ confirmed ──assess──▶ assessed ──submit──▶ submitted (待缴费) | exempt | over_ratio
    confirmed / assessed ──revise──▶ draft
    submitted ──mark_overdue──▶ overdue;  submitted / overdue ──settle──▶ paid | paid_late
    anything unpaid ──cancel──▶ cancelled (the certified figures it used were cancelled)

Transitions change in-memory fields only; levy.services.assessment saves, audits and notifies
through portal.workflow.transition_apply."""

import secrets
from fractions import Fraction

from django.conf import settings
from django.db import models
from django.utils import timezone
from django_fsm import RETURN_VALUE, ConcurrentTransitionMixin, FSMField, transition

from levy import predicates as p
from levy.choices import AssessmentMethod, AssessmentStatus, DeclarationState, Outcome

S = AssessmentStatus
MONEY = {"max_digits": 14, "decimal_places": 2}
UNPAID = [S.DRAFT, S.OBJECTION, S.CONFIRMED, S.ASSESSED, S.SUBMITTED, S.OVERDUE, S.EXEMPT, S.OVER_RATIO]
LIVE = [s for s in S.values if s != S.CANCELLED]


def new_reference() -> str:
    """统一审批编码: 20 digits, 18 of them random, so a number cannot be guessed from another."""
    return "31" + f"{secrets.randbelow(10**18):018d}"


class DeclarationStatus(models.Model):
    """What levy knows of a unit's 按比例就业 declaration of a business year: set by placement's
    services through levy.services.declaration_state_record (submission, return, certification,
    reopening). No row: the unit has not filed."""

    employer = models.ForeignKey("employers.Employer", on_delete=models.CASCADE, related_name="+")
    business_year = models.PositiveSmallIntegerField("业务年度")
    state = models.CharField("申报状态", max_length=12, choices=DeclarationState.choices)
    updated_at = models.DateTimeField("更新时间", default=timezone.now)

    class Meta:
        verbose_name = verbose_name_plural = "年审申报状态（征缴用）"
        constraints = [models.UniqueConstraint(fields=["employer", "business_year"], name="levy_declstate_once")]

    def __str__(self):
        return f"{self.employer_id} {self.business_year} {self.state}"


class LevyAssessment(ConcurrentTransitionMixin, models.Model):
    """One unit's 残保金征缴 for one collection year: the figures it was assessed from (registry or
    declared, after objections), the recorded calculation (levy.versions.levy_record), the outcome,
    the deadline and the payment."""

    employer = models.ForeignKey("employers.Employer", verbose_name="用人单位", on_delete=models.PROTECT,
                                 related_name="levy_assessments")
    collection_year = models.PositiveSmallIntegerField("征收年份")
    method = models.CharField("征缴方式", max_length=10, choices=AssessmentMethod.choices)
    status = FSMField("办理状态", max_length=12, choices=S.choices, default=S.DRAFT, protected=True)
    reference = models.CharField("统一审批编码", max_length=24, unique=True, default=new_reference)
    previous = models.ForeignKey("self", verbose_name="作废前的征缴记录", null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField("创建时间", default=timezone.now)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="经办人", null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    # 智能引导 and 办理须知
    has_disabled = models.BooleanField("单位有残疾职工", null=True, blank=True)
    notice_agreed_at = models.DateTimeField("已阅读办理须知", null=True, blank=True)

    # 信息确认: the unit's facts (objections may change the nature flags)
    si_code = models.CharField("社保登记码", max_length=30, blank=True)
    is_business_registered = models.BooleanField("是否工商注册的企业", default=True)
    is_concentrated = models.BooleanField("是否为残疾人集中就业单位", default=False)

    # registry method: what the registry said (kept) and the figures in force (after objections)
    registry_state = models.CharField("社保数据获取状态", max_length=10, blank=True,
                                      help_text="pending / fetched / not_found / failed")
    registry_attempts = models.PositiveSmallIntegerField("获取尝试次数", default=0)
    registry_next_at = models.DateTimeField("下次获取时间", null=True, blank=True)
    registry_error = models.CharField("获取错误", max_length=300, blank=True)
    registry_figures = models.JSONField("社保登记的征缴基数（原始）", default=dict, blank=True)
    figures = models.JSONField("在用的征缴基数（异议后）", default=dict, blank=True)

    # declared method (申报表 columns 4 and 5)
    declared_headcount = models.PositiveIntegerField("上年在职职工人数", null=True, blank=True)
    declared_wage_total = models.DecimalField("上年在职职工工资总额", null=True, blank=True, **MONEY)

    # 核定: the recorded calculation (engine version, inputs, policy rows) and its figures
    certified = models.ForeignKey("levy.CertifiedFigures", verbose_name="认证数据", null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="assessments")
    record = models.JSONField("核定记录", default=dict, blank=True)
    headcount = models.PositiveIntegerField("上年在职职工人数（核定）", null=True, blank=True)
    disabled_numerator = models.BigIntegerField("安排残疾人数（分子）", default=0)
    disabled_denominator = models.PositiveBigIntegerField("安排残疾人数（分母）", default=1)
    gross_levy = models.DecimalField("应缴费额", default=0, **MONEY)
    reduction = models.DecimalField("减免额", default=0, **MONEY)
    levy_amount = models.DecimalField("应缴纳残保金", default=0, **MONEY)
    reduction_rule = models.CharField("减免规则", max_length=30, blank=True)
    outcome = models.CharField("核定类型", max_length=12, choices=Outcome.choices, blank=True)
    deadline = models.DateField("缴费期限", null=True, blank=True)
    assessed_at = models.DateTimeField("核定时间", null=True, blank=True)

    # 确认提交 and after
    submitted_at = models.DateTimeField("提交时间", null=True, blank=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="提交人", null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+")
    receipt = models.ForeignKey("portal.Receipt", verbose_name="申报回执", null=True, blank=True,
                                on_delete=models.PROTECT, related_name="+")
    reward_choice = models.CharField("是否申请超比例奖励", max_length=3, blank=True, choices=[("yes", "是"), ("no", "否")])
    paid_on = models.DateField("缴费日期", null=True, blank=True)
    paid_amount = models.DecimalField("已缴金额", null=True, blank=True, **MONEY)
    late_fee_paid = models.DecimalField("已缴滞纳金", null=True, blank=True, **MONEY)
    payment_receipt = models.ForeignKey("portal.Receipt", verbose_name="缴费凭证", null=True, blank=True,
                                        on_delete=models.PROTECT, related_name="+")
    finished_at = models.DateTimeField("办结时间", null=True, blank=True)

    # reopening (DOMAIN: certification reopened): an unpaid one is cancelled; a paid one is adjusted
    cancelled_at = models.DateTimeField("作废时间", null=True, blank=True)
    cancel_reason = models.CharField("作废原因", max_length=300, blank=True)
    needs_recompute = models.BooleanField("待重新核定", default=False)
    adjustment = models.DecimalField("应补（退）费额", null=True, blank=True, **MONEY,
                                     help_text="正数为应补，负数为应退")
    adjustment_record = models.JSONField("重新核定记录", default=dict, blank=True)
    adjusted_at = models.DateTimeField("重新核定时间", null=True, blank=True)

    class Meta:
        ordering = ["-collection_year", "-created_at"]
        verbose_name = verbose_name_plural = "残保金征缴"
        constraints = [
            models.UniqueConstraint(fields=["employer", "collection_year"], condition=~models.Q(status="cancelled"),
                                    name="levy_one_live_assessment_a_year"),
        ]
        indexes = [models.Index(fields=["status", "deadline"]), models.Index(fields=["collection_year", "status"])]

    audit_name = "levy_assessment"

    def __str__(self):
        return f"{self.employer.name} {self.collection_year}年残保金征缴"

    @property
    def data_year(self) -> int:
        return self.collection_year - 1

    @property
    def disabled_count(self) -> Fraction:
        return Fraction(self.disabled_numerator, self.disabled_denominator)

    @property
    def figures_ready(self) -> bool:
        if self.method == AssessmentMethod.REGISTRY:
            return bool(self.figures.get("months"))
        return self.declared_headcount is not None and self.declared_wage_total is not None

    @property
    def is_live(self) -> bool:
        return self.status != S.CANCELLED

    @property
    def is_finished(self) -> bool:
        return self.status in (S.PAID, S.PAID_LATE, S.EXEMPT, S.OVER_RATIO, S.CANCELLED)

    # --- transitions (in-memory only; portal.workflow.transition_apply saves and audits) ----------
    @transition(field=status, source=S.DRAFT, target=S.OBJECTION, conditions=[p.registry_method],
                permission=p.agent_of_unit,
                custom={"label": "申请异议", "refused": lambda a: p.before_assessment.message(a),
                        "code": "already_assessed"})
    def object_to(self):
        """An objection was submitted: the figures wait for the tax officer's decision."""

    @transition(field=status, source=S.OBJECTION, target=S.DRAFT, permission=p.objection_decider,
                custom={"label": "异议处理完毕", "refused": p.refused_assessment})
    def objection_decided(self):
        """The decision is in: back to 信息确认 with the figures in force."""

    @transition(field=status, source=S.DRAFT, target=S.CONFIRMED, conditions=[p.figures_ready],
                permission=p.agent_of_unit, custom={"label": "确认信息", "refused": p.refused_assessment})
    def confirm(self):
        """信息确认 下一步: the unit confirmed the figures."""

    @transition(field=status, source=[S.CONFIRMED, S.ASSESSED], target=S.DRAFT, permission=p.agent_of_unit,
                custom={"label": "返回修改信息", "refused": p.refused_assessment})
    def revise(self):
        self.record, self.outcome, self.assessed_at = {}, "", None

    @transition(field=status, source=S.CONFIRMED, target=S.ASSESSED, permission=p.assessor,
                custom={"label": "核定", "refused": p.refused_assessment})
    def assess(self, *, figures: dict):
        """核定: the calculation recorded (levy_record) with its figures, outcome and deadline."""
        for name, value in figures.items():
            setattr(self, name, value)
        self.assessed_at = timezone.now()

    @transition(field=status, source=[S.DRAFT, S.CONFIRMED], target=S.ASSESSED, permission=p.system,
                custom={"label": "年终批量核定", "action": "assess", "refused": p.refused_assessment})
    def assess_at_year_end(self, *, figures: dict, at):
        """年终批量核定 (levy.services.bulk): the units that did not finish 核定, from their stored
        figures, by the system (portal.workflow.transition_many)."""
        for name, value in figures.items():
            setattr(self, name, value)
        self.assessed_at = at

    @transition(field=status, source=S.ASSESSED, target=RETURN_VALUE(S.SUBMITTED, S.EXEMPT, S.OVER_RATIO),
                conditions=[p.has_record], permission=p.agent_of_unit,
                custom={"label": "确认提交", "refused": p.refused_assessment, "code": "already_submitted"})
    def submit(self, *, by, receipt):
        self.submitted_at, self.submitted_by, self.receipt = timezone.now(), by, receipt
        if self.outcome == Outcome.PAYABLE:
            return S.SUBMITTED
        self.finished_at = self.submitted_at
        return S.OVER_RATIO if self.outcome == Outcome.OVER_RATIO else S.EXEMPT

    @transition(field=status, source=S.SUBMITTED, target=S.OVERDUE, conditions=[p.past_deadline],
                permission=p.system, custom={"label": "逾期未缴"})
    def mark_overdue(self):
        """The daily job: the payment deadline passed unpaid; the late fee accrues."""

    @transition(field=status, source=[S.SUBMITTED, S.OVERDUE], target=RETURN_VALUE(S.PAID, S.PAID_LATE),
                conditions=[p.is_payable], permission=p.payment_confirmer,
                custom={"label": "缴费成功", "refused": p.refused_assessment, "code": "already_paid"})
    def settle(self, *, paid_on, amount, late_fee, receipt):
        self.paid_on, self.paid_amount, self.late_fee_paid = paid_on, amount, late_fee
        self.payment_receipt, self.finished_at = receipt, timezone.now()
        return S.PAID_LATE if self.deadline is not None and paid_on > self.deadline else S.PAID

    @transition(field=status, source=[S.SUBMITTED, S.OVERDUE], target=RETURN_VALUE(S.SUBMITTED, S.OVERDUE, S.EXEMPT),
                conditions=[p.is_payable], permission=p.relief_decider,
                custom={"label": "缓减免生效", "action": "relieve", "refused": p.refused_assessment})
    def relieve(self, *, levy_amount, deadline, today):
        """An approved 缓减免 (levy.services.relief): the amount after the reduction, or the deadline
        after the deferral; the late fee follows the new deadline. Reduced to nothing: 免缴."""
        self.levy_amount, self.deadline = levy_amount, deadline
        self.reduction = self.gross_levy - levy_amount if self.gross_levy >= levy_amount else self.reduction
        if levy_amount <= 0:
            self.finished_at = timezone.now()
            return S.EXEMPT
        return S.OVERDUE if deadline is not None and today > deadline else S.SUBMITTED

    @transition(field=status, source=UNPAID, target=S.CANCELLED, permission=p.canceller,
                custom={"label": "征缴记录作废", "refused": p.refused_assessment})
    def cancel(self, *, reason: str):
        self.cancelled_at, self.cancel_reason = timezone.now(), reason[:300]
