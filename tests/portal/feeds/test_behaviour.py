"""Latency, faults and the concurrency limit are settings, honoured at call time; the configured
error and timeout shares actually happen, reproducibly with a seed."""

import threading
import time
from collections import Counter

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.test import override_settings

from portal.feeds import FeedUnavailable, configure, current_behaviour, get_feeds
from portal.feeds.behaviour import serve
from portal.feeds.slots import LocalSlots, RedisSlots, slots
from tests.conftest import skip_or_fail
from tests.portal.feeds.factories import RegistryPersonFactory

pytestmark = pytest.mark.django_db


def _outcomes(feeds, id_number: str, calls: int) -> list[str]:
    seen = []
    for _ in range(calls):
        try:
            feeds.civil_status.person_year(id_number, 2025)
            seen.append("ok")
        except FeedUnavailable as error:
            seen.append(error.reason)
    return seen


def test_the_configured_error_and_timeout_shares_happen_and_a_seed_repeats_them(feeds):
    person = RegistryPersonFactory()
    with configure(error_rate=0.3, timeout_rate=0.05, timeout_s=0.001, seed=20261127):
        first = _outcomes(feeds, person.id_number, 2000)
    shares = {k: v / 2000 for k, v in Counter(first).items()}
    # three standard deviations: 0.3 ± 0.031, 0.05 ± 0.015
    assert abs(shares["error"] - 0.30) < 0.031, shares
    assert abs(shares["timeout"] - 0.05) < 0.015, shares
    with configure(error_rate=0.3, timeout_rate=0.05, timeout_s=0.001, seed=20261127):
        assert _outcomes(feeds, person.id_number, 2000) == first
    with configure(error_rate=0.3, timeout_rate=0.05, timeout_s=0.001, seed=1):
        assert _outcomes(feeds, person.id_number, 2000) != first


def test_without_faults_every_call_answers(feeds):
    person = RegistryPersonFactory()
    assert set(_outcomes(feeds, person.id_number, 200)) == {"ok"}


def test_a_timeout_raises_feed_unavailable_after_the_timeout(feeds):
    person = RegistryPersonFactory()
    with configure(timeout_rate=1.0, timeout_s=0.2):
        started = time.perf_counter()
        with pytest.raises(FeedUnavailable) as caught:
            feeds.social_insurance.person_year(person.id_number, 2025)
        assert time.perf_counter() - started >= 0.2
    assert caught.value.reason == "timeout" and caught.value.source == "social_insurance"
    assert "超时" in caught.value.message


def test_latency_is_applied_per_call_and_settings_are_read_at_call_time(feeds):
    person = RegistryPersonFactory()

    def timed():
        started = time.perf_counter()
        feeds.civil_status.person_year(person.id_number, 2025)
        return time.perf_counter() - started

    assert timed() < 0.05
    with override_settings(FEEDS_LATENCY_MS=120):
        assert 0.12 <= timed() < 0.5
    with configure(latency_ms=60):
        assert 0.06 <= timed() < 0.4
        with configure(latency_ms=0):  # the innermost block wins
            assert timed() < 0.05


@pytest.mark.parametrize("limit", [1, 3])
def test_no_more_calls_are_served_at_once_than_the_limit(limit):
    inside, peak, lock = [0], [0], threading.Lock()

    def answer():
        with lock:
            inside[0] += 1
            peak[0] = max(peak[0], inside[0])
        time.sleep(0.03)
        with lock:
            inside[0] -= 1

    with configure(concurrency=limit):
        threads = [threading.Thread(target=serve, args=("test", "测试", answer)) for _ in range(limit * 4)]
        started = time.perf_counter()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        elapsed = time.perf_counter() - started
    assert peak[0] == limit
    assert slots().peak() == limit
    assert elapsed >= 4 * 0.03 * 0.9  # four rounds: the rest waited


def test_a_call_that_waits_longer_than_the_timeout_for_a_slot_is_unavailable():
    release = threading.Event()
    holder = threading.Thread(target=serve, args=("test", "测试", release.wait))
    with configure(concurrency=1, timeout_s=0.1):
        holder.start()
        time.sleep(0.05)
        try:
            with pytest.raises(FeedUnavailable) as caught:
                serve("test", "测试", lambda: None)
        finally:
            release.set()
            holder.join()
    assert caught.value.reason == "queue"


def test_a_slot_whose_holder_died_comes_back_when_its_lease_runs_out():
    pool = slots()
    if not isinstance(pool, RedisSlots):
        skip_or_fail("REDIS_URL is not set: the shared, leased slots need Redis")
    pool.acquire(1, wait_s=0.1, lease_s=0.3)  # never released, as if its process was killed
    assert pool.acquire(1, wait_s=0.05, lease_s=5) is None
    started = time.perf_counter()
    token = pool.acquire(1, wait_s=2, lease_s=5)
    assert token is not None and 0.15 < time.perf_counter() - started < 1.0
    pool.release(token, 1)


def test_local_slots_follow_a_limit_changed_at_runtime():
    pool = LocalSlots()
    tokens = [pool.acquire(2, wait_s=0.01, lease_s=1) for _ in range(2)]
    assert all(tokens) and pool.acquire(2, wait_s=0.01, lease_s=1) is None
    assert pool.acquire(3, wait_s=0.01, lease_s=1) is not None
    assert pool.peak() == 3


def test_configure_refuses_unknown_names_and_impossible_values():
    with pytest.raises(TypeError), configure(latency=20):
        pass
    with pytest.raises(ValueError), configure(error_rate=0.8, timeout_rate=0.3):
        pass
    with pytest.raises(ValueError), configure(concurrency=0):
        pass
    assert current_behaviour().concurrency == 16


def test_the_backend_is_a_setting_checked_at_call_time_and_at_start_up(settings):
    settings.FEEDS_BACKEND = "soap"
    with pytest.raises(ImproperlyConfigured, match="FEEDS_BACKEND"):
        get_feeds()
    with pytest.raises(SystemCheckError, match="feeds.E001"):
        call_command("check")
    settings.FEEDS_BACKEND = "http"
    settings.FEEDS_HTTP_URL = ""
    with pytest.raises(ImproperlyConfigured, match="FEEDS_HTTP_URL"):
        get_feeds()
    settings.FEEDS_HTTP_URL = "http://127.0.0.1:9"
    assert type(get_feeds().social_insurance).__name__ == "HttpSocialInsurance"
    assert type(get_feeds().wages).__name__ == "MockWages"


def test_when_the_shared_limit_is_out_of_reach_a_call_is_unavailable_not_an_error(feeds, settings):
    person = RegistryPersonFactory()
    settings.REDIS_URL = "redis://127.0.0.1:1/0"  # nothing listens there
    with pytest.raises(FeedUnavailable) as caught:
        feeds.civil_status.person_year(person.id_number, 2025)
    assert caught.value.reason == "network"
