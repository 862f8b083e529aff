"""placement_verify: 2,000 placed persons × 12 months verified by real Celery workers against the
mock registries at 20 ms a call, the mock serving at most 16 calls at once across all worker
processes (TARGETS.md). Floor: calls × 20 ms ÷ 16.

Set-up (not timed): a generated registry population, one employer per registry unit, a draft
declaration each, and the persons with an open-ended contract. Timed: from enqueueing one
verification task per person to every person verified. With REDIS_URL the workers are two
processes sharing Redis slots; without it one process (its slots are per process).
"""

import datetime
import os
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

from celery import Celery
from django.conf import settings
from django.db import connection

from bench import Result

ROOT = Path(__file__).resolve().parent.parent
LATENCY_MS = int(os.environ.get("BENCH_LATENCY_MS", 20))
CONCURRENCY = 16
SOURCES = 6
TARGET = 1.5


def build(persons: int, seed: int = 11) -> list[int]:
    """Registry population and the placed persons to verify; returns their ids."""
    from employers.models import Employer
    from placement.models import AnnualDeclaration, Contract, PlacedPerson, PlacementMonth
    from portal.feeds.demo import current_month
    from portal.feeds.generator import Writer, delete_generated, population
    from portal.feeds.models import MonthRecord, RegistryPerson, RegistryUnit
    from portal.models import Region, Upload

    delete_generated()
    Writer(batch=5000).write(population(seed, persons * 2, current_month()))
    regions = set(Region.objects.values_list("code", flat=True))
    employers = {}
    for unit in RegistryUnit.objects.filter(origin="generated"):
        region = unit.region_code if unit.region_code in regions else "310104"
        employers[unit.credit_code] = Employer(
            name=unit.name, credit_code=unit.credit_code, admin_region_id=region, fed_region_id=region,
            tax_region_id=region, contact_email="bench@example.cn", contact_phone="0")
    Employer.objects.bulk_create(employers.values(), ignore_conflicts=True)
    by_code = {e.credit_code: e for e in Employer.objects.filter(credit_code__in=employers)}
    declarations = {code: AnnualDeclaration(employer=e, business_year=2025) for code, e in by_code.items()}
    AnnualDeclaration.objects.bulk_create(declarations.values())
    declarations = {d.employer.credit_code: d for d in AnnualDeclaration.objects.select_related("employer")}
    # each person in the declaration of the unit that paid their June 2025 (as an employer would)
    employed = dict(MonthRecord.objects.filter(month=202506, person__origin="generated", si_paid=True)
                    .values_list("person_id", "unit_id"))
    people = list(RegistryPerson.objects.filter(id_number__in=employed).order_by("id_number")[:persons])
    placed = [
        PlacedPerson(
            declaration=declarations[employed[p.id_number]], id_number=p.id_number, name=p.name, sex=p.sex,
            birth_date=p.birth_date, hukou_type="local", hukou_address=p.hukou_address[:200], phone="13800000000",
            retirement_category="M" if p.sex == "M" else "F55",
        )
        for p in people
    ]
    PlacedPerson.objects.bulk_create(placed, batch_size=1000)
    placed = list(PlacedPerson.objects.order_by("pk").values_list("pk", flat=True))
    PlacementMonth.objects.bulk_create(
        [PlacementMonth(person_id=pk, month=m) for pk in placed for m in range(1, 13)], batch_size=5000)
    upload = Upload.objects.create(kind="placement_contract", original_name="bench.pdf", content_type="application/pdf",
                                   size=1, sha256="0", storage_name=f"bench/{uuid.uuid4().hex}")
    Contract.objects.bulk_create(
        [Contract(person_id=pk, contract_type="open_ended", start_date=datetime.date(2020, 1, 1), job="岗位",
                  monthly_wage=5000, attachment=upload) for pk in placed], batch_size=2000)
    return placed


def _db_env() -> dict:
    s = connection.settings_dict
    if connection.vendor == "sqlite":
        return {"SQLITE_PATH": s["NAME"]}
    auth = s["USER"] + (f":{s['PASSWORD']}" if s["PASSWORD"] else "")
    return {"DATABASE_URL": f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"}


class Workers:
    """Real Celery worker processes on their own queue, with the benchmark's feed behaviour."""

    def __init__(self, *, processes: int, threads: int):
        self.queue = f"bench-{uuid.uuid4().hex[:8]}"
        self.tmp = tempfile.TemporaryDirectory(prefix="bench-broker-")
        self.log = open(Path(self.tmp.name) / "workers.log", "w+")  # noqa: SIM115 (closed in stop)
        env = {k: v for k, v in os.environ.items()
               if k not in {"DATABASE_URL", "REDIS_URL", "SQLITE_PATH", "DJANGO_SETTINGS_MODULE",
                            "DJANGO_ALLOW_ASYNC_UNSAFE"}}
        env.update(_db_env())
        env.update({
            # production-like workers: DEBUG off (no query log), the same encryption key as the set-up
            "DEBUG": "false", "SECRET_KEY": "bench-" + uuid.uuid4().hex * 2, "ALLOWED_HOSTS": "localhost",
            "FIELD_ENCRYPTION_KEY": ",".join(settings.FIELD_ENCRYPTION_KEYS),
            "PORTAL_BASE_URL": settings.PORTAL_BASE_URL,
        })
        # With Redis the limit is shared by all processes; without it each process has its own,
        # so the processes split the limit between them (together never more than CONCURRENCY).
        per_process = CONCURRENCY if settings.REDIS_URL else CONCURRENCY // processes
        env.update({"DJANGO_SETTINGS_MODULE": "portal.settings", "FEEDS_LATENCY_MS": str(LATENCY_MS),
                    "FEEDS_CONCURRENCY": str(per_process), "FEEDS_ERROR_RATE": "0", "FEEDS_TIMEOUT_RATE": "0",
                    "FEEDS_TIMEOUT_S": "60",
                    "FEEDS_THREADS": os.environ["BENCH_FEED_THREADS"]})
        if settings.REDIS_URL:
            env["REDIS_URL"] = settings.REDIS_URL
            self.producer = Celery(broker=settings.REDIS_URL, set_as_current=False)
        else:
            env["BROKER_DIR"] = self.tmp.name
            for sub in ("queue", "processed", "control"):
                Path(self.tmp.name, sub).mkdir()
            self.producer = Celery(broker="filesystem://", set_as_current=False)
            self.producer.conf.broker_transport_options = {
                "data_folder_in": f"{self.tmp.name}/queue", "data_folder_out": f"{self.tmp.name}/queue",
                "processed_folder": f"{self.tmp.name}/processed", "control_folder": f"{self.tmp.name}/control"}
        self.processes = [
            subprocess.Popen(
                [sys.executable, "-m", "celery", "-A", "portal", "worker", "--pool", "threads", "-c", str(threads),
                 "-Q", self.queue, "-l", "warning", "-n", f"bench{i}@%h", "--without-mingle", "--without-gossip"],
                cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=self.log, text=True)
            for i in range(processes)
        ]

    def send(self, task: str, *args) -> None:
        self.producer.send_task(task, args=args, queue=self.queue)

    def wait_ready(self, timeout: float = 90) -> None:
        from portal.models import WorkerHeartbeat

        tokens = [str(uuid.uuid4()) for _ in self.processes]
        for token in tokens:
            self.send("portal.tasks.worker_heartbeat_task", token)
        deadline = time.time() + timeout
        while WorkerHeartbeat.objects.filter(token__in=tokens).count() < len(tokens):
            self._check_alive()
            if time.time() > deadline:
                raise RuntimeError("benchmark workers did not start")
            time.sleep(0.2)

    def log_tail(self) -> str:
        self.log.flush()
        self.log.seek(0)
        return self.log.read()[-4000:]

    def _check_alive(self):
        for process in self.processes:
            if process.poll() is not None:
                raise RuntimeError("a benchmark worker exited:\n" + self.log_tail())

    def drive(self, tasks: list[tuple], *, finished, left, timeout: float) -> float:
        """Send the tasks ((name, *args) each) and wait until `finished()`; seconds from the first
        send. `left()` says what remains when the timeout is reached."""
        started = time.perf_counter()
        for name, *args in tasks:
            self.send(name, *args)
        while not finished():
            self._check_alive()
            if time.perf_counter() - started > timeout:
                raise RuntimeError(f"verification did not finish in {timeout} s ({left()}):\n" + self.log_tail())
            time.sleep(0.1)
        return time.perf_counter() - started

    def stop(self) -> None:
        for process in self.processes:
            process.terminate()
        for process in self.processes:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
        self.log.close()
        self.tmp.cleanup()


def verify_all(person_ids: list[int], *, processes: int, threads: int, timeout: float = 180) -> float:
    """Seconds from enqueueing to every person verified, on real workers."""
    from placement.models import PlacedPerson

    workers = Workers(processes=processes, threads=threads)
    try:
        workers.wait_ready()
        from placement.services.verification import batches

        pending = PlacedPerson.objects.filter(pk__in=person_ids, verification_finished_at__isnull=True)
        return workers.drive([("placement.tasks.persons_verify_task", batch) for batch in batches(person_ids)],
                             finished=lambda: not pending.exists(), left=lambda: f"{pending.count()} left",
                             timeout=timeout)
    finally:
        workers.stop()


def run(smoke: bool = False) -> list[Result]:
    persons = 20 if smoke else int(os.environ.get("BENCH_PERSONS", 2000))
    ids = build(persons)
    # Worker layout (measured on this 2-core machine): with Redis 3 processes × 2 tasks × 10
    # registry threads; without it 2 processes (the limit split between them) × 6 tasks × 12.
    redis = bool(settings.REDIS_URL)
    processes = int(os.environ.get("BENCH_PROCESSES", 3 if redis else 2))
    tasks = int(os.environ.get("BENCH_TASKS", 2 if redis else 6))
    os.environ.setdefault("BENCH_FEED_THREADS", "10" if redis else "12")
    seconds = verify_all(ids, processes=processes, threads=tasks)
    from placement.models import MonthCheck

    rows = MonthCheck.objects.filter(person_id__in=ids).count()
    if rows != len(ids) * 12 * 7:
        raise RuntimeError(f"expected {len(ids) * 84} month results, found {rows}")
    floor = len(ids) * SOURCES * LATENCY_MS / 1000 / CONCURRENCY
    return [Result("placement_verify", seconds, floor, "s", TARGET,
                   note=f"persons={len(ids)} calls={len(ids) * SOURCES} processes={processes}")]
