"""Forms for staging registry records. Each registry's view of a month is a three-way choice
(paid / on record but unpaid / no record), because "no record" and "unpaid" fail a check for
different reasons and staff need to stage both."""

from django import forms

from portal.exceptions import ValidationFailed
from portal.feeds.models import Certificate, IntakeSubmission, RegistryPerson, RegistryUnit, validate_month
from portal.feeds.types import months_of
from portal.forms import Form, ModelForm
from portal.identity import parse_certificate_number

PAID, UNPAID, NONE = "paid", "unpaid", "none"
STATES = [(PAID, "已缴费"), (UNPAID, "有记录未缴费（欠缴）"), (NONE, "无记录")]
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _state(value: bool | None) -> str:
    return NONE if value is None else (PAID if value else UNPAID)


def _paid(state: str) -> bool | None:
    return None if state == NONE else state == PAID


class UnitCodeField(forms.ModelChoiceField):
    """A paying unit by its credit code (there can be hundreds: a select would not do)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("widget", forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}))
        kwargs.setdefault("error_messages", {"invalid_choice": "登记单位中没有这个统一社会信用代码"})
        super().__init__(queryset=RegistryUnit.objects.all(), to_field_name="credit_code", **kwargs)

    def prepare_value(self, value):
        return value.credit_code if isinstance(value, RegistryUnit) else value


class PersonForm(ModelForm):
    retiree_unit = UnitCodeField(label="退休所属单位（统一社会信用代码）", required=False)

    class Meta:
        model = RegistryPerson
        fields = ["name", "sex", "birth_date", "hukou_region", "hukou_address", "death_date", "si_name",
                  "retired", "retirement_month", "retiree_unit", "pension_account", "pension_bank",
                  "withholdable", "pension_balance"]
        widgets = {"birth_date": DATE, "death_date": DATE}
        help_texts = {"death_date": "填写后民政系统返回“死亡”"}


class MonthForm(Form):
    """One month from one paying unit, as each of the three registries has it."""

    month = forms.IntegerField(label="年月", help_text="格式YYYYMM，如202503", validators=[validate_month])
    unit = UnitCodeField(label="缴费单位（统一社会信用代码）")
    si_state = forms.ChoiceField(label="社保缴费状态", choices=STATES)
    si_base = forms.DecimalField(label="社保缴费基数（元）", required=False, max_digits=14, decimal_places=2, min_value=0)
    mi_state = forms.ChoiceField(label="医保缴费状态", choices=STATES)
    wage = forms.DecimalField(label="应发工资（元）", required=False, max_digits=14, decimal_places=2, min_value=0,
                              help_text="留空表示税务系统无该月工资记录")
    income_tax = forms.DecimalField(label="个人所得税（元）", required=False, max_digits=14, decimal_places=2,
                                    min_value=0)

    def __init__(self, *args, record=None, **kwargs):
        if record is not None:
            kwargs["initial"] = {
                "month": record.month, "unit": record.unit_id, "si_state": _state(record.si_paid),
                "si_base": record.si_base, "mi_state": _state(record.mi_paid), "wage": record.wage,
                "income_tax": record.income_tax,
            }
        super().__init__(*args, **kwargs)
        if record is not None:
            # the month and the unit identify the record: change its values, not which record it is
            del self.fields["month"], self.fields["unit"]

    def clean(self):
        data = super().clean()
        if data.get("si_state") == PAID and data.get("si_base") is None:
            self.add_error("si_base", "请输入社保缴费基数")
        return data

    def changes(self) -> dict:
        """The MonthRecord fields this form sets (with the month and unit when it creates one)."""
        d = self.cleaned_data
        si = _paid(d["si_state"])
        changes = {
            "si_paid": si, "si_base": None if si is None else d["si_base"], "mi_paid": _paid(d["mi_state"]),
            "wage": d["wage"], "income_tax": None if d["wage"] is None else (d["income_tax"] or 0),
        }
        if "month" in self.fields:
            changes.update(month=d["month"], unit=d["unit"])
        return changes


class CertificateForm(ModelForm):
    class Meta:
        model = Certificate
        fields = ["number", "kind", "category", "grade", "valid_from", "valid_to"]
        widgets = {"valid_from": DATE, "valid_to": DATE}
        help_texts = {"number": "残疾人证：身份证号＋类别1位＋等级1位（补发证另加B和次数）"}

    def __init__(self, *args, person: RegistryPerson, **kwargs):
        super().__init__(*args, **kwargs)
        self.person = person

    def clean(self):
        data = super().clean()
        if data.get("kind") == "disability" and data.get("number"):
            try:
                parsed = parse_certificate_number(data["number"], id_number=self.person.id_number, field_name="number")
            except ValidationFailed as error:
                self.add_error("number", error.message)
                return data
            data["number"] = parsed.number
            if (parsed.category, parsed.grade) != (data.get("category"), data.get("grade")):
                self.add_error("number", "证号中的残疾类别和等级须与所选一致")
        return data


class UnitForm(ModelForm):
    class Meta:
        model = RegistryUnit
        fields = ["name", "address", "registration_authority", "region_code", "si_number"]


class HeadcountForm(Form):
    """Twelve months of a unit's social-insurance figures; a month left empty has none."""

    def __init__(self, *args, year: int, current: dict, **kwargs):
        super().__init__(*args, **kwargs)
        self.year = year
        for month in months_of(year):
            row = current.get(month)
            self.fields[f"headcount_{month}"] = forms.IntegerField(
                label=f"{month} 在职参保人数", required=False, min_value=0, initial=row.headcount if row else None)
            self.fields[f"retirees_{month}"] = forms.IntegerField(
                label=f"{month} 退休人数", required=False, min_value=0, initial=row.retirees if row else None)

    def rows(self):
        """(month, headcount field, retirees field) for the template's table."""
        return [(m, self[f"headcount_{m}"], self[f"retirees_{m}"]) for m in months_of(self.year)]

    def figures(self) -> dict[int, tuple]:
        d = self.cleaned_data
        return {m: (d[f"headcount_{m}"], d[f"retirees_{m}"]) for m in months_of(self.year)}


class IntakeForm(ModelForm):
    class Meta:
        model = IntakeSubmission
        fields = ["status", "message", "ack_due_at"]
        labels = {"ack_due_at": "预计确认时间"}
        help_texts = {"status": "“已接收待确认”的提交在预计确认时间之后的下一次查询时自动确认",
                      "message": "退回时填写，税务系统原样返回"}

    def clean(self):
        data = super().clean()
        if data.get("status") == "rejected" and not data.get("message"):
            self.add_error("message", "请输入退回原因")
        return data
