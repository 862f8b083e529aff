"""Verification against the mock registries: the grid, statuses, faults and crashes (issue:
Placement 1 of 2)."""

import datetime

import pytest

from placement import choices as c
from placement.models import MonthCheck, PlacedPerson
from placement.selectors.year import grid_cells, person_year
from placement.services import evaluation
from placement.services import wizard as services
from placement.services.verification import person_verify
from portal.exceptions import ValidationFailed
from portal.feeds import configure
from tests.placement.factories import pdf, registered_person

pytestmark = pytest.mark.django_db
S = c.PersonStatus


def outcomes(person, item):
    cells = grid_cells(person)
    return "".join({"ok": "✓", "fail": "✗", "pending": "?"}[cells[m, item].outcome] for m in range(1, 13))


def test_a_clean_person_is_verified_selected_and_confirmed_by_the_system(sh_unit, sh_agent,
                                                                          django_capture_on_commit_callbacks):
    person = registered_person(sh_unit, sh_agent, "sh-clean", capture=django_capture_on_commit_callbacks)
    assert MonthCheck.objects.filter(person=person).count() == 12 * 7
    assert all(cell.outcome == "ok" for cell in grid_cells(person).values())
    assert person.verification_state == c.VerificationState.DONE
    assert set(person.months.filter(selected=True).values_list("month", flat=True)) == set(range(1, 13))
    services.months_select(actor=sh_agent, person=person, months=set())  # forced months stay selected
    person = services.registration_complete(actor=sh_agent, person=person)
    person = PlacedPerson.objects.get(pk=person.pk)
    assert person.status == S.CONFIRMED and person.confirmed_by == c.ConfirmedBy.SYSTEM
    counts = person_year(person).counts
    assert (counts.registered, counts.confirmed) == (12, 12)


def test_a_contribution_gap_asks_for_evidence_for_exactly_those_months(sh_unit, sh_agent,
                                                                       django_capture_on_commit_callbacks):
    person = registered_person(sh_unit, sh_agent, "sh-gap", capture=django_capture_on_commit_callbacks)
    assert outcomes(person, c.Check.SOCIAL_INSURANCE) == "✓✓✗✗✓✓✓✓✓✓✓✓"
    services.months_select(actor=sh_agent, person=person, months={3, 4})
    assert evaluation.evidence_needed(person) == {c.Check.SOCIAL_INSURANCE: [3, 4]}
    with pytest.raises(Exception, match="请上传社会保险缴费凭证"):
        services.registration_complete(actor=sh_agent, person=person)
    services.evidence_add(actor=sh_agent, person=person, check=c.Check.SOCIAL_INSURANCE, months=[3, 4], file=pdf("凭证.pdf"))
    person = services.registration_complete(actor=sh_agent, person=person)
    assert PlacedPerson.objects.get(pk=person.pk).status == S.PENDING_REVIEW


def test_feed_faults_leave_months_pending_and_the_sweep_reaches_the_fault_free_grid(
    sh_unit, sh_agent, django_capture_on_commit_callbacks
):
    clean_run = registered_person(sh_unit, sh_agent, "sh-gap", capture=django_capture_on_commit_callbacks)
    expected = {k: v.outcome for k, v in grid_cells(clean_run).items()}
    services.person_delete(actor=sh_agent, person=clean_run)

    with configure(error_rate=0.3, timeout_rate=0.05, timeout_s=0.02, seed=7):
        person = registered_person(sh_unit, sh_agent, "sh-gap", capture=django_capture_on_commit_callbacks)
        first = {k: v.outcome for k, v in grid_cells(person).items()}
        assert "fail" not in {first[k] for k in first if expected[k] == "ok"}, "an outage must never make a ✗"
        for _night in range(10):
            if "pending" not in {v.outcome for v in grid_cells(person).values()}:
                break
            person_verify(person.pk)
    assert {k: v.outcome for k, v in grid_cells(person).items()} == expected
    assert MonthCheck.objects.filter(person=person).count() == 84


def test_a_silent_registry_keeps_a_completed_person_waiting_then_the_sweep_confirms(
    sh_unit, sh_agent, django_capture_on_commit_callbacks
):
    with configure(error_rate=1.0):
        person = registered_person(sh_unit, sh_agent, "sh-clean", capture=django_capture_on_commit_callbacks)
    cells = grid_cells(person)
    feed_checks = (c.Check.WAGE, c.Check.SOCIAL_INSURANCE, c.Check.MEDICAL_INSURANCE, c.Check.CERTIFICATE,
                   c.Check.WORKING_AGE)
    assert {cells[m, item].outcome for m in range(1, 13) for item in feed_checks} == {"pending"}
    assert {cells[m, c.Check.CONTRACT].outcome for m in range(1, 13)} == {"ok"}  # our own data: no feed needed
    assert person.verification_state == c.VerificationState.WAITING
    with pytest.raises(Exception, match="勾选安置登记月份"):
        services.registration_complete(actor=sh_agent, person=person)
    services.months_select(actor=sh_agent, person=person, months=set(range(1, 13)))
    services.evidence_add(actor=sh_agent, person=person, check=c.Check.WAGE, months=list(range(1, 13)), file=pdf())
    for item in (c.Check.SOCIAL_INSURANCE, c.Check.MEDICAL_INSURANCE, c.Check.CERTIFICATE, c.Check.WORKING_AGE):
        services.evidence_add(actor=sh_agent, person=person, check=item, months=list(range(1, 13)), file=pdf())
    person = services.registration_complete(actor=sh_agent, person=person)
    assert PlacedPerson.objects.get(pk=person.pk).status == S.PENDING_REVIEW  # pending months with evidence: review


def test_reverification_never_changes_a_confirmed_person(sh_unit, sh_agent, django_capture_on_commit_callbacks):
    person = registered_person(sh_unit, sh_agent, "sh-clean", capture=django_capture_on_commit_callbacks)
    services.registration_complete(actor=sh_agent, person=person)
    before = list(MonthCheck.objects.filter(person=person).values_list("asked_at", flat=True))
    with configure(error_rate=1.0):
        person_verify(person.pk)
    assert list(MonthCheck.objects.filter(person=person).values_list("asked_at", flat=True)) == before


def test_a_month_a_reviewer_decided_is_checked_again_but_counts_by_its_decision(
        sh_unit, sh_agent, django_capture_on_commit_callbacks):
    person = registered_person(sh_unit, sh_agent, "sh-gap", capture=django_capture_on_commit_callbacks)
    services.months_select(actor=sh_agent, person=person, months=set(range(1, 13)))
    person.months.filter(month=3).update(review_state="approved")
    with configure(error_rate=1.0):  # an outage: the cell waits for the registry, the decision stands
        person_verify(person.pk)
    assert set(MonthCheck.objects.filter(person=person, month=3, item=c.Check.SOCIAL_INSURANCE)
               .values_list("outcome", flat=True)) == {"pending"}
    assert 3 in [s.month for s in person_year(person).months if s.decision == "approved"]
    assert person_year(person).counts.confirmed == 1  # March by its decision; the others wait


def test_a_person_claimed_by_two_units_shows_the_other_claim_to_both(sh_unit, ln_unit, sh_agent,
                                                                     django_capture_on_commit_callbacks):
    from tests import factories as f

    ln_agent = f.AgentFactory(employer=ln_unit).user
    sh_person = registered_person(sh_unit, sh_agent, "sh-two-units", capture=django_capture_on_commit_callbacks)
    ln_person = registered_person(ln_unit, ln_agent, "sh-two-units", capture=django_capture_on_commit_callbacks)
    services.months_select(actor=ln_agent, person=ln_person, months={1, 2, 3, 4, 5, 6, 7})
    services.months_select(actor=sh_agent, person=sh_person, months=set(range(1, 13)))
    # ln's July fails (no contribution from ln after June): it waits for material, so it sees sh's claim
    assert outcomes(ln_person, c.Check.NO_OTHER_UNIT) == "✗" * 12  # sh declared all twelve
    assert outcomes(sh_person, c.Check.NO_OTHER_UNIT) == "✗" * 7 + "✓" * 5  # and sh sees ln's seven
    assert "沈阳和平机械制造有限公司" in grid_cells(sh_person)[1, c.Check.NO_OTHER_UNIT].reason
    assert PlacedPerson.objects.get(pk=ln_person.pk).status == c.PersonStatus.INCOMPLETE


def test_a_paying_related_unit_named_on_the_contract_passes(sh_unit, sh_agent, related_units,
                                                            django_capture_on_commit_callbacks):
    """DOMAIN.md §1: the related unit a contract is signed through may pay; that the contract names
    this unit as one payer is the contract form's rule, not a reason to fail months."""
    person = registered_person(sh_unit, sh_agent, "sh-related", capture=django_capture_on_commit_callbacks,
                               contract={"relation": "parent_child", "related_unit": related_units["sales"]})
    assert outcomes(person, c.Check.SOCIAL_INSURANCE) == "✓" * 12  # the sales company pays everything
    with pytest.raises(ValidationFailed, match="必须有一个是本单位"):
        services.contract_save(actor=sh_agent, person=person, attachment_file=pdf(), data={
            "contract_type": "open_ended", "start_date": datetime.date(2020, 1, 1), "job": "销售",
            "monthly_wage": 5000, "relation": "parent_child", "related_unit": related_units["sales"],
            "si_payer": related_units["sales"], "mi_payer": related_units["sales"],
            "wage_payer": related_units["sales"]})


def test_a_payer_named_on_the_units_own_contract_counts_for_its_source(sh_unit, sh_agent, related_units,
                                                                        django_capture_on_commit_callbacks):
    """Regression (issue 14, point 1): the contract's 社保参保单位 was never read."""
    person = registered_person(sh_unit, sh_agent, "sh-related", capture=django_capture_on_commit_callbacks,
                               contract={"si_payer": related_units["sales"]})
    assert outcomes(person, c.Check.SOCIAL_INSURANCE) == "✓" * 12
    assert outcomes(person, c.Check.MEDICAL_INSURANCE) == "✗" * 12  # named for 社保 only


def test_a_dispatched_person_passes_when_the_agreement_counts_them_here(sh_unit, sh_agent, related_units,
                                                                        django_capture_on_commit_callbacks):
    person = registered_person(sh_unit, sh_agent, "sh-dispatched", capture=django_capture_on_commit_callbacks,
                        contract={"is_dispatch": True, "dispatch_agency": related_units["agency"],
                                  "counts_here_stated": True, "si_payer": related_units["agency"],
                                  "mi_payer": related_units["agency"], "wage_payer": related_units["agency"]})
    cells = grid_cells(person)
    assert cells[5, c.Check.SOCIAL_INSURANCE].outcome == "ok"
    assert not person.months.filter(selected=True).exists()  # a dispatched person's agent chooses
    services.months_select(actor=sh_agent, person=person, months={1, 2, 3, 4, 5, 6})
    services.registration_complete(actor=sh_agent, person=person)
    assert PlacedPerson.objects.get(pk=person.pk).status == S.PENDING_REVIEW  # the agreement is reviewed


def test_months_the_verification_selects_by_itself_reach_the_other_unit_at_once(
        sh_unit, ln_unit, sh_agent, django_capture_on_commit_callbacks):
    """Regression (issue 14, point 2): passing months that verification selects by itself were not
    refreshed in the other unit's 无其他单位安置 column; only a selection by hand was."""
    from tests import factories as f

    ln_agent = f.AgentFactory(employer=ln_unit).user
    ln_person = registered_person(ln_unit, ln_agent, "sh-two-units", capture=django_capture_on_commit_callbacks)
    assert outcomes(ln_person, c.Check.NO_OTHER_UNIT) == "✓" * 12  # nobody else has claimed the person yet
    registered_person(sh_unit, sh_agent, "sh-two-units", capture=django_capture_on_commit_callbacks)
    # sh's verification selected its passing months itself: ln sees the claim without anyone ticking
    assert "✗" in outcomes(ln_person, c.Check.NO_OTHER_UNIT)
    assert "上海浦江精密仪器有限公司" in grid_cells(ln_person)[8, c.Check.NO_OTHER_UNIT].reason
