"""What the retiree plan asks the registries (portal.feeds, through portal.feeds.calls' retries and
thread pool): per member social insurance (on record? under which name?), civil status (alive?)
and pension (retired since when, under which unit's 社保编号, can the account be withheld the
amount?); per 社保编号 the unit's retiree count. A silent registry is an answer of None, never an
error for the user."""

from dataclasses import dataclass
from decimal import Decimal

from django.utils import timezone

from insurance.rules.verification import Facts
from portal.feeds import get_feeds
from portal.feeds.calls import NOT_FOUND, ask_each, call_with_retries
from portal.feeds.types import add_months, month_of

SOURCES = ("social_insurance", "civil_status", "pension")


@dataclass(frozen=True)
class MemberAnswer:
    facts: Facts
    si_number: str = ""
    si_unit_name: str = ""
    si_credit_code: str = ""
    died_on: object = None


def read_answers(answers: dict, amount: Decimal) -> MemberAnswer:
    """The facts of one member from the three registries' answers (None: silent)."""
    si, civil, pension = (answers[name] for name in SOURCES)
    if si is NOT_FOUND or pension is NOT_FOUND:
        si_found = False
    elif si is None or pension is None:
        si_found = None
    else:
        si_found = True
    deceased = None if civil is None else (civil is not NOT_FOUND and not civil.alive)
    has_pension = pension not in (None, NOT_FOUND)
    unit = pension.unit if has_pension else None
    facts = Facts(
        si_found=si_found,
        si_name=si.name_on_record if si not in (None, NOT_FOUND) else "",
        deceased=deceased,
        retired=pension.retired if has_pension else None,
        retirement_month=pension.retirement_month if has_pension else None,
        can_withhold=pension.can_withhold(amount) if has_pension else None,
    )
    return MemberAnswer(facts, unit.si_number if unit else "", unit.name if unit else "",
                        unit.credit_code if unit else "",
                        civil.death_date if civil not in (None, NOT_FOUND) else None)


def ask_members(members: list, *, year: int):
    """Yield (member, {source: answer}) as each member's three answers are in."""
    feeds = get_feeds()

    def ask(member, source):
        return call_with_retries(lambda: getattr(feeds, source).person_year(member.id_number, year))

    yield from ask_each(members, SOURCES, ask)


@dataclass(frozen=True)
class RetireeCount:
    si_number: str
    unit_name: str
    count: int | None
    month: int | None


def retiree_count(credit_code: str) -> RetireeCount | None:
    """社保人数: the retirees social insurance counts under the unit's 社保编号, the latest month
    it has a figure for (this year, else last year). None when the registry is silent."""
    today = timezone.localdate()
    source = get_feeds().social_insurance
    for year in (today.year, today.year - 1):
        answer = call_with_retries(lambda year=year: source.unit_year(credit_code, year), attempts=2)
        if answer is None:
            return None
        if answer is NOT_FOUND:
            return RetireeCount("", "", 0, None)
        month = month_of(today) if year == today.year else year * 100 + 12
        while month // 100 == year:
            figure = answer.month(month).retirees
            if figure is not None:
                return RetireeCount(answer.si_number, answer.name, figure, month)
            month = add_months(month, -1)
    return RetireeCount("", "", 0, None)
