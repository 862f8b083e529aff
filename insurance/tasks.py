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
    """Every five minutes: ask again where a registry was silent or a task was lost (rosters and
    withholding runs)."""
    from insurance.services.verification import insurance_sweep
    from insurance.services.withholding import withholding_sweep

    insurance_sweep()
    withholding_sweep()


@shared_task
def run_send_task(run_id: int) -> None:
    """Hand a withholding run's file to the pension registry (idempotent)."""
    from insurance.services.withholding import run_send

    run_send(run_id)


@shared_task
def members_withhold_task(run_id: int, member_ids: list[int]) -> None:
    """Withhold a chunk of a run's members through the pension registry (idempotent by reference)."""
    from insurance.services.withholding import members_withhold

    members_withhold(run_id, member_ids)


@shared_task
def withholding_runs_due_task() -> None:
    """Daily: start the withholding runs whose pension day has come."""
    from insurance.services.withholding import runs_start_due

    runs_start_due()
