"""The generator: a seed in, the same records out; valid numbers; the oddities are there."""

import datetime
from collections import Counter
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command

from portal.feeds.generator import (
    GENERATED,
    REGIONS,
    MonthRow,
    fingerprint,
    population,
    retirement_month,
    variant,
)
from portal.feeds.models import Certificate, MonthRecord, RegistryPerson, RegistryUnit, UnitHeadcount
from portal.identity import parse_certificate_number, parse_credit_code, parse_resident_id
from portal.regions import parse_loc_dat


def test_the_same_seed_gives_the_same_records_and_another_seed_other_records():
    first = fingerprint(population(seed=11, people=300, until=202611))
    assert fingerprint(population(seed=11, people=300, until=202611)) == first
    assert fingerprint(population(seed=12, people=300, until=202611)) != first


def _table_dump() -> str:
    rows = []
    for model in (RegistryUnit, RegistryPerson, Certificate, UnitHeadcount):
        rows += list(model.objects.order_by(*[f.attname for f in model._meta.concrete_fields if not f.primary_key]))
    rows += [MonthRow(*r) for r in MonthRecord.objects.order_by("person_id", "unit_id", "month").values_list(
        "person_id", "unit_id", "month", "si_paid", "si_base", "mi_paid", "wage", "income_tax")]
    return fingerprint(rows)


@pytest.mark.django_db
def test_the_command_writes_the_same_records_for_the_same_seed_and_replaces_the_last_generation():
    call_command("feeds_generate", seed=5, people=200, until=202611, stdout=StringIO())
    first = _table_dump()
    people = RegistryPerson.objects.count()
    call_command("feeds_generate", seed=5, people=200, until=202611, stdout=StringIO())
    assert _table_dump() == first
    assert RegistryPerson.objects.count() == people == 200  # replaced, not added
    assert MonthRecord.objects.count() > 200 * 12


@pytest.mark.django_db
def test_generating_keeps_the_demo_records(demo_registry):
    demo_people = RegistryPerson.objects.filter(origin="demo").count()
    call_command("feeds_generate", seed=3, people=100, until=202611, stdout=StringIO())
    call_command("feeds_generate", seed=4, people=100, until=202611, stdout=StringIO())
    assert RegistryPerson.objects.filter(origin="demo").count() == demo_people
    assert RegistryPerson.objects.filter(origin=GENERATED).count() == 100


@pytest.fixture(scope="module")
def rows():
    return list(population(seed=2026, people=3000, until=202611))


def test_every_number_is_valid_and_every_region_is_real(rows):
    real_regions = {r.code for r in parse_loc_dat()}
    assert set(REGIONS) <= real_regions
    persons = {r.id_number: r for r in rows if isinstance(r, RegistryPerson)}
    for person in persons.values():
        parsed = parse_resident_id(person.id_number)
        assert parsed.birth_date == person.birth_date
        assert parsed.sex == person.sex
        assert person.hukou_region in real_regions
        assert 900 > int(person.id_number[14:17])  # 9xx belongs to the demo people
    for unit in (r for r in rows if isinstance(r, RegistryUnit)):
        assert parse_credit_code(unit.credit_code).region_code == unit.region_code
    certificates = [r for r in rows if isinstance(r, Certificate)]
    assert len({c.number for c in certificates}) == len(certificates)
    for c in certificates:
        assert c.person_id in persons and c.valid_from < c.valid_to
        if c.kind == "disability":
            parsed = parse_certificate_number(c.number, id_number=c.person_id)
            assert (parsed.category, parsed.grade) == (c.category, c.grade)
        else:
            assert 1 <= c.grade <= 10


def test_the_population_has_the_oddities_in_small_shares(rows):
    persons = [r for r in rows if isinstance(r, RegistryPerson)]
    months = [r for r in rows if isinstance(r, MonthRow)]
    certificates = [r for r in rows if isinstance(r, Certificate)]
    count = len(persons)
    found = Counter()
    found["si gap"] = len({m.id_number for m in months if m.si_paid is None})
    found["si unpaid"] = len({m.id_number for m in months if m.si_paid is False})
    found["mi gap"] = len({m.id_number for m in months if m.mi_paid is None})
    found["wage 1500"] = len({m.id_number for m in months if m.wage == Decimal("1500.00")})
    by_month = Counter((m.id_number, m.month) for m in months)
    found["two payers"] = len({pid for (pid, _), n in by_month.items() if n > 1})
    found["deceased retiree"] = sum(1 for p in persons if p.retired and p.death_date)
    found["name differs"] = sum(1 for p in persons if p.si_name and p.si_name != p.name)
    found["unknown to si"] = sum(1 for p in persons if not p.si_name)
    found["not withholdable"] = sum(1 for p in persons if p.retired and not p.withholdable)
    found["balance under 450"] = sum(1 for p in persons if p.retired and p.pension_balance < 450)
    found["retirement month missing"] = sum(1 for p in persons if p.retired and p.retirement_month is None)
    found["retires in 2025"] = sum(1 for p in persons if p.retirement_month and 202501 < p.retirement_month <= 202512)
    found["certificate expires in 2025"] = sum(1 for c in certificates if c.valid_to.year == 2025)
    found["military certificate"] = sum(1 for c in certificates if c.kind == "military")
    missing = [name for name, n in found.items() if n == 0]
    assert not missing, f"no {missing} among {count} generated people"
    assert found["si gap"] < count * 0.1 and found["wage 1500"] < count * 0.05  # oddities, not the rule


def test_no_records_after_death_or_retirement(rows):
    persons = {r.id_number: r for r in rows if isinstance(r, RegistryPerson)}
    for m in (r for r in rows if isinstance(r, MonthRow)):
        p = persons[m.id_number]
        if p.death_date:
            assert m.month <= p.death_date.year * 100 + p.death_date.month
        if p.retirement_month:
            assert m.month < p.retirement_month


@pytest.mark.parametrize("birth,category,expected", [
    # DOMAIN.md §4's examples
    (datetime.date(1965, 1, 10), "M", 202502),
    (datetime.date(1970, 6, 1), "M", 203111),
    (datetime.date(1972, 10, 5), "F55", 202807),
    (datetime.date(1975, 3, 8), "F50", 202505),
    (datetime.date(1984, 11, 30), "F50", 203911),
    (datetime.date(1964, 12, 31), "M", 202412),  # before the reform's first delayed month
    (datetime.date(1990, 1, 1), "M", 205301),  # the delay is capped at 36 months
])
def test_retirement_months_follow_the_2025_reform(birth, category, expected):
    assert retirement_month(birth, category) == expected


@pytest.mark.parametrize("name,expected", [("王小明", "王晓明"), ("韩梅", "韩玫"), ("张三", "张晓")])
def test_a_name_variant_changes_one_character(name, expected):
    assert variant(name) == expected
