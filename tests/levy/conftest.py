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
