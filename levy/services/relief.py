"""缓减免申请 (issue 18): a unit with a payable assessment asks, on force majeure, for a reduction (at
most one year's levy) or a deferral (at most 6 months) — the limits are the policy row
`hardship_relief`. A tax officer of the unit's 税务主管部门 decides; a reduction above the row's
threshold waits for a second officer's confirmation (never the same person). An approved one
changes the assessment's amount or deadline through the spine (the late fee follows the new
deadline); a refused one says why."""

from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone

from levy import predicates as p
from levy.choices import AssessmentStatus, ReliefKind, ReliefStatus
from levy.models import LevyAssessment, ReliefApplication
from levy.rules.hardship import deferred_deadline, needs_second_officer, relief_problems
from levy.selectors import PolicyMissing, policy_for
from levy.uploads import RELIEF_EVIDENCE
from portal.exceptions import NotAllowed, ValidationFailed
from portal.models import Notice
from portal.notices import notice_post
from portal.uploads import upload_accept
from portal.workflow import audit_created, locked, transition_apply

S, R = AssessmentStatus, ReliefStatus


def _rule(assessment: LevyAssessment):
    try:
        policy = policy_for(assessment.employer.admin_region_id, assessment.collection_year)
    except PolicyMissing as error:
        raise ValidationFailed(error.message) from None
    if policy.hardship is None:
        raise NotAllowed("本地区政策参数表没有缓减免规则，请联系税务主管部门")
    return policy.hardship, policy.rows["hardship_relief"].to_json()


def relief_submit(*, actor, assessment: LevyAssessment, kind: str, reason: str, amount: Decimal | None = None,
                  months: int | None = None, files=()) -> ReliefApplication:
    """申请缓减免: checked against the policy's limits before anything is stored."""
    reason = (reason or "").strip()
    if kind not in ReliefKind.values:
        raise ValidationFailed("请选择申请类型（减免缴纳或缓缴）", field="kind")
    with transaction.atomic():
        assessment = locked(assessment, "employer")
        p.agent_of_unit.require(actor, assessment)
        if assessment.status not in (S.SUBMITTED, S.OVERDUE) or not p.is_payable.test(assessment):
            raise NotAllowed(f"{assessment.collection_year}年残保金当前为“{assessment.get_status_display()}”，"
                             "只有已提交、尚未缴纳的残保金可以申请缓减免")
        if assessment.reliefs.filter(status__in=[R.SUBMITTED, R.CONFIRMING]).exists():
            raise ValidationFailed("已有一项缓减免申请正在审核，请等待审核结果", field="kind")
        rule, row = _rule(assessment)
        amount = amount if kind == ReliefKind.REDUCTION else None
        months = months if kind == ReliefKind.DEFERRAL else None
        problems = relief_problems(kind=kind, levy_amount=assessment.levy_amount, amount=amount, months=months,
                                   rule=rule)
        if problems:
            field, message = next(iter(problems.items()))
            raise ValidationFailed(message, field=field)
        if kind == ReliefKind.DEFERRAL and assessment.deadline is None:
            raise ValidationFailed("缴费期限尚未确定，不能申请缓缴", field="months")
        if not reason:
            raise ValidationFailed("请说明遭受不可抗力的情况和损失", field="reason")
        if not files:
            raise ValidationFailed("请上传不可抗力的证明材料（如受灾证明、损失评估报告）", field="evidence")
        try:
            with transaction.atomic():
                relief = ReliefApplication.objects.create(
                    assessment=assessment, kind=kind, reason=reason[:2000], amount=amount, months=months,
                    needs_confirmation=needs_second_officer(kind=kind, amount=amount, rule=rule), policy_row=row,
                    levy_before=assessment.levy_amount, deadline_before=assessment.deadline, submitted_by=actor)
        except IntegrityError:
            raise ValidationFailed("已有一项缓减免申请正在审核，请等待审核结果", field="kind") from None
        relief.evidence.set([upload_accept(file=f, kind=RELIEF_EVIDENCE.code, employer=assessment.employer,
                                           actor=actor, field="evidence") for f in files])
        audit_created(relief, actor=actor, data={"label": f"申请缓减免：{relief.asked}"})
        notice_post(employer=assessment.employer, kind=Notice.Kind.REVIEW, actor=actor, link="/levy/relief/",
                    title=f"{assessment.collection_year}年残保金缓减免申请已提交",
                    body=f"申请{relief.asked}，等待税务主管部门审核。", dedupe_key=f"levy-relief-submitted:{relief.pk}")
    return relief


def _effect(relief: ReliefApplication, assessment: LevyAssessment) -> dict:
    if relief.kind == ReliefKind.REDUCTION:
        return {"levy_after": max(assessment.levy_amount - relief.amount, Decimal("0.00")),
                "deadline_after": assessment.deadline}
    return {"levy_after": assessment.levy_amount, "deadline_after": deferred_deadline(assessment.deadline,
                                                                                       relief.months)}


def _apply(relief: ReliefApplication, actor) -> None:
    """The approved relief changes the assessment (through the spine); the unit is told."""
    assessment = locked(relief.assessment, "employer")
    transition_apply(assessment, "relieve", actor=actor, lock=False, levy_amount=relief.levy_after,
                     deadline=relief.deadline_after, today=timezone.localdate(),
                     data={"relief": relief.pk, "levy_before": str(relief.levy_before),
                           "deadline_before": str(relief.deadline_before or "")},
                     reason=f"缓减免申请批准：{relief.asked}")
    tail = (f"应缴纳残保金调整为{relief.levy_after:,.2f}元。" if relief.kind == ReliefKind.REDUCTION
            else f"缴费期限延至{relief.deadline_after}，滞纳金自新期限届满次日起计算。")
    notice_post(employer=assessment.employer, kind=Notice.Kind.REVIEW, actor=actor, link="/levy/relief/",
                title=f"{assessment.collection_year}年残保金缓减免申请已批准", body=f"已批准{relief.asked}。{tail}",
                dedupe_key=f"levy-relief-approved:{relief.pk}")


def _refused(relief: ReliefApplication, actor) -> None:
    notice_post(employer=relief.assessment.employer, kind=Notice.Kind.REVIEW, actor=actor, link="/levy/relief/",
                title=f"{relief.assessment.collection_year}年残保金缓减免申请未获批准",
                body=f"申请{relief.asked}未获批准，原因：{relief.refuse_reason}。原应缴金额和缴费期限不变。",
                dedupe_key=f"levy-relief-refused:{relief.pk}")


def _decide(*, actor, relief: ReliefApplication, approve: bool, reason: str, yes: str, no: str,
            missing_reason: str) -> ReliefApplication:
    reason = (reason or "").strip()
    if not approve and not reason:
        raise ValidationFailed(missing_reason, field="reason")
    with transaction.atomic():
        if not approve:
            relief = transition_apply(relief, no, actor=actor, by=actor, reason=reason, related=("assessment",))
            _refused(relief, actor)
            return relief
        relief = transition_apply(relief, yes, actor=actor, by=actor, reason=reason, related=("assessment",),
                                  prepare=lambda row: _effect(row, locked(row.assessment)))
        if relief.status == R.APPROVED:
            _apply(relief, actor)
    return relief


def relief_decide(*, actor, relief: ReliefApplication, approve: bool, reason: str = "") -> ReliefApplication:
    """审核: 同意 (in force at once, or 待复核 above the threshold) or 不予批准 with the reason."""
    return _decide(actor=actor, relief=relief, approve=approve, reason=reason, yes="approve", no="refuse",
                   missing_reason="请填写不予批准的原因")


def relief_confirm(*, actor, relief: ReliefApplication, approve: bool, reason: str = "") -> ReliefApplication:
    """复核 by a second officer (never the first): 同意 puts it in force; 不同意 refuses it."""
    return _decide(actor=actor, relief=relief, approve=approve, reason=reason, yes="confirm",
                   no="refuse_confirmation", missing_reason="请填写不同意的原因")
