"""The social-insurance contract, passed by both the mock and the HTTP adapter (talking to the
gateway that serves the mock over localhost): the same questions get the same answers, the same
failures the same exceptions."""

from decimal import Decimal

import pytest

from portal.feeds import FeedRejected, FeedUnavailable, PersonNotFound, UnitNotFound, configure
from portal.feeds.gateway import Gateway
from portal.feeds.http import HttpSocialInsurance
from portal.feeds.mock import MockSocialInsurance
from portal.feeds.models import MonthRecord, UnitHeadcount
from portal.feeds.types import (
    SocialInsuranceMonth,
    SocialInsuranceYear,
    UnitInsuranceYear,
    UnitRef,
    months_of,
)
from tests.portal.feeds.factories import (
    MonthRecordFactory,
    RegistryPersonFactory,
    RegistryUnitFactory,
    employed,
)

# The gateway answers from its own threads, which must see committed rows: no test transaction.
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(params=["mock", "http"])
def source(request):
    if request.param == "mock":
        yield MockSocialInsurance()
        return
    with Gateway() as url:
        yield HttpSocialInsurance(url)


@pytest.fixture
def world():
    unit = RegistryUnitFactory(name="上海合约测试有限公司", si_number="31069999")
    other = RegistryUnitFactory(name="上海另一单位有限公司")
    person = employed(RegistryPersonFactory(name="王小明", si_name="王晓明"), unit, 2025, si_base=Decimal("7384.00"))
    MonthRecord.objects.filter(person=person, month=202503).update(si_paid=None, si_base=None)  # 断缴
    MonthRecord.objects.filter(person=person, month=202504).update(si_paid=False)  # 欠缴
    MonthRecordFactory(person=person, unit=other, month=202505)  # a second payer
    for month in months_of(2025)[:6]:
        UnitHeadcount.objects.create(unit=unit, month=month, headcount=180 + month % 100, retirees=9)
    return {"unit": unit, "other": other, "person": person}


def test_a_person_year_has_twelve_months_with_who_paid_what(source, world):
    unit, other, person = world["unit"], world["other"], world["person"]
    result = source.person_year(person.id_number, 2025)
    assert isinstance(result, SocialInsuranceYear)
    assert (result.id_number, result.year, result.name_on_record) == (person.id_number, 2025, "王晓明")
    assert [m.month for m in result.months] == list(months_of(2025))
    assert all(isinstance(m, SocialInsuranceMonth) for m in result.months)
    jan = result.month(202501)
    assert jan.paid and jan.paid_by(unit.credit_code) and not jan.paid_by(other.credit_code)
    assert jan.contributions[0].base == Decimal("7384.00")
    assert jan.contributions[0].unit == UnitRef(unit.credit_code, "上海合约测试有限公司", "31069999")
    assert not result.month(202503).paid and result.month(202503).contributions == ()
    april = result.month(202504)
    assert not april.paid and len(april.contributions) == 1 and april.contributions[0].paid is False
    assert {u.credit_code for u in result.month(202505).payers} == {unit.credit_code, other.credit_code}
    empty = source.person_year(person.id_number, 2023)
    assert [m.paid for m in empty.months] == [False] * 12


def test_a_unit_year_has_the_si_number_and_monthly_headcounts(source, world):
    unit = world["unit"]
    result = source.unit_year(unit.credit_code, 2025)
    assert isinstance(result, UnitInsuranceYear)
    assert (result.credit_code, result.name, result.si_number, result.year) == (
        unit.credit_code, "上海合约测试有限公司", "31069999", 2025)
    assert [m.headcount for m in result.months] == [181, 182, 183, 184, 185, 186] + [None] * 6
    assert result.month(202502).retirees == 9


def test_unknown_people_and_units_are_not_found_and_bad_questions_are_rejected(source, world):
    with pytest.raises(PersonNotFound):
        source.person_year("110105199001011236", 2025)  # a valid number nobody has
    with pytest.raises(PersonNotFound) as caught:
        source.person_year(RegistryPersonFactory(unknown_to_si=True).id_number, 2025)
    assert "未匹配到社保信息" in caught.value.message
    with pytest.raises(UnitNotFound):
        source.unit_year("91310104MA1FL3X8Q9", 2025)
    with pytest.raises(FeedRejected):
        source.person_year("12345", 2025)
    with pytest.raises(FeedRejected):
        source.person_year(world["person"].id_number, 20250)


def test_an_edit_shows_in_the_next_call(source, world):
    person = world["person"]
    assert source.person_year(person.id_number, 2025).month(202501).paid
    MonthRecord.objects.filter(person=person, month=202501).update(si_paid=None)
    assert not source.person_year(person.id_number, 2025).month(202501).paid


def test_outages_and_timeouts_are_unavailable(source, world):
    person = world["person"]
    with configure(error_rate=1.0), pytest.raises(FeedUnavailable) as caught:
        source.person_year(person.id_number, 2025)
    assert caught.value.reason == "error"
    with configure(timeout_rate=1.0, timeout_s=0.2), pytest.raises(FeedUnavailable) as caught:
        source.person_year(person.id_number, 2025)
    assert caught.value.reason == "timeout"


def test_a_unit_contribution_base_has_twelve_months_the_cap_and_the_four_changes(source, world):
    """Issue 16: the Shanghai 征缴 method's unit-level figures, with the oddities it must survive: a
    missing month, a base above the cap, and a 退账 (negative)."""
    from portal.feeds.models import UnitContribution, UnitContributionChange
    from portal.feeds.types import BASE_CHANGE_CATEGORIES, UnitContributionYear

    unit = world["unit"]
    for month in months_of(2025):
        if month == 202503:
            continue  # the registry has nothing for March
        UnitContribution.objects.create(unit=unit, month=month, base=Decimal("1850000.00"),
                                        capped_base=Decimal("1720000.50"), accounts=180 + month % 100)
    UnitContributionChange.objects.create(unit=unit, year=2025, category="refund", base=Decimal("-12000.00"),
                                          capped_base=Decimal("-12000.00"))
    UnitContributionChange.objects.create(unit=unit, year=2025, category="back_payment", base=Decimal("30000.00"),
                                          capped_base=Decimal("28000.00"))
    result = source.unit_contribution_base(unit.credit_code, 2025)
    assert isinstance(result, UnitContributionYear)
    assert (result.credit_code, result.si_number, result.year) == (unit.credit_code, "31069999", 2025)
    assert [m.month for m in result.months] == list(months_of(2025))
    march = result.month(202503)
    assert (march.base, march.capped_base, march.accounts) == (None, None, None)
    jan = result.month(202501)
    assert (jan.base, jan.capped_base, jan.accounts) == (Decimal("1850000.00"), Decimal("1720000.50"), 181)
    assert jan.capped_base < jan.base
    assert [c.category for c in result.changes] == list(BASE_CHANGE_CATEGORIES)
    changes = {c.category: c for c in result.changes}
    assert changes["refund"].base == Decimal("-12000.00") and changes["back_payment"].capped_base == Decimal("28000.00")
    assert changes["manual"].base == Decimal("0.00")
    with pytest.raises(UnitNotFound):
        source.unit_contribution_base("91310104MA1FL3X8Q9", 2025)
    with configure(error_rate=1.0), pytest.raises(FeedUnavailable):
        source.unit_contribution_base(unit.credit_code, 2025)
