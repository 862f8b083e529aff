"""The employer's side of the annual declaration (按比例就业年审): opening it, the headcount, 完成申报,
importing last year's list, accepting a partial review result, the requests made after submission
(年审申报撤回, 年审认证反馈, 单位注销安置登记), the documents the agent downloads and the filing-window
reminders. Every status change goes through the spine; the agent gets a receipt where the manual
marks a milestone. The federation's decisions on the requests are in services.certification."""

import datetime

from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from levy.services.assessment import declaration_state_record
from placement import choices as c
from placement import predicates as p
from placement import rules
from placement.models import (
    AnnualDeclaration,
    Certificate,
    Contract,
    DeregistrationRequest,
    FeedbackRequest,
    PlacedPerson,
    PlacementMonth,
    WithdrawalRequest,
)
from placement.registry import unit_headcounts
from placement.selectors.declaration import declaration_totals, federation_contact, importable_persons
from placement.services.verification import verification_request
from placement.uploads import DEREGISTRATION_FORM, FEEDBACK_FILE
from placement.window import filing_window_of
from placement.years import current_business_year
from portal.audit import audit_record
from portal.documents import document_issue
from portal.exceptions import Conflict, NotAllowed, ValidationFailed
from portal.guards import insist
from portal.jobs import enqueue_on_commit
from portal.models import IssuedDocument, Notice
from portal.notices import notice_post
from portal.receipts import receipt_issue
from portal.reviewable import review_request
from portal.uploads import upload_accept
from portal.workflow import audit_created, locked, require, transition_apply

D = c.DeclarationStatus
S = c.PersonStatus
COMMITMENT_TITLE = "申报资料真实性承诺书"
DEREGISTRATION_TITLE = "单位注销安置登记业务申请书"


def declaration_open(*, employer, business_year: int) -> AnnualDeclaration:
    """The unit's declaration for the year, created as a draft on first use; the registry's
    headcount is then fetched in the background (pages show 待确认 meanwhile and never wait for a
    registry)."""
    declaration = AnnualDeclaration.objects.select_related("employer").filter(
        employer=employer, business_year=business_year).first()
    if declaration is not None:
        return declaration
    with transaction.atomic():
        declaration, created = AnnualDeclaration.objects.get_or_create(employer=employer, business_year=business_year)
        if created:
            audit_created(declaration)
            headcount_prefill_request(declaration=declaration)
    return declaration


def declaration_started(declaration: AnnualDeclaration) -> AnnualDeclaration:
    """The stored declaration for a write: a year shown as 未申报 is filed by its first write."""
    if declaration.started:
        return declaration
    return declaration_open(employer=declaration.employer, business_year=declaration.business_year)


def commitment_document(*, declaration: AnnualDeclaration) -> IssuedDocument:
    """下载承诺书: the declaration's 申报资料真实性承诺书, issued once with the unit's name and the year
    and stored (rendered in the background; the download page waits for it)."""
    if declaration.commitment_id:
        return declaration.commitment
    declaration = declaration_started(declaration)
    with transaction.atomic():
        declaration = locked(declaration, "employer")
        if declaration.commitment_id is None:  # idempotent: a second tab found it issued
            employer = declaration.employer
            declaration.commitment = document_issue(
                kind="placement_commitment", title=COMMITMENT_TITLE, template="pdf/commitment.html",
                employer=employer, context={"title": COMMITMENT_TITLE, "unit_name": employer.name,
                                            "credit_code": employer.credit_code,
                                            "business_year": declaration.business_year,
                                            "today": f"{timezone.localdate():%Y年%m月%d日}"})
            declaration.save(update_fields=["commitment", "updated_at"])
    return declaration.commitment


# --- 在职职工人数 (DOMAIN.md §1) ----------------------------------------------------------------


def headcount_prefill(*, declaration_id: int) -> AnnualDeclaration | None:
    """Fill the headcount from the social-insurance registry's monthly unit headcounts of the
    business year (a task: pages never wait for it). Idempotent: a declaration that already has the
    registry's figure, or is no longer a draft, is left alone. A silent registry leaves it empty:
    the agent types the figure in, and the next visit to the headcount page asks again."""
    declaration = AnnualDeclaration.objects.select_related("employer").filter(pk=declaration_id).first()
    if declaration is None or declaration.headcount_from_feed is not None or not declaration.is_draft:
        return declaration  # idempotent: gone, already prefilled, or no longer editable
    counts = unit_headcounts(declaration.employer.credit_code, declaration.business_year)
    if counts is None or counts.average is None:
        return declaration
    with transaction.atomic():
        declaration = locked(declaration)
        declaration.headcount_monthly = counts.monthly
        declaration.headcount_from_feed = counts.average
        if declaration.headcount_confirmed_at is None:
            declaration.headcount = counts.average
        declaration.save(update_fields=["headcount_monthly", "headcount_from_feed", "headcount", "updated_at"])
        audit_record(action="declaration.headcount_prefill", obj=declaration,
                     data={"label": f"社保登记在职职工人数 {counts.average} 人"})
    return declaration


HEADCOUNT_ASK_EVERY_S = 10 * 60


def headcount_prefill_request(*, declaration: AnnualDeclaration) -> None:
    """Ask the registry again in the background when the figure is still missing, at most once
    every ten minutes per declaration (首页 asks on every view: a registry that has no figure for
    the unit would otherwise get a call per page view). The mark lives in the shared cache, so
    every web instance keeps to it."""
    if declaration.started and declaration.headcount_from_feed is None and declaration.is_draft:
        if cache.add(f"placement:headcount-asked:{declaration.pk}", True, timeout=HEADCOUNT_ASK_EVERY_S):
            enqueue_on_commit("placement.tasks.headcount_prefill_task", declaration.pk)


def headcount_confirm(*, actor, declaration: AnnualDeclaration, headcount: int, reason: str = "") -> AnnualDeclaration:
    """确认在职职工人数: the registry's figure as is, or a correction with the reason for it."""
    reason = (reason or "").strip()
    if headcount is None or headcount < 1:
        raise ValidationFailed("请输入在职职工人数（正整数）", field="headcount")
    with transaction.atomic():
        declaration = locked(declaration_started(declaration), "employer")
        insist(p.declaration_is_draft, declaration)
        corrected = declaration.headcount_from_feed is not None and headcount != declaration.headcount_from_feed
        if (corrected or declaration.headcount_from_feed is None) and not reason:
            raise ValidationFailed("在职职工人数与社保登记人数不一致（或社保无登记人数），请填写更正原因", field="reason")
        declaration.headcount = headcount
        declaration.headcount_reason = reason
        declaration.headcount_confirmed_at = timezone.now()
        declaration.save(update_fields=["headcount", "headcount_reason", "headcount_confirmed_at", "updated_at"])
        audit_record(action="declaration.headcount_confirm", actor=actor, obj=declaration, reason=reason,
                     data={"label": f"确认在职职工人数 {headcount} 人", "from_feed": declaration.headcount_from_feed})
    return declaration


# --- 完成申报 -----------------------------------------------------------------------------------



def _receipt(*, kind, title, declaration=None, employer=None, actor, facts, details=None):
    employer = employer or declaration.employer
    return receipt_issue(kind=kind, title=title, employer=employer, actor=actor,
                         public_facts={"单位名称": employer.name, **facts}, details=details or {},
                         document_context={"contact": federation_contact(employer)})


def _submission_receipt(declaration: AnnualDeclaration, actor) -> dict:
    totals = declaration_totals(declaration)
    receipt = _receipt(
        kind="placement_submission", title="按比例就业年审完成申报回执", declaration=declaration, actor=actor,
        facts={"事项": "按比例就业情况年审 完成申报", "业务年度": f"{declaration.business_year}年"},
        details={"在职职工人数": f"{declaration.headcount} 人", "安置人数": f"{totals['persons']} 人",
                 "安置确认（月）": totals["confirmed"], "安置核定（月）": totals["approved"]},
    )
    return {"submission_receipt": receipt}


def declaration_submit_check(*, actor, declaration: AnnualDeclaration, commitment_accepted: bool) -> None:
    """Every check of 完成申报 without filing: the page asks its final “确定” only once these pass,
    so the agent is told what is wrong before being asked to confirm (issue 15)."""
    _submit_preconditions(declaration, commitment_accepted)
    require(declaration, "submit", actor=actor)


def _submit_preconditions(declaration: AnnualDeclaration, commitment_accepted: bool) -> None:
    if not commitment_accepted:
        raise ValidationFailed("请阅读并勾选确认《申报资料真实性承诺书》", field="commitment")
    if not declaration.started:
        raise NotAllowed("本年度尚未登记安置人员。未安置残疾人的单位无需办理年审认证。")


def declaration_submit(*, actor, declaration: AnnualDeclaration, commitment_accepted: bool) -> AnnualDeclaration:
    """完成申报: inside the filing window, every person confirmed, the headcount confirmed and the
    承诺书 accepted (the transition's conditions). The declaration locks and the agent gets a
    receipt. Two tabs at once: the row lock (PostgreSQL) and the concurrent-transition check (any
    database) let exactly one through; the other is told it is already submitted."""
    _submit_preconditions(declaration, commitment_accepted)  # the transition checks the rest on the locked row
    declaration = transition_apply(declaration, "submit", actor=actor, by=actor, related=("employer",),
                                   prepare=lambda locked_row: _submission_receipt(locked_row, actor))
    declaration_state_record(employer=declaration.employer, business_year=declaration.business_year, state="submitted")
    return declaration


# --- 导入上一年申报名单 --------------------------------------------------------------------------

PERSON_COPY = [
    "id_number", "name", "sex", "birth_date", "hukou_type", "hukou_region_id", "hukou_address", "phone", "education",
    "guardian_name", "guardian_phone", "is_graduate", "degree", "school", "graduation_year", "degree_attachment_id",
    "retirement_category", "prefilled",
]
CONTRACT_COPY = [
    "is_dispatch", "relation", "related_unit_id", "contract_type", "start_date", "end_date", "job", "monthly_wage",
    "dispatch_agency_id", "counts_here_stated", "si_payer_id", "mi_payer_id", "wage_payer_id", "attachment_id",
]
CERTIFICATE_COPY = ["number", "kind", "category", "grade", "valid_from", "valid_to", "source", "image_id"]


def _import_person(old: PlacedPerson, declaration: AnnualDeclaration, actor) -> PlacedPerson:
    year_start = datetime.date(declaration.business_year, 1, 1)
    person = PlacedPerson(declaration=declaration, imported_from=old, **{f: getattr(old, f) for f in PERSON_COPY})
    person.save()
    PlacementMonth.objects.bulk_create([PlacementMonth(person=person, month=m) for m in rules.MONTHS])
    audit_created(person, actor=actor, action="person.import",
                  data={"label": f"从{declaration.business_year - 1}年度申报名单导入"})
    contracts = [Contract.objects.create(person=person, **{f: getattr(ct, f) for f in CONTRACT_COPY})
                 for ct in old.contracts.all() if ct.end_date is None or ct.end_date >= year_start]
    certificates = [Certificate.objects.create(person=person, **{f: getattr(cert, f) for f in CERTIFICATE_COPY})
                    for cert in old.certificates.all() if cert.valid_to is None or cert.valid_to >= year_start]
    # a dispatch agreement and a hand-added certificate are reviewed again this year
    for item in [ct for ct in contracts if ct.is_dispatch] + [
            cert for cert in certificates if cert.source == c.CertificateSource.MANUAL]:
        review_request(item=item, actor=actor, data={"person": person.pk})
    if contracts:
        person.wizard_step = 2
        person.save(update_fields=["wizard_step"])
        verification_request(person=person)
    return person


def declaration_import_previous(*, actor, declaration: AnnualDeclaration, person_ids: list[int]) -> list[PlacedPerson]:
    """导入上一年申报名单: the chosen persons of last year arrive as 资料待完善 with their data, the
    contracts still running in this year and their certificates; each is then verified again
    against the registries. All or nothing."""
    if not person_ids:
        raise ValidationFailed("请选择要导入的人员", field="persons")
    with transaction.atomic():
        declaration = locked(declaration_started(declaration), "employer")
        insist(p.declaration_is_draft, declaration)
        chosen = list(importable_persons(declaration).filter(pk__in=person_ids).prefetch_related("contracts"))
        if len(chosen) != len(set(person_ids)):
            raise ValidationFailed("所选人员不在上一年申报名单中，或已在本年度名单中", field="persons")
        return [_import_person(old, declaration, actor) for old in chosen]


# --- 接受审核结果 --------------------------------------------------------------------------------


def person_accept_result(*, actor, person: PlacedPerson) -> PlacedPerson:
    """接受审核结果: a partially rejected person becomes confirmed with the months the reviewer
    found valid (the invalid ones stay recorded and do not count)."""
    return transition_apply(person, "accept_result", actor=actor)


# --- requests after submission --------------------------------------------------------------------


def _required(text: str, message: str, field: str) -> str:
    text = (text or "").strip()
    if not text:
        raise ValidationFailed(message, field=field)
    return text


def withdrawal_request_submit(*, actor, declaration: AnnualDeclaration, reason: str) -> WithdrawalRequest:
    """年审申报撤回: a submitted (or certified, or sent) declaration; the federation decides."""
    reason = _required(reason, "请填写撤回理由", "reason")
    with transaction.atomic():
        declaration = locked(declaration, "employer")
        if declaration.is_draft:
            raise NotAllowed("本年度尚未完成申报，无需撤回，可直接修改安置人员")
        if declaration.withdrawals.filter(status=c.RequestStatus.SUBMITTED).exists():
            raise Conflict("已有一份待审核的年审申报撤回申请，请等待残联审核结果", code="already_requested")
        after = declaration.is_certified
        request = WithdrawalRequest(declaration=declaration, reason=reason, after_certification=after,
                                    submitted_by=actor)
        request.receipt = _receipt(kind="placement_withdrawal", title="年审申报撤回申请回执", declaration=declaration,
                                   actor=actor, facts={"事项": "年审申报撤回", "业务年度": f"{declaration.business_year}年"},
                                   details={"撤回理由": reason})
        request.full_clean(exclude=["status"])
        request.save()
        audit_created(request, actor=actor, action="withdrawal.submit", reason=reason,
                      data={"label": "申请年审申报撤回" + ("（认证后）" if after else ""), "declaration": declaration.pk})
    return request


def feedback_submit(*, actor, declaration: AnnualDeclaration, text: str, files=()) -> FeedbackRequest:
    """年审认证反馈: the agent's objection to a certified result, with attachments."""
    text = _required(text, "请填写反馈内容", "text")
    with transaction.atomic():
        declaration = locked(declaration, "employer")
        if not declaration.is_certified:
            raise NotAllowed("年审认证通过后才能提交认证反馈")
        uploads = [upload_accept(file=f, kind=FEEDBACK_FILE.code, employer=declaration.employer, actor=actor,
                                 field="files") for f in files]
        request = FeedbackRequest(declaration=declaration, text=text, submitted_by=actor)
        request.receipt = _receipt(kind="placement_feedback", title="年审认证反馈回执", declaration=declaration,
                                   actor=actor, facts={"事项": "年审认证反馈", "业务年度": f"{declaration.business_year}年"},
                                   details={"附件": f"{len(uploads)} 个"})
        request.full_clean(exclude=["status"])
        request.save()
        request.attachments.set(uploads)
        audit_created(request, actor=actor, action="feedback.submit", data={"declaration": declaration.pk})
    return request


def deregistration_submit(*, actor, employer, reason: str, signed_form) -> DeregistrationRequest:
    """单位注销安置登记: the signed and stamped 注销业务申请书, reviewed by the federation."""
    reason = _required(reason, "请填写注销原因", "reason")
    if signed_form is None:
        raise ValidationFailed("请上传盖章后的注销业务申请书", field="signed_form")
    with transaction.atomic():
        if DeregistrationRequest.objects.select_for_update().filter(employer=employer,
                                                                   status=c.RequestStatus.SUBMITTED).exists():
            raise Conflict("已有一份待审核的注销申请，请等待残联审核结果", code="already_requested")
        upload = upload_accept(file=signed_form, kind=DEREGISTRATION_FORM.code, employer=employer, actor=actor,
                               field="signed_form")
        request = DeregistrationRequest(employer=employer, reason=reason, signed_form=upload, submitted_by=actor)
        request.receipt = _receipt(kind="placement_deregistration", title="单位注销安置登记申请回执", employer=employer,
                                   actor=actor, facts={"事项": "单位注销安置登记"}, details={"注销原因": reason})
        request.full_clean(exclude=["status"])
        request.save()
        audit_created(request, actor=actor, action="deregistration.submit", reason=reason)
    return request


def deregistration_form(*, employer) -> IssuedDocument:
    """下载注销业务申请书: the unit's prefilled form, issued once and stored (rendered in the
    background; the download page waits for it). Issued again only after the unit's data changed."""
    context = {
        "title": DEREGISTRATION_TITLE, "name": employer.name, "credit_code": employer.credit_code,
        "admin_region": employer.admin_region.full_name, "fed_region": employer.fed_region.full_name,
        "legal_rep": employer.legal_rep_name, "address": employer.registered_address,
        "phone": employer.unit_phone or employer.contact_phone, "agent": employer.agent_name,
    }
    existing = IssuedDocument.objects.filter(kind="placement_deregistration_form", employer=employer).first()
    if existing is not None and {k: existing.context.get(k) for k in context} == context:
        return existing  # idempotent: the stored form still says what the unit's record says
    return document_issue(kind="placement_deregistration_form", title=DEREGISTRATION_TITLE,
                          template="pdf/deregistration.html", employer=employer,
                          context={**context, "today": f"{timezone.localdate():%Y年%m月%d日}"})


# --- reminders ------------------------------------------------------------------------------------

REMINDER_DAYS = (30, 7, 1)


def declaration_reminders_send(*, today: datetime.date | None = None) -> int:
    """Remind every unit whose declaration of the current business year is not submitted, 30, 7 and
    1 days before its region's filing window closes. Idempotent: the notice's dedupe key is the
    unit and the day, so a rerun (or a second beat) never posts twice. Returns the count posted."""
    today = today or timezone.localdate()
    year = current_business_year()
    windows: dict = {}
    posted = 0
    for declaration in AnnualDeclaration.objects.filter(business_year=year, status=D.DRAFT).select_related("employer"):
        region = declaration.employer.admin_region_id
        if region not in windows:
            windows[region] = filing_window_of(declaration)
        window = windows[region]
        if window is None or window.days_left(today) not in REMINDER_DAYS:
            continue
        key = f"placement-reminder:{declaration.employer_id}:{today:%Y%m%d}"
        if Notice.objects.filter(dedupe_key=key).exists():
            continue  # idempotent: already reminded today
        days = window.days_left(today)
        notice_post(
            employer=declaration.employer, kind=Notice.Kind.REMINDER, dedupe_key=key, link="/placement/",
            title=f"{year}年度按比例就业年审申报将于{days}天后截止",
            body=(f"贵单位{year}年度按比例就业年审尚未完成申报。本地区申报时间为{window.text}，"
                  f"还剩{days}天。请在截止前完成安置人员登记并点击“完成申报”。"),
        )
        posted += 1
    return posted
