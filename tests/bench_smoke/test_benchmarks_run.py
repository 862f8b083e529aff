"""Each benchmark runs small here so it cannot rot; `make bench` runs them full size and asserts
their ratios (TARGETS.md: speed is asserted in benchmarks, not in unit tests)."""

import re

import pytest

from bench import BENCHMARKS, Result

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.worker]
LINE = re.compile(r"^BENCH \w+ value=\S+ unit=(s|ms|rows/s) floor=\S+ ratio=\S+ target=\S+ (PASS|FAIL)")


@pytest.mark.parametrize("dotted", BENCHMARKS)
def test_the_benchmark_runs_small_and_prints_its_line(dotted, reference_data):
    import importlib

    results = importlib.import_module(dotted).run(smoke=True)
    assert results and all(isinstance(r, Result) and r.value > 0 and r.floor > 0 for r in results)
    for result in results:
        assert LINE.match(result.line()), result.line()
