"""Celery tasks of the levy app: interfaces only (STYLE.md 11). Ids in; each loads and calls one
service, imported inside the task (the services enqueue these tasks)."""

from celery import shared_task


@shared_task(bind=True, max_retries=None)
def registry_fetch_task(self, assessment_id: int) -> None:
    """征缴基数 from the social-insurance registry (idempotent); a transient failure retries."""
    from levy.services.assessment import registry_fetch

    wait = registry_fetch(assessment_id)
    if wait is not None:
        raise self.retry(countdown=wait)


@shared_task(bind=True, max_retries=None)
def payment_push_task(self, payment_id: int) -> None:
    """Send one payment order to the channel (idempotent)."""
    from levy.services.payment import payment_push

    wait = payment_push(payment_id)
    if wait is not None:
        raise self.retry(countdown=wait)


@shared_task
def payment_poll_task(payment_id: int) -> None:
    """Ask the channel whether a sent order was paid or failed (idempotent)."""
    from levy.services.payment import payment_poll

    payment_poll(payment_id)


@shared_task(bind=True, max_retries=None)
def payout_push_task(self, payout_id: int) -> None:
    """Send one reward payout to the bank (idempotent)."""
    from levy.services.reward import payout_push

    wait = payout_push(payout_id)
    if wait is not None:
        raise self.retry(countdown=wait)


@shared_task
def payout_poll_task(payout_id: int) -> None:
    """Ask the bank whether a sent payout was paid or failed (idempotent)."""
    from levy.services.reward import payout_poll

    payout_poll(payout_id)


@shared_task
def levy_sweep_task() -> None:
    """Beat: re-drive registry fetches, payment orders and reward payouts whose retry is due or
    lost; ask about orders and payouts the bank is processing."""
    from levy.services.assessment import registry_fetches_to_sweep
    from levy.services.payment import payments_to_sweep

    for pk in registry_fetches_to_sweep():
        registry_fetch_task.delay(pk)
    queued, sent = payments_to_sweep()
    for pk in queued:
        payment_push_task.delay(pk)
    for pk in sent:
        payment_poll_task.delay(pk)
    from levy.services.reward import payouts_to_sweep

    queued, sent = payouts_to_sweep()
    for pk in queued:
        payout_push_task.delay(pk)
    for pk in sent:
        payout_poll_task.delay(pk)


@shared_task
def levy_overdue_task() -> None:
    """Daily: mark submitted assessments past their payment deadline overdue (idempotent)."""
    from levy.services.assessment import assessments_mark_overdue

    assessments_mark_overdue()


@shared_task
def levy_bulk_task(job_id: int) -> None:
    """Year-end: assess every unit of a region from stored figures (idempotent per unit)."""
    from levy.services.bulk import bulk_run

    bulk_run(job_id)
