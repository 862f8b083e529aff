"""Forms of the 添加残疾人 wizard, in the manual's words."""

from django import forms

from employers.choices import Relation as UnitRelation
from employers.models import RelatedUnit
from placement import choices as c
from placement.uploads import (
    CERTIFICATE_IMAGE,
    CONTRACT_FILE,
    DEGREE_FILE,
    DEREGISTRATION_FORM,
    EVIDENCE_FILE,
    FEEDBACK_FILE,
)
from placement.validation import certificate_problems, contract_problems, person_problems
from portal.exceptions import DomainError
from portal.forms import Form, MultipleFileField, RegionField
from portal.identity import CERT_CATEGORIES, parse_resident_id

YES_NO = [("", "请选择"), ("1", "是"), ("0", "否")]
DATE = forms.DateInput(attrs={"type": "date"})


def _yes_no(label, **kwargs):
    return forms.TypedChoiceField(label=label, choices=YES_NO, coerce=lambda v: v == "1", empty_value=None, **kwargs)


class IdLookupForm(Form):
    id_number = forms.CharField(label="身份证号", max_length=24,
                                help_text="输入身份证号码，系统自动获取残疾人的信息；获取不到时请手动填写带*的内容")

    def clean_id_number(self):
        try:
            return parse_resident_id(self.cleaned_data["id_number"]).number
        except DomainError as error:
            raise forms.ValidationError(error.message) from None


class PersonForm(Form):
    name = forms.CharField(label="姓名", max_length=64)
    hukou_type = forms.ChoiceField(label="户籍地类型", choices=[("", "请选择"), *c.HukouType.choices])
    hukou_region = RegionField(label="户籍地", required=False, help_text="如下拉中没有残疾人户籍地，请调整户籍地类型")
    hukou_address = forms.CharField(label="户籍地址", max_length=200)
    phone = forms.RegexField(label="联系电话", regex=r"^[0-9\-+ ]{7,20}$", max_length=20,
                             error_messages={"invalid": "请输入有效的电话号码"})
    education = forms.ChoiceField(label="文化程度", choices=[("", "请选择"), *c.Education.choices], required=False)
    guardian_name = forms.CharField(label="监护人姓名", max_length=64, required=False)
    guardian_phone = forms.CharField(label="监护人电话", max_length=20, required=False)
    is_graduate = _yes_no("是否高校毕业生", help_text="选择“是”需填写学历学位信息并上传证明")
    degree = forms.CharField(label="学历学位", max_length=40, required=False)
    school = forms.CharField(label="毕业院校", max_length=100, required=False)
    graduation_year = forms.IntegerField(label="毕业年份", min_value=1950, max_value=2100, required=False)
    degree_file = forms.FileField(label="学历学位证明", required=False, help_text=DEGREE_FILE.hint)
    retirement_category = forms.ChoiceField(
        label="退休年龄类别", required=False,
        choices=[("", "请选择"), (c.RetirementCategory.FEMALE_55, c.RetirementCategory.FEMALE_55.label),
                 (c.RetirementCategory.FEMALE_50, c.RetirementCategory.FEMALE_50.label)],
        help_text="女职工请选择：用于判断是否在就业年龄段（2025年起渐进式延迟退休）",
    )

    def __init__(self, *args, sex: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.sex = sex
        if sex == "M":
            del self.fields["retirement_category"]
        elif sex == "F":
            self.fields["retirement_category"].required = True
            self.fields["retirement_category"].error_messages["required"] = "请选择女职工的退休年龄类别"

    def clean(self):
        """The service's rules, beside their fields (the proof file is the service's: an edit may
        keep the one already uploaded)."""
        data = super().clean()
        for field, message in person_problems(data, sex=self.sex, has_degree_file=True):
            if field in self.fields and field not in self.errors:
                self.add_error(field, message)
        return data


class ContractForm(Form):
    is_dispatch = _yes_no("是否为劳务派遣")
    relation = forms.ChoiceField(label="关联单位关系", choices=c.Relation.choices)
    related_unit = forms.ModelChoiceField(label="关联单位", queryset=RelatedUnit.objects.none(), required=False,
                                          empty_label="请选择")
    contract_type = forms.ChoiceField(label="合同类型", choices=[("", "请选择"), *c.ContractType.choices],
                                      help_text="事业单位没有劳动合同的，选择“在编”并上传编制本")
    start_date = forms.DateField(label="合同开始日期", widget=DATE)
    end_date = forms.DateField(label="合同结束日期", widget=DATE, required=False, help_text="无固定期限和在编无需填写")
    job = forms.CharField(label="岗位工种", max_length=60)
    monthly_wage = forms.DecimalField(label="合同月薪（元）", max_digits=12, decimal_places=2,
                                      error_messages={"invalid": "合同月薪请输入数字，例如 4500 或 4500.50"})
    dispatch_agency = forms.ModelChoiceField(label="劳务派遣单位", queryset=RelatedUnit.objects.none(),
                                             required=False, empty_label="无")
    counts_here_stated = forms.BooleanField(label="劳务派遣协议中已明确该人员残疾人安置登记计入本单位", required=False)
    si_payer = forms.ModelChoiceField(label="社保参保单位", queryset=RelatedUnit.objects.none(), required=False,
                                      empty_label="本单位")
    mi_payer = forms.ModelChoiceField(label="医保参保单位", queryset=RelatedUnit.objects.none(), required=False,
                                      empty_label="本单位")
    wage_payer = forms.ModelChoiceField(label="工资发放单位", queryset=RelatedUnit.objects.none(), required=False,
                                        empty_label="本单位")
    attachment = forms.FileField(label="合同附件", help_text="请上传劳动合同或者劳务派遣协议（劳务派遣协议中应明确该人员计入用人单位）。"
                                 + CONTRACT_FILE.hint)

    def __init__(self, *args, employer, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        related = RelatedUnit.objects.filter(employer=employer)
        self.fields["related_unit"].queryset = related.exclude(relation=UnitRelation.DISPATCH)
        self.fields["dispatch_agency"].queryset = related.filter(relation=UnitRelation.DISPATCH)
        for key in ("si_payer", "mi_payer", "wage_payer"):
            self.fields[key].queryset = related
        if editing:
            self.fields["attachment"].required = False
            self.fields["attachment"].help_text = "不替换附件请留空。" + CONTRACT_FILE.hint

    def clean(self):
        """Every contract rule at once, each beside its field (the service checks the same)."""
        data = super().clean()
        if "contract_type" not in data:
            return data  # its own error says what to fix first
        for field, message in contract_problems(data):
            if field not in self.errors:
                self.add_error(field, message)
        return data


class CertificateForm(Form):
    kind = forms.ChoiceField(label="证件类型", choices=c.CertificateKind.choices)
    number = forms.CharField(label="残疾证号", max_length=30,
                             help_text="第二代残疾人证号：18位身份证号+1位残疾类别+1位残疾等级（补发证另加B和次数）")
    category = forms.TypedChoiceField(label="残疾类别", coerce=int, choices=[("", "请选择"), *CERT_CATEGORIES.items()],
                                      required=False, empty_value=None)
    grade = forms.TypedChoiceField(label="残疾等级", coerce=int,
                                   choices=[("", "请选择")] + [(g, f"{g}级") for g in range(1, 11)])
    valid_from = forms.DateField(label="有效期起", widget=DATE)
    valid_to = forms.DateField(label="有效期止", widget=DATE, required=False)
    image = forms.FileField(label="证件影像", help_text="手动添加的残疾证须上传证件影像，经残联审核。" + CERTIFICATE_IMAGE.hint)

    def clean(self):
        """The certificate rules beside their fields; the number against the person's ID is checked
        by the service, which knows the person."""
        data = super().clean()
        problems, _number = certificate_problems(data, id_number=None)
        for field, message in problems:
            if field not in self.errors:
                self.add_error(field, message)
        return data


class EvidenceForm(Form):
    """One upload for one failed check; the agent ticks the months it proves."""

    months = forms.TypedMultipleChoiceField(label="证明的月份", coerce=int, widget=forms.CheckboxSelectMultiple)
    file = forms.FileField(label="材料文件", help_text=EVIDENCE_FILE.hint)

    def __init__(self, *args, check: str, months: list[int], year: int, **kwargs):
        super().__init__(*args, prefix=check, **kwargs)
        self.fields["months"].choices = [(m, f"{year}{m:02d}") for m in months]
        self.fields["months"].initial = months
        self.fields["file"].label = c.EVIDENCE_FOR[check][0]
        self.fields["months"].label = f"{c.EVIDENCE_FOR[check][0]}证明的月份"
        self.say_required()  # the messages name this section's material, not a generic 材料文件 (issue 15)


# --- the declaration (完成申报 and the requests after it) -----------------------------------------


class HeadcountForm(Form):
    headcount = forms.IntegerField(label="在职职工人数（人）", min_value=1,
                                   help_text="已按社保登记的月度参保人数计算年平均人数；如不一致，请更正并填写原因")
    reason = forms.CharField(label="更正原因", max_length=300, required=False,
                             widget=forms.Textarea(attrs={"rows": 2}))


class SubmitForm(Form):
    commitment = forms.BooleanField(label="我已阅读《申报资料真实性承诺书》，确认所填报的信息真实、准确、完整",
                                    error_messages={"required": "请阅读并勾选确认《申报资料真实性承诺书》"})


class WithdrawalForm(Form):
    reason = forms.CharField(label="撤回理由", max_length=500, widget=forms.Textarea(attrs={"rows": 4}),
                             error_messages={"required": "请填写撤回理由"})


class FeedbackForm(Form):
    text = forms.CharField(label="反馈内容", max_length=2000, widget=forms.Textarea(attrs={"rows": 6}),
                           error_messages={"required": "请填写反馈内容"})
    files = MultipleFileField(label="附件", required=False, help_text="可选择多个文件。" + FEEDBACK_FILE.hint)


class DeregistrationForm(Form):
    reason = forms.CharField(label="注销原因", max_length=500, widget=forms.Textarea(attrs={"rows": 3}),
                             error_messages={"required": "请填写注销原因"})
    signed_form = forms.FileField(label="注销业务申请书（盖章）",
                                  help_text="请先下载注销业务申请书，打印后加盖单位公章，扫描上传。" + DEREGISTRATION_FORM.hint,
                                  error_messages={"required": "请上传盖章后的注销业务申请书"})
