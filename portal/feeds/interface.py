"""One interface per registry. A backend (the mock, the HTTP adapter) implements the `_underscored`
methods; the public ones check the question, then ask the backend. Every call asks one source about
one person (or unit) for one year.
"""

from abc import ABC, abstractmethod
from dataclasses import dataclass, fields
from time import perf_counter

from portal.feeds import stats
from portal.feeds.errors import FeedRejected, FeedUnavailable, RecordNotFound
from portal.feeds.types import (
    PAYMENT_METHODS,
    CertificateYear,
    CertifiedResult,
    CertifiedRevocation,
    CivilStatus,
    EnterpriseRecord,
    IntakeReceipt,
    MedicalInsuranceYear,
    PaymentOrder,
    PaymentReceipt,
    PayoutOrder,
    PensionStatus,
    SocialInsuranceYear,
    UnitContributionYear,
    UnitInsuranceYear,
    WageYear,
    WithholdingOrder,
    WithholdingReceipt,
)
from portal.identity import normalize

FIRST_YEAR, LAST_YEAR = 1990, 2100


class Source:
    name: str = ""
    label: str = ""

    def __init__(self, *, observed: bool = True):
        # The gateway serves a mock over HTTP with observed=False: its client records the call.
        self.observed = observed

    def _ask(self, fn, *args):
        """Ask the backend, recording latency and outcome for the health page."""
        if not self.observed:
            return fn(*args)
        started, outcome = perf_counter(), stats.OK
        try:
            return fn(*args)
        except RecordNotFound:
            outcome = stats.NOT_FOUND
            raise
        except FeedUnavailable:
            outcome = stats.UNAVAILABLE
            raise
        except FeedRejected:
            outcome = stats.REJECTED
            raise
        finally:
            stats.record(self.name, perf_counter() - started, outcome)

    def _id_number(self, value: str) -> str:
        number = normalize(value)
        if len(number) != 18:
            raise FeedRejected(f"{self.label}：查询的证件号码格式不正确", source=self.name)
        return number

    def _credit_code(self, value: str) -> str:
        code = normalize(value)
        if len(code) != 18:
            raise FeedRejected(f"{self.label}：查询的统一社会信用代码格式不正确", source=self.name)
        return code

    def _year(self, year: int) -> int:
        if not isinstance(year, int) or not FIRST_YEAR <= year <= LAST_YEAR:
            raise FeedRejected(f"{self.label}：查询年度不正确（{year!r}）", source=self.name)
        return year


class PersonYearSource(Source, ABC):
    """A registry asked about one person for one year."""

    def person_year(self, id_number: str, year: int):
        """The person's record for the year; PersonNotFound when the registry has none."""
        return self._ask(self._person_year, self._id_number(id_number), self._year(year))

    @abstractmethod
    def _person_year(self, id_number: str, year: int): ...


class SocialInsuranceSource(PersonYearSource):
    name, label = "social_insurance", "社会保险"

    def person_year(self, id_number: str, year: int) -> SocialInsuranceYear:
        """Twelve months of contributions (paid or not, base, paying unit) and the 社保姓名."""
        return super().person_year(id_number, year)

    def unit_year(self, credit_code: str, year: int) -> UnitInsuranceYear:
        """The unit's 社保编号 and its twelve monthly headcounts; UnitNotFound when unknown."""
        return self._ask(self._unit_year, self._credit_code(credit_code), self._year(year))

    @abstractmethod
    def _unit_year(self, credit_code: str, year: int) -> UnitInsuranceYear: ...

    def unit_contribution_base(self, credit_code: str, year: int) -> UnitContributionYear:
        """The unit's 征缴基数 for the year: twelve monthly base totals before and after the 2× cap,
        monthly account counts, and the four change categories; UnitNotFound when unknown."""
        return self._ask(self._unit_contribution_base, self._credit_code(credit_code), self._year(year))

    @abstractmethod
    def _unit_contribution_base(self, credit_code: str, year: int) -> UnitContributionYear: ...


class MedicalInsuranceSource(PersonYearSource):
    name, label = "medical_insurance", "医疗保险"

    def person_year(self, id_number: str, year: int) -> MedicalInsuranceYear:
        """Twelve months: paid or not, and by which unit."""
        return super().person_year(id_number, year)


class WageSource(PersonYearSource):
    name, label = "wages", "工资及个税"

    def person_year(self, id_number: str, year: int) -> WageYear:
        """Twelve months: the wage each unit declared and the tax withheld."""
        return super().person_year(id_number, year)


class CertificateSource(PersonYearSource):
    name, label = "certificates", "残疾人证"

    def person_year(self, id_number: str, year: int) -> CertificateYear:
        """The holder (name, sex, 户籍) and the certificates valid on any day of the year;
        PersonNotFound when the person never held one."""
        return super().person_year(id_number, year)


class CivilStatusSource(PersonYearSource):
    name, label = "civil_status", "民政（生存状态）"

    def person_year(self, id_number: str, year: int) -> CivilStatus:
        """Alive or deceased (with the date), as known today."""
        return super().person_year(id_number, year)


class PensionSource(PersonYearSource):
    name, label = "pension", "退休及养老金"

    def person_year(self, id_number: str, year: int) -> PensionStatus:
        """Retirement month and the pension account (withholdable, balance); PersonNotFound when
        the person is unknown to social insurance."""
        return super().person_year(id_number, year)

    def withhold(self, order: WithholdingOrder) -> WithholdingReceipt:
        """委托代扣 on the pension day: take `order.amount` from the member's pension account.
        Idempotent by `order.reference`: the same order again returns the first answer and takes
        nothing more; the same reference for another person or amount is FeedRejected. A person
        the registry does not know, or an account that refuses withholding, is answered
        校验不通过 (not an exception: it is the registry's verdict on the member)."""
        if not order.reference or len(order.reference) > 64:
            raise FeedRejected(f"{self.label}：代扣单号不正确", source=self.name)
        if order.amount <= 0:
            raise FeedRejected(f"{self.label}：代扣金额不正确", source=self.name)
        self._id_number(order.id_number)
        return self._ask(self._withhold, order)

    def withholding_status(self, reference: str) -> WithholdingReceipt:
        """The answer given to an order; SubmissionNotFound for a reference never received."""
        return self._ask(self._withholding_status, str(reference))

    @abstractmethod
    def _withhold(self, order: WithholdingOrder) -> WithholdingReceipt: ...

    @abstractmethod
    def _withholding_status(self, reference: str) -> WithholdingReceipt: ...


class EnterpriseSource(Source, ABC):
    name, label = "enterprises", "企业登记"

    def lookup(self, credit_code: str) -> EnterpriseRecord:
        """Registered name, address and authority of a credit code; UnitNotFound when unknown."""
        return self._ask(self._lookup, self._credit_code(credit_code))

    @abstractmethod
    def _lookup(self, credit_code: str) -> EnterpriseRecord: ...


class TaxIntakeSource(Source, ABC):
    name, label = "tax_intake", "税务接收"

    def submit(self, result: CertifiedResult) -> IntakeReceipt:
        """Hand a certified result over. Idempotent by `result.reference`: submitting the same
        result again returns the first receipt; the same reference with other content is
        FeedRejected. The bureau acknowledges later: poll `status`."""
        if not result.reference or len(result.reference) > 64:
            raise FeedRejected("税务接收：提交编号不正确", source=self.name)
        return self._ask(self._submit, result)

    def revoke(self, revocation: CertifiedRevocation) -> IntakeReceipt:
        """Withdraw a result handed over before. Idempotent by `revocation.reference`, acknowledged
        later like a submission (poll `status` with its reference)."""
        if not revocation.reference or len(revocation.reference) > 64 or not revocation.revokes:
            raise FeedRejected("税务接收：撤销编号不正确", source=self.name)
        return self._ask(self._revoke, revocation)

    def status(self, reference: str) -> IntakeReceipt:
        """Where a submission or a revocation stands; SubmissionNotFound for an unknown reference."""
        return self._ask(self._status, str(reference))

    @abstractmethod
    def _submit(self, result: CertifiedResult) -> IntakeReceipt: ...

    @abstractmethod
    def _revoke(self, revocation: CertifiedRevocation) -> IntakeReceipt: ...

    @abstractmethod
    def _status(self, reference: str) -> IntakeReceipt: ...


class PaymentChannelSource(Source, ABC):
    name, label = "payments", "缴费渠道"

    def request(self, order: PaymentOrder) -> PaymentReceipt:
        """Ask for a payment. Idempotent by `order.reference`: the same order again returns the first
        receipt; the same reference with another amount is FeedRejected. The bank answers later:
        poll `status`."""
        if not order.reference or len(order.reference) > 40:
            raise FeedRejected("缴费渠道：缴费单号不正确", source=self.name)
        if order.method not in PAYMENT_METHODS or order.amount <= 0:
            raise FeedRejected("缴费渠道：缴费方式或金额不正确", source=self.name)
        return self._ask(self._request, order)

    def status(self, reference: str) -> PaymentReceipt:
        """Where an order stands; SubmissionNotFound for an unknown reference."""
        return self._ask(self._status, str(reference))

    @abstractmethod
    def _request(self, order: PaymentOrder) -> PaymentReceipt: ...

    @abstractmethod
    def _status(self, reference: str) -> PaymentReceipt: ...


class PayoutChannelSource(Source, ABC):
    name, label = "payouts", "奖励发放银行"

    def request(self, order: PayoutOrder) -> PaymentReceipt:
        """Ask the bank to pay a reward. Idempotent by `order.reference`: the same order again
        returns the first receipt; the same reference with another amount or account is
        FeedRejected. The bank answers later: poll `status`."""
        if not order.reference or len(order.reference) > 40:
            raise FeedRejected("奖励发放银行：发放单号不正确", source=self.name)
        if order.amount <= 0 or not order.account_number.isdigit():
            raise FeedRejected("奖励发放银行：金额或账号不正确", source=self.name)
        return self._ask(self._request, order)

    def status(self, reference: str) -> PaymentReceipt:
        """Where a payout stands; SubmissionNotFound for an unknown reference."""
        return self._ask(self._status, str(reference))

    @abstractmethod
    def _request(self, order: PayoutOrder) -> PaymentReceipt: ...

    @abstractmethod
    def _status(self, reference: str) -> PaymentReceipt: ...


@dataclass(frozen=True)
class Feeds:
    """Every registry the portal asks. Get it with `portal.feeds.get_feeds()`."""

    social_insurance: SocialInsuranceSource
    medical_insurance: MedicalInsuranceSource
    wages: WageSource
    certificates: CertificateSource
    civil_status: CivilStatusSource
    pension: PensionSource
    enterprises: EnterpriseSource
    tax_intake: TaxIntakeSource
    payments: PaymentChannelSource
    payouts: PayoutChannelSource

    def sources(self) -> list[Source]:
        return [getattr(self, f.name) for f in fields(self)]


SOURCE_LABELS = {
    cls.name: cls.label
    for cls in (SocialInsuranceSource, MedicalInsuranceSource, WageSource, CertificateSource,
                CivilStatusSource, PensionSource, EnterpriseSource, TaxIntakeSource, PaymentChannelSource,
                PayoutChannelSource)
}
