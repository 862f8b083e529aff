"""The 残保金计算器 forms: the manual's simple form and the full form with a row per disabled
person. They only parse input into the engine's LevyInputs; the rules live in levy.rules."""

from decimal import Decimal

from django import forms
from django.utils import timezone

from levy.choices import FIRST_DATA_YEAR, UnitKind
from levy.rules import NATIONAL, CertificateKind, DisabledPerson, LevyInputs, person_problems
from portal.forms import Form, RegionField


def data_year_choices():
    this_year = timezone.localdate().year
    return [(y, f"{y}年（{y + 1}年征收）") for y in range(this_year, FIRST_DATA_YEAR - 1, -1)]


def _money_field(label: str, **kwargs) -> forms.DecimalField:
    kwargs.setdefault("min_value", Decimal("0"))
    return forms.DecimalField(
        label=label, max_digits=16, decimal_places=2,
        error_messages={"invalid": f"{label}请填写数字", "min_value": f"{label}不能为负数",
                        "max_decimal_places": "金额最多保留两位小数", "max_digits": f"{label}过大"},
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}), **kwargs,
    )


def _count_field(label: str, **kwargs) -> forms.IntegerField:
    return forms.IntegerField(
        label=label, min_value=0,
        error_messages={"invalid": f"{label}请填写整数", "min_value": f"{label}不能为负数"},
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}), **kwargs,
    )


class CalculatorForm(Form):
    """What both forms share: unit, region, year, unit kind."""

    unit_name = forms.CharField(label="单位名称", max_length=100, required=False)
    data_year = forms.TypedChoiceField(label="数据年度", coerce=int, choices=data_year_choices,
                                       help_text="填写上一年度的数据；残保金在次年征收")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["data_year"].initial = timezone.localdate().year - 1  # this year's collection
    unit_kind = forms.ChoiceField(label="单位类型", choices=UnitKind.choices, initial=UnitKind.ENTERPRISE,
                                  help_text="小微企业免征只适用于企业")

    def region_code(self) -> str:
        region = self.cleaned_data.get("region")
        return region.code if region else NATIONAL


class SimpleCalculatorForm(CalculatorForm):
    """The manual's form: headcount, average monthly wage, person-months by grade group."""

    region = RegionField(
        label="单位所属地区", required=False, help_text="不选时按全国默认规则计算")
    headcount = _count_field("单位员工人数", help_text="上年在职职工年平均人数")
    monthly_wage = _money_field("单位月平均工资（元）")
    severe_months = _count_field("1-2级伤残安置人月数", required=False, help_text="含残疾军人证1-3级；1人安置全年为12")
    other_months = _count_field("3-4级伤残安置人月数", required=False, help_text="含残疾军人证4-8级")
    disabled_wage = _money_field("残疾员工月薪（元）", required=False, help_text="用于估算新安置1名残疾人的安置成本")

    field_order = ["unit_name", "region", "data_year", "unit_kind", "headcount", "monthly_wage",
                   "severe_months", "other_months", "disabled_wage"]

    def inputs(self) -> LevyInputs:
        data = self.cleaned_data
        groups = [
            DisabledPerson("disability", 1, data["severe_months"] or 0, label="1-2级伤残"),
            DisabledPerson("disability", 3, data["other_months"] or 0, label="3-4级伤残"),
        ]
        return LevyInputs(
            unit_kind=data["unit_kind"],
            wage_total=data["monthly_wage"] * 12 * data["headcount"],
            headcount=Decimal(data["headcount"]),
            disabled=tuple(g for g in groups if g.months),
        )


MONTH_FIELDS = [f"month_{m}" for m in range(1, 13)]


class FullCalculatorForm(CalculatorForm):
    """Region, year and kind, twelve monthly headcounts (or one figure), the wage bill, 社平."""

    region = RegionField(label="单位所属地区")
    headcount_mode = forms.ChoiceField(
        label="职工人数填写方式", widget=forms.RadioSelect, initial="monthly",
        choices=[("monthly", "按月填写12个月的在职职工人数"), ("annual", "直接填写年平均人数")],
    )
    headcount = forms.DecimalField(
        label="年平均在职职工人数", required=False, min_value=0, max_digits=10, decimal_places=2,
        error_messages={"invalid": "年平均在职职工人数请填写数字", "min_value": "年平均在职职工人数不能为负数"},
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
    )
    wage_total = _money_field("上年在职职工工资总额（元）")
    social_average_wage = _money_field(
        "当地社会平均工资（元/年）", required=False, min_value=Decimal("0.01"),
        help_text="可不填：不填时使用政策参数表中的数据",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for month, name in enumerate(MONTH_FIELDS, start=1):
            self.fields[name] = _count_field(f"{month}月", required=False)

    def month_fields(self):
        return [self[name] for name in MONTH_FIELDS]

    def clean(self):
        data = super().clean()
        if data.get("headcount_mode") == "monthly":
            for name in MONTH_FIELDS:
                if data.get(name) is None and name not in self.errors:
                    self.add_error(name, f"请填写{self.fields[name].label}的在职职工人数")
        elif data.get("headcount_mode") == "annual" and data.get("headcount") is None \
                and "headcount" not in self.errors:
            self.add_error("headcount", "请填写年平均在职职工人数")
        return data

    def inputs(self, persons: list[DisabledPerson]) -> LevyInputs:
        data = self.cleaned_data
        monthly = data["headcount_mode"] == "monthly"
        return LevyInputs(
            unit_kind=data["unit_kind"],
            wage_total=data["wage_total"],
            monthly_headcounts=tuple(data[name] for name in MONTH_FIELDS) if monthly else (),
            headcount=None if monthly else data["headcount"],
            disabled=tuple(persons),
            social_average_wage=data.get("social_average_wage"),
        )


class DisabledPersonForm(Form):
    certificate = forms.ChoiceField(label="证件类型", choices=[("", "请选择"), *CertificateKind.choices])
    grade = forms.IntegerField(label="等级", error_messages={"invalid": "等级请填写整数"},
                               widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}))
    months = forms.IntegerField(label="安置月数", error_messages={"invalid": "安置月数请填写整数"},
                                widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}))

    def clean(self):
        data = super().clean()
        if {"certificate", "grade", "months"} <= data.keys():
            for field, message in person_problems(data["certificate"], data["grade"], data["months"]).items():
                self.add_error(field, message)
        return data

    def person(self) -> DisabledPerson | None:
        data = self.cleaned_data
        if not data:
            return None  # a blank row
        return DisabledPerson(data["certificate"], data["grade"], data["months"])


DisabledPersonFormSet = forms.formset_factory(DisabledPersonForm, extra=3, max_num=500, validate_max=True)
