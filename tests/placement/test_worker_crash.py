"""A worker killed in the middle of a verification: a rerun finishes with no duplicated or missing
month rows (TARGETS.md reliability; issue: Placement 1 of 2)."""

import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from celery import Celery
from django.db.models import Count

from placement import choices as c
from placement.models import MonthCheck, PlacedPerson
from placement.services.verification import persons_verify
from portal.feeds.demo import load_registry
from tests import factories as f
from tests.conftest import ensure_reference_data
from tests.placement.conftest import demo_employer
from tests.placement.factories import registered_person
from tests.test_celery_worker import database_env

ROOT = Path(__file__).resolve().parents[2]
pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.worker]


def test_a_worker_killed_mid_verification_leaves_nothing_a_rerun_cannot_finish(tmp_path):
    ensure_reference_data()
    load_registry()
    employer = demo_employer("sh")
    agent = f.AgentFactory(employer=employer).user
    person = registered_person(employer, agent, "sh-clean")  # step 1 saved, verification not yet run

    broker = tmp_path / "broker"
    for sub in ("queue", "processed", "control"):
        (broker / sub).mkdir(parents=True)
    queue = f"crash-{uuid.uuid4().hex[:8]}"
    env = {k: v for k, v in os.environ.items()
           if k not in {"DATABASE_URL", "REDIS_URL", "SQLITE_PATH", "DJANGO_ALLOW_ASYNC_UNSAFE"}}
    env.update({**database_env(), "BROKER_DIR": str(broker), "DJANGO_SETTINGS_MODULE": "portal.settings",
                "FEEDS_LATENCY_MS": "400", "FEEDS_THREADS": "1"})
    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "portal", "worker", "--pool", "solo", "-Q", queue, "-l", "warning"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        producer = Celery(broker="filesystem://", set_as_current=False)
        producer.conf.broker_transport_options = {
            "data_folder_in": str(broker / "queue"), "data_folder_out": str(broker / "queue"),
            "processed_folder": str(broker / "processed"), "control_folder": str(broker / "control")}
        producer.send_task("placement.tasks.persons_verify_task", args=[[person.pk]], queue=queue)
        deadline = time.time() + 60
        while PlacedPerson.objects.get(pk=person.pk).verification_state != c.VerificationState.RUNNING:
            assert time.time() < deadline, "the worker never started the verification"
            time.sleep(0.05)
        time.sleep(0.6)  # inside the feed calls (six at 400 ms each, one after another)
        os.killpg(worker.pid, signal.SIGKILL)
        worker.wait(timeout=10)
    finally:
        if worker.poll() is None:
            os.killpg(worker.pid, signal.SIGKILL)

    crashed = PlacedPerson.objects.get(pk=person.pk)
    assert crashed.verification_state == c.VerificationState.RUNNING and crashed.verification_finished_at is None
    assert MonthCheck.objects.filter(person=person).count() == 0  # nothing half-written

    persons_verify([person.pk])  # the rerun (the nightly sweep or the agent's 重新校验)
    persons_verify([person.pk])  # and a duplicate delivery of it
    done = PlacedPerson.objects.get(pk=person.pk)
    assert done.verification_state == c.VerificationState.DONE
    assert MonthCheck.objects.filter(person=person).count() == 84
    duplicates = (MonthCheck.objects.filter(person=person).values("month", "item")
                  .annotate(n=Count("id")).filter(n__gt=1))
    assert not duplicates.exists()
