"""Reopening (issue 16 point 7): the certification reopened cancels an unpaid assessment with the
reason (history kept) and a new one starts from its figures after re-certification; a paid one
keeps its payment and gets the difference as 应补 or 应退. Placement tells levy of every step of
its declaration through levy's service, and levy never imports placement."""

import datetime
from decimal import Decimal

import pytest
import time_machine

from levy.choices import AssessmentStatus as S
from levy.models import DeclarationStatus, LevyAssessment
from levy.selectors.assessment import assessment_view
from levy.services import assessment as svc
from levy.services import certified_figures_cancel, certified_figures_record
from levy.services.payment import payment_request
from portal import feeds
from tests import factories as f
from tests.levy.conftest import counted, unit_in
from tests.levy.test_assessment_declared import declared

pytestmark = pytest.mark.django_db


def recertify(unit, persons, reference="RD-2"):
    return certified_figures_record(employer=unit, business_year=2025, headcount=200, persons=persons,
                                    certificate_reference=reference, actor=None)


def test_an_unpaid_assessment_is_cancelled_and_starts_anew_after_recertification(agent_for):
    unit = unit_in("210102")
    agent = agent_for(unit)
    reviewer = f.UserFactory(supervisor=True, region=f.region("210000"))
    a = svc.assessment_submit(actor=agent, assessment=declared(unit, agent, persons=[counted(grade=3)]))
    certified_figures_cancel(employer=unit, business_year=2025, actor=reviewer, reason="年审认证反馈：人数有误")
    old = LevyAssessment.objects.get(pk=a.pk)
    assert old.status == S.CANCELLED and "人数有误" in old.cancel_reason
    recertify(unit, [counted(grade=3), counted(grade=4, index=2)])  # A = 2 now
    fresh = LevyAssessment.objects.exclude(pk=a.pk).get(employer=unit)
    assert fresh.previous_id == old.pk and fresh.status == S.DRAFT and fresh.declared_wage_total == Decimal("20000000.00")
    assert assessment_view(fresh).result.levy == Decimal("50000.00")  # E2: ratio exactly 1% → 50%
    assert fresh.reference != old.reference


def test_a_paid_assessment_keeps_its_payment_and_gets_the_difference(agent_for, django_capture_on_commit_callbacks):
    unit = unit_in("210102")
    agent = agent_for(unit)
    with time_machine.travel(datetime.datetime(2026, 9, 1, 10, tzinfo=datetime.UTC), tick=False):
        a = svc.assessment_submit(actor=agent, assessment=declared(unit, agent, persons=[counted(grade=3)]))
        with feeds.configure(settle_delay_s=0), django_capture_on_commit_callbacks(execute=True):
            payment_request(actor=agent, assessment=a, method="agreement")
    a = LevyAssessment.objects.get(pk=a.pk)
    assert a.status == S.PAID
    certified_figures_cancel(employer=unit, business_year=2025, actor=None, reason="认证后撤回")
    a = LevyAssessment.objects.get(pk=a.pk)
    assert a.status == S.PAID and a.needs_recompute
    recertify(unit, [counted(grade=3), counted(grade=4, index=2)])
    a = LevyAssessment.objects.get(pk=a.pk)
    assert not a.needs_recompute and a.adjustment == Decimal("-130000.00")  # 应退: 50,000 instead of 180,000
    assert a.paid_amount == Decimal("180000.00") and a.status == S.PAID


def test_placement_hands_its_declaration_states_to_levy(agent_for):
    from placement.services.certification import declaration_certify, declaration_reopen
    from tests.placement.factories import DeclarationFactory

    unit = unit_in("210102")
    declaration = DeclarationFactory(employer=unit, submitted=True, persons=1)
    reviewer = f.UserFactory(reviewer=True, region=f.region("210000"))
    with time_machine.travel(datetime.datetime(2026, 5, 1, 10, tzinfo=datetime.UTC)):
        declaration = declaration_certify(actor=reviewer, declaration=declaration)
    assert DeclarationStatus.objects.get(employer=unit, business_year=2025).state == "certified"
    agent = agent_for(unit)
    a = svc.assessment_open(actor=agent, employer=unit, collection_year=2026, has_disabled=True)
    declaration_reopen(actor=reviewer, declaration=declaration, reason="反馈同意重新申报")
    assert DeclarationStatus.objects.get(employer=unit, business_year=2025).state == "reopened"
    assert LevyAssessment.objects.get(pk=a.pk).status == S.CANCELLED
