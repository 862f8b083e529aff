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


def test_password_messages_say_nin_not_ni():
    """Issue 15: Django's validators said “你的密码…”; the portal says “您”."""
    from django.contrib.auth.password_validation import password_validators_help_texts, validate_password
    from django.core.exceptions import ValidationError

    texts = password_validators_help_texts()
    assert texts and not any("你" in t for t in texts) and any("您" in t for t in texts)
    user = User(username="wangjingban@example.cn", email="wangjingban@example.cn", full_name="王经办")
    for password in ("wangjingban@example.cn1", "12345678901234", "password"):
        try:
            validate_password(password, user)
        except ValidationError as error:
            assert not any("你" in m for m in error.messages), error.messages


def test_regions_read_in_simplified_characters():
    from portal.regions import parse_loc_dat

    names = {row.code: row.name for row in parse_loc_dat()}
    assert (names["810000"], names["820000"]) == ("香港特别行政区", "澳门特别行政区")
    assert Region.objects.get(code="810000").full_name == "香港特别行政区"  # rows already loaded, renamed


def test_the_menu_marks_only_the_entry_the_page_belongs_to(db):
    """/tax/levy/reliefs/ is 缓减免审核, not also 残保金征缴 at /tax/levy/ (two entries were lit)."""
    from portal.navigation import menu_for
    from tests import factories as f

    officer = f.UserFactory(tax=True, region=f.region("310000"))
    lit = [i["label"] for i in menu_for(officer, "/tax/levy/reliefs/") if i["active"]]
    assert lit == ["缓减免审核"]
    assert [i["label"] for i in menu_for(officer, "/") if i["active"]] == ["工作台"]


@pytest.mark.parametrize("grade,printed", [(1, "一级"), (2, "二级"), (4, "四级"), (10, "十级"), (11, "11级"), (None, "")])
def test_grades_read_as_the_certificates_print_them(grade, printed):
    """Tables, the tax result and the reward certificate said 3级 where the card says 三级 (issue 15, 8)."""
    from django.template import Context, Template

    from portal.identity import grade_label

    assert grade_label(grade) == printed
    assert Template("{{ g|grade }}").render(Context({"g": grade})) == printed
