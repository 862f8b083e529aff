"""Working age after the 2025 retirement reform (DOMAIN.md §4), month by month.

The reform's table is national law (全国人大常委会 2024-09-13 决定 and its 办法), the same for
every region, so it is kept here rather than in the regional policy table.
"""

import datetime
from dataclasses import dataclass

WORKING_AGE_FROM = 16  # 劳动法: no hiring under 16


@dataclass(frozen=True)
class RetirementRule:
    base_years: int
    first_delayed: tuple[int, int]  # (year, month) of the first birth month that is delayed
    step_months: int  # one more month of delay per this many birth months
    max_delay: int


RETIREMENT_RULES = {
    "M": RetirementRule(60, (1965, 1), 4, 36),
    "F55": RetirementRule(55, (1970, 1), 4, 36),
    "F50": RetirementRule(50, (1975, 1), 2, 60),
}
RETIREMENT_CATEGORY_LABELS = {"M": "男职工", "F55": "女职工（管理、技术岗，原55周岁）", "F50": "女职工（生产岗，原50周岁）"}


def _index(year: int, month: int) -> int:
    return year * 12 + month - 1


def _month(index: int) -> tuple[int, int]:
    return index // 12, index % 12 + 1


def retirement_delay(birth: datetime.date, category: str) -> int:
    """Months of delay over the old statutory age for this birth month."""
    rule = RETIREMENT_RULES[category]
    n = _index(birth.year, birth.month) - _index(*rule.first_delayed)
    return 0 if n < 0 else min(rule.max_delay, n // rule.step_months + 1)


def retirement_month(birth: datetime.date, category: str) -> tuple[int, int]:
    """The (year, month) in which a person retires: birth month + base age + delay.

    `category` is "M" (men), "F55" (women on management or technical posts, formerly 55) or
    "F50" (women on production posts, formerly 50). Example: M born 1970-06 → (2031, 11).
    """
    if category not in RETIREMENT_RULES:
        raise ValueError(f"unknown retirement category {category!r}: use M, F55 or F50")
    rule = RETIREMENT_RULES[category]
    return _month(_index(birth.year, birth.month) + rule.base_years * 12 + retirement_delay(birth, category))


def is_working_age(birth: datetime.date, category: str, year: int, month: int) -> bool:
    """Whether month (year, month) lies between the month the person turns 16 (inclusive) and
    their retirement month (exclusive)."""
    m = _index(year, month)
    turns_16 = _index(birth.year + WORKING_AGE_FROM, birth.month)
    return turns_16 <= m < _index(*retirement_month(birth, category))


def working_age_months(birth: datetime.date, category: str, year: int) -> set[int]:
    """The months 1–12 of `year` in which the person is of working age."""
    return {month for month in range(1, 13) if is_working_age(birth, category, year, month)}
