"""年审认证审核 and what can undo it: certifying a submitted declaration (its figures and per-person
snapshot recorded once in levy's CertifiedFigures, and the 审核认定书 printed from that record),
returning it, and the federation's decisions on the three requests (年审申报撤回, 年审认证反馈,
单位注销安置登记). Reopening a certified declaration cancels its certificate, its recorded figures and
any open hand-off to tax, and keeps the history. Who may decide what is on the transitions
(placement.predicates), checked by the spine."""

from django.db import transaction
from django.utils import timezone

from levy.rules.certified import disabled_count
from levy.selectors import policy_for
from levy.services import certified_figures_cancel, certified_figures_record
from levy.services.assessment import declaration_state_record
from placement import choices as c
from placement.certificate import TITLE, certificate_context
from placement.models import AnnualDeclaration, DeregistrationRequest, FeedbackRequest, WithdrawalRequest
from placement.selectors.declaration import counted_persons
from placement.services.delivery import delivery_revoke
from portal.exceptions import ValidationFailed
from portal.models import Notice
from portal.notices import notice_post
from portal.receipts import receipt_cancel, receipt_issue
from portal.workflow import locked, refusal, transition_apply

D = c.DeclarationStatus
CERTIFICATE_KIND = "placement_certificate"


def _reason(reason: str, what: str = "原因") -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed(f"请填写{what}", field="reason")
    return reason


# --- certification -----------------------------------------------------------------------------


def _issue_certificate(declaration: AnnualDeclaration, actor) -> dict:
    """Record the certified figures with each person counted (levy.CertifiedFigures, under the
    weight rule in force now), then issue the 审核认定书 from that record. Runs after the
    transition's checks, so nothing is issued or recorded for a refused certification."""
    employer = declaration.employer
    policy = policy_for(employer.admin_region_id, declaration.business_year + 1)
    persons = counted_persons(declaration, policy.weight_rule)
    context = certificate_context(
        unit_name=employer.name, credit_code=employer.credit_code, business_year=declaration.business_year,
        headcount=declaration.headcount, persons=persons, disabled_count=disabled_count(persons),
        required_ratio=policy.ratio, issuer=f"{employer.fed_region.full_name.replace(' ', '')}残疾人联合会",
        certified_on=f"{timezone.localdate():%Y年%m月%d日}",
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
    certified_figures_record(employer=employer, business_year=declaration.business_year,
                             headcount=declaration.headcount, persons=persons,
                             certificate_reference=certificate.reference, actor=actor)
    return {"certificate": certificate}


def declaration_certify(*, actor, declaration: AnnualDeclaration) -> AnnualDeclaration:
    """年审认证审核通过: record the figures, issue the 审核认定书 (rendered once by a task) and tell
    the unit. Two reviewers at once: the second is told who certified it first."""
    with transaction.atomic():
        declaration = transition_apply(
            declaration, "certify", actor=actor, by=actor, related=("employer__fed_region",),
            prepare=lambda row: _issue_certificate(row, actor),
        )
        declaration_state_record(employer=declaration.employer, business_year=declaration.business_year, state="certified")
        certificate = declaration.certificate
        facts = certificate.public_facts
        notice_post(
            employer=declaration.employer, kind=Notice.Kind.REVIEW, actor=actor,
            title=f"{declaration.business_year}年度按比例就业年审认证通过",
            body=f"贵单位{declaration.business_year}年度按比例就业年审申报已审核认定，安排残疾人就业"
                 f"{facts['安排残疾人就业人数']}人，实际安排比例{facts['实际安排比例']}。审核认定书编号"
                 f"{certificate.reference}，可在首页“下载审核认定书”。",
            dedupe_key=f"certified:{declaration.pk}:{certificate.pk}",
        )
    return declaration


def declaration_return(*, actor, declaration: AnnualDeclaration, reason: str) -> AnnualDeclaration:
    """退回: the declaration goes back to draft with the reason; the unit corrects and resubmits."""
    reason = _reason(reason, "退回原因")
    with transaction.atomic():
        declaration = transition_apply(declaration, "return_to_employer", actor=actor, by=actor, reason=reason,
                                       related=("employer",))
        declaration_state_record(employer=declaration.employer, business_year=declaration.business_year, state="returned")
        notice_post(
            employer=declaration.employer, kind=Notice.Kind.REVIEW, actor=actor,
            title=f"{declaration.business_year}年度按比例就业年审申报被退回",
            body=f"退回原因：{reason}。请修改后重新完成申报。",
        )
    return declaration


def declaration_reopen(*, actor, declaration: AnnualDeclaration, reason: str) -> AnnualDeclaration:
    """Back to draft after certification: the certificate's verification page then says it was
    cancelled, the recorded figures are cancelled (tax still sees them, as 已作废, until the new
    result), the hand-off is cancelled and, where the result had reached tax, its revocation is
    handed over. Called only by the request decisions below (inside their transaction)."""
    certificate = locked(declaration).certificate
    declaration = transition_apply(declaration, "reopen", actor=actor, reason=reason, related=("employer",),
                                   data={"certificate": certificate.reference if certificate else ""})
    declaration_state_record(employer=declaration.employer, business_year=declaration.business_year, state="reopened")
    if certificate is not None:
        receipt_cancel(receipt=certificate, actor=actor, reason=reason)
        delivery_revoke(actor=actor, certificate=certificate, reason=reason)
    certified_figures_cancel(employer=declaration.employer, business_year=declaration.business_year, actor=actor,
                             reason=reason)
    return declaration


# --- requests ------------------------------------------------------------------------------------


def _decide(request, *, actor, approve: bool, reason: str):
    return transition_apply(request, "approve" if approve else "refuse", actor=actor, by=actor, reason=reason,
                            related=("declaration__employer",) if hasattr(request, "declaration_id") else ())


def withdrawal_decide(*, actor, request: WithdrawalRequest, approve: bool, reason: str) -> WithdrawalRequest:
    """年审申报撤回: approval returns the declaration to draft (reopening it when certified). Before
    certification any federation reviewer in scope decides; after it a supervisor who did not
    certify the declaration (the four-eyes rule on the request's transitions)."""
    reason = (reason or "").strip() if approve else _reason(reason, "不同意的理由")
    with transaction.atomic():
        request = _decide(request, actor=actor, approve=approve, reason=reason)
        declaration = request.declaration
        if approve and request.after_certification:
            declaration_reopen(actor=actor, declaration=declaration, reason=f"年审申报撤回：{request.reason}")
        elif approve:
            transition_apply(declaration, "withdraw", actor=actor, reason=request.reason)
            declaration_state_record(employer=declaration.employer, business_year=declaration.business_year,
                                     state="returned")
        outcome = "已同意，申报已退回为“进行中”，可修改后重新完成申报" if approve else f"未同意，理由：{reason}"
        notice_post(employer=declaration.employer, kind=Notice.Kind.REVIEW, actor=actor,
                    title=f"{declaration.business_year}年度年审申报撤回申请办理结果",
                    body=f"贵单位的年审申报撤回申请{outcome}。")
    return request


FEEDBACK_OUTCOMES = {"answer": "已答复", "reopen": "同意重新申报", "refuse": "不予受理"}
FEEDBACK_TRANSITIONS = {"answer": "answer", "reopen": "approve", "refuse": "refuse"}


def feedback_decide(*, actor, request: FeedbackRequest, outcome: str, reason: str) -> FeedbackRequest:
    """年审认证反馈: answered (nothing changes), approved as a reopening (not by whoever certified the
    declaration), or refused."""
    if outcome not in FEEDBACK_OUTCOMES:
        raise ValidationFailed("请选择办理结果", field="outcome")
    reason = _reason(reason, "答复内容" if outcome == "answer" else "办理意见")
    with transaction.atomic():
        request = transition_apply(request, FEEDBACK_TRANSITIONS[outcome], actor=actor, by=actor, reason=reason,
                                   related=("declaration__employer",))
        declaration = request.declaration
        if outcome == "reopen":
            declaration_reopen(actor=actor, declaration=declaration, reason=f"年审认证反馈：{reason}")
        tail = "申报已重新打开为“进行中”，请修改后重新完成申报。" if outcome == "reopen" else ""
        notice_post(employer=declaration.employer, kind=Notice.Kind.REVIEW, actor=actor,
                    title=f"{declaration.business_year}年度年审认证反馈办理结果",
                    body=f"贵单位的年审认证反馈{FEEDBACK_OUTCOMES[outcome]}：{reason}。{tail}")
    return request


def deregistration_decide(*, actor, request: DeregistrationRequest, approve: bool,
                          reason: str) -> DeregistrationRequest:
    """单位注销安置登记: approved or refused with a reason."""
    reason = (reason or "").strip() if approve else _reason(reason, "不同意的理由")
    with transaction.atomic():
        request = _decide(request, actor=actor, approve=approve, reason=reason)
        outcome = "已审核通过" if approve else f"未通过，理由：{reason}"
        notice_post(employer=request.employer, kind=Notice.Kind.REVIEW, actor=actor,
                    title="单位注销安置登记申请办理结果", body=f"贵单位的注销安置登记申请{outcome}。")
    return request


def request_refusal(user, request, name: str = "approve") -> str:
    """The sentence a page shows beside a request this user may not decide ('' when they may): the
    same question the service asks."""
    problem = refusal(request, name, user)
    return problem.message if problem else ""
