"""The concurrency limit holds across processes (PostgreSQL + Redis; CI runs it): several worker
processes, several threads each, hammer the mock; the mock's own gauge never sees more calls inside
than the limit, and the throughput stays under what the limit allows (a per-process limit would
let three processes serve three times as many)."""

import pytest

from portal.feeds import hammer
from portal.feeds.slots import RedisSlots, slots
from tests.conftest import skip_or_fail
from tests.portal.feeds.factories import employed

pytestmark = pytest.mark.django_db(transaction=True)  # the worker processes must see the rows


def test_several_processes_never_get_more_calls_served_at_once_than_the_limit():
    if not isinstance(slots(), RedisSlots):
        skip_or_fail("REDIS_URL is not set: the limit across processes needs Redis")
    ids = [employed(year=2025).id_number for _ in range(6)]
    result = hammer.run(processes=3, threads=4, calls=160, latency_ms=40, concurrency=4, id_numbers=ids)
    assert (result.calls, result.ok) == (160, 160)
    assert result.peak == 4  # reached, never exceeded
    assert result.calls_per_second <= result.ceiling * 1.1, hammer.as_text(result)


def test_the_hammer_command_runs_on_the_embedded_default_too():
    from io import StringIO

    from django.core.management import call_command

    employed(year=2025)
    out = StringIO()
    call_command("feeds_hammer", processes=1, threads=2, calls=6, latency=0, people=5, stdout=out)
    assert "6 次调用" in out.getvalue() and "成功 6，" in out.getvalue()
