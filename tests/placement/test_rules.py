"""The month rules and the counting (DOMAIN.md §1, §4), table-driven (issue: Placement 1 of 2)."""

import datetime
from dataclasses import replace
from decimal import Decimal
from fractions import Fraction

import pytest

from placement.choices import Check, Outcome
from placement.rules import (
    CertPeriod,
    ContractTerm,
    Facts,
    MonthState,
    Payment,
    count,
    evaluate,
    forced_months,
    month_outcome,
    year_weights,
)

UNIT, RELATED, AGENCY, OTHER = "91310104UNIT00000X", "91310104RELATED00X", "91310106AGENCY000X", "91110000OTHER0000X"
PARENT = "91310000PARENT0000X"  # a parent company a contract names as a payer
D = datetime.date


def paid_by(payer, amount=None, name=""):
    return {m: (Payment(payer, name or payer, True, amount),) for m in range(1, 13)}


def base(**changes) -> Facts:
    """A clean person: every month passes."""
    facts = Facts(
        year=2025, unit_code=UNIT, birth_date=D(1985, 6, 1), retirement_category="M",
        certificates=(CertPeriod("disability", 3, D(2020, 1, 1), D(2030, 1, 1)),), certificates_known=True,
        contracts=(ContractTerm(D(2024, 1, 1), None),),
        minimum_wage={m: Decimal("2690") for m in range(1, 13)},
        wages=paid_by(UNIT, Decimal("5000")), social_insurance=paid_by(UNIT), medical_insurance=paid_by(UNIT),
    )
    return replace(facts, **changes)


def outcomes(facts, check):
    cells = evaluate(facts)
    return "".join({"ok": "✓", "fail": "✗", "pending": "?"}[cells[m, check].outcome] for m in range(1, 13))


def test_a_clean_person_passes_every_check_of_every_month():
    cells = evaluate(base())
    assert all(cell.outcome == Outcome.OK for cell in cells.values())
    assert forced_months(cells, dispatched=False) == set(range(1, 13))


@pytest.mark.parametrize(
    "facts,check,expected",
    [
        # a certificate expiring mid-year still counts in the month it expires
        (base(certificates=(CertPeriod("disability", 3, D(2015, 1, 1), D(2025, 6, 15)),)), Check.CERTIFICATE,
         "✓✓✓✓✓✓✗✗✗✗✗✗"),
        # a new certificate from October; a manual one before it awaits review (✗ until approved)
        (base(certificates=(CertPeriod("disability", 2, D(2025, 10, 3), D(2035, 10, 3)),
                            CertPeriod("disability", 2, D(2015, 1, 1), D(2025, 10, 2), manual=True))),
         Check.CERTIFICATE, "✗✗✗✗✗✗✗✗✗✓✓✓"),
        (base(certificates=(CertPeriod("disability", 2, D(2015, 1, 1), D(2030, 1, 1), manual=True, approved=True),)),
         Check.CERTIFICATE, "✓" * 12),
        (base(certificates=(), certificates_known=False), Check.CERTIFICATE, "?" * 12),
        # a man born 1965-03 retires in 2025-04 (60 years and one month: DOMAIN.md §4)
        (base(birth_date=D(1965, 3, 10)), Check.WORKING_AGE, "✓✓✓✗✗✗✗✗✗✗✗✗"),
        # a woman in a production post born 1975-03 retires in 2025-05
        (base(birth_date=D(1975, 3, 1), retirement_category="F50"), Check.WORKING_AGE, "✓✓✓✓✗✗✗✗✗✗✗✗"),
        # the same woman in a management post (F55) works all year
        (base(birth_date=D(1975, 3, 1), retirement_category="F55"), Check.WORKING_AGE, "✓" * 12),
        # turns 16 in 2025-07: working age from that month
        (base(birth_date=D(2009, 7, 20)), Check.WORKING_AGE, "✗✗✗✗✗✗✓✓✓✓✓✓"),
        # the pension registry says retired in 2025-09 (earlier than the statutory age)
        (base(retired_from=(2025, 9)), Check.WORKING_AGE, "✓✓✓✓✓✓✓✓✗✗✗✗"),
        (base(deceased_on=D(2025, 4, 10)), Check.WORKING_AGE, "✓✓✓✓✗✗✗✗✗✗✗✗"),
        (base(pension_known=False), Check.WORKING_AGE, "?" * 12),
        # contracts: shorter than a year fails its months; exactly a year passes; open-ended passes
        (base(contracts=(ContractTerm(D(2025, 3, 1), D(2026, 2, 27)),)), Check.CONTRACT, "✗" * 12),
        (base(contracts=(ContractTerm(D(2025, 3, 1), D(2026, 2, 28)),)), Check.CONTRACT, "✗✗✓✓✓✓✓✓✓✓✓✓"),
        (base(contracts=(ContractTerm(D(2025, 5, 20), None),)), Check.CONTRACT, "✗✗✗✗✓✓✓✓✓✓✓✓"),
        (base(contracts=(ContractTerm(D(2023, 1, 1), D(2025, 8, 31)),)), Check.CONTRACT, "✓✓✓✓✓✓✓✓✗✗✗✗"),
    ],
)
def test_month_rules(facts, check, expected):
    assert outcomes(facts, check) == expected


@pytest.mark.parametrize("amount,expected", [("2689.99", "✗"), ("2690.00", "✓"), ("2690.01", "✓")])
def test_a_wage_just_under_and_exactly_at_the_minimum(amount, expected):
    assert outcomes(base(wages=paid_by(UNIT, Decimal(amount))), Check.WAGE) == expected * 12


def test_the_minimum_wage_is_that_months_minimum():
    minimum = {m: Decimal("2690") if m < 7 else Decimal("2740") for m in range(1, 13)}
    assert outcomes(base(wages=paid_by(UNIT, Decimal("2700")), minimum_wage=minimum), Check.WAGE) == "✓" * 6 + "✗" * 6


def test_a_missing_minimum_wage_leaves_the_wage_check_pending():
    cells = evaluate(base(minimum_wage={m: None for m in range(1, 13)}))
    assert cells[1, Check.WAGE].outcome == Outcome.PENDING and "政策参数表" in cells[1, Check.WAGE].reason


def test_social_insurance_paid_by_an_unrelated_unit_fails_with_its_name():
    cells = evaluate(base(social_insurance=paid_by(OTHER, name="北京某某公司")))
    assert cells[1, Check.SOCIAL_INSURANCE].outcome == Outcome.FAIL
    assert "北京某某公司" in cells[1, Check.SOCIAL_INSURANCE].reason


def test_a_related_unit_named_on_the_contract_may_pay():
    related = ContractTerm(D(2024, 1, 1), None, related=True, payers=frozenset({RELATED}))
    ok = base(contracts=(related,), social_insurance=paid_by(RELATED), medical_insurance=paid_by(RELATED))
    assert outcomes(ok, Check.SOCIAL_INSURANCE) == "✓" * 12 and outcomes(ok, Check.WAGE) == "✓" * 12


@pytest.mark.parametrize("named,passes", [
    ((("si", PARENT),), {"si"}),
    ((("si", PARENT), ("mi", PARENT), ("wage", PARENT)), {"si", "mi", "wage"}),
    ((("mi", PARENT),), {"mi"}),
    ((), set()),
])
def test_a_unit_the_contract_names_as_a_payer_may_pay_that_source_only(named, passes):
    """Regression (issue 14, point 1): the contract's 社保参保单位, 医保参保单位 and 工资发放单位 were
    never read, so a person paid by the parent company the contract names failed every month."""
    own = ContractTerm(D(2024, 1, 1), None, named=named)
    facts = base(contracts=(own,), social_insurance=paid_by(PARENT), medical_insurance=paid_by(PARENT),
                 wages=paid_by(PARENT, Decimal("5000")))
    cells = evaluate(facts)
    got = {source for source, check in (("si", Check.SOCIAL_INSURANCE), ("mi", Check.MEDICAL_INSURANCE),
                                        ("wage", Check.WAGE)) if cells[3, check].outcome == Outcome.OK}
    assert got == passes


def test_a_dispatch_agency_may_pay_and_the_agent_chooses_the_months():
    agreement = ContractTerm(D(2024, 1, 1), None, payers=frozenset({AGENCY}))
    facts = base(contracts=(agreement,), social_insurance=paid_by(AGENCY), medical_insurance=paid_by(AGENCY),
                 wages=paid_by(AGENCY, Decimal("4000")))
    cells = evaluate(facts)
    assert all(month_outcome(cells, m) == Outcome.OK for m in range(1, 13))
    assert forced_months(cells, dispatched=True) == set()


def test_a_person_claimed_by_another_unit_fails_those_months_for_the_reviewer():
    cells = evaluate(base(other_claims={3: ("沈阳和平机械制造有限公司",), 4: ("沈阳和平机械制造有限公司",)}))
    assert cells[3, Check.NO_OTHER_UNIT].outcome == Outcome.FAIL
    assert "沈阳和平机械制造有限公司" in cells[3, Check.NO_OTHER_UNIT].reason
    assert cells[5, Check.NO_OTHER_UNIT].outcome == Outcome.OK


def test_an_unanswered_source_is_pending_never_failed():
    cells = evaluate(base(social_insurance=None, wages=None))
    assert {cells[m, Check.SOCIAL_INSURANCE].outcome for m in range(1, 13)} == {Outcome.PENDING}
    assert month_outcome(cells, 1) == Outcome.PENDING
    assert forced_months(cells, dispatched=False) == set()


def test_a_failure_outweighs_a_pending_check():
    cells = evaluate(base(social_insurance=None, contracts=(ContractTerm(D(2025, 6, 1), None),)))
    assert month_outcome(cells, 1) == Outcome.FAIL and month_outcome(cells, 7) == Outcome.PENDING


def test_a_gap_in_contributions_fails_only_those_months():
    si = paid_by(UNIT)
    si[3] = si[4] = ()
    assert outcomes(base(social_insurance=si), Check.SOCIAL_INSURANCE) == "✓✓✗✗✓✓✓✓✓✓✓✓"


@pytest.mark.parametrize(
    "certificates,month,weight",
    [
        ((CertPeriod("disability", 2, D(2020, 1, 1), None),), 5, 2),
        ((CertPeriod("disability", 3, D(2020, 1, 1), None),), 5, 1),
        ((CertPeriod("military", 3, D(2020, 1, 1), None),), 5, 2),
        ((CertPeriod("military", 4, D(2020, 1, 1), None),), 5, 1),
        ((CertPeriod("military", 9, D(2020, 1, 1), None),), 5, 0),
        # grade improved in July: the better certificate decides from then on
        ((CertPeriod("disability", 3, D(2020, 1, 1), D(2025, 6, 30)), CertPeriod("disability", 2, D(2025, 7, 1), None)),
         6, 1),
        ((CertPeriod("disability", 3, D(2020, 1, 1), D(2025, 6, 30)), CertPeriod("disability", 2, D(2025, 7, 1), None)),
         7, 2),
        ((), 5, 0),
    ],
)
def test_month_weights(certificates, month, weight):
    assert year_weights(certificates, 2025)[month - 1] == weight


def test_counting_selected_confirmed_weighted_and_rejected_months():
    states = [MonthState(m, selected=m <= 10, outcome=Outcome.OK if m <= 8 else Outcome.FAIL, weight=2) for m in range(1, 13)]
    states[8] = replace(states[8], decision="approved")  # September: a reviewer accepted the evidence
    states[9] = replace(states[9], decision="rejected")  # October: refused
    counts = count(states)
    assert (counts.registered, counts.confirmed, counts.approved, counts.rejected) == (10, 9, 18, 1)
    assert counts.disabled_count == Fraction(18, 12)


def test_a_reviewer_can_invalidate_a_month_the_system_passed():
    states = [MonthState(m, True, Outcome.OK, decision="rejected" if m == 1 else "") for m in range(1, 13)]
    assert count(states).confirmed == 11


def test_a_grade_change_within_a_month_counts_the_better_certificate_for_it():
    import datetime

    from placement import rules

    periods = (
        rules.CertPeriod(kind="disability", grade=3, valid_from=datetime.date(2024, 1, 1),
                         valid_to=datetime.date(2025, 4, 10)),
        rules.CertPeriod(kind="disability", grade=1, valid_from=datetime.date(2025, 4, 11), valid_to=None),
        rules.CertPeriod(kind="military", grade=10, valid_from=datetime.date(2025, 9, 1), valid_to=None),
    )
    assert rules.year_weights(periods, 2025)[:4] == (1, 1, 1, 2)
    assert rules.year_weights((), 2025) == (0,) * 12


@pytest.mark.parametrize("data,field", [
    ({"kind": "military", "number": "<script>alert(1)</script>", "grade": 3}, "number"),
    ({"kind": "military", "number": "K004711", "grade": 3}, "number"),
    ({"kind": "military", "number": "辽军K004711", "grade": 11}, "grade"),
    ({"kind": "disability", "number": "", "grade": 5, "category": 4}, "grade"),
    ({"kind": "disability", "number": "", "grade": 2}, "category"),
])
def test_a_hand_added_certificate_is_refused_at_its_field(data, field):
    """Issue 14, point 11: a 残疾军人证 number has a format (the issuing authority, then digits)."""
    from placement.validation import certificate_problems

    problems, _number = certificate_problems(data, id_number=None)
    assert field in {f for f, _message in problems}


def test_a_well_formed_military_certificate_passes():
    from placement.validation import certificate_problems

    assert certificate_problems({"kind": "military", "number": "辽军K004711", "grade": 3,
                                 "valid_from": None}, id_number=None) == ([], "辽军K004711")


@pytest.mark.parametrize("rows,expected", [
    ([], {"total": 0}),
    ([("confirmed", "system"), ("confirmed", "reviewer"), ("confirmed", "")],
     {"total": 3, "by_system": 1, "by_reviewer": 1}),  # a confirmation by neither is counted in neither
    ([("partially_rejected", ""), ("rejected", ""), ("pending_review", ""), ("incomplete", ""), ("incomplete", "")],
     {"total": 5, "partially_rejected": 1, "rejected": 1, "pending_review": 1, "incomplete": 2}),
])
def test_the_status_summary_counts_each_persons_status(rows, expected):
    from placement.predicates import status_summary

    zero = dict.fromkeys(["total", "by_system", "by_reviewer", "partially_rejected", "rejected", "pending_review",
                          "incomplete"], 0)
    assert status_summary(None, rows=rows) == {**zero, **expected}
