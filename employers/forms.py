from django import forms

from employers.models import Employer, RelatedUnit
from portal.exceptions import DomainError
from portal.forms import Form, ModelForm, RegionField
from portal.identity import parse_credit_code
from portal.uploads import RELATED_UNIT_PROOF


class RegistrationForm(Form):
    name = forms.CharField(label="单位名称", max_length=200, help_text="请输入单位名称全称")
    credit_code = forms.CharField(label="统一社会信用代码", max_length=24, help_text="18位，见营业执照或登记证书")
    region = RegionField(label="单位所属行政区", min_level=3, help_text="单位注册登记的所在地")
    full_name = forms.CharField(label="经办人姓名", max_length=64, help_text="办理业务的经办人本人姓名")
    email = forms.EmailField(label="联系邮箱", help_text="此邮箱即登录账号", error_messages={"invalid": "请输入有效的邮箱地址"})
    phone = forms.RegexField(
        label="联系电话", regex=r"^[0-9\-+ ]{7,20}$", max_length=20,
        error_messages={"invalid": "请输入有效的电话号码"},
    )
    password1 = forms.CharField(
        label="密码", widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}), strip=False,
        help_text="8至20位，须包含字母、数字和特殊字符",
    )
    password2 = forms.CharField(
        label="确认密码", widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}), strip=False
    )

    def clean_credit_code(self):
        try:
            return parse_credit_code(self.cleaned_data["credit_code"]).code
        except DomainError as error:
            raise forms.ValidationError(error.message) from None

    def clean(self):
        data = super().clean()
        if data.get("password1") and data.get("password2") and data["password1"] != data["password2"]:
            self.add_error("password2", "两次输入的密码不一致")
        return data


class InviteForm(Form):
    full_name = forms.CharField(label="姓名", max_length=64)
    email = forms.EmailField(label="邮箱", help_text="邀请链接将发送到此邮箱，也是登录账号")
    phone = forms.CharField(label="手机号", max_length=20, required=False)


class UnitForm(ModelForm):
    """单位基本信息. The legal representative's number is never sent back to the browser: the field
    is empty, shows the masked number as a hint, and an empty submission keeps the stored one."""

    fed_region = RegionField(label="残联主管部门", help_text="用人单位年审认证的办理所在地")
    tax_region = RegionField(label="税务主管部门", help_text="用人单位缴纳残保金的所在地")
    admin_region = RegionField(label="单位所属行政区", min_level=3, help_text="用人单位注册登记的所在地")

    class Meta:
        model = Employer
        fields = [
            "tax_registration_no", "unit_nature", "economic_nature", "industry", "fed_region", "tax_region",
            "admin_region", "legal_rep_name", "legal_rep_id_type", "legal_rep_id_number", "legal_rep_phone",
            "org_code", "unit_phone", "last_year_headcount", "agent_name", "agent_phone", "business_address",
            "registered_address", "si_code", "is_business_registered", "is_concentrated", "insurance_code",
            "union_district", "postal_code", "economic_type",
        ]
        widgets = {"legal_rep_id_number": forms.TextInput(attrs={"autocomplete": "off"})}
        help_texts = {
            "legal_rep_id_type": "港澳台居民或外国人可填写护照等其他有效证件",
            "last_year_headcount": "每年维护一次，超比例奖励申请使用",
            "postal_code": "6位数字",
        }

    REQUIRED = ["unit_nature", "economic_nature", "industry", "legal_rep_name", "legal_rep_id_number",
                "legal_rep_phone", "agent_name", "agent_phone", "business_address", "registered_address"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in self.REQUIRED:
            self.fields[name].required = True
        self.fields["legal_rep_id_number"].label = "法人证件号"
        stored = self.instance.legal_rep_id_number if self.instance.pk else ""
        if stored:
            from portal.identity import mask_id

            self.fields["legal_rep_id_number"].required = False
            self.fields["legal_rep_id_number"].help_text = f"已填写：{mask_id(stored)}。不修改请留空。"
            self.initial["legal_rep_id_number"] = ""
        # the "请输入…" messages for the fields this form makes required
        for name in self.REQUIRED:
            field = self.fields[name]
            verb = "请选择" if isinstance(field.widget, forms.Select) else "请输入"
            field.error_messages["required"] = f"{verb}{field.label}"

    def clean_legal_rep_id_number(self):
        value = self.cleaned_data.get("legal_rep_id_number", "")
        if not value and self.instance.pk:
            return self.instance.legal_rep_id_number  # empty keeps the stored number
        return value

    def clean_postal_code(self):
        value = self.cleaned_data.get("postal_code", "")
        if value and not (len(value) == 6 and value.isdigit()):
            raise forms.ValidationError("邮政编码应为6位数字")
        return value

    def _post_clean(self):
        pass  # the service validates and saves; the form must not touch the instance


class RelatedUnitForm(Form):
    relation = forms.ChoiceField(label="关联关系", choices=RelatedUnit._meta.get_field("relation").choices)
    region = RegionField(label="行政划分区域")
    credit_code = forms.CharField(label="统一社会信用代码", max_length=24)
    tax_registration_no = forms.CharField(label="税务登记证号码", max_length=30, required=False)
    org_code = forms.CharField(label="组织机构代码", max_length=10, required=False)
    name = forms.CharField(label="单位名称", max_length=200)
    phone = forms.CharField(label="单位电话", max_length=20, required=False)
    address = forms.CharField(label="单位地址", max_length=200, required=False)
    evidence = forms.FileField(
        label="证明材料",
        help_text="请上传与该单位之间的劳务派遣协议，或关联关系证明材料。" + RELATED_UNIT_PROOF.hint,
        widget=forms.ClearableFileInput(attrs={"accept": ".jpg,.jpeg,.png,.pdf"}),
    )

    def __init__(self, *args, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if editing:
            self.fields["evidence"].required = False
            self.fields["evidence"].help_text = "如需替换证明材料请重新上传，不替换请留空。" + RELATED_UNIT_PROOF.hint

    def clean_credit_code(self):
        try:
            return parse_credit_code(self.cleaned_data["credit_code"]).code
        except DomainError as error:
            raise forms.ValidationError(error.message) from None
