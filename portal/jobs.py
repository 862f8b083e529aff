"""Queueing a background task from a service, by the task's name.

Tasks call services and services queue tasks. Naming the task ("placement.tasks.person_verify_task")
instead of importing it keeps the imports one way (a tasks module imports its services; no service
imports a tasks module), so the two cannot lean on each other. Celery's own `symbol_by_name` finds
the task, so an eager test run and a real worker behave alike."""

from celery.utils.imports import symbol_by_name
from django.db import transaction


def enqueue(task: str, *args, countdown: float | None = None) -> None:
    """Queue `task` with `args` now (or `countdown` seconds from now)."""
    symbol_by_name(task).apply_async(args, countdown=countdown)


def enqueue_on_commit(task: str, *args, countdown: float | None = None) -> None:
    """Queue `task` once the current transaction commits (a worker must see what it was told about)."""
    transaction.on_commit(lambda: enqueue(task, *args, countdown=countdown))
