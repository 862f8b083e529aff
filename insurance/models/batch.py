"""参保批次: one unit's enrollment of retirees under one 参保编码 for one plan year, and its state
machine (ARCHITECTURE.md, InsuranceBatch) up to 职保会审核中:

    名单待导入 ─roster_loaded─▶ 名单待校验 ─verify_start─▶ 名单校验中 ─verify_finish─▶ 名单校验完成
         ▲                         ▲  │                                                   │  │
         └──────roster_emptied─────┘  └──────────(roster changes, 再次提交系统校验)◀───────┘  │
    名单校验完成 / 职保会审核不通过 ─submit─▶ 职保会审核中        any editable state ─delete─▶ 已删除

and the union's review and the money side (issue 19):

    职保会审核中 ─review_approve─▶ 职保会审核通过 ─withholding_request─▶ 代扣申请完成 ─withholding_finish─▶ 代扣完成
         └─review_reject (reasons per 社保编号)─▶ 职保会审核不通过 (back to editing)
    职保会审核通过 (缴费凭证) / 代扣完成 (委托代扣) ─roster_confirm─▶ 参保名单已确定 ─voucher_submit─▶ 凭证审核中
    凭证审核中 ─voucher_approve─▶ 投保成功       凭证审核中 ─voucher_reject─▶ 凭证审核不通过 ─voucher_submit─▶ …

The verification job's progress lives beside the status (`verify_*`): "校验 43%" never changes
the business status. The payment method is chosen once and never changes (the manual: 参保缴费
方式一旦选择，不能修改). Transitions change in-memory fields only; services save and audit."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from insurance import choices as c
from insurance import predicates as p
from portal.models import Upload

B = c.BatchStatus


class InsuranceBatch(ConcurrentTransitionMixin, models.Model):
    number = models.CharField("批次号", max_length=20, unique=True)
    employer = models.ForeignKey("employers.Employer", on_delete=models.PROTECT, related_name="insurance_batches")
    code = models.ForeignKey("insurance.InsuranceCode", verbose_name="参保编码", on_delete=models.PROTECT,
                             related_name="batches")
    plan_year = models.ForeignKey("insurance.PlanYear", verbose_name="保障年度", on_delete=models.PROTECT,
                                  related_name="batches")
    kind = models.CharField("参保类型", max_length=10, choices=c.BatchKind.choices)
    status = FSMField("批次状态", max_length=24, default=B.AWAITING_ROSTER, choices=B.choices, protected=True)

    # ② 单位信息维护
    unit_confirmed_at = models.DateTimeField("单位信息确认时间", null=True, blank=True)
    # ③ 选择参保缴费方式 (once)
    payment_method = models.CharField("参保缴费方式", max_length=12, choices=c.PaymentMethod.choices, blank=True)
    withholding_amount = models.DecimalField("委托代扣金额（元/人）", max_digits=14, decimal_places=2, null=True,
                                             blank=True)
    withholding_form = models.ForeignKey(Upload, verbose_name="委托代扣款申请表", null=True, blank=True,
                                         on_delete=models.PROTECT, related_name="+")
    payment_chosen_at = models.DateTimeField("缴费方式选择时间", null=True, blank=True)
    roster_file = models.ForeignKey(Upload, verbose_name="最近导入的参保名单", null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    roster_imported_at = models.DateTimeField("名单导入时间", null=True, blank=True)

    # ④ 提交系统校验: the job, apart from the status
    verify_state = models.CharField("校验进度", max_length=10, choices=c.VerifyState.choices,
                                    default=c.VerifyState.IDLE)
    verify_round = models.PositiveIntegerField("校验轮次", default=0)
    verify_total = models.PositiveIntegerField("待校验人数", default=0)
    verify_done = models.PositiveIntegerField("已校验人数", default=0)
    verify_started_at = models.DateTimeField("校验开始时间", null=True, blank=True)
    verify_finished_at = models.DateTimeField("校验完成时间", null=True, blank=True)

    # ⑤ 提交职保会审核
    submitted_at = models.DateTimeField("提交审核时间", null=True, blank=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="提交人", null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+")
    submission_receipt = models.ForeignKey("portal.Receipt", verbose_name="提交回执", null=True, blank=True,
                                           on_delete=models.PROTECT, related_name="+")
    review_reason = models.CharField("职保会不通过原因", max_length=500, blank=True)
    # 办妥参保手续: an 即时参保 batch's coverage starts the next day (set when it is insured)
    completed_on = models.DateField("办妥参保手续日期", null=True, blank=True)
    # 职保会审核 (per 社保编号; the reasons sit on the CodeRatio rows)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="名单审核人", null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    reviewed_at = models.DateTimeField("名单审核时间", null=True, blank=True)
    # 提交代扣申请 (the list is locked from here) and its 代扣受理单
    withholding_requested_at = models.DateTimeField("代扣申请时间", null=True, blank=True)
    withholding_requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="代扣申请人", null=True,
                                                 blank=True, on_delete=models.PROTECT, related_name="+")
    acceptance_slip = models.ForeignKey("portal.IssuedDocument", verbose_name="代扣受理单", null=True, blank=True,
                                        on_delete=models.PROTECT, related_name="+")
    acceptance_available_on = models.DateField("代扣受理单可下载日期", null=True, blank=True)
    withholding_done_at = models.DateTimeField("代扣完成时间", null=True, blank=True)
    roster_confirmed_at = models.DateTimeField("参保名单确定时间", null=True, blank=True)
    # 缴费凭证: submitted, then the union's 凭证审核
    voucher_submitted_at = models.DateTimeField("凭证提交审核时间", null=True, blank=True)
    voucher_receipt = models.ForeignKey("portal.Receipt", verbose_name="凭证提交回执", null=True, blank=True,
                                        on_delete=models.PROTECT, related_name="+")
    voucher_reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="凭证审核人", null=True,
                                            blank=True, on_delete=models.PROTECT, related_name="+")
    voucher_reviewed_at = models.DateTimeField("凭证审核时间", null=True, blank=True)
    voucher_reason = models.CharField("职保中心反馈", max_length=500, blank=True)
    insured_receipt = models.ForeignKey("portal.Receipt", verbose_name="参保回执", null=True, blank=True,
                                        on_delete=models.PROTECT, related_name="+")

    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="创建人", on_delete=models.PROTECT,
                                   related_name="+")
    created_at = models.DateTimeField("创建时间", default=timezone.now)
    updated_at = models.DateTimeField("最后更新时间", auto_now=True)
    deleted_at = models.DateTimeField("删除时间", null=True, blank=True)

    audit_name = "insurance_batch"

    class Meta:
        ordering = ["-updated_at", "-id"]
        indexes = [models.Index(fields=["employer", "plan_year", "status"]), models.Index(fields=["status", "updated_at"])]
        verbose_name = verbose_name_plural = "参保批次"

    def __str__(self):
        return self.number

    @property
    def is_withholding(self) -> bool:
        return self.payment_method == c.PaymentMethod.WITHHOLDING

    @property
    def amount_per_member(self):
        """What each member's pension account must hold: the withholding amount, else the premium."""
        return self.withholding_amount if self.is_withholding else self.plan_year.premium

    @property
    def roster_editable(self) -> bool:
        return self.status in c.ROSTER_EDITABLE

    # --- transitions (in-memory only; portal.workflow.transition_apply saves and audits) ----------
    @transition(field=status, source=[B.AWAITING_ROSTER, B.VERIFIED, B.REVIEW_REJECTED], target=B.AWAITING_VERIFICATION,
                permission=p.agent_of_unit,
                custom={"label": "参保名单已变更，待校验", "refused": p.batch_refused("修改参保名单")})
    def roster_loaded(self):
        self.verify_state = c.VerifyState.IDLE

    @transition(field=status, source=[B.AWAITING_VERIFICATION, B.VERIFIED, B.REVIEW_REJECTED],
                target=B.AWAITING_ROSTER, permission=p.agent_of_unit,
                custom={"label": "参保名单已清空", "refused": p.batch_refused("修改参保名单")})
    def roster_emptied(self):
        self.verify_state = c.VerifyState.IDLE

    @transition(field=status, source=[B.AWAITING_VERIFICATION, B.VERIFIED, B.REVIEW_REJECTED], target=B.VERIFYING,
                conditions=[p.ready_to_verify], permission=p.agent_of_unit,
                custom={"label": "提交系统校验", "refused": p.verify_refused})
    def verify_start(self, *, total: int):
        self.verify_round += 1
        self.verify_state = c.VerifyState.QUEUED
        self.verify_total, self.verify_done = total, 0
        self.verify_started_at, self.verify_finished_at = timezone.now(), None

    @transition(field=status, source=B.VERIFYING, target=B.VERIFIED, permission=p.system,
                custom={"label": "名单校验完成"})
    def verify_finish(self):
        self.verify_state = c.VerifyState.DONE
        self.verify_finished_at = timezone.now()

    @transition(field=status, source=[B.VERIFIED, B.REVIEW_REJECTED], target=B.UNDER_REVIEW,
                conditions=[p.window_open], permission=p.agent_of_unit,
                custom={"label": "提交职保会审核", "refused": p.batch_refused("提交职保会审核")})
    def submit(self, *, by, receipt):
        self.submitted_at, self.submitted_by, self.submission_receipt = timezone.now(), by, receipt
        self.review_reason = ""

    @transition(field=status, source=list(c.DELETABLE), target=B.DELETED, permission=p.agent_of_unit,
                custom={"label": "批次删除", "refused": p.batch_refused("删除批次")})
    def delete_batch(self):
        self.deleted_at = timezone.now()

    # --- the union's review, withholding, vouchers (issue 19) ----------------------------------------
    @transition(field=status, source=B.UNDER_REVIEW, target=B.REVIEW_APPROVED, permission=p.union_reviewer,
                custom={"label": "职保会审核通过", "refused": p.batch_refused("审核"), "code": "already_decided"})
    def review_approve(self, *, by):
        self.reviewed_by, self.reviewed_at, self.review_reason = by, timezone.now(), ""

    @transition(field=status, source=B.UNDER_REVIEW, target=B.REVIEW_REJECTED, permission=p.union_reviewer,
                custom={"label": "职保会审核不通过", "refused": p.batch_refused("审核"), "code": "already_decided"})
    def review_reject(self, *, by, reason: str):
        self.reviewed_by, self.reviewed_at, self.review_reason = by, timezone.now(), reason[:500]

    @transition(field=status, source=B.REVIEW_APPROVED, target=B.WITHHOLDING_REQUESTED,
                conditions=[p.pays_by_withholding, p.withholding_request_open], permission=p.agent_of_unit,
                custom={"label": "提交代扣申请", "refused": lambda b: (
                    "代扣申请已提交，代扣名单已锁定，请勿重复提交" if b.status in c.SUBMITTED and b.withholding_requested_at
                    else p.batch_refused("提交代扣申请")(b)), "code": "already_requested"})
    def withholding_request(self, *, by, available_on):
        self.withholding_requested_at, self.withholding_requested_by = timezone.now(), by
        self.acceptance_available_on = available_on

    @transition(field=status, source=B.WITHHOLDING_REQUESTED, target=B.WITHHOLDING_DONE, permission=p.system,
                custom={"label": "代扣完成"})
    def withholding_finish(self):
        self.withholding_done_at = timezone.now()

    @transition(field=status, source=[B.REVIEW_APPROVED, B.WITHHOLDING_DONE], target=B.ROSTER_CONFIRMED,
                conditions=[p.roster_may_be_confirmed], permission=p.agent_of_unit,
                custom={"label": "参保名单确定", "refused": p.batch_refused("确定参保名单")})
    def roster_confirm(self):
        self.roster_confirmed_at = timezone.now()

    @transition(field=status, source=[B.ROSTER_CONFIRMED, B.VOUCHER_REJECTED], target=B.VOUCHER_REVIEW,
                permission=p.agent_of_unit, custom={"label": "缴费凭证提交审核", "refused": p.batch_refused("提交凭证审核")})
    def voucher_submit(self, *, receipt):
        self.voucher_submitted_at, self.voucher_reason, self.voucher_receipt = timezone.now(), "", receipt

    @transition(field=status, source=B.VOUCHER_REVIEW, target=B.INSURED, permission=p.voucher_reviewer,
                custom={"label": "凭证审核通过，投保成功", "refused": p.batch_refused("审核凭证"), "code": "already_decided"})
    def voucher_approve(self, *, by, receipt, completed_on):
        self.voucher_reviewed_by, self.voucher_reviewed_at = by, timezone.now()
        self.insured_receipt, self.completed_on, self.voucher_reason = receipt, completed_on, "投保成功"

    @transition(field=status, source=B.VOUCHER_REVIEW, target=B.VOUCHER_REJECTED, permission=p.voucher_reviewer,
                custom={"label": "凭证审核不通过", "refused": p.batch_refused("审核凭证"), "code": "already_decided"})
    def voucher_reject(self, *, by, reason: str):
        self.voucher_reviewed_by, self.voucher_reviewed_at, self.voucher_reason = by, timezone.now(), reason[:500]
