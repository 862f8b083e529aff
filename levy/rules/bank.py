"""收款账户 checks of the over-ratio reward (pure): the account number's format and whether a
changed payee name needs its proof (the Shanghai manual: 对“用人单位开户名称”进行修改，须上传“更名证明或
隶属关系证明或其他材料”)."""

import re

ACCOUNT_DIGITS = (8, 32)  # unit accounts run from 8 to about 30 digits depending on the bank
_SPACES = re.compile(r"[\s-]+")


def normalize_account(value: str) -> str:
    """The number as typed with spaces and dashes removed (people copy it in groups of four)."""
    return _SPACES.sub("", value or "")


def account_problem(value: str) -> str | None:
    """Why an account number cannot be a bank account number, or None."""
    number = normalize_account(value)
    low, high = ACCOUNT_DIGITS
    if not number:
        return "请填写开户账号"
    if not number.isdigit():
        return "开户账号只能包含数字，请核对后重新填写"
    if not low <= len(number) <= high:
        return f"开户账号应为{low}至{high}位数字，您填写了{len(number)}位"
    if len(set(number)) == 1:
        return "开户账号不能全部是同一个数字，请核对后重新填写"
    return None


def payee_changed(payee_name: str, unit_name: str) -> bool:
    """收款单位名称 differs from the unit's registered name (spaces and full-width brackets aside)."""
    def canon(text: str) -> str:
        return (text or "").replace("（", "(").replace("）", ")").replace(" ", "").replace("\u3000", "")

    return canon(payee_name) != canon(unit_name)
