"""Helpers for the levy tests: the seeded policy table (data migration 0002) is in every test
database; transactional tests flush it, so they reload it with `policy_loaded`."""

from decimal import Decimal

import pytest
from django.core.cache import cache

from levy.rules import DisabledPerson, LevyInputs, calculate_levy
from levy.selectors import policy_for


def person(grade: int, months: int = 12, certificate: str = "disability", local_hukou: bool = True) -> DisabledPerson:
    return DisabledPerson(certificate, grade, months, local_hukou)


def levy_of(*, region: str = "000000", data_year: int = 2025, headcount=None, monthly=(), wages,
            persons=(), kind: str = "enterprise", sav=None):
    """The engine's result for figures written as DOMAIN.md writes them."""
    inputs = LevyInputs(
        unit_kind=kind, wage_total=Decimal(str(wages)), monthly_headcounts=tuple(monthly),
        headcount=None if headcount is None else Decimal(str(headcount)), disabled=tuple(persons),
        social_average_wage=None if sav is None else Decimal(str(sav)),
    )
    return calculate_levy(inputs, policy_for(region, data_year + 1))


@pytest.fixture
def fresh_throttle():
    """The public API throttles per address in the cache; each API test starts with a clean count."""
    cache.clear()
    yield
    cache.clear()


# --- the assessment journey (issue 16) ----------------------------------------------------------


def counted(grade: int = 3, months: int = 12, name: str = "张三", index: int = 1, local: bool = True):
    """A certified person (levy.rules.certified.CountedPerson) counted for `months` months of 2025."""
    from levy.rules import person_weight
    from levy.rules.certified import CountedPerson
    from tests.factories import resident_id

    weight = person_weight("disability", grade)
    return CountedPerson(name=name, id_number=resident_id(index), certificate_kind="disability",
                         certificate_grade=grade, local_hukou=local, graduate=False,
                         months=tuple(202500 + m for m in range(1, months + 1)), weights=(weight,) * months)


def certify_unit(employer, *, year: int = 2025, headcount: int = 200, persons=()):
    """What a certification hands levy: the figures and per-person snapshot of a business year."""
    from levy.services import certified_figures_record

    return certified_figures_record(employer=employer, business_year=year, headcount=headcount,
                                    persons=list(persons), certificate_reference=f"RD-{employer.pk}-{year}",
                                    actor=None)


def unit_in(code: str, name: str = "", credit_body: int | None = None):
    from tests import factories as f

    region = f.region(code)
    return f.EmployerFactory(admin_region=region, **({"name": name} if name else {}))


@pytest.fixture
def agent_for():
    from tests import factories as f

    def make(employer):
        return f.AgentFactory(employer=employer, is_registrant=True).user

    return make


def registry_unit_for(employer, *, year: int = 2025, accounts=200, capped=("1600000.00",) * 12, base=None,
                      missing=(), changes=None):
    """The unit as the social-insurance registry knows it, with its 征缴基数 for `year`."""
    from portal.feeds.models import RegistryUnit, UnitContribution, UnitContributionChange

    unit, _ = RegistryUnit.objects.get_or_create(
        credit_code=employer.credit_code,
        defaults={"name": employer.name, "address": "上海市", "registration_authority": "市场监督管理局",
                  "region_code": employer.admin_region_id, "si_number": "3106" + employer.credit_code[-4:]})
    for i in range(12):
        month = year * 100 + i + 1
        if month in missing:
            continue
        count = accounts[i] if isinstance(accounts, list | tuple) else accounts
        capped_i = Decimal(capped[i])
        UnitContribution.objects.create(unit=unit, month=month, capped_base=capped_i, accounts=count,
                                        base=Decimal(base[i]) if base else capped_i)
    for category, (b, c) in (changes or {}).items():
        UnitContributionChange.objects.create(unit=unit, year=year, category=category, base=Decimal(b),
                                              capped_base=Decimal(c))
    return unit
