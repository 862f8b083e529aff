"""Form plumbing shared by every app: one way to render fields and errors, the region picker, and
the bridge from domain errors to form errors."""

from django import forms
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm, SetPasswordForm
from django.forms.renderers import TemplatesSetting

from portal.exceptions import DomainError
from portal.models import Region
from portal.roles import STAFF, Role
from portal.services import password_set
from portal.unions import UnionDistrict
from portal.uploads import EMPTY_FILE


class PortalFormRenderer(TemplatesSetting):
    """Every `{{ form }}` gets the error summary, labels with a star for required fields, hints
    and errors tied to the input with aria-describedby (templates/forms/)."""

    form_template_name = "forms/form.html"
    field_template_name = "forms/field.html"


class PortalFormMixin:
    """Required-field messages that say what to do (请输入… / 请选择… / 请上传…), as UI.md asks."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.say_required()

    def say_required(self):
        """Word every field's messages from its label (call again after changing a label)."""
        default = str(forms.Field.default_error_messages["required"])
        for field in self.fields.values():
            # an empty choice reads 请选择, never Django's "---------" (issue 15)
            if getattr(field, "empty_label", None) == "---------":
                field.empty_label = "请选择"
            elif isinstance(field, forms.ChoiceField) and not isinstance(field, forms.ModelChoiceField):
                choices = list(field.choices)
                if choices and choices[0] == ("", "---------"):
                    field.choices = [("", "请选择"), *choices[1:]]
            if isinstance(field, forms.FileField):
                # Django's own sentences ("提交的文件为空。") said neither which file nor what to do
                field.error_messages.update({
                    "empty": EMPTY_FILE, "invalid": f"{field.label or '文件'}未能读取，请重新选择文件",
                    "missing": f"请上传{field.label or '文件'}",
                    "max_length": f"{field.label or '文件'}的文件名过长，请改短后再上传"})
            if str(field.error_messages.get("required", "")) != default and not getattr(field, "_worded", False):
                continue
            field._worded = True
            widget = field.widget
            if isinstance(widget, forms.ClearableFileInput | forms.FileInput):
                verb = "请上传"
            elif isinstance(widget, forms.CheckboxInput):
                verb = "请勾选"
            elif isinstance(widget, forms.Select | forms.RadioSelect | RegionPicker | forms.CheckboxSelectMultiple):
                verb = "请选择"
            else:
                verb = "请输入"
            field.error_messages["required"] = f"{verb}{field.label or ''}"


class Form(PortalFormMixin, forms.Form):
    pass


class ModelForm(PortalFormMixin, forms.ModelForm):
    pass


def add_domain_error(form: forms.Form, error: DomainError) -> None:
    """Show a service's refusal next to the field it names, or at the top of the form."""
    for problem in error.problems():
        field = problem.field if problem.field in form.fields else None
        form.add_error(field, problem.message)


class RegionPicker(forms.Widget):
    """Province → city → county selects. The server renders the current path's options; static
    js/portal.js fills the next select when one changes (from /regions/children/)."""

    template_name = "forms/region_picker.html"

    def __init__(self, attrs=None, min_level: int = 1):
        super().__init__(attrs)
        self.min_level = min_level

    def value_from_datadict(self, data, files, name):
        for suffix in ("", "_city", "_province"):
            value = data.get(name + suffix)
            if value:
                return value
        return None

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        region = Region.objects.filter(code=value).first() if value else None
        chain = []
        while region is not None:
            chain.insert(0, region)
            region = region.parent
        levels = []
        parents = [None] + chain
        labels = ["省（自治区、直辖市）", "市（地区、盟）", "区（县、旗）"]
        suffixes = ["_province", "_city", ""]
        for depth in range(3):
            parent = parents[depth] if depth < len(parents) else None
            if depth > 0 and parent is None:
                options = []
            else:
                options = list(Region.objects.filter(parent=parent).values_list("code", "name"))
            levels.append(
                {
                    "name": name + suffixes[depth],
                    "id": f"{attrs.get('id', 'id_' + name)}{suffixes[depth]}",
                    "label": labels[depth],
                    "options": options,
                    "selected": chain[depth].code if depth < len(chain) else "",
                    "level": depth + 1,
                }
            )
        context["widget"]["levels"] = levels
        return context


class RegionField(forms.ModelChoiceField):
    def __init__(self, *, min_level: int = 1, **kwargs):
        kwargs.setdefault("widget", RegionPicker(min_level=min_level))
        kwargs.setdefault("error_messages", {"required": "请选择行政区", "invalid_choice": "请选择有效的行政区"})
        super().__init__(queryset=Region.objects.all(), **kwargs)
        self.min_level = min_level

    def clean(self, value):
        region = super().clean(value)
        if region is not None and region.level < self.min_level:
            levels = {2: "市", 3: "区（县）"}
            raise forms.ValidationError(f"请选择到{levels[self.min_level]}一级")
        return region


class LoginForm(PortalFormMixin, AuthenticationForm):
    username = forms.CharField(label="账号", max_length=150, help_text="用人单位为注册邮箱，工作人员为用户名")
    error_messages = {
        "invalid_login": "账号或密码不正确。连续失败5次将锁定30分钟。",
        "inactive": "该账号已停用，请联系管理员。",
    }

    def __init__(self, request=None, *args, **kwargs):
        super().__init__(request, *args, **kwargs)
        self.fields["username"].widget.attrs.update({"autocomplete": "username", "autofocus": True})
        self.fields["password"].label = "密码"


class OtpForm(Form):
    token = forms.CharField(
        label="动态验证码", max_length=6, min_length=6, help_text="身份验证器应用中显示的6位数字",
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}),
        error_messages={"required": "请输入6位动态验证码", "min_length": "请输入6位动态验证码"},
    )


class OwnPasswordForm(PortalFormMixin, SetPasswordForm):
    """A person sets their own password from the e-mailed reset or invitation link."""

    how = "reset"
    error_messages = {**SetPasswordForm.error_messages, "password_mismatch": "两次输入的密码不一致。"}

    def save(self, commit=True):
        # through the service: it clears an administrator-set password's must-change flag, audited
        password_set(user=self.user, password=self.cleaned_data["new_password1"], how=self.how)
        return self.user


class OwnPasswordChangeForm(PasswordChangeForm, OwnPasswordForm):
    """修改密码: the current password, then a new one that differs from it (an administrator-set
    initial password must really be replaced)."""

    how = "change"
    error_messages = {**PasswordChangeForm.error_messages,
                      "password_incorrect": "您输入的当前密码不正确，请重新输入。"}

    def clean(self):
        data = super().clean()
        if data.get("old_password") and data.get("new_password1") == data["old_password"]:
            self.add_error("new_password1", "新密码不能与当前密码相同")
        return data


class StaffPasswordForm(Form):
    password = forms.CharField(label="新的初始密码", widget=forms.PasswordInput,
                               help_text="至少12位，须包含字母、数字和特殊字符；该用户下次登录后须修改")


class StaffCreateForm(Form):
    username = forms.CharField(label="用户名", max_length=150)
    full_name = forms.CharField(label="姓名", max_length=64)
    role = forms.ChoiceField(label="角色", choices=[(r.value, r.label) for r in Role if r in STAFF])
    region = RegionField(label="所属区域", required=False, help_text="工作人员可查看该区域及其下级区域的单位；系统管理员可不选")
    union_district = forms.ChoiceField(label="所属区局工会", required=False,
                                       choices=[("", "（不适用）"), *UnionDistrict.choices],
                                       help_text="仅职保会工作人员：只能查看该区局工会所属单位的参保业务")
    email = forms.EmailField(label="邮箱", required=False)
    password = forms.CharField(label="初始密码", widget=forms.PasswordInput, help_text="至少12位，须包含字母、数字和特殊字符")


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one control (the upload service checks each one)."""

    widget = MultipleFileInput

    def clean(self, data, initial=None):
        if isinstance(data, list | tuple):
            return [super(MultipleFileField, self).clean(d, initial) for d in data if d]
        return [super().clean(data, initial)] if data else []


class NoticeForm(Form):
    title = forms.CharField(label="标题", max_length=200)
    body = forms.CharField(label="内容", widget=forms.Textarea(attrs={"rows": 8}))
    region = RegionField(label="发布范围", help_text="该区域及其下级区域的用人单位可以看到")
    files = MultipleFileField(label="附件", required=False)

    def __init__(self, *args, attachments=(), **kwargs):
        from portal.notices import NOTICE_ATTACHMENT

        super().__init__(*args, **kwargs)
        self.fields["files"].help_text = "可选择多个文件。" + NOTICE_ATTACHMENT.hint
        if attachments:  # editing: the files already attached, each with a box to remove it
            self.fields["remove"] = forms.MultipleChoiceField(
                label="删除附件", required=False, widget=forms.CheckboxSelectMultiple,
                choices=[(str(a.pk), a.original_name) for a in attachments])


class TokenForm(Form):
    name = forms.CharField(label="系统名称", max_length=100, help_text="例如：上海市税务局残保金征收系统")
    region = RegionField(label="所属区域", help_text="令牌只能查询该区域及下级区域税务主管部门的单位")
