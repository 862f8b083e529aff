"""Forms of the staff consoles: they parse what a reviewer chose; the rules (a reason for every
无效, the dispatch checklist, who may decide) live in placement's services and predicates and come
back as errors beside the field."""

from django import forms

from placement.services.certification import FEEDBACK_OUTCOMES
from placement.services.review import DISPATCH_CHECKLIST, INVALID_REASONS, MonthDecision
from portal.forms import Form

DECISIONS = [("valid", "有效"), ("invalid", "无效")]
OUTCOMES = [("approve", "审核通过"), ("reject", "审核不通过")]


class MonthDecisionForm(Form):
    """认证结果 per selected month: 有效 / 无效, and for 无效 a reason picked from the list or
    written. Fields are named decision_<m>, reason_choice_<m>, reason_<m>."""

    def __init__(self, *args, months: list[int], year: int, initial_valid: set[int] = frozenset(), **kwargs):
        super().__init__(*args, **kwargs)
        self.months = months
        for m in months:
            label = f"{year}{m:02d}"
            self.fields[f"decision_{m}"] = forms.ChoiceField(
                label=f"{label} 认证结果", choices=DECISIONS, widget=forms.RadioSelect, required=False,
                initial="valid" if m in initial_valid else None)
            self.fields[f"reason_choice_{m}"] = forms.ChoiceField(
                label=f"{label} 无效原因", required=False,
                choices=[("", "选择原因…"), *[(r, r) for r in INVALID_REASONS]])
            self.fields[f"reason_{m}"] = forms.CharField(label=f"{label} 其他原因或说明", required=False,
                                                         max_length=300)

    def decisions(self) -> dict[int, MonthDecision]:
        """The months the reviewer decided (a month left open is refused by the service)."""
        result = {}
        for m in self.months:
            choice = self.cleaned_data.get(f"decision_{m}")
            if not choice:
                continue
            parts = [self.cleaned_data.get(f"reason_choice_{m}", ""), self.cleaned_data.get(f"reason_{m}", "")]
            result[m] = MonthDecision(valid=choice == "valid", reason="；".join(p.strip() for p in parts if p.strip()))
        return result


class ItemReviewForm(Form):
    """审核 a manually added certificate: 通过 or 不通过 with a reason."""

    outcome = forms.ChoiceField(label="审核结果", choices=OUTCOMES, widget=forms.RadioSelect)
    reason = forms.CharField(label="审核意见", required=False, max_length=300, widget=forms.Textarea(attrs={"rows": 3}),
                             help_text="审核不通过时必填，单位将看到该意见。")

    @property
    def approve(self) -> bool:
        return self.cleaned_data["outcome"] == "approve"


class DispatchReviewForm(ItemReviewForm):
    """劳务派遣审核要求: the three documents, each confirmed present and consistent."""

    confirmed = forms.MultipleChoiceField(
        label="劳务派遣审核要求（审核通过前逐项确认）", required=False, widget=forms.CheckboxSelectMultiple,
        choices=[(k, f"{v}已提供且内容一致") for k, v in DISPATCH_CHECKLIST.items()])

    field_order = ["confirmed", "outcome", "reason"]


class RequestDecisionForm(Form):
    """年审申报撤回 / 单位注销安置登记: 同意 or 不同意, with a reason."""

    outcome = forms.ChoiceField(label="办理意见", choices=[("approve", "同意"), ("refuse", "不同意")],
                                widget=forms.RadioSelect)
    reason = forms.CharField(label="理由", required=False, max_length=500, widget=forms.Textarea(attrs={"rows": 3}),
                             help_text="不同意时必填，单位将在通知公告中看到该理由。")

    @property
    def approve(self) -> bool:
        return self.cleaned_data["outcome"] == "approve"


# --- certification, hand-off and tax pages -------------------------------------------------------


class ReturnForm(forms.Form):
    reason = forms.CharField(label="退回原因", max_length=500, widget=forms.Textarea(attrs={"rows": 3}),
                             error_messages={"required": "请填写退回原因，单位将看到它并据此修改"})


class WithdrawalDecisionForm(forms.Form):
    decision = forms.ChoiceField(label="审核结果", widget=forms.RadioSelect,
                                 choices=[("approve", "同意撤回（撤销审核认定书，申报退回为“进行中”）"),
                                          ("refuse", "不同意")],
                                 error_messages={"required": "请选择审核结果"})
    reason = forms.CharField(label="审核意见", max_length=500, required=False,
                             widget=forms.Textarea(attrs={"rows": 3}), help_text="不同意时必须填写理由")

    @property
    def approve(self) -> bool:
        return self.cleaned_data["decision"] == "approve"


class FeedbackDecisionForm(forms.Form):
    outcome = forms.ChoiceField(label="办理结果", widget=forms.RadioSelect, choices=list(FEEDBACK_OUTCOMES.items()),
                                error_messages={"required": "请选择办理结果"})
    reason = forms.CharField(label="答复内容 / 办理意见", max_length=500, widget=forms.Textarea(attrs={"rows": 3}),
                             error_messages={"required": "请填写答复内容或办理意见"})


class AcknowledgeForm(forms.Form):
    reason = forms.CharField(label="确认说明", max_length=500, widget=forms.Textarea(attrs={"rows": 2}),
                             help_text="如：税务接收系统未回执，已通过其他方式收到该认定结果",
                             error_messages={"required": "请填写确认说明（如收到的方式）"})
