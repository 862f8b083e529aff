"""Properties of the levy over random figures, under the seeded policies of several regions and
years: never negative, never above the gross, never more when a disabled person is added, money
always with two decimals, and the shown figures add up."""

from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from levy.rules import DisabledPerson, LevyInputs, calculate_levy, savings_from_hiring
from levy.selectors import policy_for

pytestmark = pytest.mark.django_db

REGIONS = ["000000", "310104", "410000", "150102", "510104"]
YEARS = [2017, 2019, 2021, 2026, 2028]  # collection years: before tiers, with tiers, after 2027

persons = st.builds(
    DisabledPerson,
    certificate=st.sampled_from(["disability", "military"]),
    grade=st.integers(1, 4),
    months=st.integers(0, 12),
)
inputs = st.builds(
    LevyInputs,
    unit_kind=st.sampled_from(["enterprise", "government", "institution", "social_org"]),
    wage_total=st.decimals(min_value=0, max_value=10**9, places=2),
    monthly_headcounts=st.one_of(st.just(()), st.lists(st.integers(0, 3000), min_size=12, max_size=12).map(tuple)),
    headcount=st.decimals(min_value=0, max_value=3000, places=2),
    disabled=st.lists(persons, max_size=8).map(tuple),
    social_average_wage=st.one_of(st.none(), st.decimals(min_value=1, max_value=500_000, places=2)),
)


def test_levy_properties():
    policies = [policy_for(region, year) for region in REGIONS for year in YEARS]

    @settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(figures=inputs, policy=st.sampled_from(policies), extra=persons)
    def check(figures, policy, extra):
        result = calculate_levy(figures, policy)
        for money in (result.levy, result.gross_levy, result.reduction, result.average_wage):
            assert money.as_tuple().exponent == -2
        assert Decimal(0) <= result.levy <= result.gross_levy
        assert result.gross_levy == result.levy + result.reduction
        saved, after = savings_from_hiring(figures, policy, extra)
        assert after.levy <= result.levy and saved >= 0

    check()
