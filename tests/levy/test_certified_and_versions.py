"""The certified figures the certification hands to levy, and recorded versions: an assessment
recomputed from its record gives the bill as issued, whatever the policy table says later."""

import json
from dataclasses import replace
from decimal import Decimal
from fractions import Fraction

import pytest

from levy.models import PolicyRule, SocialAverageWage
from levy.rules import ENGINE_VERSION, LevyInputs, calculate_levy
from levy.rules.certified import CountedPerson
from levy.selectors import certified_figures_for, policy_for
from levy.services import certified_figures_cancel, certified_figures_record, policy_row_save
from levy.versions import levy_recompute, levy_record
from portal.exceptions import Conflict, ValidationFailed
from portal.models import AuditEntry
from tests import factories as f
from tests.levy.conftest import person

pytestmark = pytest.mark.django_db

def counted(name, n, grade, local, months, weight):
    return CountedPerson(name, f.resident_id(n), "disability", grade, local, False, tuple(months),
                         (weight,) * len(months))


# 38 weighted months: 19/6 persons, of which 30 (5/2 persons) local
PERSONS = [counted("甲", 1, 2, True, range(202501, 202513), 2), counted("乙", 2, 3, True, range(202501, 202507), 1),
           counted("丙", 3, 4, False, range(202505, 202513), 1)]
FIGURES = dict(business_year=2025, headcount=300, persons=PERSONS, certificate_reference="RD-2026-0001")


def test_certified_figures_keep_exact_fractions_and_each_person(unit_a, reviewer_sh):
    row = certified_figures_record(employer=unit_a, actor=reviewer_sh, **FIGURES)
    row = type(row).objects.get(pk=row.pk)
    assert row.disabled_count == Fraction(19, 6) and row.local_disabled_count == Fraction(5, 2)
    assert row.person_months_by_weight == {"2": 12, "1": 14}
    first = row.persons.get(name="甲")
    assert (first.id_number, first.confirmed, first.approved, first.weight) == (f.resident_id(1), 12, 24, 2)
    assert certified_figures_for(employer=unit_a, business_year=2025) == row
    assert AuditEntry.objects.filter(action="levy.certified_figures_record").count() == 1


def test_recording_the_same_figures_twice_changes_nothing(unit_a, reviewer_sh):
    first = certified_figures_record(employer=unit_a, actor=reviewer_sh, **FIGURES)
    again = certified_figures_record(employer=unit_a, actor=reviewer_sh, **FIGURES)
    assert first.pk == again.pk and first.recorded_at == again.recorded_at
    assert AuditEntry.objects.filter(action="levy.certified_figures_record").count() == 1


def test_other_figures_need_a_cancellation_first(unit_a, reviewer_sh, supervisor_sh):
    certified_figures_record(employer=unit_a, actor=reviewer_sh, **FIGURES)
    changed = {**FIGURES, "headcount": 301}
    with pytest.raises(Conflict):
        certified_figures_record(employer=unit_a, actor=reviewer_sh, **changed)
    certified_figures_cancel(employer=unit_a, business_year=2025, actor=supervisor_sh, reason="年审申报撤回")
    assert certified_figures_for(employer=unit_a, business_year=2025) is None
    certified_figures_cancel(employer=unit_a, business_year=2025, actor=supervisor_sh, reason="再次撤销")  # idempotent
    row = certified_figures_record(employer=unit_a, actor=reviewer_sh, **changed)
    assert row.headcount == 301 and row.is_active
    assert AuditEntry.objects.filter(action="levy.certified_figures_cancel").count() == 1


@pytest.mark.parametrize("changes,field", [
    ({"persons": [replace(PERSONS[0], weights=(2,) * 11)]}, "persons"),  # twelve months, eleven weights
    ({"persons": [replace(PERSONS[0], weights=(-2,) * 12)]}, "persons"),
    ({"headcount": -1}, "headcount"),
])
def test_impossible_figures_are_refused(unit_a, reviewer_sh, changes, field):
    with pytest.raises(ValidationFailed) as error:
        certified_figures_record(employer=unit_a, actor=reviewer_sh, **{**FIGURES, **changes})
    assert error.value.field == field


def test_cancelling_needs_a_reason_and_something_to_cancel(unit_a, supervisor_sh):
    with pytest.raises(ValidationFailed):
        certified_figures_cancel(employer=unit_a, business_year=2025, actor=supervisor_sh, reason=" ")
    with pytest.raises(ValidationFailed):
        certified_figures_cancel(employer=unit_a, business_year=2025, actor=supervisor_sh, reason="撤回")


def test_a_levy_from_certified_figures(unit_a, reviewer_sh):
    row = certified_figures_record(employer=unit_a, actor=reviewer_sh, **FIGURES)
    inputs = LevyInputs(unit_kind="enterprise", wage_total=Decimal("27000000"), headcount=Decimal(row.headcount),
                        disabled_count=row.disabled_count)
    assert calculate_levy(inputs, policy_for("000000", 2026)).levy == Decimal("60000.00")  # E7


# --- recorded versions --------------------------------------------------------------------------


def test_a_recorded_assessment_recomputes_as_issued_after_the_policy_changes(admin_user):
    inputs = LevyInputs(unit_kind="enterprise", wage_total=Decimal("20000000"), headcount=Decimal(250),
                        disabled=(person(3), person(3), person(3)))
    issued = calculate_levy(inputs, policy_for("410105", 2026))
    record = json.loads(json.dumps(levy_record(inputs, issued.policy)))  # as a JSONField stores it
    assert record["engine_version"] == ENGINE_VERSION and issued.levy == Decimal("40000.00")

    ratio = PolicyRule.objects.get(region_code="410000", name="ratio")
    ratio.value = "0.02"
    policy_row_save(row=ratio, actor=admin_user, reason="测试：政策调整")
    assert calculate_levy(inputs, policy_for("410105", 2026)).levy != issued.levy

    again = levy_recompute(record)
    assert (again.levy, again.gross_levy, again.reduction_rule) == (issued.levy, issued.gross_levy,
                                                                     issued.reduction_rule)
    assert again.policy.rows["ratio"].value == "0.016"
    assert [s.to_json() for s in again.steps] == [s.to_json() for s in issued.steps]


def test_a_record_of_an_unknown_engine_version_is_refused():
    inputs = LevyInputs(unit_kind="enterprise", wage_total=Decimal("1"), headcount=Decimal(1))
    record = {**levy_record(inputs, policy_for("000000", 2026)), "engine_version": "0"}
    with pytest.raises(ValueError):
        levy_recompute(record)


def test_a_record_keeps_the_social_average_wage_it_used(admin_user):
    inputs = LevyInputs(unit_kind="enterprise", wage_total=Decimal("30000000"), headcount=Decimal(50))
    record = levy_record(inputs, policy_for("310104", 2026))
    sav = SocialAverageWage.objects.get(region_code="310000", data_year=2025)
    sav.amount = Decimal("100000.00")
    policy_row_save(row=sav, actor=admin_user)
    assert levy_recompute(record).cap == Decimal("295368.00")
