"""How every app asks the registries (STYLE.md 13, 15): transient failures retried here with
exponential backoff and jitter, a registry's "no such record" kept apart from an outage, and one
pool of registry-calling threads per worker process, shared by every task that asks.

    answer = call_with_retries(lambda: get_feeds().pension.person_year(id_number, year))
    if answer is None: ...        # the source stayed silent: the check stays pending, never ✗
    elif answer is NOT_FOUND: ... # the registry's real answer that it has no record: evidence

Settings: FEEDS_ATTEMPTS (tries per call), FEEDS_BACKOFF_S (the first wait; it doubles) and
FEEDS_THREADS (calls a worker process makes at once; the registries' own limit queues the rest)."""

import logging
import random
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed

from django.conf import settings
from django.db import close_old_connections

from portal.feeds.errors import FeedRejected, FeedUnavailable, RecordNotFound

log = logging.getLogger(__name__)

NOT_FOUND = object()  # the registry's real answer that it has no record: evidence, not an outage


def call_with_retries(fn: Callable, *, attempts: int | None = None, backoff_s: float | None = None):
    """Call fn(); retry FeedUnavailable with exponential backoff and jitter. Returns the answer,
    NOT_FOUND for a registry without a record, or None when the source stayed silent (or refused
    the question: logged for staff, and the check stays pending)."""
    attempts = attempts or settings.FEEDS_ATTEMPTS
    base = settings.FEEDS_BACKOFF_S if backoff_s is None else backoff_s
    for attempt in range(attempts):
        try:
            return fn()
        except RecordNotFound:
            return NOT_FOUND
        except FeedUnavailable:
            if attempt + 1 < attempts:
                time.sleep(base * (2**attempt) * (0.5 + random.random()))  # noqa: S311 (jitter, not security)
        except FeedRejected:
            log.warning("feed rejected the question; the check stays pending for staff to re-drive", exc_info=True)
            return None
    return None


_pool: ThreadPoolExecutor | None = None
_pool_lock = threading.Lock()


def feed_pool() -> ThreadPoolExecutor:
    """One pool of registry-calling threads per worker process, shared by its tasks: the threads
    (and their database connections) live as long as the process."""
    global _pool
    with _pool_lock:
        if _pool is None:
            _pool = ThreadPoolExecutor(max_workers=settings.FEEDS_THREADS, thread_name_prefix="feeds")
        return _pool


def _in_pool_thread(fn, item):
    close_old_connections()  # respects CONN_MAX_AGE: a long-lived thread must not keep a dead link
    return fn(item)


def iter_in_threads(fn: Callable, items: list, threads: int | None = None) -> Iterator[tuple[int, object]]:
    """Yield (index, fn(item)) as each finishes. The caller works on finished results while the
    pool keeps asking: a worker never leaves the registries' slots idle while it evaluates."""
    threads = settings.FEEDS_THREADS if threads is None else threads
    if threads <= 1 or len(items) <= 1:
        for index, item in enumerate(items):
            yield index, fn(item)
        return
    pool = feed_pool()
    futures = {pool.submit(_in_pool_thread, fn, item): index for index, item in enumerate(items)}
    try:
        for future in as_completed(futures):
            yield futures[future], future.result()
    finally:
        for future in futures:
            future.cancel()


def ask_each(items: list, sources: Sequence[str], ask: Callable[[object, str], object]) -> Iterator[tuple[object, dict]]:
    """Ask every source about every item through the shared pool (`ask(item, source)`, which
    should go through call_with_retries); yield (item, {source: answer}) as soon as all of an
    item's answers are in, so the caller works while the pool keeps asking."""
    questions = [(item, source) for item in items for source in sources]
    answers: dict[int, dict] = {}
    for index, answer in iter_in_threads(lambda question: ask(*question), questions):
        item, source = questions[index]
        got = answers.setdefault(index // len(sources), {})
        got[source] = answer
        if len(got) == len(sources):
            yield item, answers.pop(index // len(sources))
