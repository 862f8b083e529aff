"""参保编码: a unit may hold several codes (one per 参保单位 it enrolls retirees for), each its own
record with the plan's unit data; 参保编码申请 and 修改单位名称 are reviewed by the union staff of
the unit's 所属区局工会 through the one review machine (portal.reviewable), in the manual's words
(申请中 → 审核通过 / 审核不通过, edited and resubmitted); 经办人信息 is the agent's contact for the
union."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django_fsm import FSMField

from employers.choices import EconomicType
from insurance import choices as c
from insurance import predicates as p
from portal.models import Upload
from portal.reviewable import Reviewable


class UnitData(models.Model):
    """The plan's unit data (the manual's 单位信息维护 and the two application forms)."""

    unit_name = models.CharField("参保单位名称", max_length=200)
    credit_code = models.CharField("统一社会信用代码", max_length=18)
    economic_type = models.CharField("经济类型", max_length=20, choices=EconomicType.choices)
    address = models.CharField("单位地址", max_length=200)
    postal_code = models.CharField("邮政编码", max_length=6)
    principal = models.CharField("负责人", max_length=64, blank=True)
    unit_phone = models.CharField("单位电话", max_length=20, blank=True)

    class Meta:
        abstract = True


class InsuranceCode(UnitData):
    """参保编码 and the unit data the plan keeps for it. `unit_name` is the plan's name for the unit:
    an approved 修改单位名称 changes it (and marks it approved), never the registered name of the
    employer, which comes from the enterprise registry."""

    employer = models.ForeignKey("employers.Employer", on_delete=models.PROTECT, related_name="insurance_codes")
    code = models.CharField("参保编码", max_length=20, unique=True)
    name_approved = models.BooleanField("单位名称经职保会审核", default=False,
                                        help_text="名称与统一社会信用代码的登记名称不一致，已通过修改单位名称审核")
    created_at = models.DateTimeField("创建时间", default=timezone.now)
    updated_at = models.DateTimeField("最后修改时间", default=timezone.now)

    audit_name = "insurance_code"

    class Meta:
        ordering = ["code"]
        verbose_name = verbose_name_plural = "参保编码"

    def __str__(self):
        return f"{self.code} {self.unit_name}"


class ContactData(models.Model):
    agent_name = models.CharField("经办人姓名", max_length=64)
    agent_phone = models.CharField("经办人手机", max_length=11)
    agent_email = models.EmailField("经办人邮箱")

    class Meta:
        abstract = True


class Application(UnitData, ContactData, Reviewable):
    """What both applications share: the review machine in the manual's words (申请中 / 审核通过 /
    审核不通过), decided by the union staff of the unit's 所属区局工会, and the submission's receipt."""

    review_permission = p.union_reviewer

    review_state = FSMField("审核状态", max_length=10, choices=list(c.APPLICATION_STATES.items()),
                            default=c.ReviewState.NOT_NEEDED, blank=True, protected=True)
    receipt = models.ForeignKey("portal.Receipt", verbose_name="申请回执", null=True, blank=True,
                                on_delete=models.PROTECT, related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField("创建时间", default=timezone.now)
    updated_at = models.DateTimeField("最后更新时间", default=timezone.now)

    class Meta:
        abstract = True


class CodeApplication(Application):
    """参保编码申请: submitted → 申请中; the union approves (a code is issued and shown) or refuses
    with a reason, after which the agent edits and resubmits."""

    audit_name = "code_application"

    employer = models.ForeignKey("employers.Employer", on_delete=models.PROTECT, related_name="code_applications")
    attachment = models.ForeignKey(Upload, verbose_name="附件", on_delete=models.PROTECT, related_name="+")
    code = models.OneToOneField(InsuranceCode, verbose_name="参保编码", null=True, blank=True,
                                on_delete=models.PROTECT, related_name="application")

    class Meta:
        ordering = ["-updated_at", "-id"]
        indexes = [models.Index(fields=["review_state", "review_requested_at"])]
        verbose_name = verbose_name_plural = "参保编码申请"

    def __str__(self):
        return f"{self.unit_name} 参保编码申请"


class UnitNameChange(Application):
    """修改单位名称: when the plan's name for a code cannot be matched to its credit code. Approved,
    the new name becomes the code's `unit_name`."""

    audit_name = "name_change"

    code = models.ForeignKey(InsuranceCode, verbose_name="参保编码", on_delete=models.PROTECT,
                             related_name="name_changes")
    old_name = models.CharField("原单位名称", max_length=200)
    attachment = models.ForeignKey(Upload, verbose_name="佐证材料", on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-updated_at", "-id"]
        indexes = [models.Index(fields=["review_state", "review_requested_at"])]
        verbose_name = verbose_name_plural = "单位名称修改申请"

    def __str__(self):
        return f"{self.old_name} → {self.unit_name}"

    @property
    def employer(self):
        return self.code.employer


class AgentContact(ContactData):
    """经办人信息: who the union contacts about the unit's enrollment (prefills the applications)."""

    employer = models.OneToOneField("employers.Employer", on_delete=models.CASCADE, related_name="insurance_contact")
    updated_at = models.DateTimeField("最后修改时间", default=timezone.now)

    class Meta:
        verbose_name = verbose_name_plural = "退休住院计划经办人信息"

    def __str__(self):
        return self.agent_name
