"""Celery tasks of the placement app: interfaces only (STYLE.md 11). Ids in; each loads and calls
one service, imported inside the task (the services enqueue these tasks, so this is the one
import that runs the other way)."""

from celery import shared_task


@shared_task
def person_verify_task(person_id: int) -> None:
    """Verify one person's months (the wizard); idempotent, feed retries happen inside."""
    from placement.services.verification import person_verify

    person_verify(person_id)


@shared_task
def persons_verify_task(person_ids: list[int]) -> None:
    """Verify a batch of persons of a declaration (idempotent)."""
    from placement.services.verification import persons_verify

    persons_verify(person_ids)


@shared_task
def placement_sweep_task() -> None:
    """Nightly: ask again wherever a feed did not answer (never a confirmed person or a decided month)."""
    from placement.services.verification import batches, persons_to_sweep

    for batch in batches(persons_to_sweep()):
        persons_verify_task.delay(batch)


@shared_task
def headcount_prefill_task(declaration_id: int) -> None:
    """在职职工人数 from the social-insurance registry, once, in the background (idempotent)."""
    from placement.services.declaration import headcount_prefill

    headcount_prefill(declaration_id=declaration_id)


# --- 发送税务 ------------------------------------------------------------------------------------
# Retries of a transient intake failure are Celery retries with the countdown the service chose
# (exponential, jittered); the attempt count lives on the delivery row, so it survives a lost task.


@shared_task(bind=True, max_retries=None)
def delivery_push_task(self, delivery_id: int) -> None:
    """Submit one delivery to the tax intake (idempotent)."""
    from placement.services.delivery import delivery_push

    wait = delivery_push(delivery_id)
    if wait is not None:
        raise self.retry(countdown=wait)


@shared_task
def delivery_poll_task(delivery_id: int) -> None:
    """Ask the tax intake whether a sent delivery was acknowledged (idempotent)."""
    from placement.services.delivery import delivery_poll

    delivery_poll(delivery_id)


@shared_task
def delivery_sweep_task() -> None:
    """Beat: re-drive queued deliveries whose retry is due or lost; ask about sent ones."""
    from placement.services.delivery import deliveries_to_sweep

    queued, sent = deliveries_to_sweep()
    for pk in queued:
        delivery_push_task.delay(pk)
    for pk in sent:
        delivery_poll_task.delay(pk)


@shared_task
def declaration_reminders_task() -> None:
    """Daily: remind units with an unsubmitted declaration 30, 7 and 1 days before the window closes
    (idempotent per unit and day)."""
    from placement.services.declaration import declaration_reminders_send

    declaration_reminders_send()
