"""The 残保金计算器 forms: the manual's simple form and the full form with a row per disabled
person. They only parse input into the engine's LevyInputs; the rules live in levy.rules."""

from decimal import Decimal

from django import forms
from django.utils import timezone

from levy.choices import FIRST_DATA_YEAR, BankKind, BaseChange, ObjectionKind, ReliefKind, UnitKind
from levy.rules import NATIONAL, CertificateKind, DisabledPerson, LevyInputs, person_problems
from portal.forms import Form, MultipleFileField, RegionField


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


# --- 残保金征缴 (issue 16): the forms only parse; the services check every figure -------------------

YES_NO = [("yes", "是"), ("no", "否")]


class GuideForm(Form):
    """智能引导."""

    has_disabled = forms.ChoiceField(label="单位上年是否有残疾职工", choices=YES_NO, widget=forms.RadioSelect)


class NoticeForm(Form):
    agree = forms.BooleanField(label="我已阅读并同意以上办理须知", error_messages={"required": "请勾选已阅读并同意办理须知"})


class DeclaredForm(Form):
    """申报表 columns 4 and 5: typed as text so that the service's messages (not the browser's)
    say what is wrong."""

    headcount = forms.CharField(label="上年在职职工人数（人）", max_length=12,
                                help_text="上年12个月在职职工人数之和除以12，取整数",
                                widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}))
    wage_total = forms.CharField(label="上年在职职工工资总额（元）", max_length=24,
                                 help_text="计时工资、计件工资、奖金、津贴补贴、加班加点工资等（不扣除社保、个税）",
                                 widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}))


class PayForm(Form):
    method = forms.ChoiceField(label="缴费方式", choices=[("agreement", "三方协议扣款"), ("transfer", "银行转账")],
                               widget=forms.RadioSelect, initial="agreement")


class RewardChoiceForm(Form):
    apply = forms.ChoiceField(label="是否申请超比例奖励", choices=YES_NO, widget=forms.RadioSelect)


class DecisionForm(Form):
    """The tax officer's decision on an objection."""

    decision = forms.ChoiceField(label="处理结果", choices=[("approve", "同意（按单位填写的数据核定）"),
                                                        ("refuse", "不同意")], widget=forms.RadioSelect)
    reason = forms.CharField(label="处理意见", required=False, max_length=300, widget=forms.Textarea(attrs={"rows": 3}))


def _cell(label: str, numeric: bool = False) -> forms.CharField:
    return forms.CharField(label=label, required=False, max_length=24, widget=forms.TextInput(
        attrs={"inputmode": "numeric" if numeric else "decimal", "autocomplete": "off", "class": "cell"}))


class ObjectionForm(Form):
    """残保金异议处理申请: the kind, then its table (12 months, the four change categories) or the
    two nature questions and the material. Cells are text: the service checks each one and its
    message lands beside the cell."""

    kind = forms.ChoiceField(label="请选择异议处理类型", choices=[("", "-----请选择异议类型-----"), *ObjectionKind.choices])
    is_business_registered = forms.ChoiceField(label="是否工商注册的企业", choices=YES_NO, required=False,
                                               widget=forms.RadioSelect)
    is_concentrated = forms.ChoiceField(label="是否为残疾人集中就业单位", choices=YES_NO, required=False,
                                        widget=forms.RadioSelect)
    material = forms.FileField(label="相关职能部门出具的证明", required=False,
                               help_text="营业执照，或民政局出具的《上海市残疾人集中就业企业社会保险费补贴申请审核表》。"
                                         "图片格式要求为jpg、png格式，文件大小要求在5MB以内，图片应清晰可见；真实并在有效期内",
                               widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png"}))

    def __init__(self, *args, months=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.months = list(months)
        for month in self.months:
            self.fields[f"base_{month}"] = _cell(f"{month}社保缴费基数合计(2倍封顶前)")
            self.fields[f"capped_{month}"] = _cell(f"{month}2倍封顶后基数合计")
            self.fields[f"accounts_{month}"] = _cell(f"{month}帐户人数", numeric=True)
        for code, label in BaseChange.choices:
            self.fields[f"change_{code}_base"] = _cell(f"{label}社保缴费基数合计(2倍封顶前)")
            self.fields[f"change_{code}_capped"] = _cell(f"{label}2倍封顶后基数合计")

    def month_rows(self):
        return [(m, self[f"base_{m}"], self[f"capped_{m}"], self[f"accounts_{m}"]) for m in self.months]

    def change_rows(self):
        return [(label, self[f"change_{code}_base"], self[f"change_{code}_capped"]) for code, label in BaseChange.choices]

    def service_data(self) -> dict:
        d = self.cleaned_data
        if d["kind"] == ObjectionKind.NATURE:
            return {"is_business_registered": d.get("is_business_registered") == "yes",
                    "is_concentrated": d.get("is_concentrated") == "yes"}
        if d["kind"] == ObjectionKind.HEADCOUNT:
            return {"accounts": {m: d.get(f"accounts_{m}") for m in self.months if d.get(f"accounts_{m}") != ""}}
        months = {m: {"base": d.get(f"base_{m}"), "capped_base": d.get(f"capped_{m}"), "accounts": d.get(f"accounts_{m}")}
                  for m in self.months
                  if any(d.get(f"{k}_{m}") for k in ("base", "capped", "accounts"))}
        changes = {code: {"base": d.get(f"change_{code}_base") or "0", "capped_base": d.get(f"change_{code}_capped") or "0"}
                   for code in BaseChange.values}
        return {"months": months, "changes": changes}


class TrackForm(Form):
    """办件查询: 申请对象 + 办事序号, and a captcha only after repeated failed lookups."""

    applicant = forms.CharField(label="申请对象", max_length=200, help_text="如查询法人办件进度请输入申请单位的完整名称")
    reference = forms.CharField(label="办事序号", max_length=24, help_text="申报成功页面显示的统一审批编码",
                                widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}))
    captcha_key = forms.CharField(required=False, widget=forms.HiddenInput)
    captcha = forms.CharField(label="验证码", required=False, max_length=10,
                              widget=forms.TextInput(attrs={"autocomplete": "off"}))

    def __init__(self, *args, captcha: bool = False, captcha_key: str = "", errors=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.captcha_required = captcha
        if captcha:
            self.fields["captcha"].required = True
            self.fields["captcha"].error_messages["required"] = "请输入验证码"
        if captcha_key:
            # a fresh challenge: the one the user answered (right or wrong) is used up
            self.initial["captcha_key"] = captcha_key
            if self.is_bound:
                self.data = self.data.copy()
                self.data["captcha_key"], self.data["captcha"] = captcha_key, ""
                self._errors = errors


class BulkForm(Form):
    """年终批量核定: a region of the officer's and a collection year."""

    region = forms.ChoiceField(label="地区（税务主管部门辖区）")
    year = forms.ChoiceField(label="征收年份")

    def __init__(self, *args, regions=(), years=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].choices = [(r.code, r.full_name) for r in regions]
        self.fields["year"].choices = [(y, f"{y}年") for y in years]


# --- 超比例奖励 and 缓减免 (issue 18): parse only; the services check every rule ---------------------


class RewardForm(Form):
    """超比例奖励申请: the eligibility question and the 银行卡信息 (收款单位名称 defaults to the unit's name;
    changing it needs the 更名证明或隶属关系证明)."""

    budget_funded = forms.TypedChoiceField(
        label="是否财政全额拨款单位", choices=[("no", "否"), ("yes", "是")], coerce=lambda v: v == "yes",
        widget=forms.RadioSelect, initial="no", error_messages={"required": "请选择是否财政全额拨款单位"},
        help_text="内蒙古：财政全额拨款的机关、事业单位不享受超比例奖励")
    payee_name = forms.CharField(label="收款单位名称", max_length=200, error_messages={"required": "请填写收款单位名称"},
                                 help_text="默认为单位名称；修改后须上传更名证明或隶属关系证明")
    bank_name = forms.CharField(label="开户银行", max_length=100, error_messages={"required": "请填写开户银行"},
                                help_text="填写到支行，如：中国银行呼和浩特新城支行")
    account_number = forms.CharField(label="开户账号", max_length=40, error_messages={"required": "请填写开户账号"},
                                     widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
                                     help_text="单位对公账户，8至32位数字，可用空格分组")
    bank_kind = forms.ChoiceField(label="开户银行行别", choices=[("", "请选择"), *BankKind.choices],
                                  error_messages={"required": "请选择开户银行行别"})
    payee_proof = forms.FileField(
        label="更名证明或隶属关系证明", required=False,
        help_text="1.图片格式要求为jpg、png格式，文件大小要求在5MB以内，图片应清晰可见，整张清晰；2.真实并在有效期内",
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png"}))
    attachments = MultipleFileField(label="附件材料", required=False,
                                    help_text="可选择多个文件（jpg、png、pdf，每个10MB以内）")

    def service_data(self) -> dict:
        data = self.cleaned_data
        return {"budget_funded": data["budget_funded"], "payee_name": data["payee_name"],
                "bank_name": data["bank_name"], "account_number": data["account_number"],
                "bank_kind": data["bank_kind"], "payee_proof": data.get("payee_proof"),
                "files": data.get("attachments") or []}


class ReviewDecisionForm(Form):
    """初审 / 复审: 通过, 退回 (to the level before) or 不通过, with the reason (required unless 通过)."""

    decision = forms.ChoiceField(label="审核结果", widget=forms.RadioSelect,
                                 choices=[("approve", "通过"), ("return", "退回"), ("reject", "不通过")],
                                 error_messages={"required": "请选择审核结果"})
    reason = forms.CharField(label="审核意见", max_length=300, required=False,
                             widget=forms.Textarea(attrs={"rows": 3}), help_text="退回或不通过时必须填写原因")


class UnitSearchForm(Form):
    q = forms.CharField(label="单位名称或统一社会信用代码", max_length=100, required=False)


class ReliefForm(Form):
    """缓减免申请: the kind, the amount or months within the policy's limits, the reason and evidence."""

    kind = forms.ChoiceField(label="申请类型", widget=forms.RadioSelect, choices=ReliefKind.choices,
                             error_messages={"required": "请选择申请类型（减免缴纳或缓缴）"})
    amount = _money_field("申请减免金额（元）", required=False)
    months = _count_field("申请缓缴月数", required=False)
    reason = forms.CharField(label="申请原因（不可抗力情况及损失）", max_length=2000,
                             widget=forms.Textarea(attrs={"rows": 4}),
                             error_messages={"required": "请说明遭受不可抗力的情况和损失"})
    evidence = MultipleFileField(label="证明材料", required=False,
                                 help_text="必须上传：如受灾证明、损失评估报告（jpg、png、pdf，每个10MB以内，可选择多个）")


class ReliefDecisionForm(Form):
    decision = forms.ChoiceField(label="审核结果", widget=forms.RadioSelect,
                                 choices=[("approve", "同意"), ("refuse", "不同意")],
                                 error_messages={"required": "请选择审核结果"})
    reason = forms.CharField(label="审核意见", max_length=300, required=False,
                             widget=forms.Textarea(attrs={"rows": 3}), help_text="不同意时必须填写原因")
