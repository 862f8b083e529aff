"""Forms of the certification, hand-off and tax pages: a reason, a decision, a selection."""

from django import forms

from placement.certification import FEEDBACK_OUTCOMES


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


class FeedbackDecisionForm(forms.Form):
    outcome = forms.ChoiceField(label="办理结果", widget=forms.RadioSelect, choices=list(FEEDBACK_OUTCOMES.items()),
                                error_messages={"required": "请选择办理结果"})
    reason = forms.CharField(label="答复内容 / 办理意见", max_length=500, widget=forms.Textarea(attrs={"rows": 3}),
                             error_messages={"required": "请填写答复内容或办理意见"})


class AcknowledgeForm(forms.Form):
    reason = forms.CharField(label="确认说明", max_length=500, widget=forms.Textarea(attrs={"rows": 2}),
                             help_text="如：税务接收系统未回执，已通过其他方式收到该认定结果",
                             error_messages={"required": "请填写确认说明（如收到的方式）"})
