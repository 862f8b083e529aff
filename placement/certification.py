"""年审认证审核 and what can undo it: certifying a submitted declaration (the 审核认定书 and the
levy figures), returning it, and the federation's decisions on the three requests (年审申报撤回,
年审认证反馈, 单位注销安置登记). Reopening a certified declaration cancels its certificate, its levy
figures and any open hand-off to tax, and keeps the history."""

from fractions import Fraction

from django.db import transaction
from django.utils import timezone
from django_fsm import can_proceed

from levy.selectors import policy_for
from levy.services import certified_figures_cancel, certified_figures_record
from placement import choices as c
from placement import rules, selectors
from placement.certificate import TITLE, CertifiedPerson, certificate_context
from placement.delivery import delivery_cancel
from placement.models import (
    AnnualDeclaration,
    DeregistrationRequest,
    FeedbackRequest,
    WithdrawalRequest,
)
from portal.audit import audit_record
from portal.exceptions import Conflict, NotAllowed, ValidationFailed
from portal.identity import mask_id
from portal.models import Notice
from portal.notices import notice_post
from portal.receipts import receipt_cancel, receipt_issue
from portal.roles import ADMIN, FEDERATION, SUPERVISOR
from portal.scoping import employer_scope_q

D = c.DeclarationStatus
CERTIFICATE_KIND = "placement_certificate"


# --- guards ------------------------------------------------------------------------------------


def _require_federation(actor, employer) -> None:
    """Federation staff of the unit's 残联主管部门 (or an administrator) decide; nobody else."""
    if actor.role not in FEDERATION | ADMIN:
        raise NotAllowed("只有残联审核人员可以办理")
    from employers.models import Employer

    if not Employer.objects.filter(employer_scope_q(actor), pk=employer.pk).exists():
        raise NotAllowed("该单位不在您的管辖范围内")


def _locked(model, pk):
    """Re-read a row under a row lock: the second of two simultaneous decisions waits, then sees
    the first one's result."""
    return model.objects.select_for_update().get(pk=pk)


def _reason(reason: str, what: str = "原因") -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed(f"请填写{what}", field="reason")
    return reason


def certification_blockers(declaration: AnnualDeclaration) -> list[str]:
    """Why this declaration cannot be certified now (empty when it can)."""
    problems = []
    if declaration.status != D.SUBMITTED:
        problems.append(f"申报状态为“{declaration.get_status_display()}”，只有已完成申报的可以认证")
    persons = declaration.persons.all()
    if not persons.exists():
        problems.append("申报中没有安置人员")
    unconfirmed = persons.exclude(status=c.PersonStatus.CONFIRMED).count()
    if unconfirmed:
        problems.append(f"还有 {unconfirmed} 名安置人员未审核确认")
    if declaration.headcount is None:
        problems.append("在职职工人数未确认")
    return problems


# --- certification -----------------------------------------------------------------------------


def declaration_figures(declaration: AnnualDeclaration):
    """The certified persons and the exact counts: (persons, disabled, local, months_by_weight)."""
    policy = policy_for(declaration.employer.admin_region_id, declaration.business_year + 1)
    persons, disabled, local, by_weight = [], Fraction(0), Fraction(0), {}
    for person in selectors.declaration_persons(declaration).filter(status=c.PersonStatus.CONFIRMED):
        states = selectors.month_states(person, weight_rule=policy.weight_rule)
        counts = rules.count(states)
        months = tuple(declaration.business_year * 100 + s.month for s in states if rules.month_confirmed(s))
        for state in states:
            if rules.month_confirmed(state):
                by_weight[str(state.weight)] = by_weight.get(str(state.weight), 0) + 1
        disabled += counts.disabled_count
        if person.hukou_type == c.HukouType.LOCAL:
            local += counts.disabled_count
        best = max(person.certificates.all(), key=lambda cert: (cert.valid_from, cert.pk), default=None)
        persons.append(CertifiedPerson(
            name=person.name, id_masked=mask_id(person.id_number),
            certificate=f"{best.get_kind_display()} {best.grade}级" if best else "",
            confirmed=counts.confirmed, approved=counts.approved, months=months,
        ))
    return persons, disabled, local, by_weight, policy


@transaction.atomic
def declaration_certify(*, actor, declaration: AnnualDeclaration) -> AnnualDeclaration:
    """年审认证审核通过: issue the 审核认定书 (rendered once by a task), hand the figures to the levy
    app, and tell the unit. Two reviewers at once: the second gets a Conflict."""
    _require_federation(actor, declaration.employer)
    declaration = _locked(AnnualDeclaration, declaration.pk)
    if declaration.status in (D.CERTIFIED, D.SENT_TO_TAX):
        raise Conflict(f"该申报已由{declaration.certified_by.display_name if declaration.certified_by else '他人'}"
                       f"于{timezone.localtime(declaration.certified_at):%Y-%m-%d %H:%M}认证通过")
    problems = certification_blockers(declaration)
    if problems:
        raise NotAllowed("；".join(problems))
    employer = declaration.employer
    persons, disabled, local, by_weight, policy = declaration_figures(declaration)
    certified_on = timezone.localdate()
    context = certificate_context(
        unit_name=employer.name, credit_code=employer.credit_code, business_year=declaration.business_year,
        headcount=declaration.headcount, persons=persons, disabled_count=disabled, required_ratio=policy.ratio,
        issuer=f"{employer.fed_region.full_name.replace(' ', '')}残疾人联合会", certified_on=f"{certified_on:%Y年%m月%d日}",
    )
    certificate = receipt_issue(
        kind=CERTIFICATE_KIND, title=TITLE, employer=employer, actor=actor, template="pdf/certificate.html",
        prefix="RD",
        public_facts={"用人单位": employer.name, "统一社会信用代码": employer.credit_code,
                      "业务年度": str(declaration.business_year), "在职职工人数": str(declaration.headcount),
                      "安排残疾人就业人数": context["disabled_count"], "实际安排比例": context["actual_ratio"],
                      "认定日期": context["certified_on"]},
        document_context=context,
    )
    before = declaration.status
    declaration.certify(by=actor, certificate=certificate)
    declaration.save()
    certified_figures_record(
        employer=employer, business_year=declaration.business_year, headcount=declaration.headcount,
        disabled_count=disabled, local_disabled_count=local, person_months_by_weight=by_weight,
        certificate_reference=certificate.reference, actor=actor,
    )
    audit_record(action="declaration.certify", actor=actor, obj=declaration, from_state=before,
                 to_state=declaration.status, data={"certificate": certificate.reference,
                                                    "disabled_count": str(disabled)})
    notice_post(
        employer=employer, kind=Notice.Kind.REVIEW, actor=actor,
        title=f"{declaration.business_year}年度按比例就业年审认证通过",
        body=f"贵单位{declaration.business_year}年度按比例就业年审申报已审核认定，安排残疾人就业"
             f"{context['disabled_count']}人，实际安排比例{context['actual_ratio']}。审核认定书编号"
             f"{certificate.reference}，可在首页“下载审核认定书”。",
        dedupe_key=f"certified:{declaration.pk}:{certificate.pk}",
    )
    return declaration


@transaction.atomic
def declaration_return(*, actor, declaration: AnnualDeclaration, reason: str) -> AnnualDeclaration:
    """退回: the declaration goes back to draft with the reason; the unit corrects and resubmits."""
    _require_federation(actor, declaration.employer)
    reason = _reason(reason, "退回原因")
    declaration = _locked(AnnualDeclaration, declaration.pk)
    if not can_proceed(declaration.return_to_employer):
        raise Conflict(f"申报状态已是“{declaration.get_status_display()}”，不能退回")
    before = declaration.status
    declaration.return_to_employer(by=actor, reason=reason)
    declaration.save()
    audit_record(action="declaration.return", actor=actor, obj=declaration, from_state=before,
                 to_state=declaration.status, reason=reason)
    notice_post(
        employer=declaration.employer, kind=Notice.Kind.REVIEW, actor=actor,
        title=f"{declaration.business_year}年度按比例就业年审申报被退回",
        body=f"退回原因：{reason}。请修改后重新完成申报。",
    )
    return declaration


def declaration_reopen(*, actor, declaration: AnnualDeclaration, reason: str) -> AnnualDeclaration:
    """Back to draft after certification: the certificate's verification page then says it was
    cancelled, the levy figures are cancelled, an open hand-off to tax is cancelled. Called only
    by the request decisions below (inside their transaction)."""
    declaration = _locked(AnnualDeclaration, declaration.pk)
    if not can_proceed(declaration.reopen):
        raise Conflict(f"申报状态为“{declaration.get_status_display()}”，无需重新打开")
    before, certificate = declaration.status, declaration.certificate
    declaration.reopen()
    declaration.save()
    if certificate is not None:
        receipt_cancel(receipt=certificate, actor=actor, reason=reason)
        delivery_cancel(actor=actor, certificate=certificate, reason=reason)
    certified_figures_cancel(employer=declaration.employer, business_year=declaration.business_year, actor=actor,
                             reason=reason)
    audit_record(action="declaration.reopen", actor=actor, obj=declaration, from_state=before,
                 to_state=declaration.status, reason=reason,
                 data={"certificate": certificate.reference if certificate else ""})
    return declaration


# --- requests ------------------------------------------------------------------------------------


def withdrawal_refusal(user, request: WithdrawalRequest) -> str:
    """Why this user may not decide this withdrawal ('' when they may). Before certification any
    federation reviewer in scope; after it a supervisor who did not certify the declaration (the
    four-eyes rule: one person never both certifies and undoes)."""
    if user.role not in FEDERATION | ADMIN:
        return "只有残联审核人员可以办理"
    if not request.after_certification:
        return ""
    if user.role not in SUPERVISOR | ADMIN:
        return "认证后的年审申报撤回会撤销已出具的审核认定书，须由残联业务主管审核。请联系业务主管办理。"
    if user.pk == request.declaration.certified_by_id:
        return ("您是该申报的认证审核人。为避免一人既认证又撤销（双人复核），认证后的撤回须由"
                "未参与该申报认证的另一位业务主管审核。")
    return ""


def withdrawal_can_decide(user, request: WithdrawalRequest) -> bool:
    return not withdrawal_refusal(user, request)


@transaction.atomic
def withdrawal_decide(*, actor, request: WithdrawalRequest, approve: bool, reason: str) -> WithdrawalRequest:
    """年审申报撤回: approval returns the declaration to draft (reopening it when certified)."""
    request = _locked(WithdrawalRequest, request.pk)
    declaration = request.declaration
    _require_federation(actor, declaration.employer)
    if not request.is_open:
        raise Conflict(f"该撤回申请已由{request.decided_by.display_name if request.decided_by else '他人'}"
                       f"办理（{request.get_status_display()}）")
    refusal = withdrawal_refusal(actor, request)
    if refusal:
        raise NotAllowed(refusal)
    if not approve:
        reason = _reason(reason, "不同意的理由")
    before = request.status
    if approve:
        request.approve(by=actor, reason=(reason or "").strip())
        if request.after_certification:
            declaration_reopen(actor=actor, declaration=declaration, reason=f"年审申报撤回：{request.reason}")
        else:
            declaration = _locked(AnnualDeclaration, declaration.pk)
            if not can_proceed(declaration.withdraw):
                raise Conflict(f"申报状态已是“{declaration.get_status_display()}”，不能撤回")
            was = declaration.status
            declaration.withdraw()
            declaration.save()
            audit_record(action="declaration.withdraw", actor=actor, obj=declaration, from_state=was,
                         to_state=declaration.status, reason=request.reason)
    else:
        request.refuse(by=actor, reason=reason)
    request.save()
    audit_record(action="withdrawal.decide", actor=actor, obj=request, from_state=before, to_state=request.status,
                 reason=request.decision_reason)
    outcome = "已同意，申报已退回为“进行中”，可修改后重新完成申报" if approve else f"未同意，理由：{reason}"
    notice_post(employer=declaration.employer, kind=Notice.Kind.REVIEW, actor=actor,
                title=f"{declaration.business_year}年度年审申报撤回申请办理结果",
                body=f"贵单位的年审申报撤回申请{outcome}。")
    return request


FEEDBACK_OUTCOMES = {"answer": "已答复", "reopen": "同意重新申报", "refuse": "不予受理"}


@transaction.atomic
def feedback_decide(*, actor, request: FeedbackRequest, outcome: str, reason: str) -> FeedbackRequest:
    """年审认证反馈: answered (nothing changes), approved as a reopening, or refused."""
    request = _locked(FeedbackRequest, request.pk)
    declaration = request.declaration
    _require_federation(actor, declaration.employer)
    if outcome not in FEEDBACK_OUTCOMES:
        raise ValidationFailed("请选择办理结果", field="outcome")
    if not request.is_open:
        raise Conflict(f"该反馈已由{request.decided_by.display_name if request.decided_by else '他人'}办理"
                       f"（{request.get_status_display()}）")
    reason = _reason(reason, "答复内容" if outcome == "answer" else "办理意见")
    if outcome == "reopen" and actor.pk == declaration.certified_by_id:
        raise NotAllowed("同意重新申报须由未参与该申报认证的人员办理（双人复核）")
    before = request.status
    if outcome == "answer":
        request.answer(by=actor, reason=reason)
    elif outcome == "reopen":
        request.approve(by=actor, reason=reason)
        declaration_reopen(actor=actor, declaration=declaration, reason=f"年审认证反馈：{reason}")
    else:
        request.refuse(by=actor, reason=reason)
    request.save()
    audit_record(action="feedback.decide", actor=actor, obj=request, from_state=before, to_state=request.status,
                 reason=reason)
    tail = "申报已重新打开为“进行中”，请修改后重新完成申报。" if outcome == "reopen" else ""
    notice_post(employer=declaration.employer, kind=Notice.Kind.REVIEW, actor=actor,
                title=f"{declaration.business_year}年度年审认证反馈办理结果",
                body=f"贵单位的年审认证反馈{FEEDBACK_OUTCOMES[outcome]}：{reason}。{tail}")
    return request


@transaction.atomic
def deregistration_decide(*, actor, request: DeregistrationRequest, approve: bool,
                          reason: str) -> DeregistrationRequest:
    """单位注销安置登记: approved or refused with a reason."""
    request = _locked(DeregistrationRequest, request.pk)
    _require_federation(actor, request.employer)
    if not request.is_open:
        raise Conflict(f"该注销申请已由{request.decided_by.display_name if request.decided_by else '他人'}办理"
                       f"（{request.get_status_display()}）")
    if not approve:
        reason = _reason(reason, "不同意的理由")
    before = request.status
    if approve:
        request.approve(by=actor, reason=(reason or "").strip())
    else:
        request.refuse(by=actor, reason=reason)
    request.save()
    audit_record(action="deregistration.decide", actor=actor, obj=request, from_state=before,
                 to_state=request.status, reason=request.decision_reason)
    outcome = "已审核通过" if approve else f"未通过，理由：{reason}"
    notice_post(employer=request.employer, kind=Notice.Kind.REVIEW, actor=actor,
                title="单位注销安置登记申请办理结果", body=f"贵单位的注销安置登记申请{outcome}。")
    return request

