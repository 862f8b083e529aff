"""The other registries through the mock: medical insurance, wages, certificates, civil status,
pension, the enterprise registry and the tax-bureau intake."""

import datetime
from decimal import Decimal

import pytest
import time_machine
from django.utils import timezone

from portal.feeds import FeedRejected, PersonNotFound, SubmissionNotFound, UnitNotFound, configure, stats
from portal.feeds.types import CertifiedPerson, CertifiedResult
from tests.portal.feeds.factories import (
    CertificateFactory,
    MonthRecordFactory,
    RegistryPersonFactory,
    RegistryUnitFactory,
    employed,
)

pytestmark = pytest.mark.django_db


def test_medical_insurance_and_wages_answer_per_month_and_per_payer(feeds):
    unit, other = RegistryUnitFactory(), RegistryUnitFactory()
    person = employed(unit=unit, wage=Decimal("2600.00"), income_tax=Decimal("0.00"))
    MonthRecordFactory(person=person, unit=other, month=202506, si_paid=None, si_base=None, mi_paid=None,
                       wage=Decimal("1200.00"), income_tax=Decimal("0.00"))
    person.months.filter(month=202502, unit=unit).update(mi_paid=None, wage=None, income_tax=None)
    mi = feeds.medical_insurance.person_year(person.id_number, 2025)
    assert [m.month for m in mi.months if not m.paid] == [202502]
    assert mi.month(202506).paid_by(unit.credit_code) and not mi.month(202506).paid_by(other.credit_code)
    wages = feeds.wages.person_year(person.id_number, 2025)
    assert wages.month(202502).payments == () and not wages.month(202502).paid
    assert wages.month(202506).wage_from(unit.credit_code) == Decimal("2600.00")
    assert wages.month(202506).wage_from(unit.credit_code, other.credit_code) == Decimal("3800.00")
    with pytest.raises(PersonNotFound):
        feeds.wages.person_year("110105199001011236", 2025)


def test_certificates_come_with_the_holder_and_only_those_valid_in_the_year(feeds):
    person = RegistryPersonFactory(name="周丽", sex="F", hukou_address="上海市徐汇区某路1号")
    CertificateFactory(person=person, category=6, grade=4, valid_from=datetime.date(2013, 1, 1),
                       valid_to=datetime.date(2022, 12, 31))
    CertificateFactory(person=person, category=6, grade=2, valid_from=datetime.date(2023, 1, 5),
                       valid_to=datetime.date(2025, 6, 19))
    result = feeds.certificates.person_year(person.id_number, 2025)
    assert (result.holder.name, result.holder.sex, result.holder.hukou_region) == ("周丽", "F", "310104")
    assert result.holder.birth_date == person.birth_date
    assert [c.grade for c in result.certificates] == [2]  # the 2013 one ended before 2025
    assert result.valid_in(202506).number == f"{person.id_number}62" and result.valid_in(202507) is None
    assert feeds.certificates.person_year(person.id_number, 2026).certificates == ()
    with pytest.raises(PersonNotFound):
        feeds.certificates.person_year(RegistryPersonFactory().id_number, 2025)


def test_civil_status_and_pension(feeds):
    alive = RegistryPersonFactory()
    dead = RegistryPersonFactory(retiree=True, death_date=datetime.date(2025, 9, 12))
    assert feeds.civil_status.person_year(alive.id_number, 2025).alive
    status = feeds.civil_status.person_year(dead.id_number, 2025)
    assert not status.alive and status.death_date == datetime.date(2025, 9, 12)
    working = feeds.pension.person_year(alive.id_number, 2025)
    assert not working.retired and working.retirement_month is None and not working.can_withhold(Decimal(1))
    pension = feeds.pension.person_year(dead.id_number, 2025)
    assert pension.retired and pension.retirement_month == 201601 and pension.can_withhold(Decimal("450"))
    assert not pension.can_withhold(Decimal("3000.01"))
    with pytest.raises(PersonNotFound, match="未匹配到社保信息"):
        feeds.pension.person_year(RegistryPersonFactory(unknown_to_si=True).id_number, 2025)


def test_the_enterprise_registry_answers_by_credit_code(feeds):
    unit = RegistryUnitFactory(name="上海登记测试有限公司", address="上海市徐汇区漕溪北路1号")
    record = feeds.enterprises.lookup(unit.credit_code.lower())  # pasted in lower case
    assert (record.name, record.address, record.registration_authority, record.region_code) == (
        "上海登记测试有限公司", "上海市徐汇区漕溪北路1号", "上海市徐汇区市场监督管理局", "310104")
    with pytest.raises(UnitNotFound):
        feeds.enterprises.lookup("91310104MA1FL3X8Q9")


def _result(reference: str = "CERT-2025-0001", headcount: int = 186) -> CertifiedResult:
    return CertifiedResult(
        reference=reference, credit_code="91310104MA1FL3X8QJ", unit_name="上海浦江精密仪器有限公司",
        business_year=2025, headcount=headcount, placed_equivalent=Decimal("2.5"),
        persons=(CertifiedPerson("310104198504129011", "张伟明", tuple(range(202501, 202513)), 2),),
        certified_at=datetime.datetime(2026, 3, 2, 10, 0, tzinfo=datetime.UTC),
    )


def test_the_tax_intake_receives_once_and_acknowledges_later(feeds):
    with configure(ack_delay_s=3600):
        receipt = feeds.tax_intake.submit(_result())
        assert receipt.status == "received" and receipt.intake_number == ""
        assert feeds.tax_intake.submit(_result()) == receipt  # delivered twice: one submission
        assert feeds.tax_intake.status("CERT-2025-0001").status == "received"
    with time_machine.travel(timezone.now() + datetime.timedelta(hours=1, seconds=1)):
        later = feeds.tax_intake.status("CERT-2025-0001")
        assert later.status == "acknowledged" and later.status_label == "已确认接收"
        assert later.intake_number.startswith("SW") and later.acknowledged_at <= timezone.now()
        assert feeds.tax_intake.status("CERT-2025-0001") == later  # acknowledged once, the same number
    with pytest.raises(FeedRejected, match="内容不同"):
        feeds.tax_intake.submit(_result(headcount=190))
    with pytest.raises(SubmissionNotFound):
        feeds.tax_intake.status("CERT-NOPE")


def test_every_call_is_recorded_for_the_health_page(feeds):
    person = RegistryPersonFactory()
    for _ in range(3):
        feeds.civil_status.person_year(person.id_number, 2025)
    with pytest.raises(PersonNotFound):
        feeds.civil_status.person_year("110105199001011236", 2025)
    with configure(error_rate=1.0):
        with pytest.raises(Exception, match="503"):
            feeds.civil_status.person_year(person.id_number, 2025)
    summary = stats.summary("civil_status")
    assert (summary["calls"], summary["not_found"], summary["unavailable"]) == (5, 1, 1)
    assert summary["error_share"] == pytest.approx(0.2)
    assert stats.summary("wages") == {"calls": 0}
