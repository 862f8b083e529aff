"""滞纳金 (DOMAIN.md §1): a daily rate on the unpaid principal from the day after the deadline up to
and including the payment day, capped at the principal (行政强制法 Art. 45) when the rule says so."""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from levy.rules.exact import exact, money, plain
from levy.rules.explain import Explanation, Step
from levy.rules.policy import LateFeeRule, PolicyRow


@dataclass(frozen=True)
class LateFeeResult:
    days: int
    fee: Decimal
    uncapped_fee: Decimal
    capped: bool
    steps: tuple[Step, ...]


def late_fee(
    *, principal: Decimal, deadline: datetime.date, paid_on: datetime.date, rule: LateFeeRule,
    rows: tuple[PolicyRow, ...] = (),
) -> LateFeeResult:
    """The late fee on `principal` paid on `paid_on` after `deadline` (0 when paid in time)."""
    if principal < 0:
        raise ValueError("principal cannot be negative")
    why = Explanation()
    days = max(0, (paid_on - deadline).days)  # rule.start == day_after_deadline: the deadline day is free
    why.add("days", "滞纳天数", f"自 {deadline + datetime.timedelta(days=1)} 起至 {paid_on}（含）" if days else
            "在缴费期限内缴纳", days, rows)
    uncapped = exact(principal) * rule.daily_rate * days
    why.add("fee", "滞纳金", f"{money(exact(principal)):,} × {plain(rule.daily_rate * 1000)}‰ × {days}",
            f"{money(uncapped):,}", rows)
    capped = rule.cap == "principal" and uncapped > exact(principal)
    fee = exact(principal) if capped else uncapped
    if capped:
        why.add("cap", "上限", f"滞纳金不得超过欠缴金额 {money(exact(principal)):,}（行政强制法第四十五条）",
                f"{money(fee):,}", rows)
    return LateFeeResult(days=days, fee=money(fee), uncapped_fee=money(uncapped), capped=capped,
                         steps=why.freeze())



