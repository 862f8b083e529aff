from celery import shared_task


@shared_task(acks_late=True)
def person_verify_task(person_id: int) -> None:
    """Verify one person's months (idempotent; feed retries happen inside)."""
    from placement.verification import person_verify

    person_verify(person_id)


@shared_task
def declaration_verify_task(declaration_id: int) -> None:
    """Fan out one verification per person of a draft declaration that is not confirmed."""
    from placement.models import PlacedPerson

    for pk in PlacedPerson.objects.filter(declaration_id=declaration_id).exclude(status="confirmed").values_list(
        "pk", flat=True
    ):
        person_verify_task.delay(pk)


@shared_task
def placement_sweep_task() -> None:
    """Nightly: ask again wherever a feed did not answer (never a confirmed person or a decided month)."""
    from placement.verification import persons_to_sweep

    for pk in persons_to_sweep():
        person_verify_task.delay(pk)
