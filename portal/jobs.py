"""Queueing a background task from a service, by the task's name.

Tasks call services and services queue tasks. Naming the task ("placement.tasks.person_verify_task")
instead of importing it keeps the imports one way (a tasks module imports its services; no service
imports a tasks module), so the two cannot lean on each other. Celery's own `symbol_by_name` finds
the task, so an eager test run and a real worker behave alike."""

import random

from celery.utils.imports import symbol_by_name
from django.conf import settings
from django.db import transaction


def enqueue(task: str, *args, countdown: float | None = None) -> None:
    """Queue `task` with `args` now (or `countdown` seconds from now)."""
    symbol_by_name(task).apply_async(args, countdown=countdown)


def enqueue_on_commit(task: str, *args, countdown: float | None = None) -> None:
    """Queue `task` once the current transaction commits (a worker must see what it was told about)."""
    transaction.on_commit(lambda: enqueue(task, *args, countdown=countdown))


def chunks(items: list, size: int) -> list[list]:
    """`items` in consecutive slices of at most `size`: a task's share of a batch, an export's read,
    a statement's parameters."""
    return [items[i:i + size] for i in range(0, len(items), size)]


def backoff(attempts: int) -> float:
    """Seconds before a failed call's next try: exponential from TAX_DELIVERY_BACKOFF_S, at most an
    hour, with jitter so that a burst of failures does not come back as a burst."""
    base = settings.TAX_DELIVERY_BACKOFF_S * (2 ** (attempts - 1))
    return min(base, 3600) * (0.5 + random.random())  # noqa: S311 (jitter, not security)
