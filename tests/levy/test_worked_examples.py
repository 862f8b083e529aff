"""Every worked example of DOMAIN.md §1 and reference/domain-rules.md §8 (E1–E12), from the seeded
policy table: ratio 1.5% (1.6% in Henan), collection year 2026 (relief in force)."""

from decimal import Decimal
from fractions import Fraction

import pytest

from tests.levy.conftest import levy_of, person

pytestmark = pytest.mark.django_db

D = Decimal

EXAMPLES = [
    # id, figures, gross, levy, reduction rule
    ("E1", dict(headcount=200, wages=20_000_000, persons=[person(3)]), D("200000.00"), D("180000.00"), "tier_90"),
    ("E2", dict(headcount=200, wages=20_000_000, persons=[person(4), person(4)]), D("100000.00"), D("50000.00"),
     "tier_50"),
    ("E2b", dict(headcount=200, wages=20_000_000, persons=[person(3), person(4), person(4, 6)]), D("50000.00"),
     D("25000.00"), "tier_50"),
    ("E3", dict(headcount=200, wages=20_000_000, persons=[person(3)] * 3), D("0.00"), D("0.00"), "at_or_over_ratio"),
    ("E4", dict(headcount=100, wages=9_000_000, persons=[person(1), person(3)]), D("0.00"), D("0.00"),
     "at_or_over_ratio"),
    ("E5", dict(monthly=[30] * 7 + [31] * 5, wages=2_400_000), D("36000.00"), D("0.00"), "small_enterprise_exempt"),
    ("E5b", dict(monthly=[30] * 7 + [31] * 5, wages=2_400_000, kind="institution"), D("36000.00"), D("32400.00"),
     "tier_90"),
    ("E5c", dict(monthly=[30] * 6 + [31] * 6, wages=2_480_000), D("37200.00"), D("33480.00"), "tier_90"),
    ("E6", dict(headcount=50, wages=30_000_000, sav=120_000), D("180000.00"), D("162000.00"), "tier_90"),
    ("E7", dict(headcount=300, wages=27_000_000, persons=[person(2), person(1, 3), person(4, 8)]), D("120000.00"),
     D("60000.00"), "tier_50"),
    ("E8", dict(headcount=500, wages=40_000_000, persons=[person(3, 6), person(2, 6)]), D("480000.00"),
     D("432000.00"), "tier_90"),
    ("E9", dict(headcount=200, wages=20_000_000, persons=[]), D("300000.00"), D("270000.00"), "tier_90"),
    ("E10", dict(region="310000", monthly=[48, 50, 50, 52, 52, 52, 50, 50, 50, 48, 48, 50], wages=6_600_000),
     D("99000.00"), D("89100.00"), "tier_90"),
    ("E11", dict(region="410000", headcount=250, wages=20_000_000, persons=[person(3)] * 3), D("80000.00"),
     D("40000.00"), "tier_50"),
    ("E11-1.5%", dict(region="110000", headcount=250, wages=20_000_000, persons=[person(3)] * 3), D("60000.00"),
     D("30000.00"), "tier_50"),
    ("E12", dict(headcount=137, wages=12_345_678, persons=[person(3, 7)]), D("132618.41"), D("119356.57"), "tier_90"),
]


@pytest.mark.parametrize("figures,gross,levy,rule", [e[1:] for e in EXAMPLES], ids=[e[0] for e in EXAMPLES])
def test_worked_example(figures, gross, levy, rule):
    result = levy_of(**figures)
    assert (result.gross_levy, result.levy, result.reduction_rule) == (gross, levy, rule)
    assert result.gross_levy == result.levy + result.reduction


def test_e4_reports_one_and_a_half_persons_over_the_ratio():
    result = levy_of(headcount=100, wages=9_000_000, persons=[person(1), person(3)])
    assert result.required_count == Fraction(3, 2) and result.shortfall == Fraction(-3, 2)


def test_e5_and_e5c_round_the_headcount_half_up():
    assert levy_of(monthly=[30] * 7 + [31] * 5, wages=2_400_000).headcount == 30
    assert levy_of(monthly=[30] * 6 + [31] * 6, wages=2_480_000).headcount == 31


def test_e6_caps_the_average_wage_at_twice_the_social_average():
    capped = levy_of(headcount=50, wages=30_000_000, sav=120_000)
    assert capped.cap_applied and capped.average_wage == D("240000.00")
    assert capped.average_wage_uncapped == D("600000.00")
    uncapped = levy_of(headcount=50, wages=30_000_000, sav=600_000)
    assert not uncapped.cap_applied and uncapped.levy == D("405000.00")


def test_e7_counts_an_exact_fraction_of_persons():
    result = levy_of(headcount=300, wages=27_000_000, persons=[person(2), person(1, 3), person(4, 8)])
    assert result.disabled_count == Fraction(19, 6)
    assert result.shortfall == Fraction(4, 3)
    assert result.actual_ratio == Fraction(19, 1800)


def test_e10_takes_shanghais_social_average_wage_from_the_table_and_the_cap_does_not_bind():
    result = levy_of(region="310000", monthly=[48, 50, 50, 52, 52, 52, 50, 50, 50, 48, 48, 50], wages=6_600_000)
    assert result.headcount == 50 and result.cap == D("295368.00") and not result.cap_applied


def test_e12_keeps_the_exact_average_wage_and_rounds_only_the_money():
    result = levy_of(headcount=137, wages=12_345_678, persons=[person(3, 7)])
    assert result.average_wage_exact == Fraction(12_345_678, 137)
    assert result.disabled_count == Fraction(7, 12)
