"""How a placed person counts (DOMAIN.md §1): the months confirmed, their weight and the person's
exact contribution to the declaration's disabled count. Pure functions over plain values."""

import datetime
import functools
from collections.abc import Iterable
from dataclasses import dataclass
from fractions import Fraction

from levy.rules import person_weight
from placement.rules.grid import MONTHS, CertPeriod, Outcome, covers, month_bounds

# A reviewer's decision on a month is a state of the one review machine (portal.reviewable):
# approved is 有效, rejected is 无效; anything else leaves the checks to decide.
VALID, INVALID = "approved", "rejected"


@dataclass(frozen=True)
class MonthState:
    month: int
    selected: bool
    outcome: str  # the month's overall outcome from the checks
    decision: str = ""  # the review state of the month: VALID (有效) / INVALID (无效) once decided
    weight: int = 1


@dataclass(frozen=True)
class Counts:
    registered: int  # 安置登记(月)
    confirmed: int  # 安置确认(月)
    approved: int  # 安置核定(月) = confirmed months × weight
    rejected: int  # 安置不通过(月)
    disabled_count: Fraction  # the person's exact contribution to the declaration's disabled count


def month_confirmed(state: MonthState) -> bool:
    if not state.selected:
        return False
    if state.decision in (VALID, INVALID):
        return state.decision == VALID
    return state.outcome == Outcome.OK


def count(states: Iterable[MonthState]) -> Counts:
    states = list(states)
    confirmed = [s for s in states if month_confirmed(s)]
    approved = sum(s.weight for s in confirmed)
    return Counts(
        registered=sum(1 for s in states if s.selected),
        confirmed=len(confirmed),
        approved=approved,
        rejected=sum(1 for s in states if s.selected and s.decision == INVALID),
        disabled_count=Fraction(approved, 12),
    )


def confirmed_months(states: Iterable[MonthState]) -> tuple[int, ...]:
    return tuple(s.month for s in states if month_confirmed(s))


@functools.lru_cache(maxsize=16)
def year_bounds(year: int) -> tuple[tuple[datetime.date, datetime.date], ...]:
    """The first and last day of each month of the year."""
    return tuple(month_bounds(year, m) for m in MONTHS)


def year_weights(certificates: Iterable[CertPeriod], year: int, weight_rule=None) -> tuple[int, ...]:
    """The weight of each month of the year: that of the best certificate valid in it (grades can
    change within a year); 0 when none is (such a month cannot count anyway). Each certificate's
    weight and each month's bounds are computed once: the person list does this 50 times a page."""
    bounds = year_bounds(year)
    weighted = [(c.valid_from, c.valid_to, person_weight(c.kind, c.grade, weight_rule)) for c in certificates]
    return tuple(
        max((w for start, end, w in weighted if start <= last and (end is None or end >= first)), default=0)
        for first, last in bounds
    )


def best_certificate(certificates: Iterable[CertPeriod], year: int, month: int) -> CertPeriod | None:
    """The certificate a month is shown and certified with: the most recently issued one valid in
    it (a renewed certificate replaces the old one's grade)."""
    covering = [c for c in certificates if covers(c.valid_from, c.valid_to, year, month)]
    return max(covering, key=lambda c: (c.valid_from, c.ref or 0), default=None)


def year_certificate(certificates: Iterable[CertPeriod], year: int, months: Iterable[int]) -> CertPeriod | None:
    """The certificate that stands for the person over the given months (their latest month's)."""
    months = sorted(months)
    for month in reversed(months):
        best = best_certificate(certificates, year, month)
        if best is not None:
            return best
    return max(certificates, key=lambda c: (c.valid_from, c.ref or 0), default=None)
