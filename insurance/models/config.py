"""The plan-year configuration administrators keep (保障年度: premium, coverage, the windows and
deadlines, the participation threshold, the union's receiving account) and the working-day
calendar's own table for the years the chinese-calendar package does not cover. Nothing here is a
constant in code (DOMAIN.md: parameters are data)."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone


class PlanYear(models.Model):
    """One 保障年度 of the 退休住院计划: coverage from `coverage_start` (7-01 of `year`) to
    `coverage_end` (6-30 of the next year), the 集中参保 window before it and 即时参保 within it."""

    year = models.PositiveSmallIntegerField("保障年度", unique=True, help_text="保障期限自该年7月1日起")
    premium = models.DecimalField("参保费用（元/人）", max_digits=14, decimal_places=2, default=Decimal("450.00"),
                                  validators=[MinValueValidator(Decimal("0.01"))])
    coverage_start = models.DateField("保障期限起")
    coverage_end = models.DateField("保障期限止")
    central_opens_at = models.DateTimeField("集中参保开始时间")
    central_closes_at = models.DateTimeField("集中参保通道关闭时间")
    withholding_closes_at = models.DateTimeField("委托代扣款缴费参保通道关闭时间")
    withholding_request_deadline = models.DateTimeField("委托代扣申请截止时间")
    instant_opens_at = models.DateTimeField("即时参保开始时间")
    waiting_days = models.PositiveSmallIntegerField("即时参保免责期（天）", default=30)
    threshold = models.DecimalField("参保比例要求", max_digits=4, decimal_places=3, default=Decimal("0.750"),
                                    validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("1"))],
                                    help_text="每个社保编号的参保人数 ÷ 社保退休人数，如0.75")
    account_name = models.CharField("职保会收款户名", max_length=100)
    account_number = models.CharField("职保会收款账号", max_length=40)
    account_bank = models.CharField("开户行", max_length=100)
    pension_day = models.PositiveSmallIntegerField(
        "养老金发放日", default=10, validators=[MinValueValidator(1), MaxValueValidator(28)],
        help_text="每月养老金发放日，银行于当日代扣（系统管理员可提前模拟）")
    voucher_four_eyes = models.BooleanField("凭证审核双人复核", default=False,
                                            help_text="勾选后，审核参保名单的人员不能审核同一批次的缴费凭证")
    source = models.CharField("依据", max_length=300, blank=True, help_text="如《退休住院计划单位团体线上参保操作手册》")
    updated_at = models.DateTimeField("最后修改时间", default=timezone.now)

    audit_name = "plan_year"

    class Meta:
        ordering = ["-year"]
        verbose_name = verbose_name_plural = "退休住院计划保障年度"

    def __str__(self):
        return f"{self.year}年度（{self.coverage_start:%Y-%m-%d}至{self.coverage_end:%Y-%m-%d}）"

    def clean(self):
        errors = {}
        if self.coverage_start and self.coverage_end and self.coverage_end <= self.coverage_start:
            errors["coverage_end"] = "保障期限止应晚于保障期限起"
        if self.central_opens_at and self.central_closes_at and self.central_closes_at <= self.central_opens_at:
            errors["central_closes_at"] = "集中参保通道关闭时间应晚于开始时间"
        if (self.withholding_closes_at and self.central_opens_at and self.central_closes_at
                and not self.central_opens_at < self.withholding_closes_at <= self.central_closes_at):
            errors["withholding_closes_at"] = "委托代扣款缴费参保通道应在集中参保期间内关闭"
        if (self.withholding_request_deadline and self.withholding_closes_at
                and self.withholding_request_deadline < self.withholding_closes_at):
            errors["withholding_request_deadline"] = "委托代扣申请截止时间不能早于代扣通道关闭时间"
        if errors:
            raise ValidationError(errors)


class CalendarDay(models.Model):
    """A day the working-day calendar must treat otherwise than the chinese-calendar package
    does, or a day of a year the package does not cover yet (next year's holidays are published
    each November): a holiday on a weekday or an adjusted working day (调休) on a weekend."""

    date = models.DateField("日期", unique=True)
    is_working_day = models.BooleanField("是否工作日", help_text="勾选：调休上班；不勾选：法定节假日")
    name = models.CharField("说明", max_length=60, blank=True, help_text="如：元旦、春节调休")

    class Meta:
        ordering = ["date"]
        verbose_name = verbose_name_plural = "工作日历（节假日与调休）"

    def __str__(self):
        return f"{self.date:%Y-%m-%d} {'工作日' if self.is_working_day else '休息日'} {self.name}"
