"""委托代扣: 审核通过，向职保会提交代扣申请 (the list is locked from then on, the 代扣受理单 comes one
working day later), the withholding run against the pension registry on the pension day (simulated
on demand by an administrator), its results and what the unit does with the members it failed for.

    withholding_request  → batch 代扣申请完成, run 待养老金发放日, the 代扣受理单
    run_start            → run 待发送 (the pension day's beat, or 模拟养老金发放日)
    run_send             → run 代扣中; one task per CHUNK members asks the registry
    members_withhold     → each member 代扣成功 / 余额不足 / 校验不通过 (the registry's call is
                           idempotent by reference, so a chunk delivered twice takes nothing twice)
    run_settle           → everyone answered: run 已返回代扣结果, batch 代扣完成, notice and e-mail;
                           a registry silent past the attempts: run 发送失败 with an alert, retried
                           by staff (only the members not yet answered are asked again)."""

import logging
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from insurance import choices as c
from insurance import predicates as p
from insurance.models import InsuranceBatch, InsuredMember, WithholdingRun
from insurance.rules.payment import may_delete_failed, pension_day_after
from insurance.selectors.members import active_members
from insurance.selectors.ratio import ratio_rows
from insurance.services.verification import write_columns
from insurance.workdays import add_working_days
from portal.audit import audit_record
from portal.exceptions import NotAllowed, ValidationFailed
from portal.feeds import get_feeds
from portal.feeds.calls import call_with_retries, iter_in_threads
from portal.feeds.types import WITHHOLDING_DONE, WITHHOLDING_INSUFFICIENT, WithholdingOrder
from portal.guards import insist
from portal.jobs import backoff, chunks, enqueue, enqueue_on_commit
from portal.mail import mail_copy
from portal.models import Notice
from portal.notices import notice_post
from portal.receipts import receipt_issue
from portal.roles import ADMIN, UNION
from portal.workflow import locked, transition_apply

log = logging.getLogger(__name__)
CHUNK = 50  # members per task: small enough that the workers share the tail of the run evenly
B, RS, W = c.BatchStatus, c.RunStatus, c.WithholdingResult
RESULT_OF = {WITHHOLDING_DONE: W.WITHHELD, WITHHOLDING_INSUFFICIENT: W.INSUFFICIENT}
RESULT_FIELDS = ["withholding_result", "withheld_amount", "withholding_message", "withheld_at"]
RESULT_TYPES = {"withheld_amount": "numeric", "withheld_at": "timestamptz"}


# --- 提交代扣申请 ----------------------------------------------------------------------------------


def _acceptance_slip(batch: InsuranceBatch, actor, available_on, requested: int):
    return receipt_issue(
        kind="insurance_withholding_request", title="委托代扣受理单", employer=batch.employer, actor=actor, prefix="DK",
        public_facts={
            "单位名称": batch.code.unit_name, "批次号": batch.number, "参保编码": batch.code.code,
            "保障年度": f"{batch.plan_year.year}年度", "申请代扣人数": f"{requested}人",
            "代扣金额": f"{batch.withholding_amount:,.2f}元/人",
        },
        details={"受理日期": f"{available_on:%Y-%m-%d}",
                 "说明": "养老金发放日由银行代扣；代扣完成后结果以通知和邮件告知经办人，请尽快确定参保名单并上传缴费凭证。"},
    )


def withholding_request(*, actor, batch: InsuranceBatch, agreed: bool) -> InsuranceBatch:
    """代扣名单确认，提交代扣申请 (after 我已阅读并同意): the batch and its list are locked, the run
    waits for the pension day, and the 代扣受理单 is dated one working day later. A second request
    is refused with a clear message and changes nothing."""
    if not agreed:
        raise ValidationFailed("请阅读提示并勾选“我已阅读并同意”", field="agreed")
    with transaction.atomic():
        batch = locked(batch, "employer", "code", "plan_year")
        available_on = add_working_days(timezone.localdate(), 1)
        requested = active_members(batch).count()

        def prepare(b):
            return {"by": actor, "available_on": available_on}

        batch = transition_apply(batch, "withholding_request", actor=actor, lock=False, prepare=prepare)
        run = WithholdingRun.objects.create(
            batch=batch, requested=requested, amount=batch.withholding_amount,
            pension_day=pension_day_after(available_on, batch.plan_year.pension_day))
        slip = _acceptance_slip(batch, actor, available_on, requested)
        batch.acceptance_slip = slip.document
        batch.save(update_fields=["acceptance_slip"])
        audit_record(action="withholding_run.create", actor=actor, obj=run, to_state=run.status,
                     data={"label": "代扣申请已提交，等待养老金发放日", "requested": requested})
        notice_post(employer=batch.employer, kind=Notice.Kind.SYSTEM, actor=actor,
                    title=f"参保批次{batch.number}代扣申请已提交",
                    body=f"本批次申请代扣{requested}人，代扣名单已锁定。{available_on:%Y-%m-%d}起可在“其它操作”中下载代扣受理单；"
                         f"银行将于养老金发放日（{run.pension_day:%Y-%m-%d}）代扣，结果将以通知和邮件告知。",
                    link=f"/insurance/batches/{batch.pk}/", dedupe_key=f"insurance-withholding-request:{batch.pk}")
    return batch


# --- the run --------------------------------------------------------------------------------------


def run_start(*, actor, run: WithholdingRun) -> WithholdingRun:
    """The pension day came (the beat), or an administrator simulates it (模拟养老金发放日代扣)."""
    with transaction.atomic():
        run = transition_apply(run, "start", actor=actor, related=("batch__employer",), by=actor)
        pk = run.pk
        enqueue_on_commit("insurance.tasks.run_send_task", pk)
    return run


def run_retry(*, actor, run: WithholdingRun) -> WithholdingRun:
    """重新发送 a failed run: only the members the registry has not answered are asked again."""
    with transaction.atomic():
        run = transition_apply(run, "retry", actor=actor, related=("batch__employer",), by=actor)
        pk = run.pk
        enqueue_on_commit("insurance.tasks.run_send_task", pk)
    return run


def runs_due(today=None) -> list[int]:
    """Runs whose pension day has come (the daily beat starts them as the system)."""
    today = today or timezone.localdate()
    return list(WithholdingRun.objects.filter(status=RS.SCHEDULED, pension_day__lte=today).values_list("pk", flat=True))


def runs_start_due() -> int:
    started = 0
    for pk in runs_due():
        run = WithholdingRun.objects.get(pk=pk)
        if run.status == RS.SCHEDULED:
            run_start(actor=None, run=run)
            started += 1
    return started


def _open_members(run: WithholdingRun):
    return InsuredMember.objects.filter(batch_id=run.batch_id, deleted_at__isnull=True, withholding_result="")


def run_send(run_id: int) -> None:
    """Hand the file over: members the verification found 不可代扣 are 校验不通过 at once; the rest
    go to the registry in chunks. Idempotent: only a queued (or re-driven sent) run is sent."""
    with transaction.atomic():
        run = WithholdingRun.objects.select_for_update().filter(pk=run_id).first()
        if run is None or run.status not in (RS.QUEUED, RS.SENT):
            return  # idempotent: not waiting to be sent
        if run.status == RS.QUEUED:
            run.attempts += 1
            run = transition_apply(run, "mark_sent", lock=False)
        now = timezone.now()
        _open_members(run).exclude(withholding=c.Withholding.YES).update(
            withholding_result=W.INVALID, withheld_amount=0, withheld_at=now,
            withholding_message="校验结果为不可代扣")
        ids = list(_open_members(run).order_by("pk").values_list("pk", flat=True))
        transaction.on_commit(lambda: _withhold_in_chunks(run_id, ids))


def _order(batch: InsuranceBatch, member: InsuredMember) -> WithholdingOrder:
    return WithholdingOrder(reference=f"{batch.number}-{member.pk}", id_number=member.id_number, name=member.name,
                            amount=batch.withholding_amount, purpose=f"{batch.plan_year.year}年度退休住院计划参保费")


def members_withhold(run_id: int, member_ids: list[int]) -> None:
    """Ask the registry to withhold these members' premium and store each answer. Idempotent:
    members already answered are skipped, and the registry answers a repeated order with its first
    answer. Members it stayed silent about keep no result: the run asks again later."""
    run = WithholdingRun.objects.select_related("batch__plan_year").filter(pk=run_id, status=RS.SENT).first()
    if run is None:
        return  # idempotent: the run is not being sent
    batch = run.batch
    members = list(_open_members(run).filter(pk__in=member_ids))
    if not members:
        run_settle(run_id)
        return
    pension = get_feeds().pension

    def ask(member):
        return call_with_retries(lambda: pension.withhold(_order(batch, member)))

    answered = []
    for index, receipt in iter_in_threads(ask, members):
        if receipt is None or not hasattr(receipt, "status"):
            continue  # silent (or a refused question): asked again on the next attempt
        member = members[index]
        member.withholding_result = RESULT_OF.get(receipt.status, W.INVALID)
        member.withheld_amount = receipt.amount
        member.withholding_message = (receipt.bank_reference or receipt.message)[:200]
        member.withheld_at = receipt.processed_at
        answered.append(member)
    with transaction.atomic():
        still_open = set(_open_members(run).select_for_update().filter(pk__in=[m.pk for m in answered])
                         .values_list("pk", flat=True))
        write_columns([m for m in answered if m.pk in still_open], RESULT_FIELDS, RESULT_TYPES)
    if len(answered) < len(members):
        _defer(run_id, [m.pk for m in members if m not in answered])
        return
    run_settle(run_id)


def _defer(run_id: int, member_ids: list[int]) -> None:
    """The registry stayed silent about some members: ask again after a backoff, or fail the run
    (with an alert) once the hand-off's attempts are used up. The same retry policy as every
    hand-off (TAX_DELIVERY_ATTEMPTS / TAX_DELIVERY_BACKOFF_S)."""
    with transaction.atomic():
        run = WithholdingRun.objects.select_for_update().select_related("batch__employer").get(pk=run_id)
        if run.status != RS.SENT:
            return
        run.attempts += 1
        error = f"养老金系统未返回{len(member_ids)}人的代扣结果"
        if run.attempts >= settings.TAX_DELIVERY_ATTEMPTS:
            run = transition_apply(run, "fail", lock=False, reason=error, error=f"{error}（已尝试{run.attempts}次）")
            transaction.on_commit(lambda: _alert(run, error))
            return
        wait = backoff(run.attempts)
        run.last_error, run.next_attempt_at = error, timezone.now() + timedelta(seconds=wait)
        run.save(update_fields=["attempts", "last_error", "next_attempt_at"])
        enqueue_on_commit("insurance.tasks.members_withhold_task", run_id, member_ids, countdown=wait)


def _alert(run: WithholdingRun, error: str) -> None:
    """发送失败: the administrators and the district's union staff are told (and the console lists it)."""
    batch = run.batch
    users = get_user_model().objects.filter(is_active=True).exclude(email="").filter(
        Q(role__in=ADMIN) | Q(role__in=UNION, union_district=batch.employer.union_district))
    log.warning("withholding run %s failed: %s", run.pk, error)
    mail_copy(f"【退休住院计划】参保批次{batch.number}代扣文件发送失败",
              f"{error}。请在职保会工作台“代扣文件”中查看原因后重新发送。", users.values_list("email", flat=True))


def _withhold_in_chunks(run_id: int, ids: list[int]) -> None:
    """One task per chunk of members; a run with nobody left to ask is settled at once."""
    if not ids:
        run_settle(run_id)
    for chunk in chunks(ids, CHUNK):
        enqueue("insurance.tasks.members_withhold_task", run_id, chunk)


def run_settle(run_id: int) -> None:
    """Everyone answered: the run 已返回代扣结果, the batch 代扣完成, the agent told by notice and
    e-mail. Idempotent (under the run's row lock, once)."""
    with transaction.atomic():
        run = WithholdingRun.objects.select_for_update().select_related("batch").filter(pk=run_id).first()
        if run is None or run.status != RS.SENT or _open_members(run).exists():
            return  # idempotent: settled, or members are still being asked
        members = InsuredMember.objects.filter(batch_id=run.batch_id, deleted_at__isnull=True)
        withheld = members.filter(withholding_result=W.WITHHELD).count()
        run = transition_apply(run, "receive", lock=False, withheld=withheld)
        batch = locked(run.batch, "employer")
        batch = transition_apply(batch, "withholding_finish", lock=False)
        failed = members.count() - withheld
        body = (f"申请代扣{members.count()}人，代扣成功{withheld}人（代扣金额{batch.withholding_amount:,.0f}元/人），"
                f"代扣失败{failed}人。代扣失败及无法代扣的人员需单位缴费（或在不影响75%参保比例的前提下删除）。"
                "请在“参保办理”中点击“继续办理参保”查看代扣结果，确认后上传缴费凭证。")
        notice_post(employer=batch.employer, kind=Notice.Kind.SYSTEM, title=f"参保批次{batch.number}代扣完成",
                    body=body, link=f"/insurance/batches/{batch.pk}/withholding/",
                    dedupe_key=f"insurance-withheld:{batch.pk}")
        transaction.on_commit(lambda: _mail_agent(batch, body))


def _mail_agent(batch: InsuranceBatch, body: str) -> None:
    contact = getattr(batch.employer, "insurance_contact", None)
    mail_copy(f"【退休住院计划】参保批次{batch.number}代扣结果", body,
              [batch.created_by.email, getattr(contact, "agent_email", "")])  # the notice is on the portal too


# --- 代扣失败人员处理方式: 删减人员 ----------------------------------------------------------------------


def failed_members_delete(*, actor, batch: InsuranceBatch, member_ids: list[int]) -> int:
    """删减人员: members whose withholding failed are deleted, only while each 社保编号 still
    reaches the plan year's threshold afterwards (不影响75%的参保比例). All or nothing."""
    p.agent_of_unit.require(actor, batch)
    if not member_ids:
        raise ValidationFailed("请先勾选要删除的代扣失败人员", field="members")
    with transaction.atomic():
        batch = locked(batch, "plan_year")
        insist(p.failed_members_deletable, batch)
        insist(p.pays_by_withholding, batch)
        targets = list(batch.members.filter(pk__in=member_ids, deleted_at__isnull=True))
        if len(targets) != len(set(member_ids)):
            raise NotAllowed("所选人员不在本批次的参保名单中", field="members")
        if any(m.withholding_result not in c.WITHHOLDING_FAILED for m in targets):
            raise NotAllowed("只能删除代扣失败的人员", field="members")
        by_code: dict[str, int] = {}
        for member in targets:
            by_code[member.si_number] = by_code.get(member.si_number, 0) + 1
        rows = {row.si_number: row for row in ratio_rows(batch)}
        for si_number, deleting in by_code.items():
            row = rows.get(si_number)
            if not si_number or row is None:
                continue  # members without a 社保编号 count toward no code's ratio
            if not may_delete_failed(enrolled=row.ratio.enrolled, registry_count=row.registry_count,
                                     threshold=batch.plan_year.threshold, deleting=deleting):
                raise NotAllowed(f"删除后社保编号{si_number}的参保比例将低于{row.threshold_percent}，不能删除；"
                                 "请单位为代扣失败人员缴费（不减人员）", field="members", code="ratio")
        InsuredMember.objects.filter(pk__in=[m.pk for m in targets]).update(deleted_at=timezone.now())
        audit_record(action="insurance_member.delete_failed", actor=actor, obj=batch,
                     data={"label": f"删除代扣失败人员 {len(targets)} 人", "names": [m.name for m in targets][:20]})
    return len(targets)


# --- the sweeper ----------------------------------------------------------------------------------

STUCK_AFTER = timedelta(minutes=30)


def runs_to_sweep(now=None) -> tuple[list[int], list[int]]:
    """(queued runs whose send task was lost, sent runs with members unanswered and no retry due
    soon: their tasks were lost or the worker died mid-chunk)."""
    now = now or timezone.now()
    stale = now - STUCK_AFTER
    queued = WithholdingRun.objects.filter(status=RS.QUEUED, queued_at__lt=stale)
    sent = WithholdingRun.objects.filter(status=RS.SENT, sent_at__lt=stale).filter(
        Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lt=stale))
    return list(queued.values_list("pk", flat=True)), list(sent.values_list("pk", flat=True))


def withholding_sweep() -> None:
    """The periodic re-drive (with the roster sweep, every five minutes): a run is never left
    代扣中 because a task was lost; the registry's idempotent call makes asking again harmless."""
    queued, sent = runs_to_sweep()
    for pk in queued:
        run_send(pk)
    for pk in sent:
        run = WithholdingRun.objects.get(pk=pk)
        ids = list(_open_members(run).order_by("pk").values_list("pk", flat=True))
        if not ids:
            run_settle(pk)
            continue
        WithholdingRun.objects.filter(pk=pk).update(next_attempt_at=timezone.now())  # not again for half an hour
        for chunk in chunks(ids, CHUNK):
            enqueue("insurance.tasks.members_withhold_task", pk, chunk)
