"""Password rules from the manuals and the security decisions: employer accounts 8–20 characters
with letters, digits and a special character (the union platform's rule); staff accounts at least
12 characters with the same mix, since they open region-wide personal data."""

import re

from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError

from portal.roles import STAFF

_LETTER = re.compile(r"[A-Za-z]")
_DIGIT = re.compile(r"\d")
_SPECIAL = re.compile(r"[^A-Za-z0-9\s]")


def password_problems(password: str, *, staff: bool) -> list[str]:
    """The rules a password breaks, in the words shown to the user (pure, table-tested)."""
    problems = []
    if staff:
        if len(password) < 12:
            problems.append("工作人员密码至少12位")
        if len(password) > 128:
            problems.append("密码不能超过128位")
    elif not 8 <= len(password) <= 20:
        problems.append("密码长度应为8至20位")
    if not (_LETTER.search(password) and _DIGIT.search(password) and _SPECIAL.search(password)):
        problems.append("密码必须包含字母、数字和特殊字符")
    if re.search(r"\s", password):
        problems.append("密码不能包含空格")
    return problems


class RolePasswordValidator:
    def validate(self, password, user=None):
        staff = bool(user is not None and getattr(user, "role", None) in STAFF)
        problems = password_problems(password, staff=staff)
        if problems:
            raise ValidationError(problems, code="password_policy")

    def get_help_text(self):
        return "用人单位账号密码为8至20位，须包含字母、数字和特殊字符；工作人员密码至少12位。"


# Django's own validators, worded as the portal speaks (“您”, full-width punctuation; issue 15):
# its Chinese catalogue says “你的密码…”.


class SimilarityValidator(password_validation.UserAttributeSimilarityValidator):
    def get_error_message(self):
        return "密码与您的%(verbose_name)s太相似，请换一个。"

    def get_help_text(self):
        return "密码不能与您的账号、姓名、邮箱等个人信息太相似。"


class CommonPasswordValidator(password_validation.CommonPasswordValidator):
    def get_error_message(self):
        return "该密码过于常见，容易被猜到，请换一个。"

    def get_help_text(self):
        return "密码不能是常见密码。"


class NumericPasswordValidator(password_validation.NumericPasswordValidator):
    def get_error_message(self):
        return "密码不能全部是数字。"

    def get_help_text(self):
        return "密码不能全部是数字。"
