"""Recent latency and outcomes per source, for the 运行状态 page.

Each call appends one sample to a short rolling list: in Redis when there is one (one round trip,
shared by every process), else in the Django cache (the embedded default's file cache is shared by
the web and worker processes; two writers at the same instant can lose a sample, which a health
figure can afford).
"""

import atexit
import logging
import statistics
import threading
import time

from django.core.cache import cache
from redis import RedisError

from portal.feeds import shared

OK, NOT_FOUND, UNAVAILABLE, REJECTED = "ok", "not_found", "unavailable", "rejected"
log = logging.getLogger(__name__)
KEEP = 500  # samples per source
FLUSH_S = 1.0
_buffer: dict[str, list[str]] = {}
_buffer_lock = threading.Lock()
_last_flush = [float("-inf")]
WINDOW_S = 3600  # older samples are not "recent"


def _key(source: str) -> str:
    return shared.key("stats", source)


def record(source: str, seconds: float, outcome: str) -> None:
    """One sample: when, how long (ms), how it ended. Samples are buffered in the process and
    written at most once a second (one Redis pipeline, or one file-cache write), so that
    recording a call costs no round trip of its own."""
    sample = f"{time.time():.3f}|{seconds * 1000:.2f}|{outcome}"
    with _buffer_lock:
        _buffer.setdefault(source, []).insert(0, sample)
        due = time.monotonic() - _last_flush[0] >= FLUSH_S
    if due:
        flush()


def flush() -> None:
    """Write this process's buffered samples (the health page reads them; also at exit)."""
    with _buffer_lock:
        pending = {name: rows for name, rows in _buffer.items() if rows}
        _buffer.clear()
        _last_flush[0] = time.monotonic()
    if not pending:
        return
    client = shared.redis_client()
    if client is not None:
        pipe = client.pipeline(transaction=False)
        for name, rows in pending.items():
            pipe.lpush(_key(name), *reversed(rows))  # LPUSH puts the last argument first: newest first
            pipe.ltrim(_key(name), 0, KEEP - 1)
            pipe.expire(_key(name), WINDOW_S * 24)
        try:
            pipe.execute()
        except RedisError as error:  # a health figure must never fail the call it describes
            log.warning("feeds stats not recorded: %s", error)
        return
    for name, rows in pending.items():
        merged = rows + (cache.get(_key(name)) or [])
        cache.set(_key(name), merged[:KEEP], WINDOW_S * 24)


atexit.register(flush)


def samples(source: str) -> list[tuple[float, float, str]]:
    """(epoch seconds, milliseconds, outcome), newest first, within the window."""
    flush()
    client = shared.redis_client()
    raw = client.lrange(_key(source), 0, KEEP - 1) if client is not None else (cache.get(_key(source)) or [])
    since = time.time() - WINDOW_S
    rows = []
    for item in raw:
        at, ms, outcome = (item.decode() if isinstance(item, bytes) else item).split("|")
        if float(at) >= since:
            rows.append((float(at), float(ms), outcome))
    return rows


def summary(source: str) -> dict:
    """calls, median and p95 latency (ms), error share (unavailable + rejected), not-found count."""
    rows = samples(source)
    if not rows:
        return {"calls": 0}
    latencies = sorted(ms for _, ms, _ in rows)
    failed = sum(1 for *_, outcome in rows if outcome in (UNAVAILABLE, REJECTED))
    return {
        "calls": len(rows),
        "median_ms": statistics.median(latencies),
        "p95_ms": latencies[min(len(latencies) - 1, int(0.95 * len(latencies)))],
        "error_share": failed / len(rows),
        "unavailable": sum(1 for *_, o in rows if o == UNAVAILABLE),
        "rejected": sum(1 for *_, o in rows if o == REJECTED),
        "not_found": sum(1 for *_, o in rows if o == NOT_FOUND),
        "last_at": rows[0][0],
    }


def clear_buffer() -> None:
    """Forget this process's unwritten samples (tests start each case with an empty cache)."""
    with _buffer_lock:
        _buffer.clear()


def reset(sources) -> None:
    clear_buffer()
    client = shared.redis_client()
    for source in sources:
        if client is not None:
            client.delete(_key(source))
        else:
            cache.delete(_key(source))
