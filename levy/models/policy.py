"""The policy table (rules as data, each row dated and cited) and the certified declaration figures
the levy is assessed from.

Years in the policy table are *collection years* (征收年度 = data year + 1), because the policy in
force is chosen by the year the levy is collected; 社平 rows are keyed by their data year and
minimum wages and area classes by the date they take effect.
"""

import datetime
from decimal import Decimal
from fractions import Fraction

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.utils import timezone
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from levy.choices import RuleName, WindowKind
from levy.rules.certificates import CertificateKind
from levy.rules.policy import NATIONAL, PolicyRow, PolicyValueError, looks_verified, parse_value
from portal.crypto import BlindIndexField, EncryptedCharField
from portal.models import Region

POSITIVE = MinValueValidator(Decimal("0.01"), "金额应大于0")


def region_label(code: str) -> str:
    """A region's full name for the admin, or 全国默认 for the national default."""
    if code == NATIONAL:
        return "全国默认"
    region = Region.objects.filter(code=code).only("full_name").first()
    return region.full_name if region else f"{code}（未知）"


def years_label(first: int, last: int | None) -> str:
    """2023–2027年, 2026年 or 2016年起."""
    return f"{first}–{last}年" if last and last != first else (f"{first}年" if last else f"{first}年起")


class PolicyBase(models.Model):
    region_code = models.CharField(
        "行政区划代码", max_length=6, db_index=True, help_text="GB/T 2260 代码；000000 为全国默认"
    )
    # the public pages show only the official citation in it (levy.rules.policy.public_citation);
    # research notes and links stay here for the administrators
    source = models.TextField("依据（文件及出处）")
    verified = models.BooleanField("已核实", default=False, help_text="未核实的是样例值，页面上标注“未核实样例”")
    note = models.TextField("备注", blank=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    table = ""  # the PolicyRow.table this model's rows report

    class Meta:
        abstract = True

    def clean(self):
        super().clean()
        if self.region_code != NATIONAL and not Region.objects.filter(code=self.region_code).exists():
            raise ValidationError({"region_code": "请输入有效的行政区划代码（全国默认为000000）"})
        if self.verified and not looks_verified(self.source):
            raise ValidationError({"verified": "依据须为官方文件（文号、条款、发文机关）且已与原文核对；凭记忆、样例或"
                                               "第三方摘要不能标记为已核实"})

    @property
    def region_name(self) -> str:
        return region_label(self.region_code)

    def row_name(self) -> str:
        return self.table

    def as_row(self) -> PolicyRow:
        return PolicyRow(
            table=self.table, id=self.pk, region_code=self.region_code, name=self.row_name(),
            value=self.row_value(), period=self.period, source=self.source, verified=self.verified,
        )


class YearRangePolicy(PolicyBase):
    """A row in force for a range of collection years (no last year: until further notice)."""

    first_year = models.PositiveSmallIntegerField("起始征收年度", help_text="征收年度 = 业务（数据）年度 + 1")
    last_year = models.PositiveSmallIntegerField("截止征收年度", null=True, blank=True, help_text="空表示持续有效")

    class Meta:
        abstract = True

    @property
    def period(self) -> str:
        return years_label(self.first_year, self.last_year) + "征收"

    def _check_years(self, siblings: models.QuerySet):
        """first ≤ last, and no two rows of the same parameter and region in force in one year."""
        if self.last_year is not None and self.last_year < self.first_year:
            raise ValidationError({"last_year": "截止年度不能早于起始年度"})
        last = self.last_year or 9999
        clash = siblings.exclude(pk=self.pk).filter(first_year__lte=last).filter(
            models.Q(last_year__isnull=True) | models.Q(last_year__gte=self.first_year)
        )
        if clash.exists():
            other = clash.first()
            raise ValidationError(
                {"first_year": f"与已有的 {years_label(other.first_year, other.last_year)} 记录重叠，请先修改那条记录的截止年度"}
            )


class PolicyRule(YearRangePolicy):
    """One parameter (ratio, weight rule, relief, …) of one region for a range of collection years."""

    name = models.CharField("参数", max_length=32, choices=RuleName.choices)
    value = models.JSONField("参数值", help_text="比例写作小数字符串，如 \"0.015\"；结构化规则为JSON对象")

    table = "rule"

    class Meta:
        ordering = ["name", "region_code", "first_year"]
        verbose_name = verbose_name_plural = "政策参数"
        constraints = [
            models.UniqueConstraint(fields=["region_code", "name", "first_year"], name="levy_rule_unique_start")
        ]

    def __str__(self):
        return f"{self.get_name_display()} · {self.region_name} · {self.period}"

    def row_name(self) -> str:
        return self.name

    def row_value(self):
        return self.value

    def clean(self):
        super().clean()
        try:
            parse_value(self.name, self.value)
        except PolicyValueError as error:
            raise ValidationError({"value": str(error)})
        self._check_years(PolicyRule.objects.filter(region_code=self.region_code, name=self.name))


class SocialAverageWage(PolicyBase):
    """当地社会平均工资 (the cap's base) of one data year."""

    data_year = models.PositiveSmallIntegerField("数据年度")
    amount = models.DecimalField("年社会平均工资（元）", max_digits=14, decimal_places=2, validators=[POSITIVE])

    table = "social_average_wage"

    class Meta:
        ordering = ["region_code", "data_year"]
        verbose_name = verbose_name_plural = "社会平均工资"
        constraints = [models.UniqueConstraint(fields=["region_code", "data_year"], name="levy_saw_unique_year")]

    def __str__(self):
        return f"{self.region_name} {self.data_year}年 {self.amount}"

    @property
    def period(self) -> str:
        return f"{self.data_year}年度"

    def row_value(self):
        return str(self.amount)


class DatedPolicy(PolicyBase):
    """A row in force from a date until the next row of the same key."""

    effective_from = models.DateField("执行日期")

    class Meta:
        abstract = True

    @property
    def period(self) -> str:
        return f"{self.effective_from}起"


class AreaClass(DatedPolicy):
    """The minimum-wage area class (一类, 二类, …) of a county or city from a date."""

    area_class = models.PositiveSmallIntegerField(
        "地区类别", help_text="1 为一类地区，2 为二类地区……",
        validators=[MinValueValidator(1, "地区类别从1（一类）开始")],
    )

    table = "area_class"

    class Meta:
        ordering = ["region_code", "effective_from"]
        verbose_name = verbose_name_plural = "最低工资地区类别"
        constraints = [models.UniqueConstraint(fields=["region_code", "effective_from"], name="levy_class_unique")]

    def __str__(self):
        return f"{self.region_name} {self.area_class}类 {self.period}"

    def row_value(self):
        return self.area_class


class MinimumWage(DatedPolicy):
    """月最低工资标准 of a region (and area class, 0 where the region has none) from a date."""

    area_class = models.PositiveSmallIntegerField("地区类别", default=0, help_text="0 表示该地区不分类别")
    amount = models.DecimalField("月最低工资（元）", max_digits=10, decimal_places=2, validators=[POSITIVE])

    table = "minimum_wage"

    class Meta:
        ordering = ["region_code", "area_class", "effective_from"]
        verbose_name = verbose_name_plural = "月最低工资标准"
        constraints = [
            models.UniqueConstraint(fields=["region_code", "area_class", "effective_from"], name="levy_minwage_unique")
        ]

    def __str__(self):
        cls = f" {self.area_class}类" if self.area_class else ""
        return f"{self.region_name}{cls} {self.amount}（{self.period}）"

    def row_value(self):
        return {"area_class": self.area_class, "amount": str(self.amount)}


def _month_day(value: str) -> tuple[int, int]:
    month, day = int(value[:2]), int(value[3:])
    datetime.date(2024, month, day)  # a leap year, so 02-29 is allowed
    return month, day


def validate_month_day(value: str):
    try:
        if len(value) != 5 or value[2] != "-":
            raise ValueError
        _month_day(value)
    except (ValueError, TypeError):
        raise ValidationError("请按 MM-DD 填写日期，如 03-01")


class FilingWindow(YearRangePolicy):
    """联网认证 or payment window: month-days of the collection year, for a range of years."""

    kind = models.CharField("类型", max_length=16, choices=WindowKind.choices)
    opens = models.CharField("开始（月-日）", max_length=5, validators=[validate_month_day])
    closes = models.CharField("结束（月-日，含当日）", max_length=5, validators=[validate_month_day])

    table = "filing_window"

    class Meta:
        ordering = ["kind", "region_code", "first_year"]
        verbose_name = verbose_name_plural = "办理时间窗口"
        constraints = [
            models.UniqueConstraint(fields=["region_code", "kind", "first_year"], name="levy_window_unique_start")
        ]

    def __str__(self):
        return f"{self.get_kind_display()} · {self.region_name} · {self.period} {self.opens}至{self.closes}"

    def row_name(self) -> str:
        return f"window_{self.kind}"

    def row_value(self):
        return {"opens": self.opens, "closes": self.closes}

    def dates(self, collection_year: int) -> tuple[datetime.date, datetime.date]:
        return (datetime.date(collection_year, *_month_day(self.opens)),
                datetime.date(collection_year, *_month_day(self.closes)))

    def clean(self):
        super().clean()
        try:
            if _month_day(self.closes) < _month_day(self.opens):
                raise ValidationError({"closes": "结束日期不能早于开始日期"})
        except (ValueError, TypeError):
            return  # the field validators already said so
        self._check_years(FilingWindow.objects.filter(region_code=self.region_code, kind=self.kind))


class CertifiedFigures(ConcurrentTransitionMixin, models.Model):
    """The figures of a certified declaration (联网认证), fixed once when it is certified, with a
    snapshot of each person counted (CertifiedPerson): the 审核认定书, the hand-off to tax, the tax
    console and API and the levy all read this record, never a recomputation (a later policy edit
    cannot change what was certified). Written only by levy.services.certified_figures_record /
    _cancel, which the certification calls."""

    class Status(models.TextChoices):
        ACTIVE = "active", "有效"
        CANCELLED = "cancelled", "已作废"

    employer = models.ForeignKey(
        "employers.Employer", verbose_name="用人单位", on_delete=models.PROTECT, related_name="certified_figures"
    )
    business_year = models.PositiveSmallIntegerField("业务年度")
    headcount = models.PositiveIntegerField("在职职工人数")
    # Exact fractions (A = Σ months × weight / 12 is rarely a finite decimal).
    disabled_numerator = models.BigIntegerField("安排残疾人数（分子）")
    disabled_denominator = models.PositiveBigIntegerField("安排残疾人数（分母）")
    local_numerator = models.BigIntegerField("本地户籍残疾人数（分子）")
    local_denominator = models.PositiveBigIntegerField("本地户籍残疾人数（分母）")
    person_months_by_weight = models.JSONField("按折算人数的安置人月数", help_text="如 {\"2\": 24, \"1\": 8}")
    certificate_reference = models.CharField("审核认定书编号", max_length=64)
    status = FSMField("状态", max_length=10, choices=Status.choices, default=Status.ACTIVE, protected=True)
    recorded_at = models.DateTimeField("记录时间")
    # recorded, cancelled or recorded again: what tax systems pull changes since (updated_since)
    updated_at = models.DateTimeField("更新时间", auto_now=True, db_index=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="记录人", null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )
    cancelled_at = models.DateTimeField("撤销时间", null=True, blank=True)
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="撤销人", null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )
    cancel_reason = models.TextField("撤销原因", blank=True)

    class Meta:
        ordering = ["-business_year", "employer_id"]
        verbose_name = verbose_name_plural = "认证数据"
        constraints = [
            models.UniqueConstraint(fields=["employer", "business_year"], name="levy_certified_once_a_year")
        ]

    def __str__(self):
        return f"{self.employer} {self.business_year}年度"

    audit_name = "levy"

    @property
    def is_active(self) -> bool:
        return self.status == self.Status.ACTIVE

    # recorded and cancelled by the certification's services (placement), never by a user directly
    @transition(field=status, source=Status.ACTIVE, target=Status.CANCELLED,
                custom={"action": "certified_figures_cancel", "label": "撤销认证数据"})
    def cancel(self, *, by, reason: str):
        self.cancelled_at, self.cancelled_by, self.cancel_reason = timezone.now(), by, reason

    @transition(field=status, source=Status.CANCELLED, target=Status.ACTIVE,
                custom={"action": "certified_figures_record", "label": "重新记录认证数据"})
    def record_again(self, *, by):
        self.recorded_at, self.recorded_by = timezone.now(), by
        self.cancelled_at, self.cancelled_by, self.cancel_reason = None, None, ""

    @property
    def disabled_count(self) -> Fraction:
        return Fraction(self.disabled_numerator, self.disabled_denominator)

    @property
    def local_disabled_count(self) -> Fraction:
        return Fraction(self.local_numerator, self.local_denominator)


class CertifiedPerson(models.Model):
    """One person as certified (the 核定 roster): who, with which certificate, counted for which
    months at which weight. Fixed with its CertifiedFigures; the months' weights are those of the
    weight rule in force when the declaration was certified."""

    figures = models.ForeignKey(CertifiedFigures, on_delete=models.CASCADE, related_name="persons")
    name = models.CharField("姓名", max_length=64)
    id_number = EncryptedCharField("身份证号")
    id_index = BlindIndexField(source="id_number")
    certificate_kind = models.CharField("证件类型", max_length=12, choices=CertificateKind.choices)
    certificate_grade = models.PositiveSmallIntegerField("残疾等级")
    local_hukou = models.BooleanField("本地户籍")
    graduate = models.BooleanField("高校毕业生", default=False)
    months = models.JSONField("认定月份", help_text="YYYYMM，按月份顺序")
    weights = models.JSONField("各月折算人数", help_text="与认定月份一一对应")

    class Meta:
        ordering = ["figures", "id"]
        verbose_name = verbose_name_plural = "认证人员"

    def __str__(self):
        return self.name

    @property
    def confirmed(self) -> int:
        """安置确认(月)"""
        return len(self.months)

    @property
    def approved(self) -> int:
        """安置核定(月): the confirmed months times their weight."""
        return sum(self.weights)

    @property
    def disabled_count(self) -> Fraction:
        return Fraction(self.approved, 12)

    @property
    def weight(self) -> int:
        return max(self.weights, default=0)

