"""Celery tasks of the retiree plan: interfaces only (STYLE.md 11). Ids in; each calls one service,
imported inside the task (the services enqueue these tasks)."""

from celery import shared_task


@shared_task
def members_verify_task(batch_id: int, member_ids: list[int]) -> None:
    """Verify a chunk of a batch's members against the registries (idempotent)."""
    from insurance.services.verification import members_verify

    members_verify(batch_id, member_ids)


@shared_task
def batch_settle_task(batch_id: int) -> None:
    """Finish a batch's verification when nobody is queued any more (idempotent)."""
    from insurance.services.verification import batch_verify_settle

    batch_verify_settle(batch_id)


@shared_task
def insurance_sweep_task() -> None:
    """Every five minutes: ask again where a registry was silent or a task was lost."""
    from insurance.services.verification import insurance_sweep

    insurance_sweep()
