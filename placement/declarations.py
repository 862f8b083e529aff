"""The employer's side of the annual declaration (按比例就业年审): the headcount, 完成申报 with its
guards, importing last year's list, accepting a partial review result, the requests made after
submission (年审申报撤回, 年审认证反馈, 单位注销安置登记) and the filing-window reminders.

Every write checks state, saves through the FSM, audits in the same transaction and gives the
agent a receipt where the manual marks a milestone. Decisions on the requests are the back
office's (placement.certification)."""

import datetime
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db import transaction
from django.utils import timezone
from django_fsm import ConcurrentTransition, can_proceed

from placement import choices as c
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
from placement.rules import MONTHS
from portal.audit import audit_record
from portal.exceptions import Conflict, NotAllowed, ValidationFailed
from portal.receipts import receipt_issue
from portal.uploads import upload_accept, upload_kind

D = c.DeclarationStatus
S = c.PersonStatus

FEEDBACK_FILE = upload_kind("placement_feedback", "年审认证反馈附件")
DEREGISTRATION_FORM = upload_kind("placement_deregistration", "注销业务申请书（盖章）")

ALREADY_SUBMITTED = "本年度已完成申报，请勿重复提交。如需修改，请申请年审申报撤回。"


def _locked(declaration: AnnualDeclaration) -> AnnualDeclaration:
    """Re-read under a row lock (protected FSM fields break refresh_from_db)."""
    return AnnualDeclaration.objects.select_for_update().select_related("employer").get(pk=declaration.pk)


def _require_draft(declaration: AnnualDeclaration) -> None:
    if declaration.status != D.DRAFT:
        raise NotAllowed(ALREADY_SUBMITTED)


# --- 在职职工人数 (DOMAIN.md §1) ----------------------------------------------------------------


def annual_average(monthly: dict) -> int | None:
    """The year's headcount: the average of the months the registry has a figure for, rounded
    half up to a whole person (the policy tables' default rounding)."""
    figures = [int(v) for v in monthly.values() if v is not None]
    if not figures:
        return None
    return int((Decimal(sum(figures)) / len(figures)).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def headcount_prefill(*, declaration: AnnualDeclaration) -> AnnualDeclaration:
    """Fill the headcount from the social-insurance feed's monthly unit headcounts of the business
    year. Idempotent: a declaration that already has the feed's figure is left alone. A feed that
    is down or does not know the unit leaves it empty; the agent then types the figure in."""
    if declaration.headcount_from_feed is not None or declaration.status != D.DRAFT:
        return declaration  # idempotent: already prefilled, or no longer editable
    from placement.verification import NOT_FOUND, call_with_retries
    from portal.feeds import get_feeds

    credit_code, year = declaration.employer.credit_code, declaration.business_year
    # one attempt, no backoff sleep: this runs while a page loads; the next visit asks again
    answer = call_with_retries(lambda: get_feeds().social_insurance.unit_year(credit_code, year), attempts=1)
    if answer is None or answer is NOT_FOUND:
        return declaration
    monthly = {str(m): answer.month(year * 100 + m).headcount for m in MONTHS}
    average = annual_average(monthly)
    if average is None:
        return declaration
    with transaction.atomic():
        declaration = _locked(declaration)
        declaration.headcount_monthly = monthly
        declaration.headcount_from_feed = average
        if declaration.headcount_confirmed_at is None:
            declaration.headcount = average
        declaration.save(update_fields=["headcount_monthly", "headcount_from_feed", "headcount", "updated_at"])
        audit_record(action="declaration.headcount_prefill", obj=declaration,
                     data={"label": f"社保登记在职职工人数 {average} 人"})
    return declaration


def headcount_confirm(*, actor, declaration: AnnualDeclaration, headcount: int, reason: str = "") -> AnnualDeclaration:
    """确认在职职工人数: the feed's figure as is, or a correction with the reason for it."""
    reason = (reason or "").strip()
    if headcount is None or headcount < 1:
        raise ValidationFailed("请输入在职职工人数（正整数）", field="headcount")
    with transaction.atomic():
        declaration = _locked(declaration)
        _require_draft(declaration)
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


# --- the filing window --------------------------------------------------------------------------


@dataclass(frozen=True)
class Window:
    opens: datetime.date
    closes: datetime.date

    def days_left(self, today: datetime.date) -> int:
        return (self.closes - today).days

    def is_open(self, today: datetime.date) -> bool:
        return self.opens <= today <= self.closes

    @property
    def text(self) -> str:
        return f"{self.opens:%Y-%m-%d}至{self.closes:%Y-%m-%d}"


def filing_window_of(declaration: AnnualDeclaration) -> Window | None:
    """The 联网认证 window of the unit's region (单位所属行政区) for the business year, from the
    policy table; None when the table has none."""
    from levy.selectors import filing_window

    dates = filing_window(declaration.employer.admin_region_id, declaration.business_year)
    return Window(*dates) if dates else None


def _require_window(declaration: AnnualDeclaration) -> None:
    window = filing_window_of(declaration)
    if window is None:
        raise NotAllowed("政策参数表未设置本地区的年审申报时间，请联系残联主管部门")
    if not window.is_open(timezone.localdate()):
        raise NotAllowed(f"{declaration.business_year}年度的年审申报时间为{window.text}，当前不在申报期内，不能完成申报")


# --- 完成申报 -----------------------------------------------------------------------------------


def submission_blockers(declaration: AnnualDeclaration) -> list[str]:
    """What still stands between the declaration and 完成申报 (the check-answers page lists them)."""
    from placement.selectors import status_summary

    summary = status_summary(declaration)
    problems = []
    if summary["total"] == 0:
        problems.append("本年度尚未登记安置人员。未安置残疾人的单位无需办理年审认证。")
    if summary["incomplete"]:
        problems.append(f"有 {summary['incomplete']} 名人员资料待完善，请完成登记或删除")
    if summary["pending_review"]:
        problems.append(f"有 {summary['pending_review']} 名人员待残联审核，请等待审核结果")
    if summary["partially_rejected"]:
        problems.append(f"有 {summary['partially_rejected']} 名人员部分审核不通过，请“接受审核结果”或“重新登记”")
    if summary["rejected"]:
        problems.append(f"有 {summary['rejected']} 名人员审核不通过，请“删除”或“重新登记”")
    if declaration.headcount_confirmed_at is None:
        problems.append("请先确认本年度在职职工人数")
    return problems


def declaration_submit(*, actor, declaration: AnnualDeclaration, commitment_accepted: bool) -> AnnualDeclaration:
    """完成申报: inside the filing window, every person confirmed, the headcount confirmed and the
    承诺书 accepted. The declaration locks and the agent gets a receipt. Two tabs at once: the row
    lock (PostgreSQL) and the FSM's concurrent-transition check (any database) let exactly one
    through; the other is told it is already submitted."""
    if not commitment_accepted:
        raise ValidationFailed("请阅读并勾选确认《申报资料真实性承诺书》", field="commitment")
    try:
        with transaction.atomic():
            declaration = _locked(declaration)
            if declaration.status != D.DRAFT:
                raise Conflict(ALREADY_SUBMITTED, code="already_submitted")
            _require_window(declaration)
            blockers = submission_blockers(declaration)
            if blockers:
                raise NotAllowed("不能完成申报：" + "；".join(blockers))
            before = declaration.status
            declaration.submit(by=actor)
            declaration.submission_receipt = _receipt(
                kind="placement_submission", title="按比例就业年审完成申报回执", declaration=declaration, actor=actor,
                facts={"事项": "按比例就业情况年审 完成申报", "业务年度": f"{declaration.business_year}年"},
                details=_submission_details(declaration),
            )
            declaration.save()
            audit_record(action="declaration.submit", actor=actor, obj=declaration, from_state=before,
                         to_state=declaration.status, data={"label": "完成申报"})
    except ConcurrentTransition:
        raise Conflict(ALREADY_SUBMITTED, code="already_submitted") from None
    return declaration


def _submission_details(declaration: AnnualDeclaration) -> dict:
    from placement.selectors import declaration_totals

    totals = declaration_totals(declaration)
    return {"在职职工人数": f"{declaration.headcount} 人", "安置人数": f"{totals['persons']} 人",
            "安置确认(月)": totals["confirmed"], "安置核定(月)": totals["approved"]}


def _receipt(*, kind, title, declaration=None, employer=None, actor, facts, details=None):
    employer = employer or declaration.employer
    return receipt_issue(kind=kind, title=title, employer=employer, actor=actor,
                         public_facts={"单位名称": employer.name, **facts}, details=details or {})


# --- 导入上一年申报名单 --------------------------------------------------------------------------


def previous_declaration(declaration: AnnualDeclaration) -> AnnualDeclaration | None:
    return AnnualDeclaration.objects.filter(employer_id=declaration.employer_id,
                                            business_year=declaration.business_year - 1).first()


def importable_persons(declaration: AnnualDeclaration):
    """Last year's persons not yet in this year's list."""
    previous = previous_declaration(declaration)
    if previous is None:
        return PlacedPerson.objects.none()
    present = set(declaration.persons.values_list("id_index", flat=True))
    return previous.persons.exclude(id_index__in=present).prefetch_related("certificates")


PERSON_COPY = [
    "id_number", "name", "sex", "birth_date", "hukou_type", "hukou_region_id", "hukou_address", "phone", "education",
    "guardian_name", "guardian_phone", "is_graduate", "degree", "school", "graduation_year", "degree_attachment_id",
    "retirement_category", "prefilled",
]
CONTRACT_COPY = [
    "is_dispatch", "relation", "related_unit_id", "contract_type", "start_date", "end_date", "job", "monthly_wage",
    "dispatch_agency_id", "counts_here_stated", "si_payer_id", "mi_payer_id", "wage_payer_id", "attachment_id",
]


def declaration_import_previous(*, actor, declaration: AnnualDeclaration, person_ids: list[int]) -> list[PlacedPerson]:
    """导入上一年申报名单: the chosen persons of last year arrive as 资料待完善 with their data, the
    contracts still running in this year and their certificates (a manually added one is reviewed
    again); each is then verified again against the registries. All or nothing."""
    if not person_ids:
        raise ValidationFailed("请选择要导入的人员", field="persons")
    with transaction.atomic():
        declaration = _locked(declaration)
        _require_draft(declaration)
        chosen = list(importable_persons(declaration).filter(pk__in=person_ids).prefetch_related("contracts"))
        if len(chosen) != len(set(person_ids)):
            raise ValidationFailed("所选人员不在上一年申报名单中，或已在本年度名单中", field="persons")
        year_start = datetime.date(declaration.business_year, 1, 1)
        imported = []
        for old in chosen:
            person = PlacedPerson(declaration=declaration, imported_from=old,
                                  **{field: getattr(old, field) for field in PERSON_COPY})
            person.save()
            PlacementMonth.objects.bulk_create([PlacementMonth(person=person, month=m) for m in MONTHS])
            contracts = [ct for ct in old.contracts.all() if ct.end_date is None or ct.end_date >= year_start]
            Contract.objects.bulk_create([
                Contract(person=person, review_state=c.ReviewState.PENDING if ct.is_dispatch else "",
                         **{field: getattr(ct, field) for field in CONTRACT_COPY})
                for ct in contracts
            ])
            Certificate.objects.bulk_create([
                Certificate(person=person, number=cert.number, kind=cert.kind, category=cert.category,
                            grade=cert.grade, valid_from=cert.valid_from, valid_to=cert.valid_to, source=cert.source,
                            image_id=cert.image_id,
                            review_state=c.ReviewState.PENDING if cert.source == c.CertificateSource.MANUAL else "")
                for cert in old.certificates.all() if cert.valid_to is None or cert.valid_to >= year_start
            ])
            audit_record(action="person.import", actor=actor, obj=person, to_state=person.status,
                         data={"label": f"从{declaration.business_year - 1}年度申报名单导入"})
            if contracts:
                from placement.verification import verification_request

                person.wizard_step = 2
                person.save(update_fields=["wizard_step"])
                verification_request(person=person)
            imported.append(person)
    return imported


# --- 接受审核结果 --------------------------------------------------------------------------------


def person_accept_result(*, actor, person: PlacedPerson) -> PlacedPerson:
    """接受审核结果: a partially rejected person becomes confirmed with the months the reviewer
    found valid (the invalid ones stay recorded and do not count)."""
    with transaction.atomic():
        person = PlacedPerson.objects.select_for_update().select_related("declaration").get(pk=person.pk)
        _require_draft(person.declaration)
        if not can_proceed(person.accept_result):
            raise NotAllowed(f"该人员状态为“{person.get_status_display()}”，只有部分审核不通过的人员可以接受审核结果")
        before = person.status
        person.accept_result()
        person.save()
        audit_record(action="person.accept_result", actor=actor, obj=person, from_state=before,
                     to_state=person.status, data={"label": "接受审核结果"})
    return person


# --- requests after submission --------------------------------------------------------------------


def withdrawal_request_submit(*, actor, declaration: AnnualDeclaration, reason: str) -> WithdrawalRequest:
    """年审申报撤回: a submitted (or certified, or sent) declaration; the federation decides."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed("请填写撤回理由", field="reason")
    with transaction.atomic():
        declaration = _locked(declaration)
        if declaration.status == D.DRAFT:
            raise NotAllowed("本年度尚未完成申报，无需撤回，可直接修改安置人员")
        if declaration.withdrawals.filter(status=c.RequestStatus.SUBMITTED).exists():
            raise Conflict("已有一份待审核的年审申报撤回申请，请等待残联审核结果", code="already_requested")
        after = declaration.status in (D.CERTIFIED, D.SENT_TO_TAX)
        request = WithdrawalRequest(declaration=declaration, reason=reason, after_certification=after,
                                    submitted_by=actor)
        request.receipt = _receipt(kind="placement_withdrawal", title="年审申报撤回申请回执", declaration=declaration,
                                   actor=actor, facts={"事项": "年审申报撤回", "业务年度": f"{declaration.business_year}年"},
                                   details={"撤回理由": reason})
        request.full_clean(exclude=["status"])
        request.save()
        audit_record(action="withdrawal.submit", actor=actor, obj=request, to_state=request.status, reason=reason,
                     data={"label": "申请年审申报撤回" + ("（认证后）" if after else ""), "declaration": declaration.pk})
    return request


def feedback_submit(*, actor, declaration: AnnualDeclaration, text: str, files=()) -> FeedbackRequest:
    """年审认证反馈: the agent's objection to a certified result, with attachments."""
    text = (text or "").strip()
    if not text:
        raise ValidationFailed("请填写反馈内容", field="text")
    with transaction.atomic():
        declaration = _locked(declaration)
        if declaration.status not in (D.CERTIFIED, D.SENT_TO_TAX):
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
        audit_record(action="feedback.submit", actor=actor, obj=request, to_state=request.status,
                     data={"label": "提交年审认证反馈", "declaration": declaration.pk})
    return request


def deregistration_submit(*, actor, employer, reason: str, signed_form) -> DeregistrationRequest:
    """单位注销安置登记: the signed and stamped 注销业务申请书, reviewed by the federation."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed("请填写注销原因", field="reason")
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
        audit_record(action="deregistration.submit", actor=actor, obj=request, to_state=request.status, reason=reason,
                     data={"label": "申请单位注销安置登记"})
    return request


# --- reminders ------------------------------------------------------------------------------------

REMINDER_DAYS = (30, 7, 1)


def declaration_reminders_send(*, today: datetime.date | None = None) -> int:
    """Remind every unit whose declaration of the current business year is not submitted, 30, 7 and
    1 days before its region's filing window closes. Idempotent: the notice's dedupe key is the
    unit and the day, so a rerun (or a second beat) never posts twice. Returns the count posted."""
    from placement.years import current_business_year
    from portal.models import Notice
    from portal.notices import notice_post

    today = today or timezone.localdate()
    year = current_business_year()
    windows: dict[str, Window | None] = {}
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
