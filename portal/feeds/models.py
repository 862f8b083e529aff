"""The mock registries' own tables. Nothing outside portal/feeds reads them: apps ask through
`portal.feeds.get_feeds()`, exactly as they would ask a real registry.

Persons and units are joined by their natural numbers (ID number, credit code) so that one feed
call is one indexed query without joins on surrogate keys; URLs use the surrogate `pk` so that no
ID number appears in an address bar or a log line.
"""

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone

from portal.feeds.types import CERTIFICATE_KINDS, INTAKE_STATUSES
from portal.identity import CERT_CATEGORIES

DEMO = "demo"


def validate_month(value: int) -> None:
    if not (190001 <= value <= 210012 and 1 <= value % 100 <= 12):
        raise ValidationError("请输入年月，格式为YYYYMM，如202503")


class RegistryUnit(models.Model):
    """A unit as the enterprise registry (name, address, authority) and social insurance (社保编号)
    know it."""

    credit_code = models.CharField("统一社会信用代码", max_length=18, unique=True)
    name = models.CharField("登记名称", max_length=200)
    address = models.CharField("住所", max_length=200)
    registration_authority = models.CharField("登记机关", max_length=100)
    region_code = models.CharField("所属行政区划代码", max_length=6)
    si_number = models.CharField("社保编号", max_length=20, blank=True)
    origin = models.CharField("数据来源", max_length=20, default=DEMO, db_index=True)

    class Meta:
        ordering = ["credit_code"]
        verbose_name = verbose_name_plural = "登记单位"

    def __str__(self):
        return self.name


class RegistryPerson(models.Model):
    """A person as the civil registry (name, sex, 户籍, death), social insurance (社保姓名) and the
    pension registry (retirement, account) know them. A blank `si_name` means social insurance has
    no record of the person at all (未匹配到社保信息)."""

    class Sex(models.TextChoices):
        MALE = "M", "男"
        FEMALE = "F", "女"

    id_number = models.CharField("公民身份号码", max_length=18, unique=True)
    name = models.CharField("姓名", max_length=64)
    sex = models.CharField("性别", max_length=1, choices=Sex.choices)
    birth_date = models.DateField("出生日期")
    hukou_region = models.CharField("户籍地行政区划代码", max_length=6)
    hukou_address = models.CharField("户籍地址", max_length=200)
    death_date = models.DateField("死亡日期", null=True, blank=True)
    si_name = models.CharField(
        "社保登记姓名", max_length=64, blank=True, help_text="留空表示社保系统中无此人（未匹配到社保信息）"
    )
    retired = models.BooleanField("已退休", default=False)
    retirement_month = models.PositiveIntegerField(
        "退休年月", null=True, blank=True, validators=[validate_month], help_text="YYYYMM；已退休但留空即“退休年月为空”"
    )
    retiree_unit = models.ForeignKey(
        RegistryUnit, verbose_name="退休所属单位", null=True, blank=True, on_delete=models.SET_NULL,
        to_field="credit_code", db_column="retiree_unit_code", related_name="retirees",
    )
    pension_account = models.CharField("养老金账户", max_length=30, blank=True)
    pension_bank = models.CharField("开户银行", max_length=60, blank=True)
    withholdable = models.BooleanField("可委托代扣", default=False)
    pension_balance = models.DecimalField("账户余额", max_digits=14, decimal_places=2, default=0)
    origin = models.CharField("数据来源", max_length=20, default=DEMO, db_index=True)

    class Meta:
        ordering = ["id"]
        verbose_name = verbose_name_plural = "登记人员"

    def __str__(self):
        return self.name


class MonthRecord(models.Model):
    """One person, one paying unit, one month, across the three monthly registries. A None in a
    registry's column means that registry has no record from this unit for the month."""

    person = models.ForeignKey(
        RegistryPerson, verbose_name="人员", on_delete=models.CASCADE, to_field="id_number",
        db_column="id_number", related_name="months",
    )
    unit = models.ForeignKey(
        RegistryUnit, verbose_name="缴费单位", on_delete=models.CASCADE, to_field="credit_code",
        db_column="credit_code", related_name="months",
    )
    month = models.PositiveIntegerField("年月", validators=[validate_month])
    si_paid = models.BooleanField("社保已缴", null=True, blank=True)
    si_base = models.DecimalField("社保缴费基数", max_digits=14, decimal_places=2, null=True, blank=True)
    mi_paid = models.BooleanField("医保已缴", null=True, blank=True)
    wage = models.DecimalField("应发工资", max_digits=14, decimal_places=2, null=True, blank=True)
    income_tax = models.DecimalField("个人所得税", max_digits=14, decimal_places=2, null=True, blank=True)

    class Meta:
        ordering = ["month", "unit_id"]
        verbose_name = verbose_name_plural = "月度记录（社保、医保、工资）"
        constraints = [models.UniqueConstraint(fields=["person", "month", "unit"], name="feeds_month_once_per_unit")]

    def __str__(self):
        return f"{self.month} {self.unit_id}"


class Certificate(models.Model):
    """A 残疾人证 or 残疾军人证 in the certificate registry."""

    number = models.CharField("证号", max_length=24, unique=True)
    person = models.ForeignKey(
        RegistryPerson, verbose_name="持证人", on_delete=models.CASCADE, to_field="id_number",
        db_column="id_number", related_name="certificates",
    )
    kind = models.CharField("证件类型", max_length=10, choices=list(CERTIFICATE_KINDS.items()))
    category = models.PositiveSmallIntegerField("残疾类别", choices=list(CERT_CATEGORIES.items()))
    grade = models.PositiveSmallIntegerField(
        "残疾等级", validators=[MinValueValidator(1), MaxValueValidator(10)], help_text="残疾人证1至4级，残疾军人证1至10级"
    )
    valid_from = models.DateField("有效期起")
    valid_to = models.DateField("有效期止")

    class Meta:
        ordering = ["person_id", "valid_from"]
        verbose_name = verbose_name_plural = "残疾证"

    def __str__(self):
        return self.number

    def clean(self):
        if self.valid_from and self.valid_to and self.valid_to < self.valid_from:
            raise ValidationError({"valid_to": "有效期止不能早于有效期起"})
        if self.kind == "disability" and self.grade and self.grade > 4:
            raise ValidationError({"grade": "残疾人证的等级为1至4级"})


class UnitHeadcount(models.Model):
    """Social insurance's monthly figures for a unit (its 社保编号)."""

    unit = models.ForeignKey(
        RegistryUnit, verbose_name="单位", on_delete=models.CASCADE, to_field="credit_code",
        db_column="credit_code", related_name="headcounts",
    )
    month = models.PositiveIntegerField("年月", validators=[validate_month])
    headcount = models.PositiveIntegerField("在职参保人数", null=True, blank=True)
    retirees = models.PositiveIntegerField("退休人数", null=True, blank=True)

    class Meta:
        ordering = ["unit_id", "month"]
        verbose_name = verbose_name_plural = "单位月度参保人数"
        constraints = [models.UniqueConstraint(fields=["unit", "month"], name="feeds_headcount_once_per_month")]

    def __str__(self):
        return f"{self.month} {self.unit_id}"


class IntakeSubmission(models.Model):
    """What the tax bureau's intake received. It acknowledges on its own time (`ack_due_at`);
    staff can stage a refusal."""

    reference = models.CharField("提交编号", max_length=64, unique=True)
    credit_code = models.CharField("统一社会信用代码", max_length=18)
    unit_name = models.CharField("单位名称", max_length=200)
    business_year = models.PositiveIntegerField("业务年度")
    payload = models.JSONField("提交内容")
    digest = models.CharField(max_length=64)
    received_at = models.DateTimeField("接收时间", default=timezone.now)
    ack_due_at = models.DateTimeField("预计确认时间")
    status = models.CharField("状态", max_length=20, choices=list(INTAKE_STATUSES.items()), default="received")
    acknowledged_at = models.DateTimeField("确认时间", null=True, blank=True)
    intake_number = models.CharField("税务受理编号", max_length=32, blank=True)
    message = models.CharField("退回原因", max_length=200, blank=True)

    class Meta:
        ordering = ["-received_at"]
        verbose_name = verbose_name_plural = "税务接收记录"

    def __str__(self):
        return self.reference

    def intake_number_for(self, now) -> str:
        """税务受理编号, given when the bureau acknowledges."""
        return f"SW{timezone.localdate(now):%Y%m%d}{self.pk:06d}"


class UnitContribution(models.Model):
    """Social insurance's monthly 征缴基数 figures for a unit: the base total before and after the
    2× cap and the account count (the Shanghai levy method reads them)."""

    unit = models.ForeignKey(
        RegistryUnit, verbose_name="单位", on_delete=models.CASCADE, to_field="credit_code",
        db_column="credit_code", related_name="contributions",
    )
    month = models.PositiveIntegerField("年月", validators=[validate_month])
    base = models.DecimalField("社保缴费基数合计（2倍封顶前）", max_digits=16, decimal_places=2)
    capped_base = models.DecimalField("2倍封顶后基数合计", max_digits=16, decimal_places=2)
    accounts = models.PositiveIntegerField("帐户人数")

    class Meta:
        ordering = ["unit_id", "month"]
        verbose_name = verbose_name_plural = "单位月度缴费基数"
        constraints = [models.UniqueConstraint(fields=["unit", "month"], name="feeds_contribution_once_per_month")]

    def __str__(self):
        return f"{self.month} {self.unit_id}"


class UnitContributionChange(models.Model):
    """变更基数汇总: a unit's year of 补缴 / 调整 / 退账 (negative) / 申报录入 bases."""

    unit = models.ForeignKey(
        RegistryUnit, verbose_name="单位", on_delete=models.CASCADE, to_field="credit_code",
        db_column="credit_code", related_name="contribution_changes",
    )
    year = models.PositiveIntegerField("年度")
    category = models.CharField("变更类别", max_length=20)
    base = models.DecimalField("社保缴费基数合计（2倍封顶前）", max_digits=16, decimal_places=2)
    capped_base = models.DecimalField("2倍封顶后基数合计", max_digits=16, decimal_places=2)

    class Meta:
        ordering = ["unit_id", "year", "category"]
        verbose_name = verbose_name_plural = "单位缴费基数变更"
        constraints = [models.UniqueConstraint(fields=["unit", "year", "category"], name="feeds_change_once")]

    def __str__(self):
        return f"{self.year} {self.category} {self.unit_id}"


class PaymentRecord(models.Model):
    """What the payment channel received. It settles on its own time (`settle_due_at`) with the
    staged outcome (paid unless staff or a test staged a failure, e.g. 账户余额不足)."""

    reference = models.CharField("缴费单号", max_length=40, unique=True)
    credit_code = models.CharField("统一社会信用代码", max_length=18)
    unit_name = models.CharField("单位名称", max_length=200)
    amount = models.DecimalField("金额", max_digits=14, decimal_places=2)
    method = models.CharField("缴费方式", max_length=10)
    purpose = models.CharField("缴费项目", max_length=100)
    requested_at = models.DateTimeField("接收时间", default=timezone.now)
    settle_due_at = models.DateTimeField("预计处理时间")
    status = models.CharField("状态", max_length=10, default="pending")
    settled_at = models.DateTimeField("处理时间", null=True, blank=True)
    bank_reference = models.CharField("银行流水号", max_length=40, blank=True)
    message = models.CharField("失败原因", max_length=200, blank=True)
    staged_outcome = models.CharField("预设结果", max_length=10, default="paid", help_text="paid 或 failed")
    staged_message = models.CharField("预设失败原因", max_length=200, blank=True)

    class Meta:
        ordering = ["-requested_at"]
        verbose_name = verbose_name_plural = "缴费渠道记录"

    def __str__(self):
        return self.reference


class WithholdingRecord(models.Model):
    """What the pension registry did with a withholding order (委托代扣): the answer is fixed at
    the first call, so the same order asked again never takes the money twice."""

    reference = models.CharField("代扣单号", max_length=64, unique=True)
    id_number = models.CharField("证件号码", max_length=18)
    name = models.CharField("姓名", max_length=64)
    amount = models.DecimalField("代扣金额", max_digits=14, decimal_places=2)
    purpose = models.CharField("代扣项目", max_length=100)
    status = models.CharField("结果", max_length=14)
    withheld = models.DecimalField("实扣金额", max_digits=14, decimal_places=2, default=0)
    processed_at = models.DateTimeField("处理时间", default=timezone.now)
    bank_reference = models.CharField("银行流水号", max_length=40, blank=True)
    message = models.CharField("原因", max_length=200, blank=True)

    class Meta:
        ordering = ["-processed_at"]
        verbose_name = verbose_name_plural = "养老金代扣记录"

    def __str__(self):
        return self.reference
