"""The steps a bank order takes behind the feeds boundary, shared by the levy payment (缴费) and the
reward payout (奖励发放): push a queued order, ask where a sent one stands, find the ones to
re-drive. Each caller says which model, which feed source, how its order reads, what a refusal
does and what a receipt does; the locking, the idempotency guards, the retry with backoff and
jitter and the after-commit status query are written once here (both orders are tracked like the
tax hand-off: queued → sent → paid | failed)."""

import datetime
from collections.abc import Callable
from datetime import timedelta

from django.db import models, transaction
from django.utils import timezone

from portal.feeds import FeedRejected, FeedUnavailable, SubmissionNotFound
from portal.jobs import backoff, enqueue_on_commit
from portal.workflow import transition_apply

QUEUED, SENT = "queued", "sent"
STUCK_AFTER = timedelta(minutes=10)  # a queued order untouched this long lost its task: the sweep re-drives it
POLL_AFTER_S = 5  # the first status query after the bank received an order


def _live(model: type[models.Model], pk: int, status: str):
    row = model.objects.select_for_update().filter(pk=pk).first()
    return row if row is not None and row.status == status else None


def channel_push(model: type[models.Model], pk: int, *, source: Callable, order: Callable,
                 failed: Callable, record: Callable, poll_task: str) -> float | None:
    """Send a queued order. Returns seconds to wait after a transient failure (the task retries),
    else None. Idempotent: only a queued order is sent, and the bank is idempotent by reference."""
    with transaction.atomic():
        row = _live(model, pk, QUEUED)
        if row is None:
            return None  # idempotent: already sent, settled or failed
        try:
            receipt = source().request(order(row))
        except FeedRejected as error:
            failed(row, error.message)
            return None
        except FeedUnavailable as error:
            row.attempts += 1
            wait = backoff(row.attempts)
            row.last_error = error.message[:300]
            row.next_attempt_at = timezone.now() + timedelta(seconds=wait)
            row.save(update_fields=["attempts", "last_error", "next_attempt_at"])
            return wait
        row.attempts += 1
        row = transition_apply(row, "mark_sent", lock=False)
        record(row, receipt)
        if row.status == SENT:
            sent_pk = row.pk
            enqueue_on_commit(poll_task, sent_pk, countdown=POLL_AFTER_S)
    return None


def channel_poll(model: type[models.Model], pk: int, *, source: Callable, order: Callable, failed: Callable,
                 record: Callable) -> None:
    """Ask the bank where a sent order stands. Idempotent: only a sent order is asked about; a bank
    that lost it gets it again (same reference); an outage leaves it for the sweep."""
    with transaction.atomic():
        row = _live(model, pk, SENT)
        if row is None:
            return  # idempotent: not in flight
        bank = source()
        try:
            try:
                receipt = bank.status(row.reference)
            except SubmissionNotFound:
                receipt = bank.request(order(row))
        except FeedRejected as error:
            failed(row, error.message)
            return
        except FeedUnavailable as error:
            row.last_error = error.message[:300]
            row.save(update_fields=["last_error"])
            return
        record(row, receipt)


def channel_to_sweep(model: type[models.Model], now: datetime.datetime | None = None) -> tuple[list[int], list[int]]:
    """(queued ids whose retry is due or whose task was lost, sent ids to ask about)."""
    now = now or timezone.now()
    queued = model.objects.filter(status=QUEUED)
    due = queued.filter(next_attempt_at__lte=now) | queued.filter(next_attempt_at__isnull=True,
                                                                  requested_at__lte=now - STUCK_AFTER)
    sent = model.objects.filter(status=SENT)
    return list(due.values_list("pk", flat=True)), list(sent.values_list("pk", flat=True))
