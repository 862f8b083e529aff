"""Every feeds test starts with no fault injection, empty stats and a fresh peak (the Redis keys are
namespaced by the test database, so parallel runs keep apart)."""

import pytest

from portal.feeds import behaviour, shared
from portal.feeds.slots import _local

UNTIL = 202611  # the demo's records run up to this month in tests, whatever today is


@pytest.fixture(autouse=True)
def fresh_feeds_state(settings):
    settings.FEEDS_BACKEND = "mock"
    settings.FEEDS_LATENCY_MS = 0
    settings.FEEDS_ERROR_RATE = 0.0
    settings.FEEDS_TIMEOUT_RATE = 0.0
    settings.FEEDS_CONCURRENCY = 16
    settings.FEEDS_TIMEOUT_S = 5.0
    client = shared.redis_client()
    if client is not None:
        keys = list(client.scan_iter(f"{shared.namespace()}:*"))
        if keys:
            client.delete(*keys)
    _local.reset_peak()
    assert not behaviour._overrides, "a configure() block leaked from another test"
    from django.core.cache import cache

    cache.clear()
    yield


@pytest.fixture
def demo_registry(db):
    from portal.feeds.demo import load_registry

    load_registry(until=UNTIL)


@pytest.fixture
def feeds(db):
    from portal.feeds import get_feeds

    return get_feeds()
