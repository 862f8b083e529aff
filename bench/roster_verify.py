"""roster_verify: a 10,000-member retiree roster verified by real Celery workers against the mock
registries (social insurance, civil status, pension: three calls a member) at 20 ms a call, the
mock serving at most 16 calls at once across all worker processes. Floor: calls × 20 ms ÷ 16
(TARGETS.md: ratio ≤ 1.5 and under two minutes; the real system takes 30–60 minutes).

Set-up (not timed): 10,000 retirees in the registries under one unit's 社保编号, a batch with
them as its roster, queued for verification as 提交系统校验 leaves it. Timed: from sending the
first chunk task to the batch being 名单校验完成 (the worker that finishes it also fetches the
code's 社保人数 and moves the batch on)."""

import os

from django.conf import settings
from django.utils import timezone

from bench import Result
from bench.placement_verify import CONCURRENCY, LATENCY_MS, Workers
from bench.retirees import portal_unit, registry_retirees

TARGET, LIMIT_S = 1.5, 120
CALLS_PER_MEMBER = 3


def build(members: int, seed: int = 23) -> int:
    """Registry retirees and the batch to verify; returns the batch's id."""
    from insurance import choices as c
    from insurance.models import InsuranceBatch, InsuredMember, PlanYear
    from insurance.rules.roster import Member
    from insurance.services.roster import insert_members
    from portal.feeds.demo import current_month
    from portal.feeds.generator import Writer, delete_generated
    from portal.feeds.models import UnitHeadcount

    delete_generated()
    unit, people = registry_retirees(members, seed=seed, credit="91310104GN00000RW", name="上海退休基准有限公司",
                                     si_number="31999001", withholdable_share=0.93)
    Writer(batch=5000).write([unit, *people, UnitHeadcount(unit_id=unit.credit_code, month=current_month(),
                                                           retirees=members + 500)])
    employer, user, insurance_code = portal_unit(unit, username="bench-verify@example.cn")
    batch = InsuranceBatch.objects.create(
        number="TXZY202705200001", employer=employer, code=insurance_code, plan_year=PlanYear.objects.get(year=2027),
        kind="central", payment_method="voucher", payment_chosen_at=timezone.now(), unit_confirmed_at=timezone.now(),
        created_by=user, status=c.BatchStatus.VERIFYING, verify_state=c.VerifyState.QUEUED, verify_round=1,
        verify_total=members, verify_started_at=timezone.now())
    insert_members(batch, [Member(i + 2, p.name, "resident_id", p.id_number, p.birth_date, p.sex, f"139{i:08d}")
                           for i, p in enumerate(people)], c.MemberSource.IMPORT)
    InsuredMember.objects.filter(batch=batch).update(check_state=c.CheckState.QUEUED, check_round=1)
    return batch.pk


def verify(batch_id: int, *, processes: int, threads: int, timeout: float = 300) -> float:
    """Seconds from sending the chunk tasks to the batch being verified, on real workers."""
    from insurance.models import InsuranceBatch
    from insurance.services.verification import CHUNK
    from portal.jobs import chunks

    ids = list(InsuranceBatch.objects.get(pk=batch_id).members.order_by("pk").values_list("pk", flat=True))
    workers = Workers(processes=processes, threads=threads)
    try:
        workers.wait_ready()
        verifying = InsuranceBatch.objects.filter(pk=batch_id, status="verifying")
        return workers.drive([("insurance.tasks.members_verify_task", batch_id, chunk) for chunk in chunks(ids, CHUNK)],
                             finished=lambda: not verifying.exists(),
                             left=lambda: f"{InsuranceBatch.objects.get(pk=batch_id).verify_done} done", timeout=timeout)
    finally:
        workers.stop()


def run(smoke: bool = False) -> list[Result]:
    from insurance.models import InsuranceBatch

    members = 30 if smoke else int(os.environ.get("BENCH_MEMBERS", 10_000))
    batch_id = build(members)
    redis = bool(settings.REDIS_URL)
    processes = int(os.environ.get("BENCH_PROCESSES", 3 if redis else 2))
    tasks = int(os.environ.get("BENCH_TASKS", 2 if redis else 6))
    os.environ.setdefault("BENCH_FEED_THREADS", "10" if redis else "12")
    seconds = verify(batch_id, processes=processes, threads=tasks)
    batch = InsuranceBatch.objects.get(pk=batch_id)
    checked = batch.members.filter(check_state="checked").count()
    if batch.status != "verified" or checked != members or batch.verify_done != members:
        raise RuntimeError(f"expected {members} members verified, found {checked} ({batch.status})")
    floor = members * CALLS_PER_MEMBER * LATENCY_MS / 1000 / CONCURRENCY
    return [Result("roster_verify", seconds, floor, "s", TARGET, also_ok=seconds < LIMIT_S,
                   note=f"members={members} calls={members * CALLS_PER_MEMBER} processes={processes} "
                        f"limit={LIMIT_S}s")]
