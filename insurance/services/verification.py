"""提交系统校验: the roster against the registries, as a Celery job in chunks with a progress bar
beside the batch's status (名单校验中 until every member has an answer).

    batch_verify_start → members queued, one task per CHUNK members (after commit)
    members_verify     → ask the registries, store each member's facts and result, count progress
    batch_verify_settle→ when nobody is queued: the 社保人数 per 社保编号, then 名单校验完成; when
                         someone is pending (a registry did not answer) the job waits and the sweep
                         asks again: a member is never failed because a registry was silent.

Tasks may run twice or out of order: members are only written while queued or pending in the
batch's current round, progress is recounted from the members (never incremented), and the
batch finishes under its row lock once."""

from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone
from psycopg2.extras import execute_values

from insurance import choices as c
from insurance.models import CodeRatio, InsuranceBatch, InsuredMember
from insurance.registry import ask_members, read_answers, retiree_count
from insurance.services.members import apply_result
from portal.jobs import chunks, enqueue
from portal.models import Notice
from portal.notices import notice_post
from portal.workflow import locked, transition_apply

CHUNK = 50  # members per task: 150 registry calls, enough to keep the pool's threads busy
B, S = c.BatchStatus, c.CheckState
OPEN = (S.QUEUED, S.PENDING)
FACT_FIELDS = ["check_state", "checked_at", "si_found", "si_name", "si_number", "si_unit_name", "si_credit_code",
               "died_on", "deceased", "retired", "registry_retirement_month", "can_withhold", "result", "withholding"]


def _enqueue(batch_id: int, member_ids: list[int]) -> None:
    for chunk in chunks(member_ids, CHUNK):
        enqueue("insurance.tasks.members_verify_task", batch_id, chunk)


def batch_verify_start(*, actor, batch: InsuranceBatch) -> InsuranceBatch:
    """提交系统校验 (and 处理完成，再次提交系统校验): every member is asked again; fixes stay."""
    with transaction.atomic():
        batch = locked(batch, "employer", "plan_year")
        members = batch.members.filter(deleted_at__isnull=True)
        total = members.count()
        batch = transition_apply(batch, "verify_start", actor=actor, lock=False, total=total)
        members.update(check_state=S.QUEUED, check_round=batch.verify_round)
        ids = list(members.order_by("pk").values_list("pk", flat=True))
        pk = batch.pk
        transaction.on_commit(lambda: _enqueue(pk, ids))
    return batch


def members_verify(batch_id: int, member_ids: list[int]) -> None:
    """Ask the registries about these members and store what they said. Idempotent: members no
    longer queued or pending (answered by an earlier delivery, or the batch moved on) are skipped."""
    batch = InsuranceBatch.objects.select_related("plan_year").filter(pk=batch_id, status=B.VERIFYING).first()
    if batch is None:
        return  # idempotent: the batch is no longer being verified
    members = list(InsuredMember.objects.filter(batch=batch, pk__in=member_ids, check_state__in=OPEN,
                                                deleted_at__isnull=True))
    if not members:
        return  # idempotent: already answered
    InsuranceBatch.objects.filter(pk=batch_id, verify_state=c.VerifyState.QUEUED).update(
        verify_state=c.VerifyState.RUNNING)
    amount, year, now = batch.amount_per_member, timezone.localdate().year, timezone.now()
    checkable = [m for m in members if m.id_type == c.IdType.RESIDENT_ID]
    for member in members:
        if member.id_type != c.IdType.RESIDENT_ID:  # the registries cannot check other documents
            member.check_state, member.checked_at = S.CHECKED, now
            apply_result(member)
    for member, answers in ask_members(checkable, year=year):
        answer = read_answers(answers, amount)
        facts = answer.facts
        member.check_state = S.CHECKED if facts.complete else S.PENDING
        member.checked_at = now
        member.si_found, member.si_name, member.deceased = facts.si_found, facts.si_name, facts.deceased
        member.retired, member.registry_retirement_month = facts.retired, facts.retirement_month
        member.can_withhold, member.died_on = facts.can_withhold, answer.died_on
        member.si_number, member.si_unit_name = answer.si_number, answer.si_unit_name[:200]
        member.si_credit_code = answer.si_credit_code
        apply_result(member)
    _store(batch, members)
    batch_verify_settle(batch_id)


def _store(batch: InsuranceBatch, members: list[InsuredMember]) -> None:
    with transaction.atomic():
        still_open = set(InsuredMember.objects.select_for_update().filter(
            pk__in=[m.pk for m in members], check_state__in=OPEN, check_round=batch.verify_round)
            .values_list("pk", flat=True))
        _write_facts([m for m in members if m.pk in still_open])
        _count(batch.pk)


# the SQL type of each fact, for PostgreSQL's VALUES list (a NULL there has no type of its own)
FACT_TYPES = {"checked_at": "timestamptz", "si_found": "boolean", "died_on": "date", "deceased": "boolean",
              "retired": "boolean", "registry_retirement_month": "integer", "can_withhold": "boolean"}


def _write_facts(members: list[InsuredMember]) -> None:
    write_columns(members, FACT_FIELDS, FACT_TYPES)


def write_columns(members: list[InsuredMember], names: list[str], types: dict[str, str]) -> None:
    """One UPDATE … FROM (VALUES …) per chunk: bulk_update's CASE per field and row cost more
    than the registries' answers took to arrive (placement.services.verification.upsert_cells
    made the same choice). `types` gives the SQL type of each non-text column (a NULL in VALUES
    has no type of its own)."""
    if not members:
        return
    ops = connection.ops
    fields = [InsuredMember._meta.get_field(name) for name in names]
    rows = []
    for member in members:
        values = []
        for field in fields:
            value = getattr(member, field.attname)
            if field.get_internal_type() == "DateTimeField":
                value = ops.adapt_datetimefield_value(value)
            elif field.get_internal_type() == "DateField":
                value = ops.adapt_datefield_value(value)
            elif field.get_internal_type() == "DecimalField" and value is not None and connection.vendor != "postgresql":
                value = str(value)
            values.append(value)
        rows.append((member.pk, *values))
    table = ops.quote_name(InsuredMember._meta.db_table)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            columns = ", ".join(ops.quote_name(f.column) for f in fields)
            sets = ", ".join(f"{ops.quote_name(f.column)} = v.{ops.quote_name(f.column)}" for f in fields)
            template = "(%s, " + ", ".join(f"%s::{types.get(f.name, 'varchar')}" for f in fields) + ")"
            execute_values(cursor.cursor, f"UPDATE {table} AS t SET {sets} FROM (VALUES %s) AS v (id, {columns}) "
                                          "WHERE t.id = v.id", rows, template=template, page_size=500)
        else:
            sets = ", ".join(f"{ops.quote_name(f.column)} = %s" for f in fields)
            cursor.executemany(f"UPDATE {table} SET {sets} WHERE id = %s", [(*row[1:], row[0]) for row in rows])


def _count(batch_id: int) -> None:
    """Progress recounted from the members: a task delivered twice never counts twice."""
    done = InsuredMember.objects.filter(batch_id=batch_id, deleted_at__isnull=True, check_state=S.CHECKED).count()
    InsuranceBatch.objects.filter(pk=batch_id).update(verify_done=done)


def _ratio_counts(batch: InsuranceBatch) -> None:
    """社保人数 per 社保编号, stored with the batch (asked again where the registry was silent)."""
    units = dict(batch.members.filter(deleted_at__isnull=True).exclude(si_number="")
                 .values_list("si_number", "si_credit_code").distinct())
    known = set(CodeRatio.objects.filter(batch=batch, registry_count__isnull=False).values_list("si_number", flat=True))
    now = timezone.now()
    for si_number, credit_code in units.items():
        if si_number in known:
            continue
        count = retiree_count(credit_code)
        CodeRatio.objects.update_or_create(batch=batch, si_number=si_number, defaults={
            "si_credit_code": credit_code,
            "unit_name": (count.unit_name if count and count.unit_name else "")[:200],
            "registry_count": count.count if count else None,
            "registry_month": count.month if count else None, "fetched_at": now if count else None,
        })
    if batch.members.filter(deleted_at__isnull=True, si_number="").exists():
        CodeRatio.objects.get_or_create(batch=batch, si_number="", defaults={"registry_count": 0})


def batch_verify_settle(batch_id: int) -> None:
    """Finish the batch when no member is queued: 名单校验完成 if everyone has an answer, else the
    job waits for the sweep. Idempotent (under the batch's row lock, once)."""
    members = InsuredMember.objects.filter(batch_id=batch_id, deleted_at__isnull=True)
    if members.filter(check_state=S.QUEUED).exists():
        return  # other chunks are still running
    batch = InsuranceBatch.objects.select_related("employer", "plan_year").get(pk=batch_id)
    if batch.status != B.VERIFYING:
        return  # idempotent: already settled
    if members.filter(check_state=S.PENDING).exists():
        InsuranceBatch.objects.filter(pk=batch_id, status=B.VERIFYING).update(verify_state=c.VerifyState.WAITING)
        return
    _ratio_counts(batch)  # registry calls, outside the lock
    with transaction.atomic():
        batch = locked(batch, "employer")
        if batch.status != B.VERIFYING:
            return  # another task settled it meanwhile
        batch = transition_apply(batch, "verify_finish", lock=False)
        notice_post(employer=batch.employer, kind=Notice.Kind.SYSTEM,
                    title=f"参保批次{batch.number}名单校验完成",
                    body=f"参保批次{batch.number}已完成系统校验，请在“参保办理”中点击“继续办理参保”查看校验结果并处理异常数据。",
                    link=f"/insurance/batches/{batch.pk}/results/",
                    dedupe_key=f"insurance-verified:{batch.pk}:{batch.verify_round}")


def batches_to_sweep():
    """Batches whose verification waits for a registry, or whose tasks were lost (queued members
    half an hour after the start); verified batches still missing a 社保人数."""
    stale = timezone.now() - timezone.timedelta(minutes=30)
    waiting = InsuranceBatch.objects.filter(status=B.VERIFYING).filter(
        Q(verify_state=c.VerifyState.WAITING) | Q(verify_started_at__lt=stale))
    counts = InsuranceBatch.objects.filter(status__in=(B.VERIFIED, B.REVIEW_REJECTED),
                                           ratios__registry_count__isnull=True).exclude(ratios__si_number="")
    return list(waiting.values_list("pk", flat=True)), list(counts.distinct().values_list("pk", flat=True))


def batch_verify_retry(batch_id: int) -> None:
    """Ask again about a batch's pending (or lost) members (the sweep). Idempotent."""
    batch = InsuranceBatch.objects.filter(pk=batch_id, status=B.VERIFYING).first()
    if batch is None:
        return
    ids = list(batch.members.filter(deleted_at__isnull=True, check_state__in=OPEN).order_by("pk")
               .values_list("pk", flat=True))
    if not ids:
        enqueue("insurance.tasks.batch_settle_task", batch_id)
        return
    InsuranceBatch.objects.filter(pk=batch_id).update(verify_state=c.VerifyState.RUNNING)
    _enqueue(batch_id, ids)


def ratio_counts_refresh(batch_id: int) -> None:
    """Ask again for the 社保人数 a silent registry did not give at verification."""
    batch = InsuranceBatch.objects.get(pk=batch_id)
    _ratio_counts(batch)


def insurance_sweep() -> None:
    """The periodic re-drive (portal.celery's schedule): pending or lost members, missing counts."""
    waiting, counts = batches_to_sweep()
    for batch_id in waiting:
        batch_verify_retry(batch_id)
    for batch_id in counts:
        ratio_counts_refresh(batch_id)
