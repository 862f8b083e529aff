"""年终批量核定 (issue 16 point 10): one background job assesses every unit of a region from the stored
figures, with progress; the results recompute to the same figures and the explanation is built
only when a page asks; units elsewhere and units already assessed are left alone."""

from decimal import Decimal

import pytest

from levy.choices import AssessmentStatus as S
from levy.models import LevyAssessment, LevyBulkJob
from levy.selectors.assessment import assessment_view
from levy.services import assessment as svc
from levy.services.bulk import bulk_run, bulk_start
from levy.versions import levy_recompute
from portal.exceptions import ValidationFailed
from portal.models import AuditEntry
from portal.workflow import refusal
from tests import factories as f
from tests.levy.conftest import certify_unit, counted, unit_in

pytestmark = pytest.mark.django_db


def draft(unit, agent, *, headcount, wages, persons=()):
    if persons:
        certify_unit(unit, headcount=headcount, persons=persons)
    a = svc.assessment_open(actor=agent, employer=unit, collection_year=2026, has_disabled=bool(persons))
    return svc.declared_figures_save(actor=agent, assessment=a, headcount=headcount, wage_total=wages)


def test_the_bulk_job_assesses_the_regions_units_with_progress(agent_for, django_capture_on_commit_callbacks):
    officer = f.UserFactory(tax=True, region=f.region("210000"))
    units = [unit_in("210102") for _ in range(3)]
    e1 = draft(units[0], agent_for(units[0]), headcount=200, wages="20000000", persons=[counted(grade=3)])
    zero = draft(units[1], agent_for(units[1]), headcount=30, wages="2400000")
    done = draft(units[2], agent_for(units[2]), headcount=100, wages="9000000")
    agent2 = units[2].agents.first().user
    done = svc.assessment_assess(actor=agent2, assessment=svc.assessment_confirm(actor=agent2, assessment=done))
    elsewhere = unit_in("310104")
    other = svc.assessment_open(actor=agent_for(elsewhere), employer=elsewhere, collection_year=2026,
                                has_disabled=False)
    with django_capture_on_commit_callbacks(execute=True):
        job = bulk_start(actor=officer, region=f.region("210000"), collection_year=2026)
    job = LevyBulkJob.objects.get(pk=job.pk)
    assert (job.status, job.total, job.done, job.assessed, job.percent) == ("done", 2, 2, 2, 100)
    a = LevyAssessment.objects.get(pk=e1.pk)
    assert (a.status, a.levy_amount, a.outcome, a.reduction_rule) == (S.ASSESSED, Decimal("180000.00"), "payable",
                                                                      "tier_90")
    assert levy_recompute(a.record).levy == a.levy_amount and len(assessment_view(a).result.steps) > 5
    assert LevyAssessment.objects.get(pk=zero.pk).outcome == "exempt"
    assert LevyAssessment.objects.get(pk=done.pk).assessed_at == done.assessed_at  # already assessed: untouched
    assert LevyAssessment.objects.get(pk=other.pk).status == S.DRAFT  # not in the region
    entry = AuditEntry.objects.get(action="levy_assessment.assess", object_id=str(e1.pk))
    assert (entry.from_state, entry.to_state, entry.actor, entry.data) == (
        S.DRAFT, S.ASSESSED, None, {"label": "年终批量核定", "job": job.pk})
    # the machine's year-end transition is the system's: an officer cannot take it for one unit
    assert refusal(LevyAssessment.objects.get(pk=other.pk), "assess_at_year_end", officer).message == \
        "只有系统可以办理此事项"
    bulk_run(job.pk)  # idempotent
    assert LevyBulkJob.objects.get(pk=job.pk).assessed == 2


def test_only_an_officer_of_the_region_starts_one(agent_for):
    with pytest.raises(ValidationFailed):
        bulk_start(actor=f.UserFactory(tax=True, region=f.region("310000")), region=f.region("210000"),
                   collection_year=2026)
    with pytest.raises(ValidationFailed):
        bulk_start(actor=f.UserFactory(reviewer=True, region=f.region("210000")), region=f.region("210000"),
                   collection_year=2026)


def test_the_figures_without_an_explanation_are_the_same_figures():
    from levy.rules import calculate_levy
    from tests.levy.conftest import levy_of, person

    inputs_policy = levy_of(headcount=137, wages="12345678", persons=[person(3, 7)]).policy  # E12
    from levy.rules import LevyInputs

    inputs = LevyInputs(unit_kind="enterprise", wage_total=Decimal("12345678"), headcount=Decimal(137),
                        disabled=(person(3, 7),))
    loud, silent = calculate_levy(inputs, inputs_policy), calculate_levy(inputs, inputs_policy, explain=False)
    assert (silent.levy, silent.gross_levy, silent.reduction_rule, silent.headcount) == (
        loud.levy, loud.gross_levy, loud.reduction_rule, loud.headcount) == (Decimal("119356.57"), Decimal("132618.41"),
                                                                             "tier_90", 137)
    assert silent.steps == () and loud.steps
