"""Load on the mock from several processes at once: how many calls a second it serves, and the
most it ever served at once (which must not exceed FEEDS_CONCURRENCY, across all processes).

`manage.py feeds_hammer --processes 4 --threads 8 --calls 4000 --latency 20 --concurrency 16`
starts the worker processes against the database and Redis this process uses; the multi-process
test runs the same thing against the test database.
"""

import json
import os
import subprocess
import sys
import threading
import time
from dataclasses import asdict, dataclass

from django.conf import settings
from django.db import connection, connections

from portal.feeds.errors import FeedRejected, FeedUnavailable
from portal.feeds.slots import RedisSlots, slots

MANAGE = settings.BASE_DIR / "manage.py"
START_DELAY_S = 4.0  # time for every worker to start Django before the clock runs


@dataclass(frozen=True)
class HammerResult:
    processes: int
    threads: int
    calls: int
    ok: int
    unavailable: int
    rejected: int
    seconds: float
    latency_ms: int
    concurrency: int
    peak: int  # the most calls inside the mock at once, as its gauge saw it
    shared: bool  # the limit (and the gauge) spans all processes (Redis); else each process has its own

    @property
    def calls_per_second(self) -> float:
        return self.calls / self.seconds if self.seconds else 0.0

    @property
    def ceiling(self) -> float:
        """What the limit allows at most: concurrency / latency."""
        return self.concurrency / (self.latency_ms / 1000) if self.latency_ms else float("inf")


def database_env() -> dict:
    """Environment pointing a child process at the database this process uses."""
    s = connection.settings_dict
    if connection.vendor == "sqlite":
        return {"SQLITE_PATH": str(s["NAME"])}
    auth = s["USER"] + (f":{s['PASSWORD']}" if s["PASSWORD"] else "")
    return {"DATABASE_URL": f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"}


def run(*, processes: int, threads: int, calls: int, latency_ms: int, concurrency: int, id_numbers: list[str],
        source: str = "social_insurance", year: int = 2025) -> HammerResult:
    """Start the worker processes, wait for them, add up what they report."""
    if not id_numbers:
        raise ValueError("no registry persons to ask about: load the demo or run feeds_generate first")
    pool = slots()
    pool.reset_peak()
    start_at = time.time() + START_DELAY_S
    env = {k: v for k, v in os.environ.items()
           if k not in {"DATABASE_URL", "SQLITE_PATH", "REDIS_URL", "DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE"}}
    env.update(database_env())
    env.update({"DJANGO_SETTINGS_MODULE": "portal.settings", "REDIS_URL": settings.REDIS_URL,
                "FEEDS_LATENCY_MS": str(latency_ms), "FEEDS_CONCURRENCY": str(concurrency),
                "FEEDS_ERROR_RATE": "0", "FEEDS_TIMEOUT_RATE": "0", "FEEDS_BACKEND": "mock"})
    share, extra = divmod(calls, processes)
    children = []
    for i in range(processes):
        spec = {"ids": id_numbers[i::processes] or id_numbers, "threads": threads,
                "calls": share + (1 if i < extra else 0), "start_at": start_at, "source": source, "year": year}
        child = subprocess.Popen([sys.executable, str(MANAGE), "feeds_hammer", "--worker"], env=env,
                                 stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        child.stdin.write(json.dumps(spec))
        child.stdin.close()
        children.append(child)
    reports = []
    for child in children:
        out, err = child.stdout.read(), child.stderr.read()
        child.wait()
        if child.returncode != 0:
            raise RuntimeError(f"a hammer worker failed ({child.returncode}):\n{err[-3000:]}")
        reports.append(json.loads(out.strip().splitlines()[-1]))
    return HammerResult(
        processes=processes, threads=threads, calls=sum(r["calls"] for r in reports),
        ok=sum(r["ok"] for r in reports), unavailable=sum(r["unavailable"] for r in reports),
        rejected=sum(r["rejected"] for r in reports),
        seconds=max(r["ended"] for r in reports) - start_at, latency_ms=latency_ms, concurrency=concurrency,
        peak=max([pool.peak()] + [r["peak"] for r in reports]), shared=isinstance(pool, RedisSlots),
    )


def work(spec: dict) -> dict:
    """One worker process: `threads` threads share `calls` calls, starting at `start_at`."""
    from portal.feeds import get_feeds

    source = getattr(get_feeds(), spec["source"])
    ids, year = spec["ids"], spec["year"]
    counts = {"ok": 0, "unavailable": 0, "rejected": 0}
    lock = threading.Lock()
    remaining = [spec["calls"]]

    def loop(offset: int):
        n = offset
        try:
            while True:
                with lock:
                    if remaining[0] <= 0:
                        return
                    remaining[0] -= 1
                try:
                    source.person_year(ids[n % len(ids)], year)
                    outcome = "ok"
                except FeedUnavailable:
                    outcome = "unavailable"
                except FeedRejected:
                    outcome = "rejected"
                with lock:
                    counts[outcome] += 1
                n += spec["threads"]
        finally:
            connections.close_all()

    connection.ensure_connection()
    time.sleep(max(0.0, spec["start_at"] - time.time()))
    threads = [threading.Thread(target=loop, args=(i,)) for i in range(spec["threads"])]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return {"calls": spec["calls"], **counts, "ended": time.time(), "peak": slots().peak()}


def as_text(result: HammerResult) -> str:
    data = asdict(result)
    return (f"{data['processes']} 进程 × {data['threads']} 线程，{data['calls']} 次调用，用时 {data['seconds']:.2f} 秒："
            f"{result.calls_per_second:.0f} 次/秒（上限 {result.ceiling:.0f} 次/秒 = {result.concurrency} 并发 ÷ "
            f"{result.latency_ms} 毫秒），最大同时服务 {result.peak}{'' if result.shared else '（单个进程内）'}；"
            f"成功 {result.ok}，"
            f"不可用 {result.unavailable}，拒绝 {result.rejected}")
