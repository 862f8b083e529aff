"""roster_verify: a 10,000-member retiree roster verified by real Celery workers against the mock
registries (social insurance, civil status, pension: three calls a member) at 20 ms a call, the
mock serving at most 16 calls at once across all worker processes. Floor: calls × 20 ms ÷ 16
(TARGETS.md: ratio ≤ 1.5 and under two minutes; the real system takes 30–60 minutes).

Set-up (not timed): 10,000 retirees in the registries under one unit's 社保编号, a batch with
them as its roster, queued for verification as 提交系统校验 leaves it. Timed: from sending the
first chunk task to the batch being 名单校验完成 (the worker that finishes it also fetches the
code's 社保人数 and moves the batch on)."""

import datetime
import os
import random
from decimal import Decimal

from django.conf import settings
from django.utils import timezone

from bench import Result
from bench.placement_verify import CONCURRENCY, LATENCY_MS, Workers

TARGET, LIMIT_S = 1.5, 120
CALLS_PER_MEMBER = 3


def build(members: int, seed: int = 23) -> int:
    """Registry retirees and the batch to verify; returns the batch's id."""
    from django.contrib.auth import get_user_model

    from employers.models import Agent, Employer
    from insurance import choices as c
    from insurance.models import InsuranceBatch, InsuranceCode, InsuredMember, PlanYear
    from insurance.rules.roster import Member
    from insurance.services.roster import insert_members
    from portal.feeds.demo import current_month
    from portal.feeds.generator import GENERATED, SURNAMES, Writer, credit_code, delete_generated, resident_id
    from portal.feeds.models import RegistryPerson, RegistryUnit, UnitHeadcount
    from portal.models import Region

    delete_generated()
    rng = random.Random(seed)
    code = credit_code("91310104GN00000RW")
    unit = RegistryUnit(credit_code=code, name="上海退休基准有限公司", address="上海市徐汇区", registration_authority="徐汇",
                        region_code="310104", si_number="31999001", origin=GENERATED)
    people, used = [], set()
    while len(people) < members:
        birth = datetime.date(1940, 1, 1) + datetime.timedelta(days=rng.randrange(365 * 22))
        sex = rng.choice("MF")
        number = resident_id("310104", birth, rng.randrange(450) * 2 + (1 if sex == "M" else 0))
        if number in used:
            continue
        used.add(number)
        name = rng.choice(SURNAMES) + rng.choice("伟芳秀英敏强磊军")
        people.append(RegistryPerson(
            id_number=number, name=name, sex=sex, birth_date=birth, hukou_region="310104", hukou_address="上海",
            si_name=name, retired=True, retirement_month=(birth.year + 60) * 100 + birth.month, retiree_unit_id=code,
            pension_account=f"6222{len(people):015d}", pension_bank="中国工商银行", withholdable=rng.random() < 0.93,
            pension_balance=Decimal("4800.00"), origin=GENERATED))
    month = current_month()
    Writer(batch=5000).write([unit, *people, UnitHeadcount(unit_id=code, month=month, retirees=members + 500)])

    region = Region.objects.get(code="310104")
    employer = Employer.objects.create(name=unit.name, credit_code=code, admin_region=region, fed_region=region,
                                       tax_region=region, contact_email="b@example.cn", contact_phone="0")
    user = get_user_model().objects.create(username="bench-verify@example.cn", role="employer_agent")
    Agent.objects.create(user=user, employer=employer, is_registrant=True)
    insurance_code = InsuranceCode.objects.create(employer=employer, code="31999001", unit_name=unit.name,
                                                  credit_code=code, economic_type="private", address="上海",
                                                  postal_code="200000")
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
    from insurance.services.verification import chunks

    ids = list(InsuranceBatch.objects.get(pk=batch_id).members.order_by("pk").values_list("pk", flat=True))
    workers = Workers(processes=processes, threads=threads)
    try:
        workers.wait_ready()
        verifying = InsuranceBatch.objects.filter(pk=batch_id, status="verifying")
        return workers.drive([("insurance.tasks.members_verify_task", batch_id, chunk) for chunk in chunks(ids)],
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
