"""A real Celery task through a real broker to a real worker process, its effect read from the
database (issue: Foundation 1 of 3). The filesystem broker is the embedded default; Redis is
production's and runs in CI."""

import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from celery import Celery
from django.db import connection

from portal.models import WorkerHeartbeat
from tests.conftest import skip_or_fail

ROOT = Path(__file__).resolve().parent.parent
pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.worker]


def database_env() -> dict:
    """Point the worker at the test database this process uses."""
    s = connection.settings_dict
    if connection.vendor == "sqlite":
        return {"SQLITE_PATH": s["NAME"]}
    auth = s["USER"] + (f":{s['PASSWORD']}" if s["PASSWORD"] else "")
    return {"DATABASE_URL": f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"}


def start_worker(env_overrides: dict, queue: str) -> subprocess.Popen:
    env = {k: v for k, v in os.environ.items()
           if k not in {"DATABASE_URL", "REDIS_URL", "SQLITE_PATH", "DJANGO_ALLOW_ASYNC_UNSAFE"}}
    env.update(env_overrides)
    env["DJANGO_SETTINGS_MODULE"] = "portal.settings"
    return subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "portal", "worker", "--pool", "solo", "-Q", queue, "-l", "warning"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )


def wait_for(token: str, worker: subprocess.Popen, timeout: float = 60) -> WorkerHeartbeat:
    deadline = time.time() + timeout
    while time.time() < deadline:
        beat = WorkerHeartbeat.objects.filter(token=token).first()
        if beat:
            return beat
        if worker.poll() is not None:
            pytest.fail("worker exited:\n" + worker.stdout.read())
        time.sleep(0.3)
    worker.terminate()
    pytest.fail("the worker did not run the task in time:\n" + (worker.communicate(timeout=10)[0] or ""))


def stop(worker: subprocess.Popen) -> None:
    worker.terminate()
    try:
        worker.wait(timeout=15)
    except subprocess.TimeoutExpired:
        worker.kill()


def test_a_task_goes_through_the_filesystem_broker_to_a_worker(tmp_path):
    broker = tmp_path / "broker"
    for sub in ("queue", "processed", "control"):
        (broker / sub).mkdir(parents=True)
    queue = f"test-{uuid.uuid4().hex[:8]}"
    worker = start_worker({**database_env(), "BROKER_DIR": str(broker)}, queue)
    try:
        producer = Celery(broker="filesystem://", set_as_current=False)
        producer.conf.broker_transport_options = {
            "data_folder_in": str(broker / "queue"), "data_folder_out": str(broker / "queue"),
            "processed_folder": str(broker / "processed"), "control_folder": str(broker / "control"),
        }
        token = str(uuid.uuid4())
        producer.send_task("portal.tasks.worker_heartbeat_task", args=[token], queue=queue)
        beat = wait_for(token, worker)
        assert beat.hostname
    finally:
        stop(worker)


def test_a_task_goes_through_redis_to_a_worker_and_a_redelivery_adds_nothing():
    redis_url = os.environ.get("REDIS_URL")
    if not redis_url:
        skip_or_fail("REDIS_URL is not set (the embedded default has no Redis)")
    queue = f"test-{uuid.uuid4().hex[:8]}"
    worker = start_worker({**database_env(), "REDIS_URL": redis_url}, queue)
    try:
        producer = Celery(broker=redis_url, set_as_current=False)
        token = str(uuid.uuid4())
        producer.send_task("portal.tasks.worker_heartbeat_task", args=[token], queue=queue)
        wait_for(token, worker)
        producer.send_task("portal.tasks.worker_heartbeat_task", args=[token], queue=queue)  # delivered twice
        marker = str(uuid.uuid4())
        producer.send_task("portal.tasks.worker_heartbeat_task", args=[marker], queue=queue)
        wait_for(marker, worker)  # the queue is processed in order: the duplicate ran before this
        assert WorkerHeartbeat.objects.filter(token=token).count() == 1
    finally:
        stop(worker)
