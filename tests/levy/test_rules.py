"""The engine's boundary cases, weights, late fee (L1–L2), over-ratio reward (R1–R5) and the
working-age helpers other apps call (DOMAIN.md §4)."""

import datetime
import io
import tokenize
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import pytest

from levy.rules import (
    NATIONAL_WEIGHT_RULE,
    LevyInputs,
    WeightRule,
    is_working_age,
    late_fee,
    person_weight,
    retirement_month,
    round_half_up,
    working_age_months,
)
from levy.selectors import policy_for, reward_estimate
from tests.levy.conftest import levy_of, person

D = Decimal


# --- weights ------------------------------------------------------------------------------------


@pytest.mark.parametrize("certificate,grade,weight", [
    ("disability", 1, 2), ("disability", 2, 2), ("disability", 3, 1), ("disability", 4, 1),
    ("military", 1, 2), ("military", 3, 2), ("military", 4, 1), ("military", 8, 1),
    ("military", 9, 0), ("military", 10, 0),
])
def test_person_weight_follows_the_national_rule(certificate, grade, weight):
    assert person_weight(certificate, grade) == weight


@pytest.mark.parametrize("certificate,grade", [("disability", 5), ("disability", 0), ("military", 11), ("other", 1)])
def test_person_weight_refuses_a_grade_no_certificate_has(certificate, grade):
    with pytest.raises(ValueError):
        person_weight(certificate, grade)


def test_person_weight_uses_a_regional_rule_when_given():
    # old Shanghai-style narrower rule: only grade 1 counts twice
    narrow = WeightRule(frozenset({1}), frozenset({1}), frozenset(range(1, 9)), 2, 1)
    assert person_weight("disability", 2, narrow) == 1
    assert person_weight("disability", 2, NATIONAL_WEIGHT_RULE) == 2


@pytest.mark.django_db
def test_military_grade_3_counts_twice_and_grade_4_once_in_the_levy():
    three = levy_of(headcount=200, wages=20_000_000, persons=[person(3, certificate="military")])
    four = levy_of(headcount=200, wages=20_000_000, persons=[person(4, certificate="military")])
    assert (three.disabled_count, four.disabled_count) == (2, 1)
    assert (three.levy, four.levy) == (D("50000.00"), D("180000.00"))


# --- boundaries ---------------------------------------------------------------------------------



@pytest.mark.django_db
def test_just_under_one_percent_pays_ninety_percent():
    # A = 2 − 1/12: one grade-4 all year and one for 11 months
    result = levy_of(headcount=200, wages=20_000_000, persons=[person(4), person(4, 11)])
    assert result.actual_ratio < Fraction(1, 100) and result.reduction_rule == "tier_90"


@pytest.mark.django_db
def test_the_cap_just_binding():
    at_cap = levy_of(headcount=10, wages=2_400_000, sav=120_000)  # average exactly 2 × 社平
    over = levy_of(headcount=10, wages="2400000.10", sav=120_000)
    assert not at_cap.cap_applied and at_cap.average_wage == D("240000.00")
    assert over.cap_applied and over.average_wage == D("240000.00") and over.average_wage_uncapped == D("240000.01")


@pytest.mark.django_db
def test_relief_ends_with_collection_year_2027():
    in_force = levy_of(data_year=2026, headcount=200, wages=20_000_000, persons=[person(3)])
    lapsed = levy_of(data_year=2027, headcount=200, wages=20_000_000, persons=[person(3)])
    assert (in_force.reduction_rule, in_force.levy) == ("tier_90", D("180000.00"))
    assert (lapsed.reduction_rule, lapsed.levy, lapsed.reduction) == ("none", D("200000.00"), D("0.00"))


@pytest.mark.django_db
def test_a_small_enterprise_pays_from_collection_year_2028():
    assert levy_of(data_year=2026, headcount=30, wages=2_400_000).levy == 0
    assert levy_of(data_year=2027, headcount=30, wages=2_400_000).levy == D("36000.00")


@pytest.mark.django_db
@pytest.mark.parametrize("region", ["410000", "510000", "510104"])
def test_a_one_point_six_percent_province_and_its_counties(region):
    result = levy_of(region=region, headcount=250, wages=20_000_000)
    assert result.ratio == Fraction(16, 1000) and result.required_count == 4


@pytest.mark.django_db
def test_thirty_one_persons_are_not_exempt_but_thirty_are():
    assert levy_of(headcount=31, wages=2_480_000).reduction_rule == "tier_90"
    assert levy_of(headcount=30, wages=2_400_000).reduction_rule == "small_enterprise_exempt"


@pytest.mark.django_db
@pytest.mark.parametrize("kind", ["government", "institution", "social_org"])
def test_only_enterprises_are_exempt(kind):
    assert levy_of(headcount=30, wages=2_400_000, kind=kind).levy == D("32400.00")


@pytest.mark.django_db
def test_no_staff_means_no_levy():
    result = levy_of(headcount=0, wages=0)
    assert result.levy == 0 and result.reduction_rule == "at_or_over_ratio"


@pytest.mark.django_db
def test_the_explanation_lists_each_step_with_the_rows_it_used():
    result = levy_of(headcount=300, wages=27_000_000, persons=[person(2), person(1, 3), person(4, 8)])
    keys = [step.key for step in result.steps]
    assert keys == ["headcount", "disabled_count", "required_count", "shortfall", "actual_ratio", "average_wage",
                    "wage_cap", "gross_levy", "relief", "levy"]
    by_key = {step.key: step for step in result.steps}
    assert "财政部公告2023年第8号" in by_key["relief"].source
    assert "72号" in by_key["disabled_count"].source
    assert by_key["disabled_count"].value == "3.1667"
    assert by_key["levy"].value == "60,000.00"


def test_inputs_refuse_negative_figures_and_eleven_months():
    with pytest.raises(ValueError):
        LevyInputs(unit_kind="enterprise", wage_total=D("-1"), headcount=D(1))
    with pytest.raises(ValueError):
        LevyInputs(unit_kind="enterprise", wage_total=D("1"), monthly_headcounts=(1,) * 11)


@pytest.mark.parametrize("value,expected", [
    (Fraction(5, 1000), D("0.01")), (Fraction(4999, 1000000), D("0.00")), (Fraction(-5, 1000), D("-0.01")),
    (Fraction(1, 3), D("0.33")), (Fraction(2, 3), D("0.67")), (Fraction(12345, 1), D("12345.00")),
])
def test_money_rounds_half_up_to_two_decimals(value, expected):
    assert round_half_up(value) == expected and round_half_up(value).as_tuple().exponent == -2


def test_the_engine_hard_codes_none_of_the_policy_figures():
    """1.5%, 30, 2×, 0.005 and 450 come from the policy table, never from the engine's code."""
    forbidden = {"0.015", "1.5", "30", "0.005", "0.5", "0.9", "450", "0.01"}
    found = []
    for path in Path("levy/rules").glob("*.py"):
        for token in tokenize.generate_tokens(io.StringIO(path.read_text()).readline):
            if token.type in (tokenize.NUMBER, tokenize.STRING) and token.string.strip("\"'") in forbidden:
                found.append(f"{path}:{token.start[0]} {token.string}")
    assert not found


# --- late fee (L1, L2) --------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("paid_on,days,fee,capped", [
    (datetime.date(2025, 12, 15), 45, D("40500.00"), False),  # L1
    (datetime.date(2026, 7, 8), 250, D("180000.00"), True),  # L2: 225,000 capped at the principal
    (datetime.date(2025, 10, 31), 0, D("0.00"), False),  # on the deadline
    (datetime.date(2025, 10, 1), 0, D("0.00"), False),  # before it
    (datetime.date(2025, 11, 1), 1, D("900.00"), False),
])
def test_late_fee(paid_on, days, fee, capped):
    rule = policy_for("000000", 2025).late_fee
    result = late_fee(principal=D("180000.00"), deadline=datetime.date(2025, 10, 31), paid_on=paid_on, rule=rule)
    assert (result.days, result.fee, result.capped) == (days, fee, capped)


@pytest.mark.django_db
def test_l2_shows_the_uncapped_fee_and_the_cap():
    rule = policy_for("000000", 2025).late_fee
    result = late_fee(principal=D("180000.00"), deadline=datetime.date(2025, 10, 31),
                      paid_on=datetime.date(2026, 7, 8), rule=rule)
    assert result.uncapped_fee == D("225000.00") and result.steps[-1].key == "cap"


# --- over-ratio reward (R1–R5) ------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("data_year,headcount,persons,area_class,eligible,required,excess,reward", [
    (2023, 30, [person(3), person(3)], 1, True, 1, 1, D("9900.00")),  # R1, the seed's figure
    (2024, 30, [person(3), person(3)], 1, True, 1, 1, D("11350.00")),  # R2
    (2024, 100, [person(1), person(3)], 2, True, 2, 1, D("11000.00")),  # R3 (the E4 unit)
    (2024, 100, [person(3), person(3)], 2, False, 2, 0, D("0.00")),  # R4
    (2024, 30, [person(3), person(3), person(3, 6)], 1, True, 1, 1, D("11350.00")),  # R5: ⌊1.5⌋
], ids=["R1", "R2", "R3", "R4", "R5"])
def test_inner_mongolia_reward(data_year, headcount, persons, area_class, eligible, required, excess, reward):
    result, _ = reward_estimate(region_code="150100", data_year=data_year, headcount=headcount,
                                persons=tuple(persons), budget_funded=False, area_class=area_class)
    assert (result.eligible, result.required_persons, result.excess_persons, result.reward) == \
        (eligible, required, excess, reward)


@pytest.mark.django_db
def test_the_reward_counts_local_hukou_only_in_inner_mongolia():
    persons = (person(3), person(3, local_hukou=False))
    result, _ = reward_estimate(region_code="150100", data_year=2024, headcount=30, persons=persons,
                                budget_funded=False, area_class=1)
    assert not result.eligible


@pytest.mark.django_db
def test_budget_funded_units_get_no_reward():
    result, _ = reward_estimate(region_code="150100", data_year=2024, headcount=30,
                                persons=(person(3), person(3)), budget_funded=True, area_class=1)
    assert not result.eligible and "财政拨款" in result.reason


@pytest.mark.django_db
def test_the_area_class_comes_from_the_county_row_when_not_given():
    result, _ = reward_estimate(region_code="150102", data_year=2024, headcount=30,
                                persons=(person(3), person(3)), budget_funded=False)
    assert result.base == D("2270.00")


@pytest.mark.django_db
def test_shanghais_reward_is_an_estimate_and_a_region_without_a_rule_is_not_eligible():
    shanghai, _ = reward_estimate(region_code="310104", data_year=2025, headcount=100,
                                  persons=(person(3), person(3)), budget_funded=False)
    assert shanghai.eligible and shanghai.estimate and "估算" in shanghai.reason
    beijing, _ = reward_estimate(region_code="110105", data_year=2025, headcount=100,
                                 persons=(person(3), person(3)), budget_funded=False)
    assert not beijing.eligible and beijing.reason == "本地区没有超比例奖励规则"


# --- working age (DOMAIN.md §4) -----------------------------------------------------------------


@pytest.mark.parametrize("birth,category,retires", [
    ((1964, 12), "M", (2024, 12)),
    ((1965, 1), "M", (2025, 2)),
    ((1965, 5), "M", (2025, 7)),
    ((1970, 6), "M", (2031, 11)),
    ((1976, 9), "M", (2039, 9)),
    ((1972, 10), "F55", (2028, 7)),
    ((1981, 9), "F55", (2039, 9)),
    ((1975, 3), "F50", (2025, 5)),
    ((1980, 7), "F50", (2033, 5)),
    ((1984, 11), "F50", (2039, 11)),
])
def test_retirement_month(birth, category, retires):
    assert retirement_month(datetime.date(*birth, 15), category) == retires


def test_working_age_runs_from_the_month_of_turning_16_to_the_month_before_retirement():
    born = datetime.date(1965, 1, 20)  # M: retires 2025-02
    assert working_age_months(born, "M", 2025) == {1}
    assert not is_working_age(born, "M", 2025, 2)
    young = datetime.date(2009, 6, 30)  # turns 16 in 2025-06
    assert working_age_months(young, "F50", 2025) == set(range(6, 13))
    assert working_age_months(datetime.date(1990, 1, 1), "F55", 2025) == set(range(1, 13))


def test_an_unknown_retirement_category_is_refused():
    with pytest.raises(ValueError):
        retirement_month(datetime.date(1970, 1, 1), "F")


CITATIONS = [
    ("财税〔2017〕18号（文号凭记忆，内容见 http://caijing.mnw.cn/top/1634022.html）：上限3倍",
     "财税〔2017〕18号：上限3倍", False),
    ("京财税〔2019〕1333号（https://m.kjjl100.com/answer/290662.html）", "京财税〔2019〕1333号", True),
    ("沪财发〔2020〕9号（上海市财政局，经第三方数据集）", "沪财发〔2020〕9号", False),
    ("样例值：研究未找到公布数据，请按当地统计部门公布的数据核实后修改", "", False),
    ("《残疾人就业条例》第二十七条；财税〔2015〕72号第二十六条（转载 https://x.cn/a；另见 y）",
     "《残疾人就业条例》第二十七条；财税〔2015〕72号第二十六条", True),
    ("在职职工总数30人（含）以下的企业暂免征收", "在职职工总数30人（含）以下的企业暂免征收", True),
]


@pytest.mark.parametrize("source,public,verifiable", CITATIONS)
def test_the_public_citation_keeps_the_official_text_only(source, public, verifiable):
    """Issue 15: research notes and third-party links stay in the admin."""
    from levy.rules.policy import looks_verified, public_citation

    assert public_citation(source) == public
    assert looks_verified(source) is verifiable


def test_a_note_naming_a_document_keeps_its_number():
    from levy.rules.policy import public_citation

    source = "“12个月人数相加除以12，结果须为整数”（京财税〔2019〕1333号问答 https://m.kjjl100.com/answer/290662.html）"
    assert public_citation(source) == "“12个月人数相加除以12，结果须为整数”（京财税〔2019〕1333号）"


def test_the_migration_keeps_a_frozen_copy_that_answered_as_the_rule_did():
    """Migration 0008 judged the rows with its own copy of looks_verified (a migration must not
    change its answer when the rule changes later); the copy agreed with the rule when written."""
    import importlib

    from levy.rules.policy import looks_verified
    from levy.seed import SEED

    frozen = importlib.import_module("levy.migrations.0008_policy_verified_honest").looks_verified
    sources = [source for source, _, _ in CITATIONS] + [row["source"] for rows, _ in SEED.values() for row in rows]
    assert len(sources) > 20
    assert [frozen(s) for s in sources] == [looks_verified(s) for s in sources]
