"""缓减免 (DOMAIN.md §1, deferral / reduction on force majeure), pure: what may be asked within the
policy's limits, whether a second officer must confirm, and the deferred deadline. The limits are
a policy row (`hardship_relief`), marked unverified until an administrator confirms them."""

import calendar
import datetime
from dataclasses import dataclass
from decimal import Decimal

from levy.rules.exact import exact, money


@dataclass(frozen=True)
class HardshipRule:
    max_reduction_years: Decimal  # a reduction of at most this many years' levy (1: the year's levy)
    max_deferral_months: int
    second_officer_above: Decimal  # a reduction above this amount needs a second officer's confirmation


def reduction_limit(levy_amount: Decimal, rule: HardshipRule) -> Decimal:
    return money(exact(levy_amount) * exact(rule.max_reduction_years))


def relief_problems(*, kind: str, levy_amount: Decimal, amount: Decimal | None, months: int | None,
                    rule: HardshipRule) -> dict[str, str]:
    """field → message for an application outside the policy's limits (empty when within)."""
    problems = {}
    if kind == "reduction":
        limit = min(reduction_limit(levy_amount, rule), levy_amount)
        if amount is None:
            problems["amount"] = "请填写申请减免的金额"
        elif amount <= 0:
            problems["amount"] = "申请减免的金额应大于0"
        elif amount > limit:
            problems["amount"] = f"申请减免的金额不能超过本年度应缴纳的残保金{limit:,.2f}元"
    elif kind == "deferral":
        if months is None:
            problems["months"] = "请填写申请缓缴的月数"
        elif months < 1:
            problems["months"] = "申请缓缴的月数应至少为1个月"
        elif months > rule.max_deferral_months:
            problems["months"] = f"缓缴期限最长为{rule.max_deferral_months}个月，请重新填写"
    else:
        problems["kind"] = "请选择申请类型（减免缴纳或缓缴）"
    return problems


def needs_second_officer(*, kind: str, amount: Decimal | None, rule: HardshipRule) -> bool:
    """A reduction above the threshold needs a second officer's confirmation (a deferral moves a
    date, not money: one officer decides it)."""
    return kind == "reduction" and amount is not None and amount > rule.second_officer_above


def deferred_deadline(deadline: datetime.date, months: int) -> datetime.date:
    """The deadline moved by whole months (the 31st becomes the month's last day)."""
    year, month = divmod(deadline.month - 1 + months, 12)
    year += deadline.year
    month += 1
    return datetime.date(year, month, min(deadline.day, calendar.monthrange(year, month)[1]))
