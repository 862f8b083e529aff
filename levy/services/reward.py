"""超比例奖励 (issue 18): the unit applies online (网报) or a reviewer files it at the window (申办);
初审 by a reviewer, 复审 / 复核 by a supervisor who took no earlier step (four eyes, a predicate on
the spine); either level approves, rejects or returns one level with a reason. The 复审 issues the
奖励审核认定书 (rendered once, verifiable at /verify/) and queues the payout to the unit's bank,
tracked like the tax hand-off (queued → sent → paid, or failed with an alert and 重新发放).

Everything is checked before anything is stored: a bad account number, a changed payee name
without its proof, a unit that is not over ratio, a second application for the year."""

import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone

from levy import predicates as p
from levy.choices import BankKind, PayoutStatus, RewardMode, RewardStatus
from levy.models import LevyAssessment, OverRatioReward, RewardPayout
from levy.rules import plain
from levy.rules.bank import account_problem, normalize_account, payee_changed
from levy.selectors.reward import RewardPreview, payout_retry_problem, reward_preview, rows_still_unverified
from levy.services.channel import channel_poll, channel_push, channel_to_sweep
from levy.uploads import REWARD_ATTACHMENT, REWARD_PAYEE_PROOF
from portal.exceptions import Conflict, ValidationFailed
from portal.feeds import get_feeds
from portal.feeds.types import PAYMENT_FAILED, PAYMENT_PAID, PaymentReceipt, PayoutOrder
from portal.guards import insist
from portal.identity import mask_account
from portal.jobs import enqueue_on_commit
from portal.models import Notice
from portal.notices import notice_post
from portal.predicates import is_employer_agent
from portal.receipts import receipt_issue
from portal.uploads import upload_accept
from portal.workflow import audit_change, audit_created, locked, require, transition_apply

RS, PS = RewardStatus, PayoutStatus
DECISIONS = ("approve", "return", "reject")


# --- checking what was typed ---------------------------------------------------------------------


def _bank(*, employer, payee_name: str, bank_name: str, account_number: str, bank_kind: str, proof_given: bool) -> dict:
    """The 银行卡信息, checked field by field (the first problem is raised beside its field)."""
    payee_name = (payee_name or "").strip() or employer.name
    bank_name = (bank_name or "").strip()
    if not bank_name:
        raise ValidationFailed("请填写开户银行（如：中国银行呼和浩特新城支行）", field="bank_name")
    problem = account_problem(account_number)
    if problem:
        raise ValidationFailed(problem, field="account_number")
    if bank_kind not in BankKind.values:
        raise ValidationFailed("请选择开户银行行别", field="bank_kind")
    if payee_changed(payee_name, employer.name) and not proof_given:
        raise ValidationFailed("收款单位名称与单位名称不一致，请上传更名证明或隶属关系证明（jpg、png格式，5MB以内）",
                               field="payee_proof")
    return {"payee_name": payee_name[:200], "bank_name": bank_name[:100],
            "account_number": normalize_account(account_number), "bank_kind": bank_kind}


def _eligible(preview: RewardPreview, data_year: int) -> None:
    if not preview.result.eligible:
        raise ValidationFailed(f"贵单位{data_year}年度不符合超比例奖励条件：{preview.result.reason}", field="data_year")


def _not_yet_applied(employer, data_year: int) -> None:
    existing = OverRatioReward.objects.filter(employer=employer, data_year=data_year).first()
    if existing is not None:
        raise ValidationFailed(f"{data_year}年度已提交过超比例奖励申请（编号{existing.reference}，"
                               f"{existing.status_label}），不能重复申请", field="data_year")


def _figures(preview: RewardPreview) -> dict:
    r = preview.result
    a = preview.certified.local_disabled_count if preview.policy.reward and preview.policy.reward.local_hukou_only \
        else preview.certified.disabled_count
    return {"certified": preview.certified, "budget_funded": preview.budget_funded,
            "headcount": preview.certified.headcount, "disabled_numerator": a.numerator,
            "disabled_denominator": a.denominator, "required_persons": plain(r.required_persons),
            "excess_persons": plain(r.excess_persons), "ratio": preview.ratio_percent, "base": r.base,
            "multiplier": plain(r.multiplier) if r.multiplier is not None else "", "amount": r.reward,
            "estimate": r.estimate, "record": preview.record()}


def _store_files(reward: OverRatioReward, *, actor, payee_proof, files) -> None:
    employer = reward.employer
    if payee_proof is not None:
        reward.payee_proof = upload_accept(file=payee_proof, kind=REWARD_PAYEE_PROOF.code, employer=employer,
                                           actor=actor, field="payee_proof")
        reward.save(update_fields=["payee_proof", "updated_at"])
    uploads = [upload_accept(file=f, kind=REWARD_ATTACHMENT.code, employer=employer, actor=actor,
                             field="attachments") for f in files]
    if uploads:
        reward.attachments.add(*uploads)


def _receipt(reward: OverRatioReward, actor):
    employer = reward.employer
    facts = {"单位名称": employer.name, "事项": "超比例奖励申请", "业务年度": f"{reward.data_year}年",
             "申请编号": reward.reference, "申请方式": reward.get_mode_display(),
             "超比例奖励金额": f"{reward.amount:,.2f}元" + ("（估算）" if reward.estimate else "")}
    details = {"统一社会信用代码": employer.credit_code, "上年度在职职工总数": f"{reward.headcount}人",
               "超比例安置残疾人数": f"{reward.excess_persons}人", "收款单位名称": reward.payee_name,
               "开户银行": reward.bank_name, "开户账号": mask_account(reward.account_number)}
    return receipt_issue(kind="levy_reward", title="超比例奖励申请回执", employer=employer, actor=actor,
                         public_facts=facts, details=details, prefix="JL")


def _create(*, actor, employer, data_year: int, mode: str, preview: RewardPreview, bank: dict, payee_proof, files,
            assessment=None) -> OverRatioReward:
    try:
        with transaction.atomic():
            reward = OverRatioReward.objects.create(
                employer=employer, data_year=data_year, mode=mode, assessment=assessment,
                status=RS.FIRST_REVIEW if mode == RewardMode.ONLINE else RS.SECOND_REVIEW,
                submitted_by=actor, initiated_by=actor if mode == RewardMode.WINDOW else None,
                **_figures(preview), **bank)
    except IntegrityError:  # two tabs at once: the other one was first
        _not_yet_applied(employer, data_year)
        raise
    _store_files(reward, actor=actor, payee_proof=payee_proof, files=files)
    reward.receipt = _receipt(reward, actor)
    reward.save(update_fields=["receipt", "updated_at"])
    audit_created(reward, actor=actor, data={"label": "提交超比例奖励申请" if mode == RewardMode.ONLINE
                                             else "窗口发起超比例奖励申请", "amount": str(reward.amount)})
    return reward


def _assessment_of(employer, data_year: int):
    return LevyAssessment.objects.filter(employer=employer, collection_year=data_year + 1).exclude(
        status="cancelled").first()


# --- filing -------------------------------------------------------------------------------------------


def reward_apply(*, actor, employer, data_year: int, budget_funded: bool, payee_name: str, bank_name: str,
                 account_number: str, bank_kind: str, payee_proof=None, files=()) -> OverRatioReward:
    """网报: the unit applies; the application waits for the 初审. A receipt is issued."""
    insist(is_employer_agent, actor, employer)
    insist(p.own_unit, actor, employer)
    bank = _bank(employer=employer, payee_name=payee_name, bank_name=bank_name, account_number=account_number,
                 bank_kind=bank_kind, proof_given=payee_proof is not None)
    with transaction.atomic():
        reward = _file(actor=actor, employer=employer, data_year=data_year, budget_funded=budget_funded,
                       mode=RewardMode.ONLINE, bank=bank, payee_proof=payee_proof, files=files)
        notice_post(employer=employer, kind=Notice.Kind.REVIEW, actor=actor, link=f"/levy/rewards/{reward.pk}/",
                    title=f"{data_year}年度超比例奖励申请已提交",
                    body=f"申请编号{reward.reference}，超比例奖励金额{reward.amount:,.2f}元，等待残联初审。",
                    dedupe_key=f"levy-reward-submitted:{reward.pk}")
    return reward


def reward_initiate(*, actor, employer, data_year: int, budget_funded: bool, payee_name: str, bank_name: str,
                    account_number: str, bank_kind: str, payee_proof=None, files=()) -> OverRatioReward:
    """申办: a reviewer of the unit's region files it at the window; it waits for a supervisor's 复核."""
    p.first_reviewer.require(actor, employer)
    bank = _bank(employer=employer, payee_name=payee_name, bank_name=bank_name, account_number=account_number,
                 bank_kind=bank_kind, proof_given=payee_proof is not None)
    return _file(actor=actor, employer=employer, data_year=data_year, budget_funded=budget_funded,
                 mode=RewardMode.WINDOW, bank=bank, payee_proof=payee_proof, files=files)


def _file(*, actor, employer, data_year: int, budget_funded: bool, mode, bank, payee_proof, files) -> OverRatioReward:
    """Both modes: one application a year, for a unit over ratio, with the figures fixed now."""
    with transaction.atomic():
        _not_yet_applied(employer, data_year)
        preview = reward_preview(employer=employer, data_year=data_year, budget_funded=budget_funded)
        _eligible(preview, data_year)
        return _create(actor=actor, employer=employer, data_year=data_year, mode=mode, preview=preview, bank=bank,
                       payee_proof=payee_proof, files=files, assessment=_assessment_of(employer, data_year))


def reward_resubmit(*, actor, reward: OverRatioReward, budget_funded: bool, payee_name: str, bank_name: str,
                    account_number: str, bank_kind: str, payee_proof=None, files=()) -> OverRatioReward:
    """A returned application corrected and filed again (by the unit, or by the window's reviewer):
    the figures are computed again from the certified snapshot."""
    with transaction.atomic():
        reward = locked(reward, "employer")
        require(reward, "resubmit", actor)
        employer = reward.employer
        bank = _bank(employer=employer, payee_name=payee_name, bank_name=bank_name, account_number=account_number,
                     bank_kind=bank_kind, proof_given=payee_proof is not None or reward.payee_proof_id is not None)
        preview = reward_preview(employer=employer, data_year=reward.data_year, budget_funded=budget_funded)
        _eligible(preview, reward.data_year)
        reward = transition_apply(reward, "resubmit", actor=actor, lock=False, by=actor,
                                  changes={**_figures(preview), **bank})
        _store_files(reward, actor=actor, payee_proof=payee_proof, files=files)
    return reward


# --- review ---------------------------------------------------------------------------------------------


def _reason(decision: str, reason: str) -> str:
    if decision not in DECISIONS:
        raise ValidationFailed("请选择审核结果", field="decision")
    reason = (reason or "").strip()
    if decision != "approve" and not reason:
        raise ValidationFailed("请填写退回原因" if decision == "return" else "请填写不通过的原因", field="reason")
    return reason


def _tell_unit(reward: OverRatioReward, title: str, body: str, actor, key: str) -> None:
    notice_post(employer=reward.employer, kind=Notice.Kind.REVIEW, actor=actor, link=f"/levy/rewards/{reward.pk}/",
                title=f"{reward.data_year}年度超比例奖励{title}", body=body, dedupe_key=key)


def reward_first_decide(*, actor, reward: OverRatioReward, decision: str, reason: str = "") -> OverRatioReward:
    """初审: 通过 (to the 复审), 退回 (to the unit, with the reason) or 不通过 (with the reason)."""
    reason = _reason(decision, reason)
    name = {"approve": "first_approve", "return": "first_return", "reject": "first_reject"}[decision]
    with transaction.atomic():
        reward = transition_apply(reward, name, actor=actor, by=actor, reason=reason, related=("employer",))
        stamp = f"{reward.pk}:{timezone.now():%s}"
        if decision == "return":
            _tell_unit(reward, "申请已退回", f"退回原因：{reason}。请修改后重新提交。", actor, f"levy-reward-return:{stamp}")
        elif decision == "reject":
            _tell_unit(reward, "申请审核不通过", f"原因：{reason}。", actor, f"levy-reward-reject:{stamp}")
    return reward


def reward_refresh_estimate(*, reward: OverRatioReward, actor=None) -> OverRatioReward:
    """An application filed on an unverified row (shown as an estimate) becomes a firm amount once
    an administrator has verified every row it used. Idempotent."""
    if not reward.estimate or rows_still_unverified(reward.record):
        return reward  # idempotent: firm already, or still an estimate
    with transaction.atomic():
        reward = locked(reward, "employer")
        reward.estimate = False
        reward.save(update_fields=["estimate", "updated_at"])
        audit_change(reward, action="levy_reward.verified", actor=actor, before="估算", after="已核实",
                     data={"label": "奖励标准已核实"})
    return reward


def _certificate(reward: OverRatioReward, actor) -> dict:
    """奖励审核认定书: fixed facts, rendered once in the background, verifiable at /verify/."""
    from levy.selectors.reward import qualifying_rows

    employer = reward.employer
    facts = {"单位名称": employer.name, "统一社会信用代码": employer.credit_code, "事项": "超比例奖励审核认定",
             "业务年度": f"{reward.data_year}年", "申请编号": reward.reference,
             "超比例奖励金额": f"{reward.amount:,.2f}元", "审核状态": f"{reward.second_label}通过"}
    persons = [{"name": r.name, "id": r.id_masked, "grade": r.grade, "local": "是" if r.local_hukou else "否",
                "months": r.month_count} for r in qualifying_rows(reward.certified)]
    context = {"reward": {
        "unit": employer.name, "credit_code": employer.credit_code, "year": reward.data_year,
        "reference": reward.reference, "mode": reward.get_mode_display(), "headcount": reward.headcount,
        "disabled": plain(reward.disabled_count), "required": reward.required_persons,
        "excess": reward.excess_persons, "ratio": reward.ratio, "base": f"{reward.base:,.2f}" if reward.base else "—",
        "multiplier": reward.multiplier, "amount": f"{reward.amount:,.2f}", "payee": reward.payee_name,
        "bank": reward.bank_name, "account": mask_account(reward.account_number),
        "first": getattr(reward.first_reviewer, "display_name", "") if reward.first_reviewer_id else "",
        "initiated": getattr(reward.initiated_by, "display_name", "") if reward.initiated_by_id else "",
        "second": getattr(actor, "display_name", ""), "second_label": reward.second_label,
        "steps": reward.record.get("steps", []),
    }, "persons": persons}
    receipt = receipt_issue(kind="levy_reward_certificate", title="超比例奖励审核认定书", employer=employer,
                            actor=actor, public_facts=facts, template="pdf/reward_certificate.html", prefix="JLRD",
                            document_context=context)
    return {"certificate": receipt}


def reward_second_decide(*, actor, reward: OverRatioReward, decision: str, reason: str = "") -> OverRatioReward:
    """复审 (网报) / 复核 (申办) by a supervisor who took no earlier step: 通过 issues the 奖励审核认定书
    and queues the payout; 退回 goes back one level; 不通过 ends it with the reason."""
    reason = _reason(decision, reason)
    if decision == "approve":
        reward = reward_refresh_estimate(reward=reward, actor=actor)
    name = {"approve": "second_approve", "return": "second_return", "reject": "second_reject"}[decision]
    with transaction.atomic():
        prepare = (lambda row: _certificate(row, actor)) if decision == "approve" else None
        reward = transition_apply(reward, name, actor=actor, by=actor, reason=reason, related=("employer",),
                                  prepare=prepare)
        stamp = f"{reward.pk}:{timezone.now():%s}"
        if decision == "approve":
            payout_queue(reward=reward, actor=actor)
            _tell_unit(reward, "审核通过", f"超比例奖励{reward.amount:,.2f}元已审核通过，可下载奖励审核认定书"
                       f"（{reward.certificate.reference}）；奖励将发放至{reward.bank_name}账户"
                       f"{mask_account(reward.account_number)}。", actor, f"levy-reward-approved:{reward.pk}")
        elif decision == "reject":
            _tell_unit(reward, "申请审核不通过", f"原因：{reason}。", actor, f"levy-reward-reject:{stamp}")
        elif reward.status == RS.RETURNED and reward.mode == RewardMode.ONLINE:
            _tell_unit(reward, "申请已退回", f"退回原因：{reason}。", actor, f"levy-reward-return:{stamp}")
    return reward


# --- payout: a delivery to the bank behind the feeds boundary -------------------------------------------


def payout_queue(*, reward: OverRatioReward, actor=None) -> RewardPayout:
    """A payout of the approved amount, pushed to the bank after commit. One in flight at a time."""
    if reward.payouts.filter(status__in=[PS.QUEUED, PS.SENT]).exists():
        raise Conflict("该奖励已有一笔发放正在由银行处理，请等待处理结果", code="payout_in_flight")
    try:
        with transaction.atomic():
            payout = RewardPayout.objects.create(reward=reward, amount=reward.amount,
                                                 requested_by=actor if getattr(actor, "pk", None) else None)
    except IntegrityError:
        raise Conflict("该奖励已有一笔发放正在由银行处理，请等待处理结果", code="payout_in_flight") from None
    audit_created(payout, actor=actor, data={"label": "奖励发放已提交银行", "amount": str(payout.amount)})
    pk = payout.pk
    enqueue_on_commit("levy.tasks.payout_push_task", pk)
    return payout


def payout_retry(*, actor, reward: OverRatioReward) -> RewardPayout:
    """重新发放 after a failure (staff of the unit's region, once the account is checked)."""
    with transaction.atomic():
        reward = locked(reward, "employer")
        p.first_reviewer.require(actor, reward)
        problem = payout_retry_problem(reward)
        if problem is not None:
            raise Conflict(problem[0], code=problem[1])
        return payout_queue(reward=reward, actor=actor)


def _order(payout: RewardPayout) -> PayoutOrder:
    reward = payout.reward
    return PayoutOrder(payout.reference, reward.employer.credit_code, reward.payee_name, reward.bank_name,
                       reward.account_number, payout.amount, f"{reward.data_year}年度超比例奖励")


def _failed(payout: RewardPayout, message: str) -> None:
    """发放失败: the payout records the bank's reason; the unit is told; staff see the alert on
    超比例奖励审核 until someone 重新发放."""
    transition_apply(payout, "fail", lock=False, message=message, reason=message[:300])
    reward = payout.reward
    _tell_unit(reward, "发放失败", f"发放单{payout.reference}（{payout.amount:,.2f}元）发放失败：{message}。"
               "残联工作人员将核实收款账户后重新发放。", None, f"levy-payout-failed:{payout.pk}")


def _record(payout: RewardPayout, receipt: PaymentReceipt) -> None:
    if receipt.status == PAYMENT_PAID:
        payout = transition_apply(payout, "mark_paid", lock=False, bank_reference=receipt.bank_reference)
        reward = locked(payout.reward, "employer")
        if reward.status == RS.APPROVED:
            reward = transition_apply(reward, "mark_paid", lock=False, data={"payout": payout.reference})
        _tell_unit(reward, "已发放", f"超比例奖励{payout.amount:,.2f}元已发放至{reward.bank_name}账户"
                   f"{mask_account(reward.account_number)}（银行流水号{payout.bank_reference}）。", None,
                   f"levy-payout-paid:{payout.pk}")
    elif receipt.status == PAYMENT_FAILED:
        _failed(payout, receipt.message or "银行退回")


def _payouts():
    return get_feeds().payouts


def payout_push(payout_id: int) -> float | None:
    """Send a queued payout to the bank (levy.services.channel: idempotent, retried with backoff)."""
    return channel_push(RewardPayout, payout_id, source=_payouts, order=_order, failed=_failed, record=_record,
                        poll_task="levy.tasks.payout_poll_task")


def payout_poll(payout_id: int) -> None:
    """Ask the bank where a sent payout stands (idempotent; an outage leaves it for the sweep)."""
    channel_poll(RewardPayout, payout_id, source=_payouts, order=_order, failed=_failed, record=_record)


def payouts_to_sweep(now: datetime.datetime | None = None) -> tuple[list[int], list[int]]:
    """(queued ids whose retry is due or whose task was lost, sent ids to ask about)."""
    return channel_to_sweep(RewardPayout, now)
