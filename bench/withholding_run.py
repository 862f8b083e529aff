"""withholding_run: a 10,000-member withholding run (委托代扣 on the pension day) by real Celery
workers against the mock pension registry at 20 ms a call, the mock serving at most 16 calls at
once across all worker processes. One call a member (the idempotent withhold). Floor: calls × 20 ms
÷ 16 (TARGETS.md: ratio ≤ 1.5).

Set-up (not timed): 10,000 retirees with pension accounts in the registry (about 5% short of the
amount), a 委托代扣 batch of them whose run has been handed over (代扣中). Timed: from sending the
chunk tasks to the batch being 代扣完成 (the worker that answers the last member settles the run,
moves the batch on and posts the notice)."""

import os
from decimal import Decimal

from django.conf import settings
from django.utils import timezone

from bench import Result
from bench.placement_verify import CONCURRENCY, LATENCY_MS, Workers
from bench.retirees import portal_unit, registry_retirees

TARGET = 1.5


def build(members: int, seed: int = 29) -> int:
    """Registry retirees and the run to send; returns the run's id."""
    from insurance import choices as c
    from insurance.models import InsuranceBatch, InsuredMember, PlanYear, WithholdingRun
    from insurance.rules.roster import Member
    from insurance.services.roster import insert_members
    from portal.feeds.generator import Writer, delete_generated

    delete_generated()
    unit, people = registry_retirees(members, seed=seed, credit="91310104GN00000WH", name="上海代扣基准有限公司",
                                     si_number="31999002", low_balance_share=0.05)
    Writer(batch=5000).write([unit, *people])
    employer, user, insurance_code = portal_unit(unit, username="bench-withhold@example.cn",
                                                 union_district="徐汇区总工会")
    now = timezone.now()
    batch = InsuranceBatch.objects.create(
        number="TXZY202705200002", employer=employer, code=insurance_code, plan_year=PlanYear.objects.get(year=2027),
        kind="central", payment_method="withholding", withholding_amount=Decimal("300.00"), payment_chosen_at=now,
        unit_confirmed_at=now, created_by=user, status=c.BatchStatus.WITHHOLDING_REQUESTED,
        verify_state=c.VerifyState.DONE, verify_round=1, withholding_requested_at=now)
    insert_members(batch, [Member(i + 2, p.name, "resident_id", p.id_number, p.birth_date, p.sex, f"139{i:08d}")
                           for i, p in enumerate(people)], c.MemberSource.IMPORT)
    InsuredMember.objects.filter(batch=batch).update(
        check_state=c.CheckState.CHECKED, result=c.Result.PASSED, withholding=c.Withholding.YES, si_number="31999002")
    run = WithholdingRun.objects.create(batch=batch, pension_day=timezone.localdate(), requested=members,
                                        amount=Decimal("300.00"), status=c.RunStatus.SENT, queued_at=now, sent_at=now,
                                        attempts=1)
    return run.pk


def withhold(run_id: int, *, processes: int, threads: int, timeout: float = 300) -> float:
    """Seconds from sending the chunk tasks to the batch being 代扣完成, on real workers."""
    from insurance.models import InsuranceBatch, WithholdingRun
    from insurance.services.withholding import CHUNK
    from portal.jobs import chunks

    run = WithholdingRun.objects.get(pk=run_id)
    ids = list(run.batch.members.order_by("pk").values_list("pk", flat=True))
    workers = Workers(processes=processes, threads=threads)
    try:
        workers.wait_ready()
        waiting = InsuranceBatch.objects.filter(pk=run.batch_id, status="withholding_requested")
        return workers.drive([("insurance.tasks.members_withhold_task", run_id, chunk) for chunk in chunks(ids, CHUNK)],
                             finished=lambda: not waiting.exists(),
                             left=lambda: f"{run.batch.members.exclude(withholding_result='').count()} answered",
                             timeout=timeout)
    finally:
        workers.stop()


def run(smoke: bool = False) -> list[Result]:
    from insurance.models import WithholdingRun
    from portal.feeds.models import WithholdingRecord

    members = 30 if smoke else int(os.environ.get("BENCH_MEMBERS", 10_000))
    run_id = build(members)
    redis = bool(settings.REDIS_URL)
    processes = int(os.environ.get("BENCH_PROCESSES", 3 if redis else 2))
    tasks = int(os.environ.get("BENCH_TASKS", 2 if redis else 6))
    os.environ.setdefault("BENCH_FEED_THREADS", "10" if redis else "12")
    seconds = withhold(run_id, processes=processes, threads=tasks)
    done = WithholdingRun.objects.select_related("batch").get(pk=run_id)
    answered = done.batch.members.exclude(withholding_result="").count()
    if done.status != "received" or done.batch.status != "withholding_done" or answered != members \
            or WithholdingRecord.objects.count() != members:
        raise RuntimeError(f"expected {members} members withheld once, found {answered} ({done.status})")
    floor = members * LATENCY_MS / 1000 / CONCURRENCY
    return [Result("withholding_run", seconds, floor, "s", TARGET,
                   note=f"members={members} calls={members} withheld={done.withheld} processes={processes}")]
