"""发送税务: one delivery per certificate, pushed to the tax intake, retried on outages, failed
visibly, re-driven by staff or the sweep, acknowledged by the intake or by a tax officer."""

import threading

import pytest
from django.db import connections
from django.test import override_settings

from levy.models import CertifiedFigures
from placement import choices as c
from placement.models import AnnualDeclaration, TaxDelivery
from placement.selectors.queues import failed_deliveries
from placement.services.delivery import (
    certified_result,
    deliveries_to_sweep,
    delivery_acknowledge_manually,
    delivery_poll,
    delivery_push,
    delivery_retry,
    delivery_send,
    delivery_send_batch,
)
from placement.tasks import delivery_sweep_task
from portal import feeds
from portal.audit import audit_timeline
from portal.exceptions import NotAllowed, ValidationFailed
from portal.feeds.models import IntakeSubmission
from portal.models import AuditEntry, Notice
from tests.factories import fresh
from tests.placement.factories import DeclarationFactory, TaxDeliveryFactory

DS = c.DeliveryStatus


def test_sending_a_certified_declaration_hands_it_to_the_intake(certified, reviewer_sh,
                                                                django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        delivery = delivery_send(actor=reviewer_sh, declaration=certified)
    delivery = fresh(delivery)
    assert delivery.status == DS.SENT and delivery.attempts == 1 and delivery.queued_by == reviewer_sh
    submission = IntakeSubmission.objects.get(reference=certified.certificate.reference)
    assert submission.credit_code == certified.employer.credit_code
    assert submission.payload["placed_equivalent"] == "4.00"  # two persons, 一级, twelve months each
    assert len(submission.payload["persons"]) == 2
    assert fresh(certified).status == c.DeclarationStatus.CERTIFIED  # only the bureau's acknowledgement moves it
    actions = [entry.action for entry in audit_timeline(delivery)]
    assert actions == ["tax_delivery.queue", "tax_delivery.send"]


@pytest.mark.parametrize("trait", ["submitted", None])
def test_only_certified_declarations_can_be_sent(unit_a, reviewer_sh, trait):
    declaration = DeclarationFactory(employer=unit_a, **({trait: True} if trait else {}))
    with pytest.raises(NotAllowed, match="只有年审认证通过的申报才能发送税务"):
        delivery_send(actor=reviewer_sh, declaration=declaration)
    assert not TaxDelivery.objects.exists()


def test_a_tax_officer_or_an_employer_cannot_send(certified, tax_sh, owner):
    for actor in (tax_sh, owner):
        with pytest.raises(NotAllowed):
            delivery_send(actor=actor, declaration=certified)


def test_sending_twice_keeps_exactly_one_delivery(certified, reviewer_sh, supervisor_sh,
                                                  django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        first = delivery_send(actor=reviewer_sh, declaration=certified)
        second = delivery_send(actor=supervisor_sh, declaration=certified)
        delivery_send_batch(actor=reviewer_sh, declarations=[certified, certified])
    assert first.pk == second.pk
    assert TaxDelivery.objects.count() == 1
    assert IntakeSubmission.objects.count() == 1
    assert AuditEntry.objects.filter(action="tax_delivery.queue").count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_reviewers_sending_at_the_same_moment_make_one_delivery(reference_data):
    from tests import factories as f

    unit = f.EmployerFactory(admin_region=f.region("310104"))
    declaration = DeclarationFactory(employer=unit, certified=True)
    reviewers = [f.UserFactory(reviewer=True, region=f.region("310000")) for _ in range(4)]
    barrier, results, errors = threading.Barrier(4), [], []

    def send(actor):
        try:
            barrier.wait()
            results.append(delivery_send(actor=actor, declaration=declaration).pk)
        except Exception as error:  # noqa: BLE001 (collected and asserted below)
            errors.append(error)
        finally:
            connections.close_all()

    # The push runs inline after each commit (eager tasks), as idempotent as a worker's would be.
    # (Not override_settings(CELERY_TASK_ALWAYS_EAGER=False): Celery caches its configuration the
    # first time it reads it, so the override would outlive the test in this process.)
    threads = [threading.Thread(target=send, args=(r,)) for r in reviewers]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert len(set(results)) == 1
    assert TaxDelivery.objects.filter(declaration=declaration).count() == 1


@override_settings(TAX_DELIVERY_ATTEMPTS=3, TAX_DELIVERY_BACKOFF_S=10)
def test_the_delivery_fails_times_out_fails_visibly_then_recovers(certified, reviewer_sh, supervisor_sh, tax_sh):
    delivery = TaxDelivery.objects.create(declaration=certified, certificate=certified.certificate)

    with feeds.configure(error_rate=1.0):  # the intake answers 503
        wait = delivery_push(delivery.pk)
    delivery = fresh(delivery)
    assert 5 <= wait <= 15  # 10 s, jittered
    assert (delivery.status, delivery.attempts) == (DS.QUEUED, 1)
    assert "503" in delivery.last_error and delivery.next_attempt_at is not None

    with feeds.configure(timeout_rate=1.0, timeout_s=0.01):  # the intake hangs
        wait = delivery_push(delivery.pk)
    delivery = fresh(delivery)
    assert 10 <= wait <= 30  # doubled
    assert (delivery.status, delivery.attempts) == (DS.QUEUED, 2)
    assert "超时" in delivery.last_error

    with feeds.configure(error_rate=1.0):  # the last attempt: failed, with an alert
        assert delivery_push(delivery.pk) is None
    delivery = fresh(delivery)
    assert delivery.status == DS.FAILED and "已尝试3次" in delivery.last_error
    assert failed_deliveries(reviewer_sh).count() == 1
    assert delivery_push(delivery.pk) is None  # idempotent: a failed delivery waits for staff
    assert not IntakeSubmission.objects.exists()

    delivery_retry(actor=supervisor_sh, delivery=delivery)  # the intake is back
    delivery = fresh(delivery)
    assert (delivery.status, delivery.attempts, delivery.last_error) == (DS.QUEUED, 0, "")
    with feeds.configure(ack_delay_s=0):
        assert delivery_push(delivery.pk) is None
        assert fresh(delivery).status == DS.SENT
        delivery_poll(delivery.pk)
    delivery = fresh(delivery)
    assert delivery.status == DS.ACKNOWLEDGED and delivery.intake_reference.startswith("SW")
    assert failed_deliveries(reviewer_sh).count() == 0
    declaration = fresh(certified)
    assert declaration.status == c.DeclarationStatus.SENT_TO_TAX and declaration.sent_to_tax_at
    assert Notice.objects.filter(employer=certified.employer, title__contains="送达税务部门").count() == 1
    delivery_poll(delivery.pk)  # idempotent: nothing more happens
    assert AuditEntry.objects.filter(action="declaration.sent_to_tax").count() == 1


def test_the_intake_not_acknowledging_yet_leaves_the_delivery_sent(certified):
    delivery = TaxDelivery.objects.create(declaration=certified, certificate=certified.certificate)
    with feeds.configure(ack_delay_s=3600):
        delivery_push(delivery.pk)
        delivery_poll(delivery.pk)
    # issue 14, point 5: in flight, 税务接收编号 showed our own certificate number
    assert fresh(delivery).status == DS.SENT and fresh(delivery).intake_reference == ""
    with feeds.configure(error_rate=1.0):  # an outage while asking: still sent, error noted
        delivery_poll(delivery.pk)
    delivery = fresh(delivery)
    assert delivery.status == DS.SENT and "503" in delivery.last_error


def test_a_refusal_by_the_bureau_fails_the_delivery(certified):
    delivery = TaxDelivery.objects.create(declaration=certified, certificate=certified.certificate)
    delivery_push(delivery.pk)
    IntakeSubmission.objects.update(status="rejected", message="单位不在本局管辖")
    delivery_poll(delivery.pk)
    delivery = fresh(delivery)
    assert delivery.status == DS.FAILED and "单位不在本局管辖" in delivery.last_error
    assert fresh(certified).status == c.DeclarationStatus.CERTIFIED


def test_a_submission_the_intake_lost_is_submitted_again_with_the_same_reference(certified):
    delivery = TaxDelivery.objects.create(declaration=certified, certificate=certified.certificate)
    delivery_push(delivery.pk)
    IntakeSubmission.objects.all().delete()
    with feeds.configure(ack_delay_s=0):
        delivery_poll(delivery.pk)
    assert IntakeSubmission.objects.get().reference == certified.certificate.reference
    assert fresh(delivery).status == DS.SENT


def test_the_same_reference_with_other_content_is_a_permanent_failure(certified):
    delivery = TaxDelivery.objects.create(declaration=certified, certificate=certified.certificate)
    feeds.get_feeds().tax_intake.submit(certified_result(certified))
    CertifiedFigures.objects.filter(certificate_reference=certified.certificate.reference).update(headcount=999)
    delivery_push(delivery.pk)
    delivery = fresh(delivery)
    assert delivery.status == DS.FAILED and "内容不同" in delivery.last_error


def test_a_cancelled_delivery_is_never_pushed(certified):
    from django.utils import timezone

    delivery = TaxDeliveryFactory(declaration=certified, status=DS.CANCELLED, cancelled_at=timezone.now())
    assert delivery_push(delivery.pk) is None
    assert fresh(delivery).status == DS.CANCELLED and not IntakeSubmission.objects.exists()


def test_the_sweep_redrives_lost_pushes_and_asks_about_sent_deliveries(certified):
    import datetime

    from django.utils import timezone

    from tests import factories as f

    other = DeclarationFactory(employer=f.EmployerFactory(), certified=True)
    lost = TaxDelivery.objects.create(declaration=certified, certificate=certified.certificate,
                                      queued_at=timezone.now() - datetime.timedelta(hours=1))
    just_queued = TaxDelivery.objects.create(declaration=other, certificate=other.certificate)
    assert deliveries_to_sweep() == ([lost.pk], [])
    with feeds.configure(ack_delay_s=0):
        delivery_sweep_task()  # pushes the lost one
        assert fresh(lost).status == DS.SENT
        assert deliveries_to_sweep() == ([], [lost.pk])
        delivery_sweep_task()  # asks about it: acknowledged
    assert fresh(lost).status == DS.ACKNOWLEDGED
    assert fresh(just_queued).status == DS.QUEUED  # its own task is still on its way
    assert deliveries_to_sweep() == ([], [])


def test_a_tax_officer_acknowledges_what_the_intake_did_not(certified, tax_sh, reviewer_sh):
    delivery = TaxDelivery.objects.create(declaration=certified, certificate=certified.certificate)
    with feeds.configure(ack_delay_s=3600):
        delivery_push(delivery.pk)
    with pytest.raises(ValidationFailed):
        delivery_acknowledge_manually(actor=tax_sh, delivery=delivery, reason=" ")
    with pytest.raises(NotAllowed):
        delivery_acknowledge_manually(actor=reviewer_sh, delivery=delivery, reason="纸质件已收到")
    delivery_acknowledge_manually(actor=tax_sh, delivery=delivery, reason="纸质件已收到")
    delivery = fresh(delivery)
    assert delivery.status == DS.ACKNOWLEDGED and delivery.acknowledged_by == tax_sh
    assert fresh(certified).status == c.DeclarationStatus.SENT_TO_TAX
    entry = AuditEntry.objects.get(action="tax_delivery.acknowledge")
    assert entry.actor == tax_sh and entry.reason == "纸质件已收到"
    with pytest.raises(NotAllowed, match="已确认接收"):
        delivery_acknowledge_manually(actor=tax_sh, delivery=delivery, reason="再次")


def test_staff_outside_the_units_region_cannot_send_retry_or_acknowledge(certified, reviewer_ln, tax_ln):
    with pytest.raises(NotAllowed, match="管辖范围"):
        delivery_send(actor=reviewer_ln, declaration=certified)
    delivery = TaxDelivery.objects.create(declaration=certified, certificate=certified.certificate)
    with pytest.raises(NotAllowed, match="管辖范围"):
        delivery_acknowledge_manually(actor=tax_ln, delivery=delivery, reason="收到")
    delivery.fail(error="税务接口超时")
    delivery.save()
    with pytest.raises(NotAllowed, match="管辖范围"):
        delivery_retry(actor=reviewer_ln, delivery=delivery)
    assert fresh(delivery).status == DS.FAILED


def test_a_reopened_declarations_delivery_is_cancelled_and_sending_the_new_certificate_makes_a_new_one(
        unit_a, owner, reviewer_sh, supervisor_sh, django_capture_on_commit_callbacks):
    from placement.models import WithdrawalRequest
    from placement.services.certification import declaration_certify, withdrawal_decide

    declaration = DeclarationFactory(employer=unit_a, submitted=True)
    with django_capture_on_commit_callbacks(execute=True):
        declaration_certify(actor=reviewer_sh, declaration=declaration)
        first = delivery_send(actor=reviewer_sh, declaration=declaration)
    request = WithdrawalRequest.objects.create(declaration=declaration, reason="人数有误", after_certification=True,
                                               submitted_by=owner)
    with django_capture_on_commit_callbacks(execute=True), feeds.configure(ack_delay_s=0):
        withdrawal_decide(actor=supervisor_sh, request=request, approve=True, reason="同意")
    assert fresh(first).cancelled_at is not None and fresh(first).status == DS.CANCELLED
    # issue 14, point 3: the result had reached the intake, so its revocation is handed over and tracked
    revocation = TaxDelivery.objects.get(certificate=first.certificate, kind=c.DeliveryKind.REVOCATION)
    assert revocation.status in (DS.SENT, DS.ACKNOWLEDGED) and "人数有误" in revocation.reason
    received = IntakeSubmission.objects.get(reference=f"{first.certificate.reference}-CX")
    assert received.payload["revokes"] == first.certificate.reference
    with pytest.raises(NotAllowed):
        delivery_send(actor=reviewer_sh, declaration=declaration)  # a draft again
    # the unit files again (submission has its own tests)
    AnnualDeclaration.objects.filter(pk=declaration.pk).update(status=c.DeclarationStatus.SUBMITTED)
    declaration = fresh(declaration)
    with django_capture_on_commit_callbacks(execute=True):
        declaration = declaration_certify(actor=reviewer_sh, declaration=declaration)
        second = delivery_send(actor=reviewer_sh, declaration=declaration)
    assert second.pk != first.pk and second.certificate == declaration.certificate
    assert TaxDelivery.objects.filter(declaration=declaration).count() == 3  # result, revocation, new result


def test_a_result_that_never_reached_tax_is_cancelled_without_a_revocation(certified, reviewer_sh):
    from placement.services.delivery import delivery_revoke

    queued = TaxDeliveryFactory(declaration=certified)
    assert delivery_revoke(actor=reviewer_sh, certificate=certified.certificate, reason="重新打开") is None
    assert fresh(queued).status == DS.CANCELLED
    assert not TaxDelivery.objects.filter(kind=c.DeliveryKind.REVOCATION).exists()


def test_the_hand_off_sends_the_certified_figures_even_after_a_policy_edit(unit_a, reviewer_sh):
    """Regression (issue 13, point 5): the hand-off recomputed the count with the weight rule in
    force when it was sent, so an administrator's edit between certification and sending changed
    what tax received. It now sends the record the certification made."""
    from levy.models import PolicyRule
    from levy.seed import WEIGHT_RULE

    certified = DeclarationFactory(employer=unit_a, certified=True, persons=2)  # 二级: 2 × 12 months each
    PolicyRule.objects.create(region_code="310000", name="weight_rule", first_year=2026, last_year=2026,
                              value={**WEIGHT_RULE, "severe_weight": 3}, source="测试：认证后修改折算规则")
    delivery = TaxDeliveryFactory(declaration=certified)
    with feeds.configure(ack_delay_s=3600):
        delivery_push(delivery.pk)
    payload = IntakeSubmission.objects.get(reference=certified.certificate.reference).payload
    assert payload["placed_equivalent"] == "4.00"  # 48 weighted months / 12, as certified (not 6.00)
    assert [person["weight"] for person in payload["persons"]] == [2, 2]
