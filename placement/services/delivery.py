"""发送税务: handing certified declarations to the tax bureau's intake and tracking each hand-off
until the bureau acknowledges it (ARCHITECTURE.md "where we go beyond" 7); and when a reopening
cancels a result that had reached tax, handing over its revocation the same way (issue 14: tax
was never told, and the result vanished from its console).

One TaxDelivery per certificate: sending again re-drives the same row, so a declaration is
delivered once however many times (or however many tabs at once) it is sent. What is sent is the
record the certification made (levy.CertifiedFigures and its persons), never a recomputation: a
policy edit after certification cannot change what tax receives. The push and the status query
are task services: idempotent, transient feed failures retried with exponential backoff and
jitter, permanent ones and exhausted retries land in "failed" with the error, shown as an alert
until staff retry. A beat sweep re-drives queued rows whose retry was lost and asks about sent
ones. When the intake acknowledges, the declaration moves to sent_to_tax; a tax officer can
acknowledge by hand when the intake did not."""

import datetime
import logging
from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from levy.models import CertifiedFigures
from levy.rules import round_half_up
from placement import choices as c
from placement import predicates as p
from placement.models import AnnualDeclaration, TaxDelivery
from portal.audit import audit_record
from portal.exceptions import DomainError, NotAllowed, ValidationFailed
from portal.feeds import FeedRejected, FeedUnavailable, SubmissionNotFound, get_feeds
from portal.feeds.types import (
    INTAKE_ACKNOWLEDGED,
    INTAKE_REJECTED,
    CertifiedPerson,
    CertifiedResult,
    CertifiedRevocation,
    IntakeReceipt,
)
from portal.guards import insist
from portal.jobs import backoff, enqueue_on_commit
from portal.notices import notice_post
from portal.predicates import is_federation_staff
from portal.workflow import audit_created, can, locked, transition_apply

log = logging.getLogger(__name__)
D, DS, DK = c.DeclarationStatus, c.DeliveryStatus, c.DeliveryKind
# A queued row untouched this long (its task lost with a broker restart) is re-driven by the sweep.
STUCK_AFTER = timedelta(minutes=10)
POLL_AFTER_S = 30  # the first status query after a submission


# --- what is handed over --------------------------------------------------------------------------


def certified_result(declaration: AnnualDeclaration) -> CertifiedResult:
    """The certified declaration as the intake receives it, from the record its certification
    made: per person the certified months and weight, and the unit's exact disabled count (Σ
    approved months / 12) to two decimals. The same content on every resubmission, so the intake's
    idempotency by reference holds."""
    figures = CertifiedFigures.objects.prefetch_related("persons").get(
        employer_id=declaration.employer_id, business_year=declaration.business_year,
        certificate_reference=declaration.certificate.reference)
    return CertifiedResult(
        reference=figures.certificate_reference, credit_code=declaration.employer.credit_code,
        unit_name=declaration.employer.name, business_year=declaration.business_year,
        headcount=figures.headcount, placed_equivalent=round_half_up(figures.disabled_count, 2),
        persons=tuple(CertifiedPerson(id_number=p.id_number, name=p.name, months=tuple(p.months), weight=p.weight)
                      for p in figures.persons.all()),
        certified_at=declaration.certified_at,
    )


def revocation_of(delivery: TaxDelivery) -> CertifiedRevocation:
    """The withdrawal of a result, as the intake receives it."""
    employer = delivery.declaration.employer
    return CertifiedRevocation(
        reference=delivery.reference, revokes=delivery.certificate.reference, credit_code=employer.credit_code,
        unit_name=employer.name, business_year=delivery.declaration.business_year, reason=delivery.reason,
        revoked_at=delivery.queued_at,
    )


def _hand_over(intake, delivery: TaxDelivery) -> IntakeReceipt:
    if delivery.is_revocation:
        return intake.revoke(revocation_of(delivery))
    declaration = AnnualDeclaration.objects.select_related("employer", "certificate").get(pk=delivery.declaration_id)
    return intake.submit(certified_result(declaration))


# --- 发送税务 (reviewers) -----------------------------------------------------------------------


def _enqueue_push(delivery: TaxDelivery) -> None:
    pk = delivery.pk
    enqueue_on_commit("placement.tasks.delivery_push_task", pk)


def delivery_send(*, actor, declaration: AnnualDeclaration) -> TaxDelivery:
    """发送税务 one certified declaration. Creates its delivery (queued) and pushes it in the
    background. Idempotent: a declaration already on its way or acknowledged keeps its one
    delivery (a failed one is re-driven, as 重新发送). The declaration row is locked, so two
    reviewers (or two tabs) sending at once still make one delivery."""
    with transaction.atomic():
        declaration = locked(declaration, "employer")
        p.federation_in_scope.require(actor, declaration)
        if not declaration.is_certified or declaration.certificate_id is None:
            raise NotAllowed(f"{declaration}当前状态为“{declaration.get_status_display()}”，只有年审认证通过的申报才能发送税务")
        delivery, created = TaxDelivery.objects.get_or_create(
            certificate_id=declaration.certificate_id, kind=DK.RESULT,
            defaults={"declaration": declaration, "queued_by": actor if getattr(actor, "pk", None) else None},
        )
        if created:
            audit_created(delivery, actor=actor, action="tax_delivery.queue")
            audit_record(action="declaration.send_to_tax", actor=actor, obj=declaration, data={"delivery": delivery.pk})
        delivery = locked(delivery)
        if delivery.status == DS.CANCELLED:
            raise NotAllowed("该审核认定书已作废，不能发送税务")
        if delivery.status == DS.ACKNOWLEDGED:
            return delivery  # idempotent: already acknowledged by the bureau
        if delivery.status == DS.FAILED:
            delivery = transition_apply(delivery, "retry", actor=actor, lock=False, reason="重新发送")
        if delivery.status == DS.QUEUED:
            _enqueue_push(delivery)
        else:  # sent: ask the intake where it stands rather than submitting again
            pk = delivery.pk
            enqueue_on_commit("placement.tasks.delivery_poll_task", pk)
    return delivery


@dataclass
class BatchOutcome:
    sent: list[TaxDelivery] = field(default_factory=list)
    refused: dict[str, str] = field(default_factory=dict)  # declaration → the reason in Chinese


def delivery_send_batch(*, actor, declarations) -> BatchOutcome:
    """批量发送税务: each declaration on its own (one refusal does not stop the others)."""
    insist(is_federation_staff, actor, None)
    outcome = BatchOutcome()
    for declaration in declarations:
        try:
            outcome.sent.append(delivery_send(actor=actor, declaration=declaration))
        except DomainError as error:
            outcome.refused[str(declaration)] = error.message
    return outcome


def delivery_revoke(*, actor, certificate, reason: str) -> TaxDelivery | None:
    """The certificate was cancelled (its declaration reopened): its result hand-off, wherever it
    stands, is cancelled, so the sweep never sends it and staff see why (已作废); and when the result
    had reached the intake, a revocation is handed over and tracked like a result. Idempotent."""
    result = TaxDelivery.objects.filter(certificate=certificate, kind=DK.RESULT).first()
    if result is None:
        return None  # never handed over: nothing to withdraw
    reached = result.sent_at is not None or result.status in (DS.SENT, DS.ACKNOWLEDGED)
    if result.status != DS.CANCELLED:
        transition_apply(result, "cancel", actor=actor, reason=reason)
    if not reached:
        return None
    revocation, created = TaxDelivery.objects.get_or_create(
        certificate=certificate, kind=DK.REVOCATION,
        defaults={"declaration_id": result.declaration_id, "reason": reason[:500],
                  "queued_by": actor if getattr(actor, "pk", None) else None},
    )
    if created:
        audit_created(revocation, actor=actor, action="tax_delivery.queue", reason=reason)
        _enqueue_push(revocation)
    return revocation


def delivery_retry(*, actor, delivery: TaxDelivery) -> TaxDelivery:
    """重新发送 a failed delivery (staff, from 发送税务查询): back to queued, attempts reset."""
    with transaction.atomic():
        delivery = transition_apply(delivery, "retry", actor=actor, reason="人工重新发送",
                                    related=("declaration__employer",))
        _enqueue_push(delivery)
    return delivery


# --- the task services ----------------------------------------------------------------------------


def _acknowledged(delivery: TaxDelivery, receipt: IntakeReceipt | None, *, actor=None, reason: str = "") -> None:
    """The bureau (or a tax officer) confirmed receipt: the delivery and the declaration move on,
    the unit is told."""
    number = receipt.intake_number if receipt else ""
    if number:
        delivery.intake_reference = number
    transition_apply(delivery, "acknowledge", actor=actor, lock=False, reason=reason,
                     by=actor if getattr(actor, "pk", None) else None)
    if delivery.is_revocation:
        return  # the declaration was reopened: it moves on when it is certified and sent again
    declaration = locked(delivery.declaration, "employer")
    if can(actor, declaration, "mark_sent_to_tax"):
        transition_apply(declaration, "mark_sent_to_tax", actor=actor, lock=False, reason=reason,
                         data={"intake_number": number})
        notice_post(employer=declaration.employer, title=f"{declaration.business_year}年度认定结果已送达税务部门",
                    body=f"您单位{declaration.business_year}年度按比例就业审核认定结果已由税务部门确认接收"
                         f"{'（受理编号 ' + number + '）' if number else ''}。",
                    dedupe_key=f"tax-ack-{delivery.pk}")


def _fail(delivery: TaxDelivery, error: str) -> None:
    transition_apply(delivery, "fail", lock=False, reason=error[:500], error=error)
    log.warning("tax delivery %s failed: %s", delivery.pk, error)


def _live(delivery_id: int, *statuses) -> TaxDelivery | None:
    """The delivery, locked, if it is still in one of `statuses` (a cancelled one never is)."""
    delivery = TaxDelivery.objects.select_for_update(of=("self",)).select_related(
        "certificate", "declaration__employer").filter(pk=delivery_id).first()
    if delivery is None or delivery.status not in statuses:
        return None
    return delivery


def delivery_push(delivery_id: int) -> float | None:
    """Submit a queued delivery to the intake. Returns the seconds to wait before trying again
    after a transient failure, else None. Idempotent: anything but a live queued delivery is left
    alone, and the intake itself is idempotent by reference (a resubmission returns the first
    receipt)."""
    with transaction.atomic():
        delivery = _live(delivery_id, DS.QUEUED)
        if delivery is None:
            return None  # idempotent: already sent, acknowledged, failed or cancelled
        if not delivery.is_revocation:
            declaration = AnnualDeclaration.objects.get(pk=delivery.declaration_id)
            if not declaration.is_certified or declaration.certificate_id != delivery.certificate_id:
                return None  # the declaration was reopened: the reopening cancels this row
        try:
            receipt = _hand_over(get_feeds().tax_intake, delivery)
        except FeedRejected as error:
            _fail(delivery, error.message)
            return None
        except FeedUnavailable as error:
            return _defer(delivery, error.message)
        _record_receipt(delivery, receipt)
    return None


def _defer(delivery: TaxDelivery, error: str) -> float | None:
    """A transient failure: count it; retry later, or fail once the attempts are used up."""
    delivery.attempts += 1
    if delivery.attempts >= settings.TAX_DELIVERY_ATTEMPTS:
        _fail(delivery, f"{error}（已尝试{delivery.attempts}次）")
        return None
    wait = backoff(delivery.attempts)
    delivery.last_error = error[:500]
    delivery.next_attempt_at = timezone.now() + timedelta(seconds=wait)
    delivery.save(update_fields=["attempts", "last_error", "next_attempt_at"])
    return wait


def _record_receipt(delivery: TaxDelivery, receipt: IntakeReceipt) -> None:
    if receipt.status == INTAKE_REJECTED:
        _fail(delivery, f"税务部门退回：{receipt.message or '未说明原因'}")
        return
    just_sent = delivery.status == DS.QUEUED
    if just_sent:
        delivery.attempts += 1
        delivery = transition_apply(delivery, "mark_sent", lock=False)
    if receipt.status == INTAKE_ACKNOWLEDGED:
        _acknowledged(delivery, receipt)
    elif just_sent:
        # The bureau acknowledges on its own time: ask soon; the sweep asks again after that.
        pk = delivery.pk
        enqueue_on_commit("placement.tasks.delivery_poll_task", pk, countdown=POLL_AFTER_S)


def delivery_poll(delivery_id: int) -> None:
    """发送税务查询: ask the intake where a sent delivery stands. Idempotent: only a live sent
    delivery is asked about; an intake that lost the submission gets it again (same reference);
    an outage leaves it sent for the sweep to ask again."""
    with transaction.atomic():
        delivery = _live(delivery_id, DS.SENT)
        if delivery is None:
            return  # idempotent: not in flight
        intake = get_feeds().tax_intake
        try:
            try:
                receipt = intake.status(delivery.reference)
            except SubmissionNotFound:
                receipt = _hand_over(intake, delivery)
        except FeedRejected as error:
            _fail(delivery, error.message)
            return
        except FeedUnavailable as error:
            delivery.last_error = error.message[:500]
            delivery.save(update_fields=["last_error"])
            return
        _record_receipt(delivery, receipt)


def deliveries_to_sweep(now: datetime.datetime | None = None) -> tuple[list[int], list[int]]:
    """(queued ids whose retry is due or whose task was lost, sent ids to ask about)."""
    now = now or timezone.now()
    queued = TaxDelivery.objects.filter(status=DS.QUEUED)
    due = queued.filter(next_attempt_at__isnull=False, next_attempt_at__lte=now) | queued.filter(
        next_attempt_at__isnull=True, queued_at__lte=now - STUCK_AFTER)
    sent = TaxDelivery.objects.filter(status=DS.SENT)
    return list(due.values_list("pk", flat=True)), list(sent.values_list("pk", flat=True))


# --- 人工确认接收 (tax officers) ---------------------------------------------------------------------


def delivery_acknowledge_manually(*, actor, delivery: TaxDelivery, reason: str) -> TaxDelivery:
    """A tax officer confirms the bureau received a result the intake did not acknowledge (it
    arrived another way, or the intake is down). The reason is kept in the audit trail."""
    if not (reason or "").strip():
        raise ValidationFailed("请填写确认说明（如收到的方式）", field="reason")
    with transaction.atomic():
        delivery = locked(delivery, "declaration__employer")
        _acknowledged(delivery, None, actor=actor, reason=reason.strip())
    return delivery
