"""The load test's own arithmetic (make loadtest runs the rest on PostgreSQL, Redis and gunicorn)."""

import time

from django_otp.oath import totp as otp_totp

from bench import Result
from bench.loadtest.__main__ import measured, p95, rate
from bench.loadtest.totp import totp
from portal.demo import totp_key_for


def test_the_locust_users_compute_the_same_code_as_the_portal():
    now = time.time()
    for username in ("lt-reviewer-00", "lt-tax-61", "reviewer-sh"):
        expected = otp_totp(bytes.fromhex(totp_key_for(username)), t0=0, step=30, digits=6, drift=0)
        assert totp(username, now) == f"{expected:06d}"


def test_only_pages_after_every_sign_in_are_measured():
    samples = [(0.0, 900, "sign-in", True), (0.5, 20, "·首页", True), (2.0, 1000, "sign-in otp", True),
               (3.5, 30, "·首页", True), (4.0, 40, "floor", True), (5.0, 50, "·安置人员列表", False)]
    pages = measured(samples, "·")
    assert [s[1] for s in pages] == [30, 50]  # the page at 0.5 s ran while others still signed in
    assert round(rate(pages), 3) == round(2 / (5.05 - 3.5), 3)
    assert p95([(0, t) for t in range(1, 101)]) >= 95


def test_a_rate_that_measured_nothing_does_not_pass():
    assert Result("peak_throughput", 20, 40, "pages/s", 0.5, at_least=True).passed
    assert not Result("peak_throughput", 19, 40, "pages/s", 0.5, at_least=True).passed
    assert not Result("peak_throughput", 20, 0, "pages/s", 0.5, at_least=True).passed
    assert "target=>=0.5" in Result("peak_throughput", 20, 40, "pages/s", 0.5, at_least=True).line()


def test_two_turns_count_their_pages_over_their_spans_added_up():
    first = [(0.0, 10, "·首页", True), (9.99, 10, "·首页", True)]  # 2 pages in 10 s
    second = [(100.0, 10, "·首页", True), (101.0, 10, "·首页", True), (104.99, 10, "·首页", True)]  # 3 in 5 s
    assert round(rate(first), 6) == 0.2 and round(rate(second), 6) == 0.6
    assert round(rate(first, second), 6) == round(5 / 15, 6)  # not the mean of 0.2 and 0.6, nor 5 pages / 105 s
    assert rate([]) == 0.0 and rate([], first) == rate(first)
