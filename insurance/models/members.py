"""参保人员: the retirees of a batch, what the registries said about each (stored with the time we
asked), the agent's fix of an exception, and the 参保比例 rows per 社保编号 with their materials.

A member's `result` is derived by insurance.rules.verification from the registry facts and the
agent's fixes, and stored for the lists' filters; the services recompute it whenever either
changes. Deleting a member marks it (是否删除: 是): the row stays for the record and the filter."""

from django.db import models
from django.db.models import Q
from django.utils import timezone

from insurance import choices as c
from insurance import predicates as p
from portal.crypto import BlindIndexField, EncryptedCharField
from portal.models import Upload
from portal.reviewable import Reviewable


class InsuredMember(models.Model):
    # no index of its own: the composite indexes below start with the batch (each index costs the
    # roster import's ten thousand inserts)
    batch = models.ForeignKey("insurance.InsuranceBatch", on_delete=models.CASCADE, related_name="members",
                              db_index=False)
    name = models.CharField("姓名", max_length=64)
    id_type = models.CharField("证件类型", max_length=12, choices=c.IdType.choices)
    id_number = EncryptedCharField("证件号码")
    id_index = BlindIndexField(source="id_number")
    birth_date = models.DateField("出生日期")
    sex = models.CharField("性别", max_length=1, choices=c.Sex.choices)
    phone = models.CharField("手机号", max_length=20)
    row_number = models.PositiveIntegerField("名单行号", null=True, blank=True)
    source = models.CharField("来源", max_length=10, choices=c.MemberSource.choices, default=c.MemberSource.IMPORT)
    created_at = models.DateTimeField("添加时间", default=timezone.now)
    deleted_at = models.DateTimeField("删除时间", null=True, blank=True)

    # what the registries said (social insurance, civil status, pension), and when
    check_state = models.CharField("校验状态", max_length=12, choices=c.CheckState.choices,
                                   default=c.CheckState.NOT_CHECKED)
    check_round = models.PositiveIntegerField("校验轮次", default=0)
    checked_at = models.DateTimeField("校验时间", null=True, blank=True)
    si_found = models.BooleanField("匹配到社保信息", null=True, blank=True)
    si_name = models.CharField("社保姓名", max_length=64, blank=True)
    si_number = models.CharField("社保编号", max_length=20, blank=True)
    si_unit_name = models.CharField("社保单位名称", max_length=200, blank=True)
    si_credit_code = models.CharField("社保单位统一社会信用代码", max_length=18, blank=True)
    died_on = models.DateField("死亡日期", null=True, blank=True)
    deceased = models.BooleanField("死亡", null=True, blank=True)
    retired = models.BooleanField("已退休", null=True, blank=True)
    registry_retirement_month = models.PositiveIntegerField("社保退休年月", null=True, blank=True)
    can_withhold = models.BooleanField("养老金账户可代扣", null=True, blank=True)

    # the agent's fixes
    name_confirmed_at = models.DateTimeField("确认社保姓名时间", null=True, blank=True)
    retirement_month = models.PositiveIntegerField("退休年月（补充）", null=True, blank=True)
    situation = models.CharField("社保类型", max_length=12, choices=c.Situation.choices, blank=True)
    situation_note = models.CharField("备注（其它类型说明）", max_length=300, blank=True)
    situation_attachment = models.ForeignKey(Upload, verbose_name="情况说明材料", null=True, blank=True,
                                             on_delete=models.PROTECT, related_name="+")

    # the pension day (委托代扣) and the coverage once insured
    withholding_result = models.CharField("代扣结果", max_length=14, choices=c.WithholdingResult.choices, blank=True)
    withheld_amount = models.DecimalField("代扣金额", max_digits=14, decimal_places=2, null=True, blank=True)
    withholding_message = models.CharField("代扣说明", max_length=200, blank=True)
    withheld_at = models.DateTimeField("代扣时间", null=True, blank=True)
    coverage_start = models.DateField("起保日期", null=True, blank=True)
    coverage_end = models.DateField("终保日期", null=True, blank=True)

    # derived (insurance.rules.verification), stored for the filters
    result = models.CharField("校验结果", max_length=20, choices=c.Result.choices, default=c.Result.NOT_CHECKED)
    withholding = models.CharField("代扣类型", max_length=4, choices=c.Withholding.choices, blank=True)

    class Meta:
        ordering = ["row_number", "id"]
        constraints = [
            models.UniqueConstraint(fields=["batch", "id_index"], condition=Q(deleted_at__isnull=True),
                                    name="insured_member_once_per_batch"),
        ]
        indexes = [models.Index(fields=["batch", "deleted_at", "result"]), models.Index(fields=["batch", "check_state"]),
                   # a batch list's 参保人数 and withholding counts from the index alone (listed_settlements)
                   models.Index(fields=["batch", "withholding_result"], include=["id"],
                                condition=Q(deleted_at__isnull=True), name="insured_member_counts")]
        verbose_name = verbose_name_plural = "参保人员"

    audit_name = "insured_member"

    def __str__(self):
        return self.name

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None


class CodeRatio(Reviewable):
    """参保比例 of one 社保编号 in a batch: the registry's retiree count for the code, stored when
    the batch is verified, and the materials the unit uploads when the code is below the
    threshold (reviewed by the union with the batch). A blank `si_number` is the row of members
    with no social-insurance match (未匹配到单位社保编号)."""

    audit_name = "code_ratio"
    review_permission = p.union_reviewer

    batch = models.ForeignKey("insurance.InsuranceBatch", on_delete=models.CASCADE, related_name="ratios")
    si_number = models.CharField("社保编号", max_length=20, blank=True)
    unit_name = models.CharField("单位名称", max_length=200, blank=True)
    si_credit_code = models.CharField("社保单位统一社会信用代码", max_length=18, blank=True)
    registry_count = models.PositiveIntegerField("社保人数", null=True, blank=True)
    registry_month = models.PositiveIntegerField("社保人数所属年月", null=True, blank=True)
    fetched_at = models.DateTimeField("获取时间", null=True, blank=True)
    materials = models.ForeignKey(Upload, verbose_name="相关材料", null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="+")
    materials_at = models.DateTimeField("材料上传时间", null=True, blank=True)

    class Meta:
        ordering = ["si_number"]
        constraints = [models.UniqueConstraint(fields=["batch", "si_number"], name="code_ratio_once_per_batch")]
        verbose_name = verbose_name_plural = "参保比例（社保编号）"

    def __str__(self):
        return f"{self.batch} {self.si_number or '未匹配到单位社保编号'}"

    @property
    def employer(self):
        return self.batch.employer
