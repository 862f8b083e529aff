"""The employer's declaration pages: 首页 section data, 安置人员列表 with its actions, 导入上一年申报名单,
在职职工人数, 完成申报 with the 承诺书, the requests after submission and the downloads. Thin views:
parse, select, call one service (placement.declarations), render or redirect."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from employers.selectors import employer_for_agent
from placement import choices as c
from placement import predicates
from placement.forms import DeregistrationForm, FeedbackForm, HeadcountForm, SubmitForm, WithdrawalForm
from placement.selectors.declaration import (
    declaration_overview,
    importable_persons,
    previous_declaration,
    requests_of,
    withdrawal_open,
)
from placement.selectors.scope import person_search
from placement.selectors.year import list_persons, person_years, weight_rule_of
from placement.services import declaration as declarations
from placement.services import wizard
from placement.views.wizard import _declaration, _person, person_opening
from placement.window import window_closed
from placement.years import selectable_years
from portal.access import roles_required
from portal.exceptions import DomainError
from portal.forms import add_domain_error
from portal.identity import mask_certificate, mask_id
from portal.links import url_for
from portal.roles import EMPLOYER
from portal.text import local_minute
from portal.tones import tone
from portal.views.base import call_action, call_service, paginate
from portal.workflow import can

D = c.DeclarationStatus
S = c.PersonStatus
PER_PAGE = 50


def _posted(request):
    """The POST data when posted (an empty POST still binds the form, so its errors show)."""
    return request.POST if request.method == "POST" else None


def _common(declaration) -> dict:
    return {"declaration": declaration, "years": selectable_years(), "year": declaration.business_year}


def _list_rows(request, page, declaration) -> list[dict]:
    """The rows of 安置人员列表, formatted here so the template only prints (50 rows a page): plain
    dicts, the template engine's first and cheapest lookup."""
    urls = {f"placement:{name}": url_for(f"placement:{name}")
            for name in ("record", "step1", "step2", "step3", "step4", "person_accept", "person_re_register",
                         "person_delete")}
    rows, start, labels = [], page.start_index(), dict(S.choices)
    editable = declaration.is_draft
    user = request.user
    for i, model in enumerate(person_years(page, declaration.business_year, weight_rule_of(declaration))):
        person, counts = model.person, model.counts
        person.declaration = declaration  # the predicates read it; every row shares the one declaration
        certificates = person.certificates.all()
        status = person.status
        rows.append({
            # everything is escaped by the template: a certificate number is typed by the agent
            # (issue 14: a 残疾军人证 number marked safe was a stored injection)
            "name": person.name,
            "index": start + i, "status_label": labels[status],
            "status_tone": tone(status),
            "registered": counts.registered, "confirmed": counts.confirmed,
            "approved": counts.approved, "rejected": counts.rejected,
            "id_masked": mask_id(person.id_number),
            "certificate_masked": mask_certificate(certificates[0].number) if certificates else "",
            "registered_at": local_minute(person.registered_at),
            "reviewed_at": local_minute(person.reviewed_at),
            "view_url": urls[person_opening(person)](person.pk),
            "view_label": "继续登记" if status == S.INCOMPLETE and editable else "查看",
            # the actions the person's state machine allows this user from here (the services' checks)
            "accept_url": urls["placement:person_accept"](person.pk)
            if editable and can(user, person, "accept_result") else "",
            "re_register_url": urls["placement:person_re_register"](person.pk)
            if editable and can(user, person, "re_register") else "",
            "delete_url": urls["placement:person_delete"](person.pk) if editable else "",
            "pk": person.pk,
        })
    return rows


@roles_required(EMPLOYER)
def person_list(request):
    """安置人员列表: the manual's columns, the summary line, search by full ID or name, 50 a page,
    the actions each status allows and the manual's explanation of each status."""
    declaration = _declaration(request)
    q = request.GET.get("q", "").strip()
    page, query = paginate(request, person_search(list_persons(declaration), q), per_page=PER_PAGE)
    return render(request, "placement/person_list.html", {
        **_common(declaration), "page": page, "query": query, "q": q,
        "rows": _list_rows(request, page, declaration),
        "summary": predicates.status_summary(declaration), "status_help": c.PERSON_STATUS_HELP,
        "editable": declaration.is_draft, "window_closed": window_closed(declaration),
    })


def _person_action(request, pk, service, done: str):
    person = _person(request, pk)
    call_action(request, service, done.format(name=person.name), actor=request.user, person=person)
    return redirect("placement:list")


@require_POST
@roles_required(EMPLOYER)
def person_accept(request, pk):
    """接受审核结果 (部分审核不通过 → 已审核确认 with the valid months)."""
    return _person_action(request, pk, declarations.person_accept_result, "已接受“{name}”的审核结果。")


@require_POST
@roles_required(EMPLOYER)
def person_re_register(request, pk):
    """重新登记: back to 资料待完善."""
    return _person_action(request, pk, wizard.person_re_register, "“{name}”已退回资料待完善，请重新登记。")


@require_POST
@roles_required(EMPLOYER)
def person_delete(request, pk):
    """删除 (while the declaration is not submitted)."""
    return _person_action(request, pk, wizard.person_delete, "已删除“{name}”。")


@require_POST
@roles_required(EMPLOYER)
def persons_delete(request):
    """删除所选: the ticked rows of 安置人员列表 (issue 15)."""
    declaration = _declaration(request)
    ids = [int(v) for v in request.POST.getlist("persons") if v.isdigit()]
    call_action(request, wizard.persons_delete, lambda count: f"已删除所选的 {count} 人。", actor=request.user,
                declaration=declaration, person_ids=ids)
    return redirect("placement:list")


@roles_required(EMPLOYER)
def import_previous(request):
    """导入上一年申报名单: tick last year's persons; they arrive as 资料待完善 and are re-verified."""
    declaration = _declaration(request)
    if request.method == "POST":
        ids = [int(v) for v in request.POST.getlist("persons") if v.isdigit()]
        try:
            imported = declarations.declaration_import_previous(actor=request.user, declaration=declaration,
                                                                person_ids=ids)
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, f"已导入 {len(imported)} 人，状态为“资料待完善”，系统正在重新校验。"
                                      "请逐一核对信息并完成登记。")
            return redirect("placement:list")
    previous = previous_declaration(declaration)
    candidates = list(importable_persons(declaration)) if declaration.is_draft else []
    return render(request, "placement/import.html", {**_common(declaration), "previous": previous,
                                                     "candidates": candidates})


@roles_required(EMPLOYER)
def headcount(request):
    """在职职工人数: the social-insurance figure (fetched in the background; asked again while it is
    missing), confirmed or corrected with a reason."""
    declaration = _declaration(request)
    declarations.headcount_prefill_request(declaration=declaration)
    initial = {"headcount": declaration.headcount, "reason": declaration.headcount_reason}
    form = HeadcountForm(_posted(request), initial=initial)
    if request.method == "POST" and form.is_valid() and call_service(
            form, declarations.headcount_confirm, actor=request.user, declaration=declaration,
            headcount=form.cleaned_data["headcount"], reason=form.cleaned_data["reason"]):
        messages.success(request, "在职职工人数已确认。")
        return redirect("placement:submit")
    return render(request, "placement/headcount.html", {
        **_common(declaration), "form": form, "monthly": sorted(
            ((int(m), v) for m, v in declaration.headcount_monthly.items()), key=lambda item: item[0]),
    })


def _commitment_context(declaration) -> dict:
    return {"title": declarations.COMMITMENT_TITLE, "unit_name": declaration.employer.name,
            "credit_code": declaration.employer.credit_code, "business_year": declaration.business_year}


@roles_required(EMPLOYER)
def submit(request):
    """完成申报: check answers (persons, headcount, window), read the 承诺书, confirm."""
    declaration = _declaration(request)
    if not declaration.is_draft:
        return redirect("placement:submitted")
    form = SubmitForm(_posted(request))
    confirming = False
    if request.method == "POST" and form.is_valid():
        # validate first, confirm last (issue 15): the final “确定” is asked only of a filing that passes
        final = "confirmed" in request.POST
        service = declarations.declaration_submit if final else declarations.declaration_submit_check
        try:
            service(actor=request.user, declaration=declaration, commitment_accepted=form.cleaned_data["commitment"])
        except DomainError as error:
            if error.code == "already_submitted":
                messages.info(request, error.message)
                return redirect("placement:submitted")
            add_domain_error(form, error)
        else:
            if final:
                messages.success(request, "已完成申报。")
                return redirect("placement:submitted")
            confirming = True
    return render(request, "placement/submit.html", {
        **_common(declaration), **declaration_overview(declaration), "form": form,
        "blockers": predicates.submission_blockers(declaration), "commitment": _commitment_context(declaration),
        "confirming": confirming,
    })


@roles_required(EMPLOYER)
def submitted(request):
    """The confirmation page: the reference number large, what happens next, the receipt."""
    declaration = _declaration(request)
    if declaration.is_draft:
        return redirect("placement:submit")
    return render(request, "placement/submitted.html", {**_common(declaration),
                                                         "receipt": declaration.submission_receipt})


@roles_required(EMPLOYER)
def commitment_pdf(request):
    """下载承诺书: the declaration's 申报资料真实性承诺书, issued once and stored."""
    document = declarations.commitment_document(declaration=_declaration(request))
    return redirect("document_download", pk=document.pk)


@roles_required(EMPLOYER)
def certificate_download(request):
    """下载审核认定书: the stored certificate once certified (rendered once by the back office's task)."""
    declaration = _declaration(request)
    if not declaration.is_certified or not declaration.certificate_id:
        messages.info(request, "审核认定书在年审认证通过后出具，目前尚不能下载。")
        return redirect("home")
    return redirect("document_download", pk=declaration.certificate.document_id)


# --- requests ------------------------------------------------------------------------------------


@roles_required(EMPLOYER)
def requests_page(request):
    """年审申报撤回 / 年审认证反馈 / 单位注销安置登记: what can be asked now, and what was asked."""
    declaration = _declaration(request)
    open_withdrawal = withdrawal_open(declaration)
    return render(request, "placement/requests.html", {
        **_common(declaration), "withdrawal_open": open_withdrawal, **requests_of(declaration),
        "can_withdraw": not declaration.is_draft and not open_withdrawal,
        "can_feedback": declaration.is_certified,
    })


def _request_page(request, form, template, heading, submit_call):
    declaration = _declaration(request)
    if request.method == "POST" and form.is_valid():
        result = call_service(form, submit_call, declaration=declaration, data=form.cleaned_data)
        if result:
            messages.success(request, f"{heading}已提交，回执编号 {result.receipt.reference}。")
            return redirect("placement:requests")
    return render(request, template, {**_common(declaration), "form": form, "heading": heading})


@roles_required(EMPLOYER)
def withdrawal_new(request):
    """年审申报撤回: the reason; the federation decides."""
    return _request_page(
        request, WithdrawalForm(_posted(request)), "placement/request_form.html", "年审申报撤回申请",
        lambda declaration, data: declarations.withdrawal_request_submit(
            actor=request.user, declaration=declaration, reason=data["reason"]))


@roles_required(EMPLOYER)
def feedback_new(request):
    """年审认证反馈: text and attachments, once certified."""
    return _request_page(
        request, FeedbackForm(_posted(request), request.FILES or None), "placement/request_form.html",
        "年审认证反馈", lambda declaration, data: declarations.feedback_submit(
            actor=request.user, declaration=declaration, text=data["text"], files=data.get("files") or []))


@roles_required(EMPLOYER)
def deregistration_new(request):
    """单位注销安置登记: download the prefilled 注销业务申请书, upload it signed, submit."""
    return _request_page(
        request, DeregistrationForm(_posted(request), request.FILES or None), "placement/request_form.html",
        "单位注销安置登记", lambda declaration, data: declarations.deregistration_submit(
            actor=request.user, employer=declaration.employer, reason=data["reason"],
            signed_form=data["signed_form"]))


@roles_required(EMPLOYER)
def deregistration_pdf(request):
    """下载注销业务申请书, prefilled with the unit's data (issued once and stored)."""
    document = declarations.deregistration_form(employer=employer_for_agent(request.user))
    return redirect("document_download", pk=document.pk)
