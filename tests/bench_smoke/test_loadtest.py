"""The load test's own arithmetic, and what its users read off the pages they act on (make loadtest
runs the rest on PostgreSQL, Redis and gunicorn)."""

import os
import subprocess
import sys
import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django_otp.oath import totp as otp_totp

from bench import Result
from bench.loadtest.__main__ import measured, p95, rate
from bench.loadtest.pages import (
    all_valid,
    csrf_token,
    decision_months,
    evidence_sections,
    form_error,
    upload_form,
)
from bench.loadtest.totp import totp
from placement import choices as c
from placement.models import Evidence, PlacedPerson
from placement.services import wizard
from portal.demo import totp_key_for
from tests.pdf_samples import PLAIN as EVIDENCE  # what the locustfile's agents upload
from tests.placement.factories import flagged_person, registered_person


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


@pytest.mark.django_db
def test_the_upload_the_agents_send_is_the_one_step_three_accepts(sh_unit, sh_agent, client_for,
                                                                   django_capture_on_commit_callbacks):
    person = registered_person(sh_unit, sh_agent, "sh-gap", capture=django_capture_on_commit_callbacks)
    wizard.months_select(actor=sh_agent, person=person, months=set(range(1, 13)))
    client, url = client_for(sh_agent), reverse("placement:step3", args=[person.pk])
    page = client.get(url).content.decode()
    assert csrf_token(page) and evidence_sections(page) == [("si", ["3", "4"])]  # 社保 missing in March and April

    def upload(data: bytes):
        fields = {}
        for key, value in upload_form("si", ["3", "4"]):  # the locustfile posts these pairs as they are
            fields.setdefault(key, []).append(value)
        return client.post(url, {**fields, "si-file": SimpleUploadedFile("证明材料.pdf", data)})

    refused = upload(b"not a pdf")
    assert refused.status_code == 200 and "文件类型不符合要求" in form_error(refused.content.decode())
    assert upload(EVIDENCE)["Location"] == url
    assert sorted(Evidence.objects.filter(person=person).values_list("month", flat=True)) == [3, 4]
    assert form_error(client.get(url).content.decode()) == ""


@pytest.mark.django_db
def test_the_decision_the_reviewers_send_decides_every_month_and_a_second_one_conflicts(
        sh_unit, sh_agent, reviewer_sh, client_for, django_capture_on_commit_callbacks):
    person = flagged_person(sh_unit, sh_agent, capture=django_capture_on_commit_callbacks)
    first, second = client_for(reviewer_sh), client_for(reviewer_sh)
    url = reverse("backoffice:person_review", args=[person.pk])
    page = second.get(url).content.decode()  # read before the first reviewer decides
    months = decision_months(page)
    assert months == [str(m) for m in range(1, 13)]
    assert first.post(url, all_valid(decision_months(first.get(url).content.decode())))["Location"] == url
    assert PlacedPerson.objects.get(pk=person.pk).status == c.PersonStatus.CONFIRMED
    assert second.post(url, all_valid(months)).status_code == 409
    assert decision_months(first.get(url).content.decode()) == []  # decided: no form to send


@pytest.mark.django_db
def test_the_profiler_explains_each_select_and_shows_the_plan_of_a_slow_one(capsys, monkeypatch):
    """`bench.loadtest.profile --explain`: every SELECT with PostgreSQL's planning and execution
    time, the plan printed for those above the bar (the bar set to zero here, so every one is)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from bench.loadtest import profile
    from tests.conftest import skip_or_fail

    if connection.vendor != "postgresql":
        skip_or_fail("EXPLAIN ANALYZE is PostgreSQL's (set DATABASE_URL)")
    with CaptureQueriesContext(connection) as read:
        list(PlacedPerson.objects.filter(name="张三"))
    monkeypatch.setattr(profile, "SLOW_MS", -1)
    profile._explain(connection, read.captured_queries)
    out = capsys.readouterr().out
    assert "plan " in out and "exec " in out and "SLOW" in out and "Planning Time" in out



@pytest.mark.parametrize("wait, actions", [("0", set()), ("3", {"upload", "decide", "export"})])
def test_the_actions_run_at_the_peak_only(wait, actions):
    """The saturation rounds (no think time) measure pages against the empty page: an upload, a
    decision or an export there would take the pages' time without being counted. The peak runs
    all three, and their times and failures count in its p95 and errors. (Asked in a process of its
    own: importing locust patches the standard library for gevent.)"""
    picked = subprocess.run(
        [sys.executable, "-c", "from bench.loadtest import locustfile as f; print(*{t.__name__ for u in "
         "(f.EmployerAgent, f.Reviewer, f.TaxOfficer, f.UnionStaff) for t in u.tasks})"],
        env={**os.environ, "LOADTEST_WAIT": wait}, capture_output=True, text=True, check=True, timeout=120,
    ).stdout.split()
    assert set(picked) & {"upload", "decide", "export"} == actions
    assert {"home", "queue", "results", "batches"} <= set(picked)
