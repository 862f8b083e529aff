"""withholding_run: a 10,000-member withholding run (委托代扣 on the pension day) by real Celery
workers against the mock pension registry at 20 ms a call, the mock serving at most 16 calls at
once across all worker processes. One call a member (the idempotent withhold). Floor: calls × 20 ms
÷ 16 (TARGETS.md: ratio ≤ 1.5).

Set-up (not timed): 10,000 retirees with pension accounts in the registry (about 5% short of the
amount), a 委托代扣 batch of them whose run has been handed over (代扣中). Timed: from sending the
chunk tasks to the batch being 代扣完成 (the worker that answers the last member settles the run,
moves the batch on and posts the notice)."""

import datetime
import os
import random
from decimal import Decimal

from django.conf import settings
from django.utils import timezone

from bench import Result
from bench.placement_verify import CONCURRENCY, LATENCY_MS, Workers

TARGET = 1.5


def build(members: int, seed: int = 29) -> int:
    """Registry retirees and the run to send; returns the run's id."""
    from django.contrib.auth import get_user_model

    from employers.models import Agent, Employer
    from insurance import choices as c
    from insurance.models import InsuranceBatch, InsuranceCode, InsuredMember, PlanYear, WithholdingRun
    from insurance.rules.roster import Member
    from insurance.services.roster import insert_members
    from portal.feeds.generator import GENERATED, SURNAMES, Writer, credit_code, delete_generated, resident_id
    from portal.feeds.models import RegistryPerson, RegistryUnit
    from portal.models import Region

    delete_generated()
    rng = random.Random(seed)
    code = credit_code("91310104GN00000WH")
    unit = RegistryUnit(credit_code=code, name="上海代扣基准有限公司", address="上海市徐汇区", registration_authority="徐汇",
                        region_code="310104", si_number="31999002", origin=GENERATED)
    people, used = [], set()
    while len(people) < members:
        birth = datetime.date(1940, 1, 1) + datetime.timedelta(days=rng.randrange(365 * 22))
        sex = rng.choice("MF")
        number = resident_id("310104", birth, rng.randrange(450) * 2 + (1 if sex == "M" else 0))
        if number in used:
            continue
        used.add(number)
        name = rng.choice(SURNAMES) + rng.choice("伟芳秀英敏强磊军")
        balance = Decimal("120.00") if rng.random() < 0.05 else Decimal("4800.00")
        people.append(RegistryPerson(
            id_number=number, name=name, sex=sex, birth_date=birth, hukou_region="310104", hukou_address="上海",
            si_name=name, retired=True, retirement_month=(birth.year + 60) * 100 + birth.month, retiree_unit_id=code,
            pension_account=f"6222{len(people):015d}", pension_bank="中国工商银行", withholdable=True,
            pension_balance=balance, origin=GENERATED))
    Writer(batch=5000).write([unit, *people])

    region = Region.objects.get(code="310104")
    employer = Employer.objects.create(name=unit.name, credit_code=code, admin_region=region, fed_region=region,
                                       tax_region=region, contact_email="w@example.cn", contact_phone="0",
                                       union_district="徐汇区总工会")
    user = get_user_model().objects.create(username="bench-withhold@example.cn", role="employer_agent",
                                           email="bench-withhold@example.cn")
    Agent.objects.create(user=user, employer=employer, is_registrant=True)
    insurance_code = InsuranceCode.objects.create(employer=employer, code="31999002", unit_name=unit.name,
                                                  credit_code=code, economic_type="private", address="上海",
                                                  postal_code="200000")
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
    from insurance.services.withholding import chunks

    run = WithholdingRun.objects.get(pk=run_id)
    ids = list(run.batch.members.order_by("pk").values_list("pk", flat=True))
    workers = Workers(processes=processes, threads=threads)
    try:
        workers.wait_ready()
        waiting = InsuranceBatch.objects.filter(pk=run.batch_id, status="withholding_requested")
        return workers.drive([("insurance.tasks.members_withhold_task", run_id, chunk) for chunk in chunks(ids)],
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
