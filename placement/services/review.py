"""安置登记审核: the federation reviewer's decisions on a placed person (有效 / 无效 per declared month),
on hand-added certificates and on dispatch agreements (劳务派遣审核), and bulk approval of clean
certificates. Each decision is a transition of the one review machine (portal.reviewable) through
the spine: locked, checked (who may, in which state), recorded with its reason, audited.

Two reviewers deciding the same thing at once: the row lock makes the second wait, then the state
check tells them whose decision stood."""

from dataclasses import dataclass, field

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from placement import choices as c
from placement import rules
from placement.facts import cert_periods
from placement.models import Certificate, Contract, MonthCheck, PlacedPerson
from placement.registry import certificate_in_registry
from placement.services.verification import upsert_cells
from portal.exceptions import DomainError, NotAllowed, ValidationFailed
from portal.models import Notice
from portal.notices import notice_post
from portal.reviewable import review_decide, review_request
from portal.workflow import locked, require, transition_apply

S = c.PersonStatus
R = c.ReviewState

# 无效 reasons a reviewer picks from (or writes their own): the checks of the grid, in words.
INVALID_REASONS = [
    "工资发放证明不能证明该月工资不低于当地最低工资标准",
    "该月无本单位或合同约定单位的社会保险缴费记录",
    "该月无医疗保险参保记录",
    "该月残疾证无效或已过期",
    "该月不在法定就业年龄段内",
    "该月没有有效的劳动合同或劳务派遣协议",
    "该月已在其他单位安置",
    "证明材料不清晰或与该月无关",
]

# 劳务派遣审核要求 (the manual): all three present and consistent before an approval.
DISPATCH_CHECKLIST = {
    "qualification": "劳务派遣资质",
    "tripartite": "三方协议",
    "labour_contract": "劳动合同",
}


@dataclass(frozen=True)
class MonthDecision:
    """A reviewer's 认证结果 for one declared month."""

    valid: bool
    reason: str = ""


def _label(year: int, month: int) -> str:
    return f"{year}{month:02d}"


def _check_decisions(months, decisions: dict[int, MonthDecision], year: int) -> None:
    if not months:
        raise NotAllowed("该人员没有申报的月份，无需认定")
    for pm in months:
        decision = decisions.get(pm.month)
        if decision is None:
            raise ValidationFailed(f"请认定{_label(year, pm.month)}为有效或无效", field=f"decision_{pm.month}")
        reason = decision.reason.strip()
        if not decision.valid and not reason:
            raise ValidationFailed(f"请选择或填写{_label(year, pm.month)}无效的原因", field=f"reason_{pm.month}")
        if len(reason) > 300:
            raise ValidationFailed("原因不能超过300字", field=f"reason_{pm.month}")


def person_review_decide(*, actor, person: PlacedPerson, decisions: dict[int, MonthDecision]) -> PlacedPerson:
    """确认: decide every declared month 有效 or 无效 (无效 with a reason). All valid → 已审核确认
    (人工); none valid → 审核不通过; otherwise 部分审核不通过. Posts the unit the manual's notice
    (安置人员“X”资料审核完成通知 … 有效月份为 202101,202102,…)."""
    with transaction.atomic():
        person = locked(person, "declaration__employer")
        require(person, "confirm_by_reviewer", actor)  # the state, the items first, who may
        year = person.declaration.business_year
        # the months locked in one read, not one locked read each (a decision was 121 queries, now 97)
        months = list(person.months.filter(selected=True).order_by("month").select_for_update())
        _check_decisions(months, decisions, year)
        answers = _answers_now(person)
        for pm in months:
            decision = decisions[pm.month]
            pm = review_request(item=pm)  # idempotent: declared months reach the reviewer pending
            # what the registries said when it was decided (a later re-check may say otherwise),
            # saved with the decision
            pm.decided_on = answers.get(pm.month, {})
            review_decide(item=pm, actor=actor, approve=decision.valid, reason=decision.reason, lock=False)
        valid = [pm.month for pm in months if decisions[pm.month].valid]
        invalid = {pm.month: decisions[pm.month].reason.strip() for pm in months if not decisions[pm.month].valid}
        outcome = "confirm_by_reviewer" if not invalid else "reject" if not valid else "reject_partially"
        person = transition_apply(
            person, outcome, actor=actor, lock=False,
            reason="；".join(f"{_label(year, m)}：{r}" for m, r in invalid.items()),
            data={"label": f"安置登记审核：有效{len(valid)}个月，无效{len(invalid)}个月", "valid": valid,
                  "invalid": {str(m): r for m, r in invalid.items()}},
        )
        # A notice is a row, not a call outside: it commits with the decision, so the unit can never
        # miss an outcome that stands (and never sees one that rolled back).
        notice_post(
            employer=person.declaration.employer, kind=Notice.Kind.REVIEW, actor=actor,
            title=f"安置人员“{person.name}”资料审核完成通知",
            body=review_notice_body(person.name, year, valid, invalid),
            link=reverse("placement:record", args=[person.pk]),  # 前往办理 opens the person (issue 15)
            dedupe_key=f"person-review:{person.pk}:{timezone.now().isoformat()}",
        )
    return PlacedPerson.objects.get(pk=person.pk)


def _answers_now(person: PlacedPerson) -> dict[int, dict]:
    answers: dict[int, dict] = {}
    for month, item, outcome, reason, asked_at in MonthCheck.objects.filter(person=person).values_list(
            "month", "item", "outcome", "reason", "asked_at"):
        answers.setdefault(month, {})[item] = {"outcome": outcome, "reason": reason,
                                                "asked_at": asked_at.isoformat()}
    return answers


def _prose_month(year: int, month: int) -> str:
    """2025年1月: how a notice names a month (issue 15; grids keep 202501)."""
    return f"{year}年{month}月"


def review_notice_body(name: str, year: int, valid: list[int], invalid: dict[int, str]) -> str:
    """The manual's words, then the invalid months with their reasons and what to do next."""
    valid_text = "、".join(_prose_month(year, m) for m in valid) or "无"
    body = f"贵单位安置人员“{name}”资料审核已完成，有效月份为{valid_text}"
    if invalid:
        lines = "\n".join(f"{_prose_month(year, m)}：{reason}" for m, reason in invalid.items())
        body += (f"。\n无效月份及原因：\n{lines}\n"
                 "请在“残疾人安置管理”中查看，可“接受审核结果”（按有效月份确认）或“重新登记”。")
    return body


# --- hand-added certificates and dispatch agreements ----------------------------------------------


def _reason_for_refusal(approve: bool, reason: str) -> str:
    reason = (reason or "").strip()
    if not approve and not reason:
        raise ValidationFailed("请填写审核不通过的原因", field="reason")
    return reason


def certificate_review(*, actor, certificate: Certificate, approve: bool, reason: str = "") -> Certificate:
    """审核手动添加的残疾证 (its image against the number, kind, grade and validity). An approved
    certificate counts like a registry one: its months' 残疾证状态 turns ✓."""
    reason = _reason_for_refusal(approve, reason)
    with transaction.atomic():
        certificate = locked(certificate, "person__declaration__employer", "reviewed_by")
        if certificate.source != c.CertificateSource.MANUAL:
            raise NotAllowed("系统获取的残疾证无需审核")
        certificate = review_decide(item=certificate, actor=actor, approve=approve, reason=reason, lock=False,
                                    data={"person": certificate.person_id})
        if approve:
            _refresh_certificate_cells(certificate.person)
    return certificate


def _refresh_certificate_cells(person: PlacedPerson) -> None:
    """Re-decide the 残疾证状态 column with the approval counted (rules.certificate_cell); only cells
    that now pass change, months a reviewer already decided stay as they are."""
    facts = rules.Facts(
        year=person.declaration.business_year, unit_code="", birth_date=person.birth_date,
        retirement_category=person.retirement_category, certificates=cert_periods(person.certificates.all()),
        certificates_known=True, contracts=(), minimum_wage={}, wages=None, social_insurance=None,
        medical_insurance=None,
    )
    passing = [m for m in rules.MONTHS if rules.certificate_cell(facts, m).outcome == c.Outcome.OK]
    now = timezone.now()
    upsert_cells([
        (person.pk, month, item, str(c.Outcome.OK), "手动添加的残疾证已由残联审核通过", {}, now)
        for month, item in MonthCheck.objects.filter(person=person, item=c.Check.CERTIFICATE, month__in=passing)
        .exclude(outcome=c.Outcome.OK).values_list("month", "item")
    ])


def dispatch_review(*, actor, contract: Contract, approve: bool, reason: str = "",
                    confirmed: frozenset[str] | set[str] = frozenset()) -> Contract:
    """劳务派遣审核: 劳务派遣资质, 三方协议 and 劳动合同 present and consistent (each confirmed by
    the reviewer) before an approval; a refusal needs a reason."""
    if approve:
        missing = [label for key, label in DISPATCH_CHECKLIST.items() if key not in confirmed]
        if missing:
            raise ValidationFailed(f"请逐项确认{'、'.join(missing)}已提供且内容一致后再审核通过", field="confirmed")
    reason = _reason_for_refusal(approve, reason)
    with transaction.atomic():
        contract = locked(contract, "person__declaration__employer", "reviewed_by")
        if not contract.is_dispatch:
            raise NotAllowed("该合同不是劳务派遣协议，无需审核")
        return review_decide(item=contract, actor=actor, approve=approve, reason=reason, lock=False,
                             data={"person": contract.person_id})


# --- bulk approval of clean certificates ------------------------------------------------------------


@dataclass
class BulkResult:
    approved: list = field(default_factory=list)
    skipped: list[tuple[object, str]] = field(default_factory=list)  # (item, why)


def certificates_bulk_approve(*, actor, certificates) -> BulkResult:
    """批量审核通过: of the selected manual certificates, approve each that matches the registry,
    each in its own transaction with its own audit entry; report the rest with the reason."""
    result = BulkResult()
    for certificate in certificates:
        ok, why = certificate_in_registry(certificate)
        if not ok:
            result.skipped.append((certificate, why))
            continue
        try:
            result.approved.append(certificate_review(actor=actor, certificate=certificate, approve=True,
                                                      reason="与残疾人证登记系统一致（批量审核）"))
        except DomainError as error:
            result.skipped.append((certificate, error.message))
    return result
