"""The words every form uses (issue 15): an empty choice reads 请选择, never Django's "---------"."""

import pytest
from django import forms

from portal.forms import Form, ModelForm
from portal.models import Region, User

pytestmark = pytest.mark.django_db


class _Choices(Form):
    kind = forms.ChoiceField(choices=[("", "---------"), ("a", "甲")], label="类型")
    region = forms.ModelChoiceField(queryset=Region.objects.all(), label="地区")


class _UserForm(ModelForm):
    class Meta:
        model = User
        fields = ["role", "region"]


@pytest.mark.parametrize("form_class", [_Choices, _UserForm])
def test_an_empty_choice_reads_please_choose(form_class):
    html = str(form_class())
    assert "---------" not in html and "请选择" in html
