"""The retiree plan's forms: input parsing only (rules live in insurance.rules and the services)."""

from django import forms

from employers.choices import EconomicType
from insurance import choices as c
from insurance.uploads import (
    CODE_APPLICATION,
    NAME_CHANGE,
    RATIO_MATERIALS,
    REFUND_EXPLANATION,
    ROSTER,
    SITUATION_PROOF,
    VOUCHER_IMAGE,
    WITHHOLDING_FORM,
)
from portal.forms import Form
from portal.unions import UnionDistrict

UNIT_WIDGETS = {"address": forms.TextInput(attrs={"autocomplete": "street-address"})}


def _file(label: str, kind, *, required=True, accept=".pdf,.jpg,.jpeg,.png") -> forms.FileField:
    return forms.FileField(label=label, required=required, help_text=kind.hint,
                           widget=forms.ClearableFileInput(attrs={"accept": accept}))


class ContactFields(Form):
    agent_name = forms.CharField(label="经办人姓名", max_length=64)
    agent_phone = forms.CharField(label="经办人手机", max_length=11, widget=forms.TextInput(attrs={"inputmode": "numeric"}))
    agent_email = forms.EmailField(label="经办人邮箱", error_messages={"invalid": "请输入正确的邮箱地址"})


class AgentContactForm(ContactFields):
    """经办人信息."""


class ApplicationForm(ContactFields):
    """参保编码申请 (and 编辑 of a refused one)."""

    field_order = ["unit_name", "credit_code", "agent_name", "agent_phone", "agent_email", "union_district",
                   "economic_type", "address", "postal_code", "principal", "unit_phone", "attachment"]
    unit_name = forms.CharField(label="单位名称", max_length=200)
    credit_code = forms.CharField(label="统一社会信用代码", max_length=18)
    union_district = forms.ChoiceField(label="所属区局工会", choices=[("", "请选择"), *UnionDistrict.choices])
    economic_type = forms.ChoiceField(label="经济类型", choices=[("", "请选择"), *EconomicType.choices])
    address = forms.CharField(label="单位地址", max_length=200)
    postal_code = forms.CharField(label="邮政编码", max_length=6, widget=forms.TextInput(attrs={"inputmode": "numeric"}))
    principal = forms.CharField(label="负责人", max_length=64, required=False)
    unit_phone = forms.CharField(label="单位电话", max_length=20, required=False)
    attachment = _file("附件", CODE_APPLICATION)

    attachment_hint = ("上传文件要求：《社会保险费缴费申报表》或《单位参加城镇社会保险基本情况》或法人登记证（复印件盖公章）"
                       "或营业执照（复印件盖公章）")

    def __init__(self, *args, fixed_district: str = "", editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["attachment"].help_text = f"{self.attachment_hint}。{self.fields['attachment'].help_text}"
        if editing:
            self.fields["attachment"].required = False
            self.fields["attachment"].help_text += "不重新上传则沿用原附件。"
        if fixed_district:  # the unit's 所属区局工会 decides who reviews it; it changes on the unit page
            self.fields["union_district"].disabled = True
            self.fields["union_district"].initial = fixed_district
            self.fields["union_district"].help_text = "与单位信息一致；如需变更，请在“单位信息维护管理”中修改"


class NameChangeForm(ApplicationForm):
    """修改单位名称."""

    attachment_hint = "上传文件要求：提供单位名称变更相关佐证材料《红头文件》或《工商变更登记表》"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit_name"].label = "新单位名称"
        self.fields["credit_code"].disabled = True
        self.fields["attachment"] = _file("附件", NAME_CHANGE, required=self.fields["attachment"].required)
        self.fields["attachment"].help_text = f"{self.attachment_hint}。{NAME_CHANGE.hint}"


class BatchNewForm(Form):
    """请选择参保类型: the code and its unit."""

    code = forms.ModelChoiceField(label="参保编码", queryset=None, empty_label="请选择",
                                  error_messages={"invalid_choice": "请选择本单位已审核通过的参保编码"})

    def __init__(self, *args, codes=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["code"].queryset = codes
        self.fields["code"].label_from_instance = lambda code: f"{code.code}（{code.unit_name}）"


class UnitInfoForm(Form):
    """单位信息维护: what the agent can change here (name through 修改单位名称, the credit code never)."""

    address = forms.CharField(label="单位地址", max_length=200)
    postal_code = forms.CharField(label="邮政编码", max_length=6)
    economic_type = forms.ChoiceField(label="经济类型", choices=[("", "请选择"), *EconomicType.choices])
    principal = forms.CharField(label="负责人", max_length=64, required=False)
    unit_phone = forms.CharField(label="单位电话", max_length=20, required=False)


class PaymentForm(Form):
    """选择参保缴费方式 (once)."""

    payment_method = forms.ChoiceField(label="参保缴费方式", widget=forms.RadioSelect,
                                       choices=[(m.value, f"{m.label}（{c.PAYMENT_HELP[m]}）") for m in c.PaymentMethod])
    withholding_amount = forms.DecimalField(label="委托代扣金额（元/人）", required=False, max_digits=8, decimal_places=2,
                                            help_text="代扣金额须一致，须大于0且小于等于450元/人",
                                            error_messages={"invalid": "请输入金额，如300"})
    withholding_form = _file("已盖章的委托代扣款申请表", WITHHOLDING_FORM, required=False)

    def __init__(self, *args, premium=None, instant=False, **kwargs):
        super().__init__(*args, **kwargs)
        if premium is not None:
            self.fields["withholding_amount"].help_text = f"代扣金额须一致，须大于0且小于等于{premium}元/人"
        if instant:
            self.fields["payment_method"].choices = [(c.PaymentMethod.VOUCHER.value,
                                                      f"{c.PaymentMethod.VOUCHER.label}（即时参保只能缴费凭证参保）")]

    def clean(self):
        data = super().clean()
        if data.get("payment_method") == c.PaymentMethod.WITHHOLDING and not data.get("withholding_form"):
            self.add_error("withholding_form", "请上传已盖章的委托代扣款申请表")
        return data


class WithholdingFormUpload(Form):
    withholding_form = _file("已盖章的委托代扣款申请表", WITHHOLDING_FORM)


class RosterUploadForm(Form):
    file = forms.FileField(label="参保名单文件", help_text=f"请使用下载的参保名单导入模板填写。{ROSTER.hint}",
                           widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"}))


class MemberForm(Form):
    """新增参保人员 (values as the template words them: the same rules check both)."""

    name = forms.CharField(label="姓名", max_length=64)
    phone = forms.CharField(label="手机号", max_length=20)
    id_type = forms.ChoiceField(label="证件类型", choices=[("", "请选择"), ("身份证", "身份证"), ("非身份证", "非身份证")])
    id_number = forms.CharField(label="证件号码", max_length=30)
    birth_date = forms.DateField(label="出生日期", required=False, help_text="证件类型为非身份证时必填",
                                 widget=forms.DateInput(attrs={"type": "date"}),
                                 error_messages={"invalid": "出生日期格式应为1990-01-01"})
    sex = forms.ChoiceField(label="性别", required=False, help_text="证件类型为非身份证时必填",
                            choices=[("", "请选择"), ("男", "男"), ("女", "女")])


class RetirementForm(Form):
    retirement_month = forms.CharField(label="退休年月", max_length=7, help_text="格式如2020-05",
                                       widget=forms.TextInput(attrs={"type": "month"}))


class SituationForm(Form):
    situation = forms.ChoiceField(label="社保类型", widget=forms.RadioSelect,
                                  choices=[(s.value, f"{s.label}：{c.SITUATION_HELP[s]}") for s in c.Situation])
    note = forms.CharField(label="备注（其它类型说明）", max_length=300, required=False,
                           help_text="干保、出国、其他须填写", widget=forms.Textarea(attrs={"rows": 2}))
    attachment = _file("相关材料", SITUATION_PROOF, required=False)


class MaterialsForm(Form):
    si_number = forms.CharField(required=False, widget=forms.HiddenInput)
    file = _file("相关材料", RATIO_MATERIALS)


class DecisionForm(Form):
    """The union's decision on an application."""

    decision = forms.ChoiceField(label="审核结果", widget=forms.RadioSelect,
                                 choices=[("approve", "审核通过"), ("reject", "审核不通过")])
    reason = forms.CharField(label="不通过原因", max_length=300, required=False, widget=forms.Textarea(attrs={"rows": 3}),
                             help_text="审核不通过时必填，单位将看到该原因并修改后重新提交")

    def clean(self):
        data = super().clean()
        if data.get("decision") == "reject" and not (data.get("reason") or "").strip():
            self.add_error("reason", "请填写审核不通过的原因")
        return data


# --- withholding, vouchers and the union's decisions (issue 19) -------------------------------------


class WithholdingRequestForm(Form):
    agreed = forms.BooleanField(label="我已阅读并同意", required=False)


class VoucherForm(Form):
    """A unit voucher row (the service checks the amount and the image)."""

    payer_name = forms.CharField(label="付款单位名称", max_length=200)
    method = forms.ChoiceField(label="缴费方式", choices=[("", "请选择"), *c.UNIT_VOUCHER_METHODS])
    amount = forms.CharField(label="缴费金额（元）", max_length=20, widget=forms.TextInput(attrs={"inputmode": "decimal"}))
    image = _file("缴费凭证图片", VOUCHER_IMAGE, required=False, accept=".jpg,.jpeg,.png")


class RefundForm(Form):
    voucher = forms.ChoiceField(label="选择缴费单位")
    account_name = forms.CharField(label="退款账户名称", max_length=200)
    account_number = forms.CharField(label="退款账号", max_length=40, widget=forms.TextInput(attrs={"inputmode": "numeric",
                                                                                                "autocomplete": "off"}))
    bank = forms.CharField(label="退款银行", max_length=100)
    amount = forms.CharField(label="退款金额（元）", max_length=20, widget=forms.TextInput(attrs={"inputmode": "decimal"}))
    explanation = _file("情况说明（缴费单位与退款账户不一致时上传）", REFUND_EXPLANATION, required=False)

    def __init__(self, *args, vouchers=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["voucher"].choices = [("", "请选择"), *((str(v.pk), f"{v.payer_name}（{v.amount}元）") for v in vouchers)]


class EReceiptForm(Form):
    title = forms.CharField(label="专用收据抬头", max_length=200)
    credit_code = forms.CharField(label="统一信用代码", max_length=18, required=False,
                                  help_text="抬头与参保单位名称一致或为已注册单位时自动匹配，否则请填写")
    amount = forms.CharField(label="金额（元）", max_length=20, widget=forms.TextInput(attrs={"inputmode": "decimal"}))
    note = forms.CharField(label="备注", max_length=200, required=False)


class VoucherDecisionForm(Form):
    decision = forms.ChoiceField(label="审核结论", widget=forms.RadioSelect,
                                 choices=[("approve", "凭证审核通过（投保成功）"), ("reject", "凭证审核不通过")])
    reason = forms.CharField(label="职保中心反馈（不通过原因）", max_length=500, required=False,
                             widget=forms.Textarea(attrs={"rows": 3}))

    def clean(self):
        data = super().clean()
        if data.get("decision") == "reject" and not (data.get("reason") or "").strip():
            self.add_error("reason", "凭证审核不通过须填写原因，如“退多余款账户信息错误”")
        return data
