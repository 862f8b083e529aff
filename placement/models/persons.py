"""安置人员: the placed persons of a declaration, their contracts and
certificates, and the month × check grid with the agent's selection, evidence and the reviewer's
decisions. Workflow lives in services; here are only the data and the FSM transition declarations."""

from django.db import models
from django.utils import timezone
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from placement import choices as c
from placement import predicates as p
from placement.models.declaration import AnnualDeclaration
from portal.crypto import BlindIndexField, EncryptedCharField
from portal.guards import allowed
from portal.identity import CERT_CATEGORIES, grade_label
from portal.models import Region, Upload
from portal.reviewable import Reviewable, not_the_requester

S = c.PersonStatus

# contracts, hand-added certificates and months are reviewed by the federation staff of the unit's region
REVIEWERS = allowed(*p.federation_in_scope.predicates, not_the_requester)


class PlacedPerson(ConcurrentTransitionMixin, models.Model):
    """A disabled employee placed in a declaration (安置人员). Verification runs beside the status,
    never as a state of it (ARCHITECTURE.md, Placement state machine)."""

    declaration = models.ForeignKey(AnnualDeclaration, on_delete=models.CASCADE, related_name="persons")
    id_number = EncryptedCharField("身份证号")
    id_index = BlindIndexField(source="id_number")
    name = models.CharField("姓名", max_length=64)
    sex = models.CharField("性别", max_length=1, choices=[("M", "男"), ("F", "女")])
    birth_date = models.DateField("出生日期")
    hukou_type = models.CharField("户籍地类型", max_length=10, choices=c.HukouType.choices)
    hukou_region = models.ForeignKey(Region, verbose_name="户籍地", null=True, on_delete=models.PROTECT,
                                     related_name="+")
    hukou_address = models.CharField("户籍地址", max_length=200)
    phone = models.CharField("联系电话", max_length=20)
    education = models.CharField("文化程度", max_length=20, choices=c.Education.choices, blank=True)
    guardian_name = models.CharField("监护人姓名", max_length=64, blank=True)
    guardian_phone = models.CharField("监护人电话", max_length=20, blank=True)
    is_graduate = models.BooleanField("是否高校毕业生", default=False)
    degree = models.CharField("学历学位", max_length=40, blank=True)
    school = models.CharField("毕业院校", max_length=100, blank=True)
    graduation_year = models.PositiveSmallIntegerField("毕业年份", null=True, blank=True)
    degree_attachment = models.ForeignKey(Upload, verbose_name="学历学位证明", null=True, blank=True,
                                          on_delete=models.PROTECT, related_name="+")
    retirement_category = models.CharField("退休年龄类别", max_length=3, choices=c.RetirementCategory.choices)
    prefilled = models.BooleanField("信息来自登记系统", default=False)

    status = FSMField("审核状态", default=S.INCOMPLETE, choices=S.choices, protected=True)
    confirmed_by = models.CharField("审核方式", max_length=10, choices=c.ConfirmedBy.choices, blank=True)
    wizard_step = models.PositiveSmallIntegerField("登记步骤", default=1)
    registered_at = models.DateTimeField("单位申报时间", null=True, blank=True)
    reviewed_at = models.DateTimeField("审核确认时间", null=True, blank=True)
    imported_from = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    # the verification job (progress only; the business status above never depends on it)
    verification_state = models.CharField(max_length=12, choices=c.VerificationState.choices,
                                          default=c.VerificationState.NOT_STARTED)
    verification_total = models.PositiveSmallIntegerField(default=0)
    verification_done = models.PositiveSmallIntegerField(default=0)
    verification_requested_at = models.DateTimeField(null=True, blank=True)
    verification_started_at = models.DateTimeField(null=True, blank=True)
    verification_finished_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["declaration", "id_index"], name="person_once_per_declaration")
        ]
        verbose_name = verbose_name_plural = "安置人员"

    audit_name = "person"

    def __str__(self):
        return self.name

    @property
    def verification_waiting_since(self):
        """When the running check was asked for (or taken by a worker): a page says it is late
        after a few minutes (portal.worker)."""
        if self.verification_state == c.VerificationState.RUNNING:
            return self.verification_started_at or self.verification_requested_at
        return self.verification_requested_at

    # --- transitions (in-memory only; portal.workflow.transition_apply saves and audits) ----------
    # confirmed by the system or sent to a reviewer once the registration is complete (no user:
    # verification finishing in the background moves a person on as well as the agent's click)
    @transition(field=status, source=S.INCOMPLETE, target=S.CONFIRMED, custom={"label": "系统自动审核确认"})
    def confirm_by_system(self):
        self.confirmed_by = c.ConfirmedBy.SYSTEM
        self.reviewed_at = timezone.now()

    @transition(field=status, source=S.INCOMPLETE, target=S.PENDING_REVIEW, custom={"label": "提交残联审核"})
    def send_to_review(self):
        pass

    _review = {"action": "review", "refused": p.person_refused_review, "code": "already_decided"}

    @transition(field=status, source=S.PENDING_REVIEW, target=S.CONFIRMED, conditions=[p.no_items_awaiting_review],
                permission=p.federation_in_scope, custom={**_review, "label": "安置登记审核：全部有效"})
    def confirm_by_reviewer(self):
        self.confirmed_by = c.ConfirmedBy.REVIEWER
        self.reviewed_at = timezone.now()

    @transition(field=status, source=S.PENDING_REVIEW, target=S.PARTIALLY_REJECTED,
                conditions=[p.no_items_awaiting_review], permission=p.federation_in_scope,
                custom={**_review, "label": "安置登记审核：部分无效"})
    def reject_partially(self):
        self.reviewed_at = timezone.now()

    @transition(field=status, source=S.PENDING_REVIEW, target=S.REJECTED, conditions=[p.no_items_awaiting_review],
                permission=p.federation_in_scope, custom={**_review, "label": "安置登记审核：全部无效"})
    def reject(self):
        self.reviewed_at = timezone.now()

    @transition(field=status, source=S.PARTIALLY_REJECTED, target=S.CONFIRMED,
                conditions=[p.person_declaration_is_draft], permission=p.agent_of_unit,
                custom={"label": "接受审核结果", "refused": lambda person: (
                    f"该人员状态为“{person.get_status_display()}”，只有部分审核不通过的人员可以接受审核结果")})
    def accept_result(self):
        self.confirmed_by = c.ConfirmedBy.REVIEWER

    @transition(field=status, source=[S.CONFIRMED, S.PARTIALLY_REJECTED, S.REJECTED, S.PENDING_REVIEW],
                target=S.INCOMPLETE, conditions=[p.person_declaration_is_draft], permission=p.agent_of_unit,
                custom={"label": "重新登记", "refused": "该人员资料尚未完成登记，请直接继续填写"})
    def re_register(self):
        self.confirmed_by = ""
        self.reviewed_at = None
        self.registered_at = None
        self.wizard_step = 1


class Contract(Reviewable):
    """合同管理: one contract (or dispatch agreement, or 编制本) and who pays the person. A dispatch
    agreement is reviewed (劳务派遣审核) before the person can be confirmed."""

    audit_name = "contract"
    review_permission = REVIEWERS

    person = models.ForeignKey(PlacedPerson, on_delete=models.CASCADE, related_name="contracts")
    is_dispatch = models.BooleanField("是否为劳务派遣", default=False)
    relation = models.CharField("关联单位关系", max_length=20, choices=c.Relation.choices, default=c.Relation.SELF)
    related_unit = models.ForeignKey("employers.RelatedUnit", verbose_name="关联单位", null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+")
    contract_type = models.CharField("合同类型", max_length=20, choices=c.ContractType.choices)
    start_date = models.DateField("合同开始日期")
    end_date = models.DateField("合同结束日期", null=True, blank=True)
    job = models.CharField("岗位工种", max_length=60)
    monthly_wage = models.DecimalField("合同月薪", max_digits=14, decimal_places=2)
    dispatch_agency = models.ForeignKey("employers.RelatedUnit", verbose_name="劳务派遣单位", null=True, blank=True,
                                        on_delete=models.PROTECT, related_name="+")
    counts_here_stated = models.BooleanField("协议已明确该人员计入本单位", default=False)
    # paying units: empty means this unit, otherwise one of the unit's related units
    si_payer = models.ForeignKey("employers.RelatedUnit", verbose_name="社保参保单位", null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="+")
    mi_payer = models.ForeignKey("employers.RelatedUnit", verbose_name="医保参保单位", null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="+")
    wage_payer = models.ForeignKey("employers.RelatedUnit", verbose_name="工资发放单位", null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    attachment = models.ForeignKey(Upload, verbose_name="合同附件", on_delete=models.PROTECT, related_name="+")
    # a dispatched person's three required documents are three files (issue 15, 17): the agency's
    # 劳务派遣资质 (its related-unit proof), this 三方协议 and the 劳动合同 (`attachment`)
    agreement = models.ForeignKey(Upload, verbose_name="三方协议（劳务派遣协议）", null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["start_date", "id"]
        verbose_name = verbose_name_plural = "合同"

    def __str__(self):
        return f"{self.get_contract_type_display()} {self.start_date}–{self.end_date or '无固定期限'}"


class Certificate(Reviewable):
    """残疾证管理: a certificate from the registry, or one added by hand (which needs its image and a
    reviewer's approval)."""

    audit_name = "certificate"
    review_permission = REVIEWERS

    person = models.ForeignKey(PlacedPerson, on_delete=models.CASCADE, related_name="certificates")
    number = EncryptedCharField("残疾证号")
    number_index = BlindIndexField(source="number")
    kind = models.CharField("证件类型", max_length=12, choices=c.CertificateKind.choices)
    category = models.PositiveSmallIntegerField("残疾类别", null=True, blank=True)
    grade = models.PositiveSmallIntegerField("残疾等级")
    valid_from = models.DateField("有效期起")
    valid_to = models.DateField("有效期止", null=True, blank=True)
    source = models.CharField("来源", max_length=10, choices=c.CertificateSource.choices)
    image = models.ForeignKey(Upload, verbose_name="证件影像", null=True, blank=True, on_delete=models.PROTECT,
                              related_name="+")

    class Meta:
        ordering = ["valid_from", "id"]
        verbose_name = verbose_name_plural = "残疾证"

    def __str__(self):
        return f"{self.get_kind_display()} {self.grade_label}"

    @property
    def grade_label(self) -> str:
        """The grade as the certificate prints it (二级, issue 15)."""
        return grade_label(self.grade)

    @property
    def category_label(self) -> str:
        """残疾类别 (视力残疾 …); a certificate without one reads "—"."""
        return CERT_CATEGORIES.get(self.category, "—")


class PlacementMonth(Reviewable):
    """One month of a person's business year: selected by the agent (安置登记), and decided by a
    reviewer when the person goes to review (the review machine's approved is 有效, rejected 无效;
    c.MONTH_DECISION_LABELS)."""

    audit_name = "month"
    review_permission = REVIEWERS

    person = models.ForeignKey(PlacedPerson, on_delete=models.CASCADE, related_name="months")
    month = models.PositiveSmallIntegerField("月份")
    selected = models.BooleanField("申报该月", default=False)
    # what each check of the month said when the reviewer decided it: {item: {outcome, reason, asked_at}}
    decided_on = models.JSONField("审核时的校验结果", default=dict, blank=True)

    class Meta:
        ordering = ["month"]
        constraints = [models.UniqueConstraint(fields=["person", "month"], name="placement_month_once")]
        verbose_name = verbose_name_plural = "安置月份"

    def __str__(self):
        return f"{self.person} {self.month}月"

    @property
    def decision_label(self) -> str:
        return c.MONTH_DECISION_LABELS[self.review_state]


class MonthCheck(models.Model):
    """One cell of the grid: what a feed said about one check of one month, and when we asked.
    Unique per person, month and check, so a rerun after a crash overwrites and never duplicates."""

    person = models.ForeignKey(PlacedPerson, on_delete=models.CASCADE, related_name="checks")
    month = models.PositiveSmallIntegerField("月份")
    item = models.CharField("校验项", max_length=12, choices=c.Check.choices)
    outcome = models.CharField("结果", max_length=8, choices=c.Outcome.choices)
    reason = models.CharField("说明", max_length=300, blank=True)
    answer = models.JSONField("接口返回", default=dict, blank=True)
    asked_at = models.DateTimeField("校验时间", default=timezone.now)

    class Meta:
        ordering = ["month", "item"]
        constraints = [models.UniqueConstraint(fields=["person", "month", "item"], name="month_check_once")]
        # the review list's 需审核的校验项: a page's failed and pending checks from the index alone, not
        # every check of its fifty persons read to drop the passed ones
        indexes = [models.Index(fields=["person"], include=["month", "item"], condition=~models.Q(outcome=c.Outcome.OK),
                                name="month_check_not_ok")]
        verbose_name = verbose_name_plural = "月份校验结果"

    def __str__(self):
        return f"{self.person} {self.month}月 {self.get_item_display()} {self.outcome}"


class MonthCheckAnswer(models.Model):
    """A registry's answer for one cell each time it changed, with when it was asked (append-only):
    the grid shows what the registry says now (MonthCheck) and, for a decided month, what it said
    when the reviewer decided (issue 14: a re-check overwrote the answer a decision rested on)."""

    person = models.ForeignKey(PlacedPerson, on_delete=models.CASCADE, related_name="check_history")
    month = models.PositiveSmallIntegerField("月份")
    item = models.CharField("校验项", max_length=12, choices=c.Check.choices)
    outcome = models.CharField("结果", max_length=8, choices=c.Outcome.choices)
    reason = models.CharField("说明", max_length=300, blank=True)
    answer = models.JSONField("接口返回", default=dict, blank=True)
    asked_at = models.DateTimeField("校验时间")

    class Meta:
        ordering = ["asked_at", "id"]
        indexes = [models.Index(fields=["person", "month", "item"])]
        verbose_name = verbose_name_plural = "月份校验历史"

    def __str__(self):
        return f"{self.person_id} {self.month}月 {self.item} {self.outcome} {self.asked_at:%Y-%m-%d %H:%M}"


class Evidence(models.Model):
    """上传附件: a file proving one failed (or unanswered) check for one selected month."""

    person = models.ForeignKey(PlacedPerson, on_delete=models.CASCADE, related_name="evidence")
    month = models.PositiveSmallIntegerField("月份")
    item = models.CharField("校验项", max_length=12, choices=c.Check.choices)
    upload = models.ForeignKey(Upload, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["item", "month"]
        constraints = [
            models.UniqueConstraint(fields=["person", "month", "item", "upload"], name="evidence_once")
        ]
        verbose_name = verbose_name_plural = "证明材料"

    def __str__(self):
        return f"{self.person} {self.month}月 {self.get_item_display()}"
