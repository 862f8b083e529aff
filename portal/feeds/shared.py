"""Where the mock keeps state that several processes share: Redis when REDIS_URL is set (production,
CI), nothing shared otherwise (the embedded default, where a per-process limit is enough).

Keys are namespaced by the database the registry tables live in: the mock registry *is* that
database, so every process serving it shares one limit, and parallel test runs (one test database
each) do not disturb each other.
"""

import hashlib
import threading

import redis
from django.conf import settings
from django.db import connections

_clients: dict[str, redis.Redis] = {}
_lock = threading.Lock()


def redis_client() -> redis.Redis | None:
    """One client per URL and process (redis-py's pool reconnects after a fork by itself)."""
    url = settings.REDIS_URL
    if not url:
        return None
    with _lock:
        if url not in _clients:
            _clients[url] = redis.Redis.from_url(url, socket_timeout=10, health_check_interval=30)
        return _clients[url]


def namespace() -> str:
    name = str(connections["default"].settings_dict["NAME"])
    return "feeds:" + hashlib.sha1(name.encode()).hexdigest()[:10]


def key(*parts: str) -> str:
    return ":".join([namespace(), *parts])
