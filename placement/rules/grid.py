"""The month checks of a placed person (DOMAIN.md §1): pure functions over plain values, no ORM,
no Django. The registry module gathers the facts (feeds, contracts, certificates, other units'
claims); these functions decide each cell of the grid.

A check whose source did not answer is PENDING, never FAIL: a month fails only on evidence.
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from levy.rules import is_working_age
from levy.rules.labelled import LabelledEnum

MONTHS = range(1, 13)


class Check(LabelledEnum):
    """The grid's columns (DOMAIN.md §1), in the manual's order."""

    WAGE = "wage", "工资信息"
    SOCIAL_INSURANCE = "si", "社保参保状态"
    MEDICAL_INSURANCE = "mi", "医保参保状态"
    CERTIFICATE = "cert", "残疾证状态"
    WORKING_AGE = "age", "是否就业年龄段"
    CONTRACT = "contract", "合同状态"
    NO_OTHER_UNIT = "other_unit", "无其他单位安置"


class Outcome(LabelledEnum):
    OK = "ok", "✓"
    FAIL = "fail", "✗"
    PENDING = "pending", "待校验"


@dataclass(frozen=True)
class CertPeriod:
    kind: str  # a levy.rules.CertificateKind value
    grade: int
    valid_from: datetime.date
    valid_to: datetime.date | None
    manual: bool = False
    approved: bool = False  # a manual certificate a reviewer approved counts like a registry one
    ref: int | None = None  # the stored certificate's id (the grid names the best one of each month)


@dataclass(frozen=True)
class ContractTerm:
    start: datetime.date
    end: datetime.date | None  # None: open-ended or 在编
    related: bool = False  # signed through a related unit (上下级 / 其他关联单位)
    payers: frozenset[str] = frozenset()  # the related unit it is signed through, the dispatch agency
    dispatch: bool = False  # a labour-dispatch agreement (劳务派遣)
    # the units the contract names as 社保参保单位 / 医保参保单位 / 工资发放单位 (credit codes; this
    # unit when it names none), each accepted for its own source only
    named: tuple[tuple[str, str], ...] = ()  # (source, credit code): source is si / mi / wage


@dataclass(frozen=True)
class Payment:
    """One entry of a monthly source: who paid, whether it was paid, and (wages) how much. A
    month can have several entries (a person on two payrolls)."""

    payer: str
    payer_name: str = ""
    paid: bool = True
    amount: Decimal | None = None


Month = tuple[Payment, ...]

@dataclass(frozen=True)
class Facts:
    """Everything the rules need about one person for one business year. A source that did not
    answer is None (its checks are pending)."""

    year: int
    unit_code: str
    birth_date: datetime.date
    retirement_category: str
    certificates: tuple[CertPeriod, ...]
    certificates_known: bool
    contracts: tuple[ContractTerm, ...]
    minimum_wage: dict[int, Decimal | None]  # None: not in the policy table yet
    wages: dict[int, Month] | None
    social_insurance: dict[int, Month] | None
    medical_insurance: dict[int, Month] | None
    retired_from: tuple[int, int] | None = None  # from the pension registry
    pension_known: bool = True
    deceased_on: datetime.date | None = None
    civil_known: bool = True
    other_claims: dict[int, tuple[str, ...]] = field(default_factory=dict)  # month → other units' names


@dataclass(frozen=True)
class Cell:
    outcome: str
    reason: str = ""


OK = Cell(Outcome.OK)


def pending(source: str) -> Cell:
    return Cell(Outcome.PENDING, f"{source}暂未返回数据，系统将自动重新获取（不会因此判定为不通过）")


def month_bounds(year: int, month: int) -> tuple[datetime.date, datetime.date]:
    first = datetime.date(year, month, 1)
    last = (datetime.date(year + (month == 12), month % 12 + 1, 1)) - datetime.timedelta(days=1)
    return first, last


def covers(start: datetime.date, end: datetime.date | None, year: int, month: int) -> bool:
    """At least one day of the month lies within [start, end]."""
    first, last = month_bounds(year, month)
    return start <= last and (end is None or end >= first)


def term_at_least_a_year(term: ContractTerm) -> bool:
    """A contract counts when its whole term is ≥ 12 months (open-ended and 在编 always do)."""
    if term.end is None:
        return True
    anniversary = _add_months(term.start, 12) - datetime.timedelta(days=1)
    return term.end >= anniversary


def _add_months(day: datetime.date, months: int) -> datetime.date:
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    last = month_bounds(year, month)[1].day
    return datetime.date(year, month, min(day.day, last))


def certificate_cell(facts: Facts, month: int) -> Cell:
    covering = [c for c in facts.certificates if covers(c.valid_from, c.valid_to, facts.year, month)]
    if any(not c.manual or c.approved for c in covering):
        return OK
    if covering:
        return Cell(Outcome.FAIL, "该月仅有手动添加的残疾证，需残联审核证件影像")
    if not facts.certificates_known:
        return pending("残疾人证登记系统")
    return Cell(Outcome.FAIL, "该月没有有效的残疾证")


def working_age_cell(facts: Facts, month: int) -> Cell:
    if facts.deceased_on and (facts.deceased_on.year, facts.deceased_on.month) < (facts.year, month):
        return Cell(Outcome.FAIL, f"民政登记该人员已于{facts.deceased_on:%Y-%m-%d}死亡")
    if not is_working_age(facts.birth_date, facts.retirement_category, facts.year, month):
        return Cell(Outcome.FAIL, "不在法定就业年龄段内（未满16周岁或已达到法定退休年龄）")
    if facts.retired_from and facts.retired_from <= (facts.year, month):
        y, m = facts.retired_from
        return Cell(Outcome.FAIL, f"养老保险登记该人员已于{y}年{m:02d}月退休")
    if not facts.civil_known:
        return pending("民政登记系统")
    if not facts.pension_known:
        return pending("养老保险系统")
    return OK


def contract_cell(facts: Facts, month: int) -> Cell:
    covering = [t for t in facts.contracts if covers(t.start, t.end, facts.year, month)]
    if not covering:
        return Cell(Outcome.FAIL, "该月没有有效的劳动合同或劳务派遣协议")
    if not any(term_at_least_a_year(t) for t in covering):
        return Cell(Outcome.FAIL, "合同期限不足一年，不计入按比例安排就业")
    return OK


SI, MI, WAGE = "si", "mi", "wage"


def allowed_payers(facts: Facts, month: int, source: str) -> set[str]:
    """Who may pay `source` (si / mi / wage) in the month (DOMAIN.md §1): this unit, and what a
    contract covering the month names — the related unit it is signed through, the dispatch agency
    when the agreement says the person counts here, and the unit it names as that source's payer."""
    payers = {facts.unit_code}
    for term in facts.contracts:
        if covers(term.start, term.end, facts.year, month):
            payers |= term.payers
            payers |= {code for named_source, code in term.named if named_source == source}
    return payers


def _payment_cell(source: dict[int, Month] | None, month: int, name: str, what: str, allowed: set[str]) -> Cell:
    if source is None:
        return pending(name)
    paid = [p for p in source.get(month, ()) if p.paid]
    if not paid:
        return Cell(Outcome.FAIL, f"该月无{what}记录")
    if not any(p.payer in allowed for p in paid):
        others = "、".join(p.payer_name or p.payer for p in paid)
        return Cell(Outcome.FAIL, f"{what}单位为“{others}”，不是本单位或合同约定的单位")
    return OK


def wage_cell(facts: Facts, month: int, allowed: set[str]) -> Cell:
    cell = _payment_cell(facts.wages, month, "工资（个税）系统", "工资发放", allowed)
    if cell.outcome != Outcome.OK:
        return cell
    amount = sum((p.amount or Decimal(0) for p in facts.wages[month] if p.paid and p.payer in allowed), Decimal(0))
    minimum = facts.minimum_wage.get(month)
    if minimum is None:
        return Cell(Outcome.PENDING, "当地月最低工资标准尚未录入政策参数表，管理员补充后自动校验")
    if amount < minimum:
        return Cell(Outcome.FAIL, f"工资{amount}元低于当地最低工资标准{minimum}元")
    return OK


def no_other_unit_cell(others: tuple[str, ...] | None) -> Cell:
    """无其他单位安置: ✗ while another unit's declaration claims the month (both units see it)."""
    if others:
        return Cell(Outcome.FAIL, f"该月已被其他单位（{'、'.join(others)}）申报安置，由残联审核认定")
    return OK


def evaluate(facts: Facts) -> dict[tuple[int, str], Cell]:
    """Every cell of the grid: {(month, check): Cell}."""
    cells: dict[tuple[int, str], Cell] = {}
    for month in MONTHS:
        # (a related-unit contract naming this unit as one payer is the contract form's rule: it
        # is checked when the contract is saved, never a reason to fail months)
        cells[month, Check.WAGE] = wage_cell(facts, month, allowed_payers(facts, month, WAGE))
        cells[month, Check.SOCIAL_INSURANCE] = _payment_cell(
            facts.social_insurance, month, "社会保险系统", "社保缴费", allowed_payers(facts, month, SI))
        cells[month, Check.MEDICAL_INSURANCE] = _payment_cell(
            facts.medical_insurance, month, "医疗保险系统", "医保缴费", allowed_payers(facts, month, MI))
        cells[month, Check.CERTIFICATE] = certificate_cell(facts, month)
        cells[month, Check.WORKING_AGE] = working_age_cell(facts, month)
        cells[month, Check.CONTRACT] = contract_cell(facts, month)
        cells[month, Check.NO_OTHER_UNIT] = no_other_unit_cell(facts.other_claims.get(month))
    return cells


def outcome_from(failed: int, passed: int) -> str:
    """A month fails on any ✗, passes when every check passed, and otherwise waits for a registry.
    (The lists count a month's ✗ and ✓ in SQL and ask this; the grid asks month_outcome.)"""
    if failed:
        return Outcome.FAIL
    if passed == len(Check):
        return Outcome.OK
    return Outcome.PENDING


def month_outcome(cells: dict[tuple[int, str], Cell], month: int) -> str:
    outcomes = [cells[month, check].outcome for check in Check]
    return outcome_from(outcomes.count(Outcome.FAIL), outcomes.count(Outcome.OK))


def is_dispatched(contracts) -> bool:
    """A dispatched person: any of their contracts is a dispatch agreement."""
    return any(term.dispatch for term in contracts)


def forced_months(cells: dict[tuple[int, str], Cell], *, dispatched: bool) -> set[int]:
    """Months the agent cannot unselect: for a non-dispatched person, every month that passed
    every check (the manual: 系统核验通过的月份强制申报). A dispatched person's agent chooses."""
    if dispatched:
        return set()
    return {m for m in MONTHS if month_outcome(cells, m) == Outcome.OK}


def claims_by_month(own_employer_id: int, claims) -> dict[int, tuple[str, ...]]:
    """The months other units' declarations of the same year select the same person in: both units
    see 无其他单位安置 ✗ and a reviewer decides. `claims`: (month, employer id, employer name)."""
    names: dict[int, set[str]] = {}
    for month, employer_id, name in claims:
        if employer_id != own_employer_id:
            names.setdefault(month, set()).add(name)
    return {month: tuple(sorted(found)) for month, found in names.items()}
