"""The demo registry: every oddity is present and shows in what the feeds answer; the clean people
pass every registry check; loading twice changes nothing and keeps staff's edits."""

import datetime
from decimal import Decimal

import pytest

from portal.demo import UNITS
from portal.feeds import PersonNotFound
from portal.feeds.demo import DEMO_PEOPLE, Oddity, demo_people, demo_person, demo_unit, load_registry
from portal.feeds.models import MonthRecord, RegistryPerson, RegistryUnit, UnitHeadcount
from portal.feeds.types import months_of
from portal.identity import parse_certificate_number, parse_resident_id
from tests.portal.feeds.conftest import UNTIL

pytestmark = pytest.mark.django_db

# Monthly minimum wages the clean people must clear (DOMAIN.md §1; the brief's figures).
MINIMUM_WAGE = {"31": lambda m: Decimal(2690 if m < 202507 else 2740), "15": lambda m: Decimal(2270),
                "21": lambda m: Decimal(2100)}


def test_every_oddity_belongs_to_at_least_one_demo_person():
    present = {o for p in DEMO_PEOPLE for o in p.oddities}
    assert present == set(Oddity)
    assert len({p.id_number for p in DEMO_PEOPLE}) == len(DEMO_PEOPLE)
    for p in DEMO_PEOPLE:
        parse_resident_id(p.id_number)
        if p.certificate and "军" not in p.certificate:
            parse_certificate_number(p.certificate, id_number=p.id_number)
    assert {p.unit for p in DEMO_PEOPLE} >= {u.key for u in UNITS}
    assert len(demo_people(kind="employee", oddity=Oddity.CLEAN)) >= 3  # one per demo unit


def test_loading_twice_adds_nothing_and_keeps_staged_edits(demo_registry):
    counts = [m.objects.count() for m in (RegistryPerson, RegistryUnit, MonthRecord, UnitHeadcount)]
    staged = MonthRecord.objects.get(person_id=demo_person("sh-clean").id_number, month=202503)
    staged.si_paid = None
    staged.save()
    load_registry(until=UNTIL)
    assert [m.objects.count() for m in (RegistryPerson, RegistryUnit, MonthRecord, UnitHeadcount)] == counts
    assert MonthRecord.objects.get(pk=staged.pk).si_paid is None


def test_a_later_month_adds_that_months_records(demo_registry):
    before = MonthRecord.objects.count()
    load_registry(until=202612)
    assert MonthRecord.objects.filter(month=202612).count() > 0
    assert MonthRecord.objects.count() > before


def _working_months(year: int) -> tuple[int, ...]:
    return tuple(m for m in months_of(year) if m <= UNTIL)


@pytest.mark.parametrize("person", demo_people(oddity=Oddity.CLEAN, kind="employee"), ids=lambda p: p.key)
def test_a_clean_employee_passes_every_registry_check_in_2025_and_2026(demo_registry, feeds, person):
    unit = next(u.credit_code for u in UNITS if u.key == person.unit)
    minimum = MINIMUM_WAGE[person.id_number[:2]]
    for year in (2025, 2026):
        si = feeds.social_insurance.person_year(person.id_number, year)
        mi = feeds.medical_insurance.person_year(person.id_number, year)
        wages = feeds.wages.person_year(person.id_number, year)
        certs = feeds.certificates.person_year(person.id_number, year)
        assert si.name_on_record == person.roster_name
        for m in _working_months(year):
            assert si.month(m).paid_by(unit) and mi.month(m).paid_by(unit), m
            assert wages.month(m).wage_from(unit) >= minimum(m), m
            assert certs.valid_in(m) is not None, m
        assert feeds.civil_status.person_year(person.id_number, year).alive
        assert not feeds.pension.person_year(person.id_number, year).retired


def test_each_oddity_shows_in_the_feeds_answers(demo_registry, feeds):
    def si(key, year=2025):
        return feeds.social_insurance.person_year(demo_person(key).id_number, year)

    sh = demo_unit("sh").credit_code
    # 社保断缴 in March and April 2025, medical insurance and wages as usual
    gap = si("sh-gap")
    assert [m.month for m in gap.months if not m.paid] == [202503, 202504]
    assert feeds.medical_insurance.person_year(demo_person("sh-gap").id_number, 2025).month(202503).paid
    # 医保 missing in June and July
    mi = feeds.medical_insurance.person_year(demo_person("nm-medical-gap").id_number, 2025)
    assert [m.month for m in mi.months if not m.paid] == [202506, 202507]
    # a wage clearly under the minimum
    wages = feeds.wages.person_year(demo_person("sh-low-wage").id_number, 2025)
    assert {m.wage_from(sh) for m in wages.months} == {Decimal("1500.00")}
    # the certificate runs out on 2025-06-19
    certs = feeds.certificates.person_year(demo_person("sh-cert-expiring").id_number, 2025)
    assert certs.valid_in(202506) is not None and certs.valid_in(202507) is None
    # re-graded: grade 4 until February, grade 3 from 10 March (March still counts)
    regraded = feeds.certificates.person_year(demo_person("nm-regraded").id_number, 2025)
    assert regraded.valid_in(202502).grade == 4 and regraded.valid_in(202503).grade == 3
    assert feeds.certificates.person_year(demo_person("nm-reissued").id_number, 2025).certificates[0].number.endswith("B1")
    military = feeds.certificates.person_year(demo_person("ln-military").id_number, 2025).certificates[0]
    assert (military.kind, military.kind_label, military.grade) == ("military", "残疾军人证", 3)
    # retires in August 2025 (born June 1965: two months' delay), no contributions from then
    retiring = demo_person("sh-retiring")
    pension = feeds.pension.person_year(retiring.id_number, 2025)
    assert pension.retired and pension.retirement_month == 202508
    assert [m.month for m in si("sh-retiring").months if m.paid] == list(range(202501, 202508))
    assert feeds.pension.person_year(demo_person("ln-retiring").id_number, 2025).retirement_month == 202505
    # 社保姓名 differs from the roster
    assert (demo_person("sh-name").roster_name, si("sh-name").name_on_record) == ("王小明", "王晓明")
    assert si("sh-ret-name").name_on_record == "韩玫"
    # a deceased retiree and a deceased employee
    dead = feeds.civil_status.person_year(demo_person("sh-ret-deceased").id_number, 2025)
    assert not dead.alive and dead.death_date == datetime.date(2025, 9, 12)
    assert feeds.pension.person_year(demo_person("sh-ret-deceased").id_number, 2025).retired
    assert not si("ln-deceased").month(202511).paid and si("ln-deceased").month(202510).paid
    # two units pay January to June 2025
    two = si("sh-two-units")
    assert len(two.month(202503).payers) == 2 and len(two.month(202507).payers) == 1
    # a related unit and a dispatch agency pay, not the unit itself
    assert not si("sh-related").month(202503).paid_by(sh)
    assert si("sh-related").month(202503).paid_by(demo_unit("sh-sales").credit_code)
    assert si("sh-dispatched").month(202503).paid_by(demo_unit("sh-agency").credit_code)
    # pension accounts that cannot be withheld from
    amount = Decimal("450.00")
    assert not feeds.pension.person_year(demo_person("sh-ret-no-withholding").id_number, 2025).can_withhold(amount)
    low = feeds.pension.person_year(demo_person("sh-ret-low-balance").id_number, 2025)
    assert low.withholdable and low.balance == Decimal("120.00") and not low.can_withhold(amount)
    assert feeds.pension.person_year(demo_person("sh-ret-clean").id_number, 2025).can_withhold(amount)
    missing_month = feeds.pension.person_year(demo_person("sh-ret-no-month").id_number, 2025)
    assert missing_month.retired and missing_month.retirement_month is None
    # unknown to social insurance, and unknown to the certificate registry
    with pytest.raises(PersonNotFound):
        si("sh-ret-no-si")
    with pytest.raises(PersonNotFound):
        feeds.certificates.person_year(demo_person("sh-plain").id_number, 2025)


def test_the_units_are_registered_and_two_have_monthly_headcounts(demo_registry, feeds):
    sh = feeds.social_insurance.unit_year(demo_unit("sh").credit_code, 2025)
    assert sh.si_number == "31061826" and all(m.headcount for m in sh.months)
    assert [m.retirees for m in sh.months][7:10] == [8, 8, 7]  # 陈建国 retires in August, 郑美玲 dies in September
    assert all(m.headcount for m in feeds.social_insurance.unit_year(demo_unit("nm").credit_code, 2025).months)
    assert {m.headcount for m in feeds.social_insurance.unit_year(demo_unit("ln").credit_code, 2025).months} == {None}
    for unit in UNITS:
        record = feeds.enterprises.lookup(unit.credit_code)
        assert record.name == unit.name and record.address and record.registration_authority.endswith("市场监督管理局")
