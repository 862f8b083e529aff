"""The employer's 残保金征缴: what levy learns of the placement declaration, the guide and 办理须知,
the registry's figures (fetched in the background: a slow registry never fails a unit), the
declared figures, 信息确认, 核定 (the calculation recorded with levy_record), 确认提交 with its
receipt, the over-ratio reward choice and the daily overdue job. Every status change goes through
the spine (portal.workflow.transition_apply)."""

import datetime
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone

from levy import predicates as p
from levy.choices import AssessmentMethod, AssessmentStatus, DeclarationState, Outcome
from levy.models import DeclarationStatus, LevyAssessment
from levy.rules.assessment import FigureError, count_input, inputs_for, money_input, outcome_of, unit_kind
from levy.rules.levy import calculate_levy
from levy.selectors import PolicyMissing, certified_figures_for, filing_window, policy_for
from levy.selectors.assessment import PROCEED, assessment_method_for, guide_answer
from levy.versions import levy_recompute, levy_record
from portal.audit import audit_record
from portal.exceptions import Conflict, NotAllowed, ValidationFailed
from portal.feeds import FeedRejected, FeedUnavailable, UnitNotFound, get_feeds
from portal.feeds.codec import encode
from portal.identity import unit_kind_of
from portal.jobs import backoff, enqueue_on_commit
from portal.models import Notice
from portal.notices import notice_post
from portal.receipts import receipt_issue
from portal.workflow import audit_change, audit_created, locked, transition_apply

S = AssessmentStatus


# --- what placement hands over ------------------------------------------------------------------


def declaration_state_record(*, employer, business_year: int, state: str) -> None:
    """Placement tells levy where a unit's declaration stands (submitted, returned, certified,
    reopened), so the guide can route the unit without levy asking placement. Idempotent."""
    if state not in DeclarationState.values:
        raise ValueError(f"unknown declaration state {state!r}")
    DeclarationStatus.objects.update_or_create(employer=employer, business_year=business_year,
                                               defaults={"state": state, "updated_at": timezone.now()})


# --- the guide, 办理须知, opening -------------------------------------------------------------------


def assessment_open(*, actor, employer, collection_year: int, has_disabled: bool) -> LevyAssessment:
    """智能引导 answered: the unit goes on to 办理须知 with its (new) assessment of the year, or is
    told where to go first. Idempotent: a live assessment of the year is returned as it is; two
    tabs opening at once make one."""
    existing = LevyAssessment.objects.filter(employer=employer, collection_year=collection_year).exclude(
        status=S.CANCELLED).first()
    if existing is not None:
        return existing
    answer = guide_answer(employer=employer, collection_year=collection_year, has_disabled=has_disabled)
    if answer.route != PROCEED:
        raise NotAllowed(answer.message, code=answer.route)
    try:
        method = assessment_method_for(employer, collection_year)
    except PolicyMissing as error:
        raise ValidationFailed(error.message) from None
    try:
        with transaction.atomic():
            assessment = LevyAssessment.objects.create(
                employer=employer, collection_year=collection_year, method=method, has_disabled=has_disabled,
                si_code=employer.si_code, is_business_registered=employer.is_business_registered,
                is_concentrated=employer.is_concentrated, created_by=actor if getattr(actor, "pk", None) else None,
                registry_state="pending" if method == AssessmentMethod.REGISTRY else "",
            )
            audit_created(assessment, actor=actor, data={"label": "开始办理残保金征缴", "method": method})
            if method == AssessmentMethod.REGISTRY:
                registry_fetch_request(assessment=assessment)
    except IntegrityError:  # another tab opened it first
        return LevyAssessment.objects.filter(employer=employer, collection_year=collection_year).exclude(
            status=S.CANCELLED).get()
    return assessment


def notice_agree(*, actor, assessment: LevyAssessment) -> LevyAssessment:
    """办理须知: 已阅读并同意 (once)."""
    p.agent_of_unit.require(actor, assessment)
    if assessment.notice_agreed_at:
        return assessment  # idempotent: already agreed
    with transaction.atomic():
        assessment = locked(assessment, "employer")
        assessment.notice_agreed_at = timezone.now()
        assessment.save(update_fields=["notice_agreed_at", "updated_at"])
        audit_record(action="levy_assessment.notice_agree", actor=actor, obj=assessment,
                     data={"label": "已阅读并同意办理须知"})
    return assessment


# --- the registry's figures (registry method) --------------------------------------------------


def registry_fetch_request(*, assessment: LevyAssessment) -> None:
    """Ask the registry in the background (the page shows 正在获取 meanwhile)."""
    pk = assessment.pk
    enqueue_on_commit("levy.tasks.registry_fetch_task", pk)


def figures_from_registry(answer) -> dict:
    """The stored shape of the registry's answer (amounts as decimal strings)."""
    data = encode(answer)
    return {"months": data["months"], "changes": {c["category"]: {"base": c["base"], "capped_base": c["capped_base"]}
                                                  for c in data["changes"]},
            "si_number": answer.si_number, "fetched_at": timezone.now().isoformat()}


def registry_fetch(assessment_id: int) -> float | None:
    """Fetch the unit's 征缴基数 and account counts. Returns seconds to wait before asking again
    after a transient failure (the task retries; the sweep re-drives a lost retry), else None.
    Idempotent: an assessment already fetched, past 信息确认 or not of the registry method is
    left alone."""
    with transaction.atomic():
        assessment = LevyAssessment.objects.select_for_update().filter(pk=assessment_id).first()
        if assessment is None or assessment.method != AssessmentMethod.REGISTRY or \
                assessment.registry_state not in ("pending", "failed") or assessment.status != S.DRAFT:
            return None  # idempotent: fetched, not found, or no longer editable
        credit_code = assessment.employer.credit_code
        try:
            answer = get_feeds().social_insurance.unit_contribution_base(credit_code, assessment.data_year)
        except UnitNotFound as error:
            assessment.registry_state, assessment.registry_error = "not_found", error.message[:300]
        except FeedRejected as error:
            assessment.registry_state, assessment.registry_error = "failed", error.message[:300]
        except FeedUnavailable as error:
            assessment.registry_attempts += 1
            wait = backoff(assessment.registry_attempts)
            assessment.registry_error = error.message[:300]
            assessment.registry_next_at = timezone.now() + timedelta(seconds=wait)
            assessment.save(update_fields=["registry_attempts", "registry_error", "registry_next_at", "updated_at"])
            return wait
        else:
            assessment.registry_figures = assessment.figures = figures_from_registry(answer)
            assessment.registry_state, assessment.registry_error = "fetched", ""
            if answer.si_number and not assessment.si_code:
                assessment.si_code = answer.si_number
            audit_record(action="levy_assessment.registry_fetch", obj=assessment,
                         data={"label": "已从社保登记系统获取征缴基数"})
        assessment.registry_next_at = None
        assessment.save()
    return None


def registry_fetches_to_sweep(now: datetime.datetime | None = None) -> list[int]:
    """Pending fetches whose retry is due or was lost (the beat re-drives them)."""
    now = now or timezone.now()
    qs = LevyAssessment.objects.filter(method=AssessmentMethod.REGISTRY, status=S.DRAFT, registry_state="pending")
    due = qs.filter(registry_next_at__lte=now) | qs.filter(registry_next_at__isnull=True,
                                                            created_at__lte=now - timedelta(minutes=10))
    return list(due.values_list("pk", flat=True))


# --- declared figures (申报表) ------------------------------------------------------------------


def declared_figures_save(*, actor, assessment: LevyAssessment, headcount, wage_total) -> LevyAssessment:
    """The unit's 上年在职职工人数 and 上年在职职工工资总额 (declared method, 信息确认 only). A bad
    figure is refused beside its field and nothing is stored."""
    try:
        count = count_input(headcount, "headcount", "上年在职职工人数")
        wages = money_input(wage_total, "wage_total", "上年在职职工工资总额")
    except FigureError as error:
        raise ValidationFailed(error.message, field=error.field) from None
    if count == 0 and wages > 0:
        raise ValidationFailed("上年在职职工人数为0时，工资总额应为0", field="wage_total")
    with transaction.atomic():
        assessment = locked(assessment, "employer")
        p.agent_of_unit.require(actor, assessment)
        if assessment.method != AssessmentMethod.DECLARED:
            raise NotAllowed("本地区按社保征缴基数核定，不需要填报工资总额；如有异议请申请异议")
        if assessment.status != S.DRAFT:
            raise Conflict(p.refused_assessment(assessment), code="wrong_state")
        before = ("未填报" if assessment.declared_headcount is None else
                  f"{assessment.declared_headcount}人/{assessment.declared_wage_total}")
        assessment.declared_headcount, assessment.declared_wage_total = count, wages
        assessment.save(update_fields=["declared_headcount", "declared_wage_total", "updated_at"])
        audit_change(assessment, action="levy_assessment.declare", actor=actor, before=before,
                     after=f"{count}人/{wages}", data={"label": "填报上年在职职工人数和工资总额"})
    return assessment


# --- 信息确认 → 核定 → 确认提交 ------------------------------------------------------------------------


def assessment_confirm(*, actor, assessment: LevyAssessment) -> LevyAssessment:
    """信息确认 下一步."""
    return transition_apply(assessment, "confirm", actor=actor, related=("employer",))


def assessment_revise(*, actor, assessment: LevyAssessment) -> LevyAssessment:
    """上一步: back to 信息确认 before 确认提交 (the recorded calculation is dropped)."""
    return transition_apply(assessment, "revise", actor=actor, related=("employer",))


def _calculation(assessment: LevyAssessment) -> dict:
    """核定: the certified figures (or none), the policy in force, the engine over the figures in
    force; what the assessment records. Runs after the transition's checks."""
    employer, data_year = assessment.employer, assessment.data_year
    certified = certified_figures_for(employer=employer, business_year=data_year)
    if certified is None:
        answer = guide_answer(employer=employer, collection_year=assessment.collection_year,
                              has_disabled=assessment.has_disabled)
        if answer.route != PROCEED:
            raise NotAllowed(answer.message, code=answer.route)
    try:
        policy = policy_for(employer.admin_region_id, assessment.collection_year)
    except PolicyMissing as error:
        raise ValidationFailed(error.message) from None
    inputs = inputs_for(method=assessment.method, kind=_kind(assessment), figures=assessment.figures,
                        declared_headcount=assessment.declared_headcount,
                        declared_wage_total=assessment.declared_wage_total,
                        disabled_count=certified.disabled_count if certified else 0)
    result = calculate_levy(inputs, policy)
    window = filing_window(employer.admin_region_id, data_year, "payment")
    a = result.disabled_count
    return {"figures": {
        "record": levy_record(inputs, policy), "certified": certified, "headcount": result.headcount,
        "disabled_numerator": a.numerator, "disabled_denominator": a.denominator, "gross_levy": result.gross_levy,
        "reduction": result.reduction, "levy_amount": result.levy, "reduction_rule": result.reduction_rule,
        "outcome": outcome_of(result), "deadline": window[1] if window else None,
    }}


def _kind(assessment: LevyAssessment) -> str:
    return unit_kind(unit_kind_of(assessment.employer.credit_code), assessment.is_business_registered)


def assessment_assess(*, actor, assessment: LevyAssessment) -> LevyAssessment:
    """核定 下一步: the calculation is recorded (engine version, inputs, policy rows) with its
    outcome and the payment deadline from the region's payment window."""
    return transition_apply(assessment, "assess", actor=actor, related=("employer",), prepare=_calculation)


def _submission_receipt(assessment: LevyAssessment, actor) -> dict:
    employer = assessment.employer
    outcome = Outcome(assessment.outcome)
    facts = {"单位名称": employer.name, "事项": "残疾人就业保障金征缴", "征收年份": f"{assessment.collection_year}年",
             "统一审批编码": assessment.reference, "核定类型": outcome.label,
             "应缴纳残保金": f"{assessment.levy_amount:,.2f}元"}
    details = {"统一社会信用代码": employer.credit_code, "上年在职职工人数": f"{assessment.headcount}人",
               "残疾职工核定人数": str(round(assessment.disabled_count, 2))}
    if assessment.deadline and outcome == Outcome.PAYABLE:
        details["缴费期限"] = str(assessment.deadline)
    receipt = receipt_issue(kind="levy_submission", title="残疾人就业保障金征缴申报回执", employer=employer,
                            actor=actor, public_facts=facts, details=details)
    return {"receipt": receipt}


def assessment_submit(*, actor, assessment: LevyAssessment) -> LevyAssessment:
    """确认提交: payable → 待缴费; over ratio or exempt → finished (免缴 / 超比例). A receipt with
    the 统一审批编码. Two tabs at once: one goes through, the other is told it is submitted."""
    with transaction.atomic():
        assessment = transition_apply(assessment, "submit", actor=actor, by=actor, related=("employer",),
                                      prepare=lambda row: _submission_receipt(row, actor))
        outcome = Outcome(assessment.outcome)
        tail = {Outcome.PAYABLE: f"应缴纳残保金{assessment.levy_amount:,.2f}元，缴费期限{assessment.deadline or '见通知'}。",
                Outcome.OVER_RATIO: "贵单位为超比例单位，无需缴纳残保金。",
                Outcome.EXEMPT: "贵单位应缴纳残保金0元，属于免缴单位。"}[outcome]
        notice_post(employer=assessment.employer, kind=Notice.Kind.REVIEW, actor=actor,
                    title=f"{assessment.collection_year}年残保金征缴已提交",
                    body=f"统一审批编码{assessment.reference}。{tail}", link="/levy/",
                    dedupe_key=f"levy-submitted:{assessment.pk}")
    return assessment


def reward_choose(*, actor, assessment: LevyAssessment, apply: bool) -> LevyAssessment:
    """超比例单位: 是否申请超比例奖励. 是 leads to the reward application (Levy 2 of 2; until it
    exists the choice is recorded), 否 ends the flow. Recorded once."""
    with transaction.atomic():
        assessment = locked(assessment, "employer")
        p.agent_of_unit.require(actor, assessment)
        if assessment.status != S.OVER_RATIO:
            raise NotAllowed("只有超比例单位可以申请超比例奖励")
        if assessment.reward_choice:
            raise Conflict(f"已选择{'申请' if assessment.reward_choice == 'yes' else '不申请'}超比例奖励", code="already_chosen")
        assessment.reward_choice = "yes" if apply else "no"
        assessment.save(update_fields=["reward_choice", "updated_at"])
        audit_change(assessment, action="levy_assessment.reward_choice", actor=actor, before="",
                     after=assessment.get_reward_choice_display(),
                     data={"label": "选择申请超比例奖励" if apply else "选择不申请超比例奖励"})
    return assessment


def outcome_text(assessment: LevyAssessment) -> str:
    """The sentence of the outcome page (经核准，贵单位…)."""
    if assessment.outcome == Outcome.PAYABLE:
        return f"经核准，贵单位应缴纳残保金{assessment.levy_amount:,.2f}元"
    if assessment.outcome == Outcome.OVER_RATIO:
        return "经核准，贵单位为超比例单位，无需缴纳残保金"
    return "经核准，贵单位应缴纳残保金 0 元，属于免缴单位"


# --- overdue (the daily job) ------------------------------------------------------------------------


def assessments_mark_overdue(*, today: datetime.date | None = None) -> int:
    """逾期: every submitted assessment whose deadline passed unpaid (idempotent: only submitted
    ones move; each through the spine as the system). Returns how many moved."""
    today = today or timezone.localdate()
    moved = 0
    due = LevyAssessment.objects.filter(status=S.SUBMITTED, deadline__lt=today).values_list("pk", flat=True)
    for pk in list(due):
        with transaction.atomic():
            assessment = LevyAssessment.objects.select_for_update().get(pk=pk)
            if assessment.status != S.SUBMITTED or assessment.payments.filter(status__in=["queued", "sent"]).exists():
                continue  # idempotent, or a payment is in flight: its outcome decides
            transition_apply(assessment, "mark_overdue", lock=False)
            notice_post(employer=assessment.employer, kind=Notice.Kind.REMINDER, link="/levy/",
                        title=f"{assessment.collection_year}年残保金已逾期",
                        body=f"贵单位应缴纳的残保金{assessment.levy_amount:,.2f}元已超过缴费期限{assessment.deadline}，"
                             "自期限届满次日起按日加收5‰滞纳金（以欠缴金额为上限），请尽快缴纳。",
                        dedupe_key=f"levy-overdue:{assessment.pk}")
            moved += 1
    return moved


# --- reopening: the certified figures an assessment used were cancelled, then recorded again --------

RECOMPUTED_FIELDS = ("method", "has_disabled", "notice_agreed_at", "si_code", "is_business_registered",
                     "is_concentrated", "registry_state", "registry_figures", "figures", "declared_headcount",
                     "declared_wage_total")


def assessments_on_figures_cancelled(*, employer, business_year: int, actor, reason: str) -> None:
    """Certification reopened: an unpaid assessment of the collection year is cancelled with the
    reason (history kept); a paid one (or one whose payment is in flight) keeps its payment and
    waits for the new figures to be recomputed. Called by levy.services.certified_figures_cancel."""
    collection_year = business_year + 1
    live = LevyAssessment.objects.filter(employer=employer, collection_year=collection_year).exclude(
        status=S.CANCELLED).first()
    if live is None:
        return
    live = locked(live, "employer")
    paid = live.status in (S.PAID, S.PAID_LATE) or live.payments.filter(status__in=["queued", "sent"]).exists()
    if paid:
        if not live.needs_recompute:
            live.needs_recompute = True
            live.save(update_fields=["needs_recompute", "updated_at"])
            audit_change(live, action="levy_assessment.recompute", actor=actor, before="已缴费", after="待重新核定",
                         reason=reason, data={"label": "认证数据撤销，待重新核定"})
        return
    transition_apply(live, "cancel", actor=actor, lock=False, reason=f"认证数据撤销：{reason}"[:300])
    notice_post(employer=employer, kind=Notice.Kind.REVIEW, actor=actor, link="/levy/",
                title=f"{collection_year}年残保金征缴已作废",
                body=f"因{business_year}年度按比例就业认证重新打开（{reason}），原征缴记录（统一审批编码{live.reference}）已作废。"
                     "重新认证后将按新的认证数据重新计算，请届时重新确认并提交。",
                dedupe_key=f"levy-cancelled:{live.pk}")


def assessments_on_figures_recorded(*, employer, business_year: int, actor) -> None:
    """Certified (again): a cancelled assessment is started anew from its figures, linked to the
    cancelled one (the unit confirms and submits it again; its pages compute with the new
    figures); a paid one gets the difference as 应补 (positive) or 应退 (negative) under the
    policy it was issued under. Called by levy.services.certified_figures_record."""
    collection_year = business_year + 1
    live = LevyAssessment.objects.filter(employer=employer, collection_year=collection_year).exclude(
        status=S.CANCELLED).first()
    if live is None:
        cancelled = LevyAssessment.objects.filter(employer=employer, collection_year=collection_year,
                                                  status=S.CANCELLED).order_by("-cancelled_at").first()
        if cancelled is None:
            return
        fresh = LevyAssessment.objects.create(employer=employer, collection_year=collection_year, previous=cancelled,
                                              **{name: getattr(cancelled, name) for name in RECOMPUTED_FIELDS})
        audit_created(fresh, actor=actor, data={"label": "重新认证后重新办理", "previous": cancelled.reference})
        return
    if not live.needs_recompute:
        return
    live = locked(live, "employer")
    certified = certified_figures_for(employer=employer, business_year=business_year)
    record = dict(live.record)
    inputs = dict(record["inputs"], disabled_count=str(certified.disabled_count) if certified else "0")
    recomputed = levy_recompute({**record, "inputs": inputs})
    live.adjustment = recomputed.levy - live.levy_amount
    live.adjustment_record = {**record, "inputs": inputs}
    live.adjusted_at, live.needs_recompute = timezone.now(), False
    live.save(update_fields=["adjustment", "adjustment_record", "adjusted_at", "needs_recompute", "updated_at"])
    word = "应补" if live.adjustment > 0 else ("应退" if live.adjustment < 0 else "无需补退")
    audit_change(live, action="levy_assessment.recompute", actor=actor, before=str(live.levy_amount),
                 after=str(recomputed.levy), data={"label": f"重新核定：{word}{abs(live.adjustment)}元"})
    notice_post(employer=employer, kind=Notice.Kind.REVIEW, actor=actor, link="/levy/",
                title=f"{collection_year}年残保金重新核定",
                body=f"按重新认证的数据，贵单位{collection_year}年残保金为{recomputed.levy:,.2f}元，已缴{live.levy_amount:,.2f}元，"
                     f"{word}{abs(live.adjustment):,.2f}元。", dedupe_key=f"levy-adjusted:{live.pk}:{live.adjusted_at:%s}")
