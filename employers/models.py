"""用人单位 and the agents (经办人) who act for it."""

from django.conf import settings
from django.db import models
from django.utils import timezone

from employers import choices
from portal.crypto import BlindIndexField, EncryptedCharField
from portal.identity import UNIT_KIND_DETAIL, UNIT_KIND_LABELS, unit_kind_of
from portal.models import Region, Upload
from portal.unions import UnionDistrict


class Employer(models.Model):
    """One unit, identified by its unified social credit code. Its three regions decide who sees
    it: 残联主管部门 (federation staff), 税务主管部门 (tax staff) and 单位所属行政区 (the region whose
    policy parameters apply)."""

    name = models.CharField("单位名称", max_length=200)
    credit_code = models.CharField("统一社会信用代码", max_length=18, unique=True)
    admin_region = models.ForeignKey(
        Region, verbose_name="单位所属行政区", on_delete=models.PROTECT, related_name="+"
    )
    fed_region = models.ForeignKey(Region, verbose_name="残联主管部门", on_delete=models.PROTECT, related_name="+")
    tax_region = models.ForeignKey(Region, verbose_name="税务主管部门", on_delete=models.PROTECT, related_name="+")
    contact_email = models.EmailField("联系邮箱")
    contact_phone = models.CharField("联系电话", max_length=20)
    created_at = models.DateTimeField("注册时间", default=timezone.now)

    # 单位基本信息 (网报系统 单位信息维护管理)
    tax_registration_no = models.CharField("税务登记证号", max_length=30, blank=True)
    unit_nature = models.CharField("单位性质", max_length=30, choices=choices.UnitNature.choices, blank=True)
    economic_nature = models.CharField("经济性质", max_length=30, choices=choices.EconomicNature.choices, blank=True)
    industry = models.CharField("行业类别", max_length=2, choices=choices.Industry.choices, blank=True)
    legal_rep_name = models.CharField("法人姓名", max_length=64, blank=True)
    legal_rep_id_type = models.CharField(
        "法人证件类型", max_length=20, choices=choices.IdType.choices, default=choices.IdType.RESIDENT_ID
    )
    legal_rep_id_number = EncryptedCharField("法人证件号", blank=True)
    legal_rep_id_index = BlindIndexField(source="legal_rep_id_number")
    legal_rep_phone = models.CharField("法人电话", max_length=20, blank=True)
    org_code = models.CharField("组织机构代码", max_length=10, blank=True)
    unit_phone = models.CharField("单位电话", max_length=20, blank=True)
    last_year_headcount = models.PositiveIntegerField("上年度职工数", null=True, blank=True)
    agent_name = models.CharField("经办人姓名", max_length=64, blank=True)
    agent_phone = models.CharField("经办人电话", max_length=20, blank=True)
    business_address = models.CharField("单位经营地址", max_length=200, blank=True)
    registered_address = models.CharField("单位注册地址", max_length=200, blank=True)
    # what the levy and the retiree plan need
    si_code = models.CharField("社保登记码（社保编号）", max_length=30, blank=True)
    is_business_registered = models.BooleanField("是否工商注册的企业", default=True)
    is_concentrated = models.BooleanField("是否残疾人集中就业单位", default=False)
    insurance_code = models.CharField("参保编码", max_length=30, blank=True)
    union_district = models.CharField("所属区局工会", max_length=60, choices=UnionDistrict.choices, blank=True)
    postal_code = models.CharField("邮政编码", max_length=6, blank=True)
    economic_type = models.CharField("经济类型", max_length=20, choices=choices.EconomicType.choices, blank=True)
    updated_at = models.DateTimeField("最后修改时间", null=True, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = verbose_name_plural = "用人单位"

    def __str__(self):
        return self.name

    @property
    def unit_kind(self) -> str:
        """enterprise / government / institution / social_org / other, from the credit code."""
        return unit_kind_of(self.credit_code)

    @property
    def unit_kind_label(self) -> str:
        return UNIT_KIND_DETAIL.get(self.credit_code[:2], UNIT_KIND_LABELS[self.unit_kind])


class RelatedUnit(models.Model):
    """关联单位: a parent or subsidiary, another related unit, or a labour-dispatch agency, with
    the proof of the relation. A placed person's contract may name one as paying unit."""

    employer = models.ForeignKey(Employer, on_delete=models.CASCADE, related_name="related_units")
    relation = models.CharField("关联关系", max_length=20, choices=choices.Relation.choices)
    region = models.ForeignKey(Region, verbose_name="行政划分区域", on_delete=models.PROTECT, related_name="+")
    credit_code = models.CharField("统一社会信用代码", max_length=18)
    tax_registration_no = models.CharField("税务登记证号码", max_length=30, blank=True)
    org_code = models.CharField("组织机构代码", max_length=10, blank=True)
    name = models.CharField("单位名称", max_length=200)
    phone = models.CharField("单位电话", max_length=20, blank=True)
    address = models.CharField("单位地址", max_length=200, blank=True)
    evidence = models.ForeignKey(
        Upload, verbose_name="证明材料", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["employer", "credit_code"], name="related_unit_once_per_employer")
        ]
        verbose_name = verbose_name_plural = "关联单位"

    def __str__(self):
        return f"{self.name}（{self.get_relation_display()}）"


class Agent(models.Model):
    """An account acting for a unit. The registering agent invites and removes the others."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="agent")
    employer = models.ForeignKey(Employer, on_delete=models.PROTECT, related_name="agents")
    is_registrant = models.BooleanField("注册经办人", default=False)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField("加入时间", default=timezone.now)
    removed_at = models.DateTimeField("移除时间", null=True, blank=True)

    class Meta:
        ordering = ["-is_registrant", "created_at"]
        verbose_name = verbose_name_plural = "经办人"

    def __str__(self):
        return f"{self.user.display_name}（{self.employer.name}）"
