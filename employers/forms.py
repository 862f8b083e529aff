from django import forms

from portal.exceptions import DomainError
from portal.forms import Form, RegionField
from portal.identity import parse_credit_code


class RegistrationForm(Form):
    name = forms.CharField(label="单位名称", max_length=200, help_text="请输入单位名称全称")
    credit_code = forms.CharField(label="统一社会信用代码", max_length=24, help_text="18位，见营业执照或登记证书")
    region = RegionField(label="单位所属行政区", min_level=3, help_text="单位注册登记的所在地")
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
