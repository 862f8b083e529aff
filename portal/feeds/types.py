"""What the registries answer: frozen dataclasses, never dicts (STYLE.md 15).

Months are `YYYYMM` integers (202503). Money is `Decimal`. A monthly answer always holds the twelve
months of the year asked, in order; a month the registry has nothing for has no entries (not
"missing"): `paid` is then False. One month can have several entries: a person can be on two
units' payrolls, and the checks need to know who paid.
"""

import calendar
import datetime
from dataclasses import dataclass
from decimal import Decimal

__all__ = [
    "months_of", "month_first_day", "month_last_day", "month_of", "add_months",
    "UnitRef", "Contribution", "SocialInsuranceMonth", "SocialInsuranceYear", "UnitHeadcountMonth",
    "UnitInsuranceYear", "Coverage", "MedicalInsuranceMonth", "MedicalInsuranceYear", "WagePayment", "WageMonth",
    "WageYear", "Holder", "Certificate", "CERTIFICATE_KINDS", "CertificateYear", "CivilStatus", "PensionStatus",
    "WithholdingOrder", "WithholdingReceipt", "WITHHOLDING_DONE", "WITHHOLDING_INSUFFICIENT", "WITHHOLDING_INVALID",
    "WITHHOLDING_STATUSES",
    "EnterpriseRecord", "CertifiedPerson", "CertifiedResult", "IntakeReceipt", "INTAKE_RECEIVED",
    "INTAKE_ACKNOWLEDGED", "INTAKE_REJECTED", "INTAKE_STATUSES", "ContributionBaseMonth", "ContributionBaseChange",
    "UnitContributionYear", "BASE_CHANGE_CATEGORIES", "PaymentOrder", "PaymentReceipt", "PAYMENT_PENDING",
    "PAYMENT_PAID", "PAYMENT_FAILED", "PAYMENT_STATUSES", "PAYMENT_METHODS", "PayoutOrder",
]

# --- months ----------------------------------------------------------------------------------------


def months_of(year: int) -> tuple[int, ...]:
    """(202501, 202502, …, 202512)"""
    return tuple(year * 100 + m for m in range(1, 13))


def month_first_day(month: int) -> datetime.date:
    return datetime.date(month // 100, month % 100, 1)


def month_last_day(month: int) -> datetime.date:
    year, m = divmod(month, 100)
    return datetime.date(year, m, calendar.monthrange(year, m)[1])


def month_of(day: datetime.date) -> int:
    return day.year * 100 + day.month


def add_months(month: int, n: int) -> int:
    """202511 + 3 → 202602"""
    index = (month // 100) * 12 + (month % 100 - 1) + n
    return (index // 12) * 100 + index % 12 + 1


# --- the parties ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class UnitRef:
    """A paying unit as the registry knows it."""

    credit_code: str
    name: str
    si_number: str = ""  # 社保编号 (the social-insurance registry's own number for the unit)


class _PaidByMonth:
    """Shared questions over a month's entries (each entry has `unit` and `paid`)."""

    @property
    def paid(self) -> bool:
        """Something was paid for this month, by anyone."""
        return any(e.paid for e in self.entries)

    @property
    def payers(self) -> tuple[UnitRef, ...]:
        """The units that paid for this month."""
        return tuple(e.unit for e in self.entries if e.paid)

    def paid_by(self, *credit_codes: str) -> bool:
        """Paid by one of these units (the unit itself, a related unit, the dispatch agency)."""
        return any(e.paid and e.unit.credit_code in credit_codes for e in self.entries)


# --- social insurance -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Contribution:
    unit: UnitRef
    paid: bool  # False: the month is on record but unpaid (欠缴)
    base: Decimal | None  # 缴费基数


@dataclass(frozen=True)
class SocialInsuranceMonth(_PaidByMonth):
    month: int
    contributions: tuple[Contribution, ...] = ()

    @property
    def entries(self):
        return self.contributions


@dataclass(frozen=True)
class SocialInsuranceYear:
    """社会保险: one person, one year."""

    id_number: str
    year: int
    name_on_record: str  # 社保姓名: may differ from the roster (王小明 / 王晓明)
    months: tuple[SocialInsuranceMonth, ...]

    def month(self, month: int) -> SocialInsuranceMonth:
        return self.months[month % 100 - 1]


@dataclass(frozen=True)
class UnitHeadcountMonth:
    month: int
    headcount: int | None  # 在职参保人数; None when the registry has no figure for the month
    retirees: int | None = None  # 退休人数 under the same 社保编号


@dataclass(frozen=True)
class UnitInsuranceYear:
    """社会保险, per unit: its 社保编号 and monthly headcounts for one year."""

    credit_code: str
    name: str
    si_number: str
    year: int
    months: tuple[UnitHeadcountMonth, ...]

    def month(self, month: int) -> UnitHeadcountMonth:
        return self.months[month % 100 - 1]


@dataclass(frozen=True)
class ContributionBaseMonth:
    """One month of a unit's 正常缴费基数汇总 (the Shanghai 征缴 method's registry figures)."""

    month: int
    base: Decimal | None  # 社保缴费基数合计（2倍封顶前）; None: the registry has nothing for the month
    capped_base: Decimal | None  # 2倍封顶后基数合计 (each person's base capped at twice the average)
    accounts: int | None  # 帐户人数 (在职参保缴费职工)


BASE_CHANGE_CATEGORIES = {"back_payment": "补缴基数", "adjustment": "缴费基数调整基数", "refund": "退账基数",
                          "manual": "申报录入基数"}


@dataclass(frozen=True)
class ContributionBaseChange:
    """变更基数汇总: what changed the year's bases after the monthly declarations. A 退账 is negative."""

    category: str  # one of BASE_CHANGE_CATEGORIES
    base: Decimal
    capped_base: Decimal


@dataclass(frozen=True)
class UnitContributionYear:
    """社会保险, per unit: the twelve monthly contribution-base totals before and after the 2× cap,
    the monthly account counts and the four change categories of one year (征缴基数)."""

    credit_code: str
    name: str
    si_number: str
    year: int
    months: tuple[ContributionBaseMonth, ...]
    changes: tuple[ContributionBaseChange, ...]  # one per category, in BASE_CHANGE_CATEGORIES order

    def month(self, month: int) -> ContributionBaseMonth:
        return self.months[month % 100 - 1]


# --- medical insurance ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Coverage:
    unit: UnitRef
    paid: bool


@dataclass(frozen=True)
class MedicalInsuranceMonth(_PaidByMonth):
    month: int
    coverages: tuple[Coverage, ...] = ()

    @property
    def entries(self):
        return self.coverages


@dataclass(frozen=True)
class MedicalInsuranceYear:
    """医疗保险: one person, one year."""

    id_number: str
    year: int
    months: tuple[MedicalInsuranceMonth, ...]

    def month(self, month: int) -> MedicalInsuranceMonth:
        return self.months[month % 100 - 1]


# --- wages and individual income tax ------------------------------------------------------------


@dataclass(frozen=True)
class WagePayment:
    unit: UnitRef
    wage: Decimal  # 应发工资 as declared for individual income tax
    income_tax: Decimal  # 个人所得税 withheld

    @property
    def paid(self) -> bool:
        return self.wage > 0


@dataclass(frozen=True)
class WageMonth(_PaidByMonth):
    month: int
    payments: tuple[WagePayment, ...] = ()

    @property
    def entries(self):
        return self.payments

    def wage_from(self, *credit_codes: str) -> Decimal:
        """What these units paid this month (the minimum-wage check compares this)."""
        return sum((p.wage for p in self.payments if p.unit.credit_code in credit_codes), Decimal("0"))


@dataclass(frozen=True)
class WageYear:
    """工资及个人所得税: one person, one year."""

    id_number: str
    year: int
    months: tuple[WageMonth, ...]

    def month(self, month: int) -> WageMonth:
        return self.months[month % 100 - 1]


# --- disability certificates ----------------------------------------------------------------------


@dataclass(frozen=True)
class Holder:
    """Who a certificate belongs to, as the certificate registry has it (the wizard prefills a
    person from it)."""

    name: str
    sex: str  # "M" or "F"
    birth_date: datetime.date
    hukou_region: str  # 户籍地 region code (GB/T 2260)
    hukou_address: str


@dataclass(frozen=True)
class Certificate:
    number: str  # 残疾人证: ID + category digit + grade digit (+ B and a reissue count)
    kind: str  # "disability" (残疾人证) or "military" (残疾军人证)
    category: int  # 1 视力 … 7 多重
    grade: int  # 1–4 for 残疾人证, 1–10 for 残疾军人证
    valid_from: datetime.date
    valid_to: datetime.date

    @property
    def kind_label(self) -> str:
        return CERTIFICATE_KINDS[self.kind]

    def valid_on(self, day: datetime.date) -> bool:
        return self.valid_from <= day <= self.valid_to

    def valid_in(self, month: int) -> bool:
        """Valid on at least one day of the month (the 残疾证状态 check, DOMAIN.md §1)."""
        return self.valid_from <= month_last_day(month) and self.valid_to >= month_first_day(month)


CERTIFICATE_KINDS = {"disability": "残疾人证", "military": "残疾军人证"}


@dataclass(frozen=True)
class CertificateYear:
    """残疾人证 / 残疾军人证: one holder, the certificates valid on any day of one year."""

    id_number: str
    year: int
    holder: Holder
    certificates: tuple[Certificate, ...]  # oldest first

    def valid_in(self, month: int) -> Certificate | None:
        """The newest certificate valid on at least one day of the month, if any."""
        valid = [c for c in self.certificates if c.valid_in(month)]
        return valid[-1] if valid else None


# --- civil status ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class CivilStatus:
    """民政 / 公安: alive or deceased."""

    id_number: str
    name: str
    alive: bool
    death_date: datetime.date | None


# --- retirement and pension -----------------------------------------------------------------------


@dataclass(frozen=True)
class PensionStatus:
    """退休及养老金: the retirement month and the pension account the union withholds from.

    `retired` with no `retirement_month` is the registry's own gap (退休年月为空或值无效).
    """

    id_number: str
    year: int
    retired: bool
    retirement_month: int | None
    unit: UnitRef | None  # the unit the retiree is managed under (退休所属单位)
    account_number: str  # 养老金账户; "" when none
    bank: str
    withholdable: bool  # the account accepts 委托代扣
    balance: Decimal

    def can_withhold(self, amount: Decimal) -> bool:
        """可代扣: the account accepts withholding and holds at least `amount`."""
        return bool(self.account_number) and self.withholdable and self.balance >= amount


# --- pension withholding (委托代扣) ------------------------------------------------------------------

WITHHOLDING_DONE, WITHHOLDING_INSUFFICIENT, WITHHOLDING_INVALID = "withheld", "insufficient", "invalid"
WITHHOLDING_STATUSES = {WITHHOLDING_DONE: "代扣成功", WITHHOLDING_INSUFFICIENT: "余额不足",
                        WITHHOLDING_INVALID: "校验不通过"}


@dataclass(frozen=True)
class WithholdingOrder:
    """One member's premium asked of their pension account on the pension day (养老金发放日)."""

    reference: str  # ours, unique per member and batch; asking again with it is harmless
    id_number: str
    name: str
    amount: Decimal
    purpose: str  # 代扣项目, e.g. 2027年度退休住院计划参保费


@dataclass(frozen=True)
class WithholdingReceipt:
    """The pension registry's answer: withheld, or not (余额不足 / 校验不通过) with its reason."""

    reference: str
    status: str  # one of WITHHOLDING_STATUSES
    amount: Decimal  # what was withheld (0 when not)
    processed_at: datetime.datetime
    bank_reference: str  # 银行流水号 when withheld
    message: str  # the bank's reason when not withheld

    @property
    def status_label(self) -> str:
        return WITHHOLDING_STATUSES[self.status]


# --- enterprise registry --------------------------------------------------------------------------


@dataclass(frozen=True)
class EnterpriseRecord:
    """市场监管 / 登记机关: what a unified social credit code is registered as."""

    credit_code: str
    name: str
    address: str
    registration_authority: str
    region_code: str


# --- tax-bureau intake ----------------------------------------------------------------------------


@dataclass(frozen=True)
class CertifiedPerson:
    id_number: str
    name: str
    months: tuple[int, ...]  # the certified months (YYYYMM)
    weight: int  # 2, 1 or 0 (DOMAIN.md §1)


@dataclass(frozen=True)
class CertifiedResult:
    """What the federation hands to the tax bureau once a declaration is certified."""

    reference: str  # ours, unique per hand-off; submitting it again is harmless
    credit_code: str
    unit_name: str
    business_year: int
    headcount: int
    placed_equivalent: Decimal  # A: Σ eligible months × weight / 12
    persons: tuple[CertifiedPerson, ...]
    certified_at: datetime.datetime


@dataclass(frozen=True)
class CertifiedRevocation:
    """The federation withdraws a result it handed over (the declaration was reopened): tax must
    stop using it. Acknowledged like a result; the new result, once certified, comes on its own."""

    reference: str  # ours, unique per revocation
    revokes: str  # the reference of the result it withdraws
    credit_code: str
    unit_name: str
    business_year: int
    reason: str
    revoked_at: datetime.datetime


INTAKE_RECEIVED, INTAKE_ACKNOWLEDGED, INTAKE_REJECTED = "received", "acknowledged", "rejected"
INTAKE_STATUSES = {INTAKE_RECEIVED: "已接收待确认", INTAKE_ACKNOWLEDGED: "已确认接收", INTAKE_REJECTED: "已退回"}


@dataclass(frozen=True)
class IntakeReceipt:
    """The tax bureau's answer to a submission or a status query."""

    reference: str
    status: str  # received → acknowledged | rejected (later, on its own time)
    received_at: datetime.datetime
    acknowledged_at: datetime.datetime | None
    intake_number: str  # 税务受理编号, given on acknowledgement
    message: str  # the bureau's reason when rejected

    @property
    def status_label(self) -> str:
        return INTAKE_STATUSES[self.status]


# --- the levy payment channel ---------------------------------------------------------------------

PAYMENT_PENDING, PAYMENT_PAID, PAYMENT_FAILED = "pending", "paid", "failed"
PAYMENT_STATUSES = {PAYMENT_PENDING: "银行处理中", PAYMENT_PAID: "缴费成功", PAYMENT_FAILED: "缴费失败"}
PAYMENT_METHODS = {"agreement": "三方协议扣款", "transfer": "银行转账"}


@dataclass(frozen=True)
class PaymentOrder:
    """A levy payment asked of the channel (the tax bureau's collection through the unit's bank)."""

    reference: str  # ours, unique per order; asking again with the same reference is harmless
    credit_code: str
    unit_name: str
    amount: Decimal
    method: str  # one of PAYMENT_METHODS
    purpose: str  # 缴费项目, e.g. 2026年残疾人就业保障金


@dataclass(frozen=True)
class PaymentReceipt:
    """The channel's answer: pending, then paid or failed on its own time."""

    reference: str
    status: str  # pending → paid | failed
    amount: Decimal
    requested_at: datetime.datetime
    settled_at: datetime.datetime | None
    bank_reference: str  # 银行流水号 when paid
    message: str  # the bank's reason when failed

    @property
    def status_label(self) -> str:
        return PAYMENT_STATUSES[self.status]


# --- the reward payout (the bank pays an approved over-ratio reward to the unit's account) ---------


@dataclass(frozen=True)
class PayoutOrder:
    """An over-ratio reward to pay into the unit's account. The bank answers with a PaymentReceipt
    (pending, then paid or failed, e.g. 账户名与账号不符)."""

    reference: str  # ours, unique per payout; asking again with the same reference is harmless
    credit_code: str
    payee_name: str
    bank_name: str
    account_number: str
    amount: Decimal
    purpose: str  # e.g. 2025年度超比例奖励
