"""How the mock registries behave: latency, faults, and how many calls they serve at once.

The values come from settings (FEEDS_LATENCY_MS, FEEDS_ERROR_RATE, FEEDS_TIMEOUT_RATE,
FEEDS_CONCURRENCY, FEEDS_TIMEOUT_S), read at every call so that `override_settings` works, and
can be changed for a block of code with `configure(...)`, which all threads of the process see:

    with feeds.configure(latency_ms=20, error_rate=0.3, timeout_rate=0.05, timeout_s=0.01, seed=7):
        ...

Faults are random; with a `seed` they are reproducible: the same sequence of calls in one thread
meets the same faults (threads and processes interleave, so only a single thread's sequence is
exactly repeatable; the shares hold either way).
"""

import logging
import random
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass, fields, replace

from django.conf import settings
from redis import RedisError

from portal.feeds.errors import FeedUnavailable
from portal.feeds.slots import slots

# A slot's lease outlives the longest call it can cover (a simulated timeout, plus the latency)
# by this much, so a live call never loses its slot and a dead process frees it within a minute.
LEASE_MARGIN_S = 30.0
OK, ERROR, TIMEOUT = "ok", "error", "timeout"
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Behaviour:
    latency_ms: int = 0
    error_rate: float = 0.0  # share of calls answered with a 5xx
    timeout_rate: float = 0.0  # share of calls that hang until timeout_s
    concurrency: int = 16  # calls served at once across all processes
    timeout_s: float = 5.0  # a caller's patience, for the slot and for the answer
    seed: int | None = None
    ack_delay_s: float = 2.0  # the tax intake acknowledges a submission this long after it
    settle_delay_s: float = 2.0  # the payment channel settles an order this long after it

    def __post_init__(self):
        if self.latency_ms < 0 or self.concurrency < 1 or self.timeout_s <= 0 or self.ack_delay_s < 0 \
                or self.settle_delay_s < 0:
            raise ValueError(f"invalid feeds behaviour: {self}")
        if not (0 <= self.error_rate <= 1 and 0 <= self.timeout_rate <= 1 and self.error_rate + self.timeout_rate <= 1):
            raise ValueError(f"error_rate and timeout_rate must be shares adding up to at most 1: {self}")


_overrides: list[tuple[dict, random.Random | None]] = []
_lock = threading.Lock()
_default_rng = random.Random()


def current_behaviour() -> Behaviour:
    """Settings, then every active `configure(...)` block, innermost last."""
    values = {
        "latency_ms": settings.FEEDS_LATENCY_MS,
        "error_rate": settings.FEEDS_ERROR_RATE,
        "timeout_rate": settings.FEEDS_TIMEOUT_RATE,
        "concurrency": settings.FEEDS_CONCURRENCY,
        "timeout_s": settings.FEEDS_TIMEOUT_S,
    }
    for override, _rng in list(_overrides):
        values.update(override)
    return Behaviour(**values)


@contextmanager
def configure(**changes):
    """Change the mock's behaviour inside the block (every thread of this process sees it).
    Names are Behaviour's fields; a `seed` starts a fresh, reproducible fault sequence."""
    unknown = set(changes) - {f.name for f in fields(Behaviour)}
    if unknown:
        raise TypeError(f"unknown feeds behaviour: {', '.join(sorted(unknown))}")
    replace(current_behaviour(), **changes)  # validate now, not at the first call
    rng = random.Random(changes["seed"]) if changes.get("seed") is not None else None
    entry = (changes, rng)
    with _lock:
        _overrides.append(entry)
    try:
        yield current_behaviour()
    finally:
        with _lock:
            _overrides.remove(entry)


def _rng() -> random.Random:
    for _override, rng in reversed(_overrides):
        if rng is not None:
            return rng
    return _default_rng


def draw_fault(behaviour: Behaviour) -> str:
    """ok, error or timeout, in the configured shares."""
    if not behaviour.error_rate and not behaviour.timeout_rate:
        return OK
    with _lock:
        roll = _rng().random()
    if roll < behaviour.timeout_rate:
        return TIMEOUT
    if roll < behaviour.timeout_rate + behaviour.error_rate:
        return ERROR
    return OK


def serve(source: str, label: str, fn, *args):
    """Answer one call the way a slow, unreliable registry would: wait for a free slot, then take
    `latency_ms` in all (the work included), fail or hang as configured."""
    b = current_behaviour()
    latency = b.latency_ms / 1000
    lease = b.timeout_s + latency + LEASE_MARGIN_S
    pool = slots()
    try:
        token = pool.acquire(b.concurrency, wait_s=b.timeout_s, lease_s=lease)
    except RedisError as error:  # the shared limit is out of reach: the registry cannot serve
        raise FeedUnavailable(f"{label}：暂时无法受理（{error}）", source=source, reason="network") from None
    if token is None:
        raise FeedUnavailable(f"{label}：系统繁忙，排队超过{b.timeout_s:g}秒", source=source, reason="queue")
    try:
        started = time.perf_counter()
        fault = draw_fault(b)
        if fault == TIMEOUT:
            time.sleep(b.timeout_s)
            raise FeedUnavailable(f"{label}：查询超时（{b.timeout_s:g}秒）", source=source, reason="timeout")
        if fault == ERROR:
            time.sleep(latency)
            raise FeedUnavailable(f"{label}：接口暂时不可用（503）", source=source, reason="error")
        try:
            return fn(*args)
        finally:
            remaining = latency - (time.perf_counter() - started)
            if remaining > 0:
                time.sleep(remaining)
    finally:
        try:
            pool.release(token, b.concurrency)
        except RedisError:
            log.warning("could not release a feeds slot; its lease frees it in %.0f s", lease)
