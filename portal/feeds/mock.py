"""The mock backend: answers from the registry tables (portal.feeds.models), served the way a slow,
unreliable registry serves (portal.feeds.behaviour.serve: limited slots, latency, faults).

Every answer is read fresh from the tables, so an edit on the staff pages shows in the next call.
"""

import datetime
import hashlib
import json
from collections import defaultdict
from datetime import timedelta
from decimal import Decimal
from functools import cache
from typing import NamedTuple

from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from portal.feeds import interface
from portal.feeds.behaviour import current_behaviour, serve
from portal.feeds.errors import FeedRejected, PersonNotFound, SubmissionNotFound, UnitNotFound
from portal.feeds.models import Certificate as CertificateRow
from portal.feeds.models import (
    IntakeSubmission,
    MonthRecord,
    PaymentRecord,
    RegistryPerson,
    RegistryUnit,
    UnitContribution,
    UnitContributionChange,
    UnitHeadcount,
    WithholdingRecord,
)
from portal.feeds.types import (
    BASE_CHANGE_CATEGORIES,
    INTAKE_ACKNOWLEDGED,
    INTAKE_RECEIVED,
    PAYMENT_PENDING,
    WITHHOLDING_DONE,
    WITHHOLDING_INSUFFICIENT,
    WITHHOLDING_INVALID,
    Certificate,
    CertificateYear,
    CertifiedResult,
    CertifiedRevocation,
    CivilStatus,
    Contribution,
    ContributionBaseChange,
    ContributionBaseMonth,
    Coverage,
    EnterpriseRecord,
    Holder,
    IntakeReceipt,
    MedicalInsuranceMonth,
    MedicalInsuranceYear,
    PaymentOrder,
    PaymentReceipt,
    PayoutOrder,
    PensionStatus,
    SocialInsuranceMonth,
    SocialInsuranceYear,
    UnitContributionYear,
    UnitHeadcountMonth,
    UnitInsuranceYear,
    UnitRef,
    WageMonth,
    WagePayment,
    WageYear,
    WithholdingOrder,
    WithholdingReceipt,
    months_of,
)

CENT = Decimal("0.01")


class _Month(NamedTuple):
    month: int
    si_paid: bool | None
    si_base: Decimal | None
    mi_paid: bool | None
    wage: Decimal | None
    income_tax: Decimal | None
    unit: UnitRef


def _decimal(value) -> Decimal | None:
    """PostgreSQL answers Decimal; SQLite answers int or float for a decimal column."""
    if value is None or isinstance(value, Decimal):
        return value
    return Decimal(str(value)).quantize(CENT)


@cache
def _person_months_sql() -> str:
    qn = connection.ops.quote_name
    return (
        "SELECT p.si_name, m.month, m.si_paid, m.si_base, m.mi_paid, m.wage, m.income_tax, "
        "u.credit_code, u.name, u.si_number "
        f"FROM {qn(RegistryPerson._meta.db_table)} p "
        f"LEFT JOIN {qn(MonthRecord._meta.db_table)} m ON m.id_number = p.id_number AND m.month BETWEEN %s AND %s "
        f"LEFT JOIN {qn(RegistryUnit._meta.db_table)} u ON u.credit_code = m.credit_code "
        "WHERE p.id_number = %s ORDER BY m.month, m.credit_code"
    )


def _person_months(source: interface.Source, id_number: str, year: int) -> tuple[str, dict[int, list[_Month]]]:
    """The person's 社保姓名 and month records of the year, grouped by month, in one query: this
    is every verification's hot path, and the ORM's own overhead was twice the query's."""
    with connection.cursor() as cursor:
        cursor.execute(_person_months_sql(), [year * 100 + 1, year * 100 + 12, id_number])
        rows = cursor.fetchall()
    if not rows:
        raise PersonNotFound(f"{source.label}：未查询到该人员信息", source=source.name)
    grouped = defaultdict(list)
    for _si_name, month, si_paid, si_base, mi_paid, wage, tax, code, name, si_number in rows:
        if month is not None:
            grouped[month].append(_Month(month, si_paid, _decimal(si_base), mi_paid, _decimal(wage), _decimal(tax),
                                         UnitRef(code, name, si_number)))
    return rows[0][0], grouped


def _date(value) -> datetime.date | None:
    """PostgreSQL answers dates; SQLite's raw cursor answers ISO strings."""
    if value is None or isinstance(value, datetime.date):
        return value
    return datetime.date.fromisoformat(str(value)[:10])


def _fetch(sql: str, params) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _table(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


# Certificates, civil status and pension are read with raw SQL like the monthly sources: every
# verification asks them, and the ORM's overhead was larger than the queries'.
@cache
def _certificates_sql() -> str:
    return (
        "SELECT c.number, c.kind, c.category, c.grade, c.valid_from, c.valid_to, "
        "p.name, p.sex, p.birth_date, p.hukou_region, p.hukou_address "
        f"FROM {_table(CertificateRow)} c JOIN {_table(RegistryPerson)} p ON p.id_number = c.id_number "
        "WHERE c.id_number = %s ORDER BY c.valid_from"
    )


@cache
def _pension_sql() -> str:
    return (
        "SELECT p.si_name, p.retired, p.retirement_month, p.pension_account, p.pension_bank, p.withholdable, "
        "p.pension_balance, u.credit_code, u.name, u.si_number "
        f"FROM {_table(RegistryPerson)} p LEFT JOIN {_table(RegistryUnit)} u ON u.credit_code = p.retiree_unit_code "
        "WHERE p.id_number = %s"
    )


@cache
def _civil_sql() -> str:
    return f"SELECT name, death_date FROM {_table(RegistryPerson)} WHERE id_number = %s"


class Served:
    """Route a backend method through the mock's behaviour (slots, latency, faults)."""

    def _serve(self, fn, *args):
        return serve(self.name, self.label, fn, *args)


class MockSocialInsurance(Served, interface.SocialInsuranceSource):
    def _person_year(self, id_number: str, year: int) -> SocialInsuranceYear:
        return self._serve(self._answer_person, id_number, year)

    def _answer_person(self, id_number: str, year: int) -> SocialInsuranceYear:
        si_name, rows = _person_months(self, id_number, year)
        if not si_name:
            raise PersonNotFound("社会保险：未匹配到社保信息", source=self.name)
        months = tuple(
            SocialInsuranceMonth(m, tuple(Contribution(r.unit, r.si_paid, r.si_base)
                                          for r in rows[m] if r.si_paid is not None))
            for m in months_of(year)
        )
        return SocialInsuranceYear(id_number, year, si_name, months)

    def _unit_year(self, credit_code: str, year: int) -> UnitInsuranceYear:
        return self._serve(self._answer_unit, credit_code, year)

    def _answer_unit(self, credit_code: str, year: int) -> UnitInsuranceYear:
        unit = RegistryUnit.objects.filter(credit_code=credit_code).first()
        if unit is None or not unit.si_number:
            raise UnitNotFound("社会保险：未查询到该单位的参保登记", source=self.name)
        counts = {
            h["month"]: h
            for h in UnitHeadcount.objects.filter(unit_id=credit_code, month__gte=year * 100 + 1,
                                                  month__lte=year * 100 + 12).values("month", "headcount", "retirees")
        }
        months = tuple(
            UnitHeadcountMonth(m, counts.get(m, {}).get("headcount"), counts.get(m, {}).get("retirees"))
            for m in months_of(year)
        )
        return UnitInsuranceYear(credit_code, unit.name, unit.si_number, year, months)

    def _unit_contribution_base(self, credit_code: str, year: int) -> UnitContributionYear:
        return self._serve(self._answer_contribution, credit_code, year)

    def _answer_contribution(self, credit_code: str, year: int) -> UnitContributionYear:
        unit = RegistryUnit.objects.filter(credit_code=credit_code).first()
        if unit is None or not unit.si_number:
            raise UnitNotFound("社会保险：未查询到该单位的参保登记", source=self.name)
        rows = {r.month: r for r in UnitContribution.objects.filter(unit_id=credit_code, month__gte=year * 100 + 1,
                                                                   month__lte=year * 100 + 12)}
        months = tuple(
            ContributionBaseMonth(m, _decimal(rows[m].base), _decimal(rows[m].capped_base), rows[m].accounts)
            if m in rows else ContributionBaseMonth(m, None, None, None)
            for m in months_of(year)
        )
        changed = {c.category: c for c in UnitContributionChange.objects.filter(unit_id=credit_code, year=year)}
        zero = Decimal("0.00")
        changes = tuple(
            ContributionBaseChange(code, _decimal(changed[code].base), _decimal(changed[code].capped_base))
            if code in changed else ContributionBaseChange(code, zero, zero)
            for code in BASE_CHANGE_CATEGORIES
        )
        return UnitContributionYear(credit_code, unit.name, unit.si_number, year, months, changes)


class MockMedicalInsurance(Served, interface.MedicalInsuranceSource):
    def _person_year(self, id_number: str, year: int) -> MedicalInsuranceYear:
        return self._serve(self._answer, id_number, year)

    def _answer(self, id_number: str, year: int) -> MedicalInsuranceYear:
        _si_name, rows = _person_months(self, id_number, year)
        months = tuple(
            MedicalInsuranceMonth(m, tuple(Coverage(r.unit, r.mi_paid) for r in rows[m] if r.mi_paid is not None))
            for m in months_of(year)
        )
        return MedicalInsuranceYear(id_number, year, months)


class MockWages(Served, interface.WageSource):
    def _person_year(self, id_number: str, year: int) -> WageYear:
        return self._serve(self._answer, id_number, year)

    def _answer(self, id_number: str, year: int) -> WageYear:
        _si_name, rows = _person_months(self, id_number, year)
        months = tuple(
            WageMonth(m, tuple(WagePayment(r.unit, r.wage, r.income_tax or Decimal("0.00"))
                               for r in rows[m] if r.wage is not None))
            for m in months_of(year)
        )
        return WageYear(id_number, year, months)


class MockCertificates(Served, interface.CertificateSource):
    def _person_year(self, id_number: str, year: int) -> CertificateYear:
        return self._serve(self._answer, id_number, year)

    def _answer(self, id_number: str, year: int) -> CertificateYear:
        rows = _fetch(_certificates_sql(), [id_number])
        if not rows:
            raise PersonNotFound("残疾人证：未查询到该人员的残疾证信息", source=self.name)
        *_cert, name, sex, birth, hukou_region, hukou_address = rows[0]
        holder = Holder(name, sex, _date(birth), hukou_region, hukou_address)
        first, last = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
        certificates = []
        for number, kind, category, grade, valid_from, valid_to, *_holder in rows:
            valid_from, valid_to = _date(valid_from), _date(valid_to)
            if valid_from <= last and valid_to >= first:
                certificates.append(Certificate(number, kind, category, grade, valid_from, valid_to))
        return CertificateYear(id_number, year, holder, tuple(certificates))


class MockCivilStatus(Served, interface.CivilStatusSource):
    def _person_year(self, id_number: str, year: int) -> CivilStatus:
        return self._serve(self._answer, id_number, year)

    def _answer(self, id_number: str, year: int) -> CivilStatus:
        rows = _fetch(_civil_sql(), [id_number])
        if not rows:
            raise PersonNotFound(f"{self.label}：未查询到该人员信息", source=self.name)
        name, death_date = rows[0]
        return CivilStatus(id_number, name, death_date is None, _date(death_date))


class MockPension(Served, interface.PensionSource):
    def _person_year(self, id_number: str, year: int) -> PensionStatus:
        return self._serve(self._answer, id_number, year)

    def _answer(self, id_number: str, year: int) -> PensionStatus:
        rows = _fetch(_pension_sql(), [id_number])
        if not rows or not rows[0][0]:
            raise PersonNotFound("退休及养老金：未匹配到社保信息", source=self.name)
        _si, retired, month, account, bank, withholdable, balance, code, name, si_number = rows[0]
        unit = UnitRef(code, name, si_number) if code else None
        return PensionStatus(id_number, year, bool(retired), month, unit, account, bank, bool(withholdable),
                             _decimal(balance) if balance is not None else Decimal("0.00"))


    def _withhold(self, order: WithholdingOrder) -> WithholdingReceipt:
        return self._serve(self._take, order)

    def _take(self, order: WithholdingOrder) -> WithholdingReceipt:
        """The first answer is the answer: the record (unique by reference) and the balance change
        commit together, so an order asked twice (even at once) takes the money once — the second
        insert fails, its transaction (and its balance change) rolls back, and the first record is
        read instead. Raw SQL, like the pension reads: a run asks this ten thousand times and the
        ORM's overhead was larger than the queries'."""
        try:
            with transaction.atomic():
                row = self._process(order)
        except IntegrityError:  # asked before (or twice at once): the first answer stands, nothing more taken
            row = _withholding_row(order.reference)
        if row.id_number != order.id_number or _decimal(row.amount) != order.amount:
            raise FeedRejected("退休及养老金：该代扣单号已用于其他人员或金额", source=self.name)
        return row.receipt

    def _process(self, order: WithholdingOrder) -> "_WithholdingRow":
        now = timezone.now()
        status, message, withheld = WITHHOLDING_DONE, "", order.amount
        if not _fetch(_withhold_sql(), [order.amount, order.id_number, order.amount]):
            status, withheld = WITHHOLDING_INVALID, Decimal("0.00")
            person = _fetch(_account_sql(), [order.id_number])
            if not person or not person[0][0] or not person[0][1]:
                message = "未匹配到养老金账户"
            elif not person[0][2]:
                message = "养老金账户不接受委托代扣"
            else:
                status, message = WITHHOLDING_INSUFFICIENT, "养老金账户余额不足"
        # the bank's serial number: derived from the order, so the record is one statement
        serial = hashlib.sha1(order.reference.encode()).hexdigest()[:10].upper()
        bank_reference = f"DK{timezone.localdate(now):%Y%m%d}{serial}" if status == WITHHOLDING_DONE else ""
        with connection.cursor() as cursor:
            cursor.execute(_record_sql(), [order.reference, order.id_number, order.name[:64], order.amount,
                                           order.purpose[:100], status, withheld, now, bank_reference, message])
        return _WithholdingRow(order.id_number, order.amount, WithholdingReceipt(
            order.reference, status, withheld, now, bank_reference, message))

    def _withholding_status(self, reference: str) -> WithholdingReceipt:
        return self._serve(self._answer_withholding, reference)

    def _answer_withholding(self, reference: str) -> WithholdingReceipt:
        row = _withholding_row(reference)
        if row is None:
            raise SubmissionNotFound("退休及养老金：未查询到该代扣单", source=self.name)
        return row.receipt


class _WithholdingRow(NamedTuple):
    id_number: str
    amount: Decimal
    receipt: WithholdingReceipt


@cache
def _withhold_sql() -> str:
    """Take the amount where the account exists, accepts withholding and holds enough (one statement,
    so two orders for one person at once never overdraw it)."""
    return (f"UPDATE {_table(RegistryPerson)} SET pension_balance = pension_balance - %s "
            "WHERE id_number = %s AND si_name <> '' AND pension_account <> '' AND withholdable "
            "AND pension_balance >= %s RETURNING id_number")


@cache
def _account_sql() -> str:
    return f"SELECT si_name, pension_account, withholdable FROM {_table(RegistryPerson)} WHERE id_number = %s"


@cache
def _record_sql() -> str:
    return (f"INSERT INTO {_table(WithholdingRecord)} (reference, id_number, name, amount, purpose, status, withheld, "
            "processed_at, bank_reference, message) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s)")


def _withholding_row(reference: str) -> _WithholdingRow | None:
    rows = _fetch(f"SELECT reference, status, withheld, processed_at, bank_reference, message, id_number, amount "
                  f"FROM {_table(WithholdingRecord)} WHERE reference = %s", [reference])
    if not rows:
        return None
    ref, status, withheld, processed_at, bank_reference, message, id_number, amount = rows[0]
    if isinstance(processed_at, str):  # SQLite answers text for a datetime column
        processed_at = datetime.datetime.fromisoformat(processed_at)
    if processed_at.tzinfo is None:
        processed_at = processed_at.replace(tzinfo=datetime.UTC)
    return _WithholdingRow(id_number, _decimal(amount), WithholdingReceipt(
        ref, status, _decimal(withheld), processed_at, bank_reference, message))


class MockEnterprises(Served, interface.EnterpriseSource):
    def _lookup(self, credit_code: str) -> EnterpriseRecord:
        return self._serve(self._answer, credit_code)

    def _answer(self, credit_code: str) -> EnterpriseRecord:
        u = RegistryUnit.objects.filter(credit_code=credit_code).first()
        if u is None:
            raise UnitNotFound("企业登记：未查询到该统一社会信用代码的登记信息", source=self.name)
        return EnterpriseRecord(u.credit_code, u.name, u.address, u.registration_authority, u.region_code)


def _payload(result: CertifiedResult) -> dict:
    return {
        "credit_code": result.credit_code, "unit_name": result.unit_name, "business_year": result.business_year,
        "headcount": result.headcount, "placed_equivalent": str(result.placed_equivalent),
        "certified_at": result.certified_at.isoformat(),
        "persons": [{"id_number": p.id_number, "name": p.name, "months": list(p.months), "weight": p.weight}
                    for p in result.persons],
    }


def _receipt(s: IntakeSubmission) -> IntakeReceipt:
    return IntakeReceipt(s.reference, s.status, s.received_at, s.acknowledged_at, s.intake_number, s.message)


class MockTaxIntake(Served, interface.TaxIntakeSource):
    """Receives at once, acknowledges `ack_delay_s` later (seen at the next status query), unless
    staff staged a refusal."""

    def _submit(self, result: CertifiedResult) -> IntakeReceipt:
        return self._serve(self._receive, result, _payload(result))

    def _revoke(self, revocation: CertifiedRevocation) -> IntakeReceipt:
        payload = {"revokes": revocation.revokes, "reason": revocation.reason,
                   "revoked_at": revocation.revoked_at.isoformat()}
        return self._serve(self._receive, revocation, payload)

    def _receive(self, handed, payload: dict) -> IntakeReceipt:
        digest = hashlib.sha256(json.dumps(payload, sort_keys=True, ensure_ascii=False).encode()).hexdigest()
        existing = IntakeSubmission.objects.filter(reference=handed.reference).first()
        if existing is None:
            now = timezone.now()
            try:
                with transaction.atomic():
                    existing = IntakeSubmission.objects.create(
                        reference=handed.reference, credit_code=handed.credit_code, unit_name=handed.unit_name,
                        business_year=handed.business_year, payload=payload, digest=digest, received_at=now,
                        ack_due_at=now + timedelta(seconds=current_behaviour().ack_delay_s),
                    )
            except IntegrityError:  # the same hand-off arrived twice at once
                existing = IntakeSubmission.objects.get(reference=handed.reference)
        if existing.digest != digest:
            raise FeedRejected("税务接收：该提交编号已用于内容不同的提交", source=self.name)
        return _receipt(existing)

    def _status(self, reference: str) -> IntakeReceipt:
        return self._serve(self._answer_status, reference)

    def _answer_status(self, reference: str) -> IntakeReceipt:
        now = timezone.now()
        s = IntakeSubmission.objects.filter(reference=reference).first()
        if s is None:
            raise SubmissionNotFound("税务接收：未查询到该提交", source=self.name)
        if s.status == INTAKE_RECEIVED and s.ack_due_at <= now:
            # Conditional, so two status queries at once acknowledge once and agree on the number.
            IntakeSubmission.objects.filter(pk=s.pk, status=INTAKE_RECEIVED).update(
                status=INTAKE_ACKNOWLEDGED, acknowledged_at=now,
                intake_number=s.intake_number_for(now),
            )
            s = IntakeSubmission.objects.get(pk=s.pk)
        return _receipt(s)


def _payment_receipt(r: PaymentRecord) -> PaymentReceipt:
    return PaymentReceipt(r.reference, r.status, _decimal(r.amount), r.requested_at, r.settled_at, r.bank_reference,
                          r.message)


class MockPayments(Served, interface.PaymentChannelSource):
    """Receives at once and settles `settle_delay_s` later (seen at the next status query) with the
    staged outcome: paid, unless a failure was staged on the record."""

    def _request(self, order: PaymentOrder) -> PaymentReceipt:
        return self._serve(self._receive, order)

    def _receive(self, order: PaymentOrder) -> PaymentReceipt:
        record = PaymentRecord.objects.filter(reference=order.reference).first()
        if record is None:
            now = timezone.now()
            try:
                with transaction.atomic():
                    record = PaymentRecord.objects.create(
                        reference=order.reference, credit_code=order.credit_code, unit_name=order.unit_name,
                        amount=order.amount, method=order.method, purpose=order.purpose, requested_at=now,
                        settle_due_at=now + timedelta(seconds=current_behaviour().settle_delay_s),
                    )
            except IntegrityError:  # the same order arrived twice at once
                record = PaymentRecord.objects.get(reference=order.reference)
        if _decimal(record.amount) != order.amount or record.credit_code != order.credit_code:
            raise FeedRejected("缴费渠道：该缴费单号已用于金额或单位不同的缴费", source=self.name)
        return _payment_receipt(record)

    def _status(self, reference: str) -> PaymentReceipt:
        return self._serve(self._answer_status, reference)

    def _answer_status(self, reference: str) -> PaymentReceipt:
        now = timezone.now()
        record = PaymentRecord.objects.filter(reference=reference).first()
        if record is None:
            raise SubmissionNotFound("缴费渠道：未查询到该缴费单", source=self.name)
        if record.status == PAYMENT_PENDING and record.settle_due_at <= now:
            paid = record.staged_outcome != "failed"
            # conditional, so two status queries at once settle once and agree
            PaymentRecord.objects.filter(pk=record.pk, status=PAYMENT_PENDING).update(
                status="paid" if paid else "failed", settled_at=now,
                bank_reference=f"YH{timezone.localdate(now):%Y%m%d}{record.pk:08d}" if paid else "",
                message="" if paid else (record.staged_message or "扣款失败"),
            )
            record = PaymentRecord.objects.get(pk=record.pk)
        return _payment_receipt(record)


class MockPayouts(Served, interface.PayoutChannelSource):
    """The bank paying rewards: kept with the payment channel's records (method "payout"), settling
    the same way — paid `settle_delay_s` later unless a failure was staged on the record."""

    _status = MockPayments._status
    _answer_status = MockPayments._answer_status

    def _request(self, order: PayoutOrder) -> PaymentReceipt:
        return self._serve(self._receive_payout, order)

    def _receive_payout(self, order: PayoutOrder) -> PaymentReceipt:
        record = PaymentRecord.objects.filter(reference=order.reference).first()
        account_tail = order.account_number[-4:]
        if record is None:
            now = timezone.now()
            try:
                with transaction.atomic():
                    record = PaymentRecord.objects.create(
                        reference=order.reference, credit_code=order.credit_code, unit_name=order.payee_name[:200],
                        amount=order.amount, method="payout", purpose=f"{order.purpose}（尾号{account_tail}）"[:100],
                        requested_at=now, settle_due_at=now + timedelta(seconds=current_behaviour().settle_delay_s),
                    )
            except IntegrityError:  # the same order arrived twice at once
                record = PaymentRecord.objects.get(reference=order.reference)
        if _decimal(record.amount) != order.amount or not record.purpose.endswith(f"（尾号{account_tail}）"):
            raise FeedRejected("奖励发放银行：该发放单号已用于金额或账号不同的发放", source=self.name)
        return _payment_receipt(record)


def mock_feeds(*, observed: bool = True) -> interface.Feeds:
    return interface.Feeds(
        social_insurance=MockSocialInsurance(observed=observed),
        medical_insurance=MockMedicalInsurance(observed=observed),
        wages=MockWages(observed=observed),
        certificates=MockCertificates(observed=observed),
        civil_status=MockCivilStatus(observed=observed),
        pension=MockPension(observed=observed),
        enterprises=MockEnterprises(observed=observed),
        tax_intake=MockTaxIntake(observed=observed),
        payments=MockPayments(observed=observed),
        payouts=MockPayouts(observed=observed),
    )
