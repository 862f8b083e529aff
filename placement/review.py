"""安置登记审核: the federation reviewer's decisions on a placed person (有效 / 无效 per selected
month), on manually added certificates and on dispatch agreements (劳务派遣审核), and bulk approval
of clean certificates. Every decision locks its row, checks the state it expects, records who
decided and when, writes an audit entry per item and tells the unit.

Two reviewers deciding the same thing at once: the row lock makes the second wait, then it finds
the state changed and gets a Conflict that names the decision that stood."""

import datetime
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone
from django_fsm import ConcurrentTransition

from placement import choices as c
from placement import rules
from placement.models import Certificate, Contract, PlacedPerson, PlacementMonth
from portal.audit import audit_record
from portal.exceptions import Conflict, DomainError, NotAllowed, ValidationFailed
from portal.models import AuditEntry, Notice
from portal.notices import notice_post
from portal.roles import FEDERATION

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
    """A reviewer's 认证结果 for one selected month."""

    valid: bool
    reason: str = ""


def _require_reviewer(actor) -> None:
    if getattr(actor, "role", None) not in FEDERATION:
        raise NotAllowed("只有残联业务人员可以审核")


def _label(year: int, month: int) -> str:
    return f"{year}{month:02d}"


def _when(moment: datetime.datetime | None) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M") if moment else "此前"


def last_review(person: PlacedPerson) -> AuditEntry | None:
    """The audit entry of the decision that stands on this person, if any."""
    from django.contrib.contenttypes.models import ContentType

    return (AuditEntry.objects.filter(content_type=ContentType.objects.get_for_model(PlacedPerson),
                                      object_id=str(person.pk), action="person.review")
            .order_by("-at", "-id").first())


def _person_conflict(person: PlacedPerson) -> Conflict:
    entry = last_review(person)
    if entry is not None and person.status != S.INCOMPLETE:
        return Conflict(f"该人员已由{entry.actor_repr}于{_when(entry.at)}审核，结果为“{person.get_status_display()}”。"
                        "您的认定未保存，请查看下方已生效的审核结果。", code="already_decided")
    return Conflict(f"该人员当前状态为“{person.get_status_display()}”，不在待审核状态，您的认定未保存。",
                    code="not_pending")


# --- 安置登记审核: per-month decisions ---------------------------------------------------------------


def items_awaiting_review(person: PlacedPerson) -> bool:
    """A hand-added certificate or a dispatch agreement still waits for its own review: the months
    are decided after them (their outcome changes the grid)."""
    return (person.certificates.filter(review_state=R.PENDING).exists()
            or person.contracts.filter(review_state=R.PENDING).exists())


def person_review_decide(*, actor, person: PlacedPerson, decisions: dict[int, MonthDecision]) -> PlacedPerson:
    """确认: decide every selected month 有效 or 无效 (无效 with a reason). All valid → 已审核确认
    (人工); none valid → 审核不通过; otherwise 部分审核不通过. Posts the unit the manual's notice
    (安置人员“X”资料审核完成通知 … 有效月份为 202101,202102,…)."""
    _require_reviewer(actor)
    with transaction.atomic():
        locked = PlacedPerson.objects.select_for_update(of=("self",)).select_related("declaration__employer").get(pk=person.pk)
        if locked.status != S.PENDING_REVIEW:
            raise _person_conflict(locked)
        if items_awaiting_review(locked):
            raise NotAllowed("请先审核该人员手动添加的残疾证和劳务派遣协议，再认定各月份", field="months")
        year = locked.declaration.business_year
        months = list(locked.months.filter(selected=True).order_by("month"))
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
        now = timezone.now()
        for pm in months:
            decision = decisions[pm.month]
            pm.decision = c.Decision.VALID if decision.valid else c.Decision.INVALID
            pm.decision_reason, pm.decided_by, pm.decided_at = decision.reason.strip(), actor, now
        PlacementMonth.objects.bulk_update(months, ["decision", "decision_reason", "decided_by", "decided_at"])

        valid = [pm.month for pm in months if pm.decision == c.Decision.VALID]
        invalid = {pm.month: pm.decision_reason for pm in months if pm.decision == c.Decision.INVALID}
        before = locked.status
        if not invalid:
            locked.confirm_by_reviewer()
        elif not valid:
            locked.reject()
        else:
            locked.reject_partially()
        try:
            locked.save()
        except ConcurrentTransition:  # changed between our read and write (a database without row locks)
            raise _person_conflict(PlacedPerson.objects.get(pk=locked.pk)) from None
        reasons = "；".join(f"{_label(year, m)}：{r}" for m, r in invalid.items())
        audit_record(action="person.review", actor=actor, obj=locked, from_state=before, to_state=locked.status,
                     reason=reasons,
                     data={"label": f"安置登记审核：有效{len(valid)}个月，无效{len(invalid)}个月",
                           "valid": valid, "invalid": {str(m): r for m, r in invalid.items()}})
        # A notice is a row, not a call outside: it commits with the decision, so the unit can never
        # miss an outcome that stands (and never sees one that rolled back).
        notice_post(
            employer=locked.declaration.employer, kind=Notice.Kind.REVIEW, actor=actor,
            title=f"安置人员“{locked.name}”资料审核完成通知",
            body=review_notice_body(locked.name, year, valid, invalid),
            dedupe_key=f"person-review:{locked.pk}:{now.isoformat()}",
        )
    return PlacedPerson.objects.get(pk=locked.pk)


def review_notice_body(name: str, year: int, valid: list[int], invalid: dict[int, str]) -> str:
    """The manual's words, then the invalid months with their reasons and what to do next."""
    valid_text = ",".join(_label(year, m) for m in valid) or "无"
    body = f"贵单位安置人员“{name}”资料审核已完成，有效月份为{valid_text}"
    if invalid:
        lines = "\n".join(f"{_label(year, m)}：{reason}" for m, reason in invalid.items())
        body += (f"。\n无效月份及原因：\n{lines}\n"
                 "请在“残疾人安置管理”中查看，可“接受审核结果”（按有效月份确认）或“重新登记”。")
    return body


# --- manually added certificates and dispatch agreements -----------------------------------------


def _item_conflict(kind: str, item) -> Conflict:
    who = item.reviewed_by.display_name if item.reviewed_by_id else "其他审核员"
    return Conflict(f"该{kind}已由{who}于{_when(item.reviewed_at)}审核，结果为“{item.get_review_state_display()}”。"
                    "您的审核未保存。", code="already_decided")


def _review_item(item, *, actor, approve: bool, reason: str, kind: str, action: str):
    item.review_state = R.APPROVED if approve else R.REJECTED
    item.review_reason, item.reviewed_by, item.reviewed_at = reason, actor, timezone.now()
    item.save(update_fields=["review_state", "review_reason", "reviewed_by", "reviewed_at"])
    audit_record(action=action, actor=actor, obj=item, from_state=R.PENDING, to_state=item.review_state,
                 reason=reason, data={"label": f"{kind}审核{'通过' if approve else '不通过'}",
                                      "person": item.person_id})


def certificate_review(*, actor, certificate: Certificate, approve: bool, reason: str = "") -> Certificate:
    """审核手动添加的残疾证 (its image against the number, kind, grade and validity). An approved
    certificate counts like a registry one: its months' 残疾证状态 turns ✓."""
    _require_reviewer(actor)
    reason = reason.strip()
    if not approve and not reason:
        raise ValidationFailed("请填写审核不通过的原因", field="reason")
    with transaction.atomic():
        locked = Certificate.objects.select_for_update(of=("self",)).select_related("person__declaration", "reviewed_by") \
            .get(pk=certificate.pk)
        if locked.source != c.CertificateSource.MANUAL:
            raise NotAllowed("系统获取的残疾证无需审核")
        if locked.review_state != R.PENDING:
            raise _item_conflict("残疾证", locked)
        _review_item(locked, actor=actor, approve=approve, reason=reason, kind="残疾证", action="certificate.review")
        if approve:
            _refresh_certificate_cells(locked.person)
    return locked


def _refresh_certificate_cells(person: PlacedPerson) -> None:
    """Re-decide the 残疾证状态 column with the approval counted (rules.certificate_cell); only cells
    that now pass change, months a reviewer already decided stay as they are."""
    from placement.models import MonthCheck
    from placement.verification import cert_periods

    year = person.declaration.business_year
    facts = rules.Facts(
        year=year, unit_code="", birth_date=person.birth_date, retirement_category=person.retirement_category,
        certificates=cert_periods(person), certificates_known=True, contracts=(), minimum_wage={}, wages=None,
        social_insurance=None, medical_insurance=None,
    )
    passing = [m for m in rules.MONTHS if rules.certificate_cell(facts, m).outcome == c.Outcome.OK]
    MonthCheck.objects.filter(person=person, item=c.Check.CERTIFICATE, month__in=passing) \
        .exclude(outcome=c.Outcome.OK).update(outcome=c.Outcome.OK, reason="手动添加的残疾证已由残联审核通过",
                                               asked_at=timezone.now())


def dispatch_review(*, actor, contract: Contract, approve: bool, reason: str = "",
                    confirmed: frozenset[str] | set[str] = frozenset()) -> Contract:
    """劳务派遣审核: 劳务派遣资质, 三方协议 and 劳动合同 present and consistent (each confirmed by
    the reviewer) before an approval; a refusal needs a reason."""
    _require_reviewer(actor)
    reason = reason.strip()
    if approve:
        missing = [label for key, label in DISPATCH_CHECKLIST.items() if key not in confirmed]
        if missing:
            raise ValidationFailed(f"请逐项确认{'、'.join(missing)}已提供且内容一致后再审核通过", field="confirmed")
    elif not reason:
        raise ValidationFailed("请填写审核不通过的原因", field="reason")
    with transaction.atomic():
        locked = Contract.objects.select_for_update(of=("self",)).select_related("person__declaration", "reviewed_by") \
            .get(pk=contract.pk)
        if not locked.is_dispatch:
            raise NotAllowed("该合同不是劳务派遣协议，无需审核")
        if locked.review_state != R.PENDING:
            raise _item_conflict("劳务派遣协议", locked)
        _review_item(locked, actor=actor, approve=approve, reason=reason, kind="劳务派遣协议",
                     action="contract.review")
    return locked


# --- bulk approval of clean certificates ------------------------------------------------------------


@dataclass
class BulkResult:
    approved: list = field(default_factory=list)
    skipped: list[tuple[object, str]] = field(default_factory=list)  # (item, why)


def certificate_matches_registry(certificate: Certificate) -> tuple[bool, str]:
    """Is this manually added certificate now in the certificate registry, with the same kind and
    grade? A silent registry is not a match (never approve on an outage)."""
    from placement.verification import NOT_FOUND, call_with_retries
    from portal.feeds import get_feeds

    person = certificate.person
    answer = call_with_retries(lambda: get_feeds().certificates.person_year(
        person.id_number, person.declaration.business_year), attempts=2)
    if answer is None:
        return False, "残疾人证登记系统暂未返回数据"
    if answer is NOT_FOUND:
        return False, "残疾人证登记系统没有该人员的记录"
    for record in answer.certificates:
        if record.number == certificate.number:
            if (record.kind, record.grade) != (certificate.kind, certificate.grade):
                return False, "与残疾人证登记系统的证件类型或等级不一致"
            return True, ""
    return False, "残疾人证登记系统没有该证号"


def certificates_bulk_approve(*, actor, certificates) -> BulkResult:
    """批量审核通过: of the selected manual certificates, approve each that matches the registry,
    each in its own transaction with its own audit entry; report the rest with the reason."""
    _require_reviewer(actor)
    result = BulkResult()
    for certificate in certificates:
        ok, why = certificate_matches_registry(certificate)
        if not ok:
            result.skipped.append((certificate, why))
            continue
        try:
            result.approved.append(certificate_review(actor=actor, certificate=certificate, approve=True,
                                                      reason="与残疾人证登记系统一致（批量审核）"))
        except DomainError as error:
            result.skipped.append((certificate, error.message))
    return result
