"""The declared method (电子税务局 申报, every region but Shanghai), end to end through the
services: the guide, the 申报表 figures, 核定 recorded, 确认提交 with its receipt, payment through
the mocked channel, the overdue job and the late fee across the deadline and at its cap."""

import datetime
from decimal import Decimal

import pytest
import time_machine
from django.utils import timezone

from levy.choices import AssessmentStatus as S
from levy.models import LevyAssessment, LevyPayment
from levy.selectors.assessment import assessment_view
from levy.services import assessment as svc
from levy.services.payment import payment_request
from levy.versions import levy_recompute
from portal import feeds
from portal.exceptions import Conflict, NotAllowed, ValidationFailed
from portal.feeds.models import PaymentRecord
from portal.models import Receipt
from tests.levy.conftest import certify_unit, counted, unit_in

pytestmark = pytest.mark.django_db


def at(day: str):
    return time_machine.travel(datetime.datetime.fromisoformat(day + "T10:00:00+08:00"), tick=False)


def declared(employer, agent, *, year=2026, headcount=200, wages="20000000", has_disabled=True, persons=None):
    if persons is not None:
        certify_unit(employer, year=year - 1, headcount=headcount, persons=persons)
    a = svc.assessment_open(actor=agent, employer=employer, collection_year=year, has_disabled=has_disabled)
    svc.notice_agree(actor=agent, assessment=a)
    svc.declared_figures_save(actor=agent, assessment=a, headcount=headcount, wage_total=wages)
    a = svc.assessment_confirm(actor=agent, assessment=a)
    return svc.assessment_assess(actor=agent, assessment=a)


def test_e1_declared_assessed_submitted_and_paid_in_time(agent_for, django_capture_on_commit_callbacks):
    unit = unit_in("210102")
    agent = agent_for(unit)
    with at("2026-09-01"):
        a = declared(unit, agent, persons=[counted(grade=3)])
        assert (a.status, a.method, a.outcome) == (S.ASSESSED, "declared", "payable")
        assert (a.headcount, a.gross_levy, a.levy_amount, a.reduction_rule) == (
            200, Decimal("200000.00"), Decimal("180000.00"), "tier_90")
        assert a.deadline == datetime.date(2026, 11, 30)  # the national default window
        assert levy_recompute(a.record).levy == Decimal("180000.00")  # recomputes to the same figure
        a = svc.assessment_submit(actor=agent, assessment=a)
        assert a.status == S.SUBMITTED and a.receipt.public_facts["统一审批编码"] == a.reference
        with feeds.configure(settle_delay_s=0), django_capture_on_commit_callbacks(execute=True):
            payment = payment_request(actor=agent, assessment=a, method="agreement")
    payment = LevyPayment.objects.get(pk=payment.pk)
    a = LevyAssessment.objects.get(pk=a.pk)
    assert payment.status == "paid" and payment.late_fee == 0 and payment.amount == Decimal("180000.00")
    assert a.status == S.PAID and a.paid_on == datetime.date(2026, 9, 1)
    assert a.payment_receipt.title == "残疾人就业保障金缴费凭证" and a.payment_receipt.verification_code


def test_l1_and_l2_the_late_fee_across_the_deadline_and_at_its_cap(agent_for, django_capture_on_commit_callbacks):
    """DOMAIN.md L1/L2: 180,000 due 2025-10-31 (Tianjin's 2025 window), paid 2025-12-15 → 45 days,
    40,500.00; on 2026-07-08 the fee is capped at the principal."""
    unit = unit_in("120101")
    agent = agent_for(unit)
    with at("2025-10-01"):
        a = declared(unit, agent, year=2025, persons=[counted(grade=3, index=2)])  # E1's figures: 180,000
    assert a.deadline == datetime.date(2025, 10, 31) and a.levy_amount == Decimal("180000.00")
    with at("2025-10-15"):
        a = svc.assessment_submit(actor=agent, assessment=a)
    with at("2025-10-31"):
        assert svc.assessments_mark_overdue() == 0  # the deadline day itself is free
    with at("2025-11-01"):
        assert svc.assessments_mark_overdue() == 1
        assert svc.assessments_mark_overdue() == 0  # idempotent
    with at("2025-12-15"):
        view = assessment_view(LevyAssessment.objects.get(pk=a.pk))
        assert (view.fee_today.days, view.fee_today.fee, view.fee_today.capped) == (45, Decimal("40500.00"), False)
    with at("2026-07-08"):
        view = assessment_view(LevyAssessment.objects.get(pk=a.pk))
        assert view.fee_today.fee == Decimal("180000.00") and view.fee_today.capped
    with at("2025-12-15"), feeds.configure(settle_delay_s=0), django_capture_on_commit_callbacks(execute=True):
        payment_request(actor=agent, assessment=a, method="transfer")
    a = LevyAssessment.objects.get(pk=a.pk)
    assert a.status == S.PAID_LATE and a.late_fee_paid == Decimal("40500.00") and a.paid_amount == Decimal("220500.00")


def test_a_failed_payment_is_kept_and_the_unit_pays_again_and_outages_are_retried(
        agent_for, django_capture_on_commit_callbacks, settings):
    settings.TAX_DELIVERY_BACKOFF_S = 0.001
    unit = unit_in("210102")
    agent = agent_for(unit)
    with at("2026-09-01"):
        a = svc.assessment_submit(actor=agent, assessment=declared(unit, agent, persons=[counted(grade=3)]))
        with feeds.configure(settle_delay_s=3600), django_capture_on_commit_callbacks(execute=True):
            first = payment_request(actor=agent, assessment=a, method="agreement")
        with pytest.raises(Conflict, match="正在由银行处理"):
            payment_request(actor=agent, assessment=a, method="agreement")  # a second tab
        PaymentRecord.objects.filter(reference=first.reference).update(
            staged_outcome="failed", staged_message="三方协议已失效", settle_due_at=timezone.now())
        from levy.services.payment import payment_poll

        payment_poll(first.pk)
        first = LevyPayment.objects.get(pk=first.pk)
        assert first.status == "failed" and first.message == "三方协议已失效"
        assert LevyAssessment.objects.get(pk=a.pk).status == S.SUBMITTED
        # the channel is down: the order waits and is retried, then goes through
        with feeds.configure(error_rate=1.0), django_capture_on_commit_callbacks(execute=False) as callbacks:
            second = payment_request(actor=agent, assessment=a, method="transfer")
        from levy.services.payment import payment_push, payments_to_sweep

        with feeds.configure(error_rate=1.0):
            assert payment_push(second.pk) is not None
        assert LevyPayment.objects.get(pk=second.pk).attempts == 1 and callbacks
        LevyPayment.objects.filter(pk=second.pk).update(next_attempt_at=timezone.now())
        assert second.pk in payments_to_sweep()[0]
        with feeds.configure(settle_delay_s=0), django_capture_on_commit_callbacks(execute=True):
            payment_push(second.pk)
    assert LevyPayment.objects.get(pk=second.pk).status == "paid"
    assert LevyAssessment.objects.get(pk=a.pk).status == S.PAID
    assert Receipt.objects.filter(kind="levy_payment").count() == 1


def test_the_guide_routes_units_and_bad_figures_store_nothing(agent_for):
    unit = unit_in("210102")
    agent = agent_for(unit)
    with pytest.raises(NotAllowed, match="请先办理"):
        svc.assessment_open(actor=agent, employer=unit, collection_year=2026, has_disabled=True)
    svc.declaration_state_record(employer=unit, business_year=2025, state="submitted")
    with pytest.raises(NotAllowed, match="等待残联认证"):
        svc.assessment_open(actor=agent, employer=unit, collection_year=2026, has_disabled=False)
    svc.declaration_state_record(employer=unit, business_year=2025, state="returned")
    with pytest.raises(NotAllowed, match="退回"):
        svc.assessment_open(actor=agent, employer=unit, collection_year=2026, has_disabled=False)
    other = unit_in("210102")
    other_agent = agent_for(other)
    a = svc.assessment_open(actor=other_agent, employer=other, collection_year=2026, has_disabled=False)
    for headcount, wages, field in ((-1, "100", "headcount"), ("abc", "100", "headcount"),
                                    (10, "-5", "wage_total"), (10, "1000000000000", "wage_total"),
                                    (10, "12.345", "wage_total"), (0, "100", "wage_total")):
        with pytest.raises(ValidationFailed) as caught:
            svc.declared_figures_save(actor=other_agent, assessment=a, headcount=headcount, wage_total=wages)
        assert caught.value.field == field
    a = LevyAssessment.objects.get(pk=a.pk)
    assert a.declared_headcount is None and a.declared_wage_total is None
    with pytest.raises(NotAllowed, match="填写上年在职职工人数"):
        svc.assessment_confirm(actor=other_agent, assessment=a)
    with pytest.raises(NotAllowed, match="本单位"):
        svc.declared_figures_save(actor=agent, assessment=a, headcount=10, wage_total="100")


def test_zero_declaration_small_enterprise_and_over_ratio_outcomes(agent_for):
    with at("2026-09-01"):
        small = unit_in("210102")
        agent = agent_for(small)
        a = declared(small, agent, headcount=30, wages="2400000", has_disabled=False)
        assert (a.outcome, a.levy_amount, a.reduction_rule) == ("exempt", Decimal("0.00"), "small_enterprise_exempt")
        a = svc.assessment_submit(actor=agent, assessment=a)
        assert a.status == S.EXEMPT and a.finished_at
        over = unit_in("210102")
        agent2 = agent_for(over)
        a2 = declared(over, agent2, headcount=100, wages="9000000",
                      persons=[counted(grade=1, index=3), counted(grade=3, index=4)])  # E4: A = 3
        assert a2.outcome == "over_ratio" and a2.levy_amount == 0
        a2 = svc.assessment_submit(actor=agent2, assessment=a2)
        assert a2.status == S.OVER_RATIO
        a2 = svc.reward_choose(actor=agent2, assessment=a2, apply=True)
        assert a2.reward_choice == "yes"
        with pytest.raises(Conflict):
            svc.reward_choose(actor=agent2, assessment=a2, apply=False)
        with pytest.raises(Conflict, match="确认提交|已"):
            svc.assessment_submit(actor=agent2, assessment=a2)
