"""How many calls the mock serves at once; the rest wait (TARGETS.md: 16 at once across all worker
processes).

With Redis the slots are shared by every process: a sorted set of holders, each with a lease that
expires, so a process killed while holding a slot frees it when its lease runs out instead of
leaking it. A release pushes a wake-up token so that a waiter retries at once instead of polling.
Without Redis (the embedded default) a per-process condition variable is enough. (Redis 6 or later:
the scripts write after reading TIME, and waiters block with a fractional BLPOP timeout.)

A gauge counts the calls inside the mock in a second sorted set, kept apart from the slots
themselves and updated in the same round trip (it records the peak): the health page shows it
and the multi-process test checks the limit against it.
"""

import threading
import time
import uuid

from portal.feeds import shared

# KEYS: slots, inside, peak; ARGV: limit, lease seconds, token. Server time: clocks need not agree.
_ACQUIRE = """
local now = redis.call('TIME')
local t = tonumber(now[1]) + tonumber(now[2]) / 1000000
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', t)
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[1]) then return 0 end
local expires = t + tonumber(ARGV[2])
local ttl = math.ceil(tonumber(ARGV[2]) * 1000) + 60000
redis.call('ZADD', KEYS[1], expires, ARGV[3])
redis.call('PEXPIRE', KEYS[1], ttl)
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', t)
redis.call('ZADD', KEYS[2], expires, ARGV[3])
redis.call('PEXPIRE', KEYS[2], ttl)
local n = redis.call('ZCARD', KEYS[2])
if n > tonumber(redis.call('GET', KEYS[3]) or '0') then redis.call('SET', KEYS[3], n) end
return 1
"""
# KEYS: slots, inside, wake; ARGV: limit, token. Wake at most `limit` waiters' worth of tokens.
_RELEASE = """
redis.call('ZREM', KEYS[2], ARGV[2])
if redis.call('ZREM', KEYS[1], ARGV[2]) == 1 then
  redis.call('LPUSH', KEYS[3], '1')
  redis.call('LTRIM', KEYS[3], 0, tonumber(ARGV[1]) - 1)
  redis.call('PEXPIRE', KEYS[3], 60000)
end
return 1
"""

# A waiter re-checks at least this often (a dead holder's lease expiry sends no wake-up).
_POLL_S = 0.05


class LocalSlots:
    """Per process: enough when only one process serves (the embedded default)."""

    def __init__(self):
        self._cond = threading.Condition()
        self._held = 0
        self._peak = 0

    def acquire(self, limit: int, wait_s: float, lease_s: float) -> str | None:
        deadline = time.monotonic() + wait_s
        with self._cond:
            while self._held >= limit:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return None
                self._cond.wait(remaining)
            self._held += 1
            self._peak = max(self._peak, self._held)
        return uuid.uuid4().hex

    def release(self, token: str, limit: int) -> None:
        with self._cond:
            self._held -= 1
            self._cond.notify()

    def inside(self) -> int:
        return self._held

    def peak(self) -> int:
        return self._peak

    def reset_peak(self) -> None:
        with self._cond:
            self._peak = self._held


class RedisSlots:
    """Shared by every process using the same Redis and database."""

    def __init__(self, client):
        self.client = client
        self._acquire = client.register_script(_ACQUIRE)
        self._release = client.register_script(_RELEASE)

    def acquire(self, limit: int, wait_s: float, lease_s: float) -> str | None:
        token = uuid.uuid4().hex
        keys = [shared.key("slots"), shared.key("inside"), shared.key("peak")]
        wake = shared.key("wake")
        deadline = time.monotonic() + wait_s
        while True:
            if self._acquire(keys=keys, args=[limit, lease_s, token]):
                return token
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return None
            self.client.blpop([wake], timeout=max(min(remaining, _POLL_S), 0.001))

    def release(self, token: str, limit: int) -> None:
        self._release(keys=[shared.key("slots"), shared.key("inside"), shared.key("wake")], args=[limit, token])

    def inside(self) -> int:
        key = shared.key("inside")
        self.client.zremrangebyscore(key, "-inf", time.time())
        return int(self.client.zcard(key))

    def peak(self) -> int:
        return int(self.client.get(shared.key("peak")) or 0)

    def reset_peak(self) -> None:
        self.client.set(shared.key("peak"), self.inside())


_local = LocalSlots()
_redis: dict[int, RedisSlots] = {}


def slots() -> LocalSlots | RedisSlots:
    """The slots this process serves under: shared through Redis when there is one."""
    client = shared.redis_client()
    if client is None:
        return _local
    if id(client) not in _redis:
        _redis[id(client)] = RedisSlots(client)
    return _redis[id(client)]
