"""The employer's declaration pages: 首页 section data, 安置人员列表 with its actions, 导入上一年申报名单,
在职职工人数, 完成申报 with the 承诺书, the requests after submission and the downloads. Thin views:
parse, select, call one service (placement.declarations), render or redirect."""

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import SafeString
from django.views.decorators.http import require_POST
from django_fsm import can_proceed

from employers.selectors import employer_for_agent
from placement import choices as c
from placement import declarations, services
from placement.forms import DeregistrationForm, FeedbackForm, HeadcountForm, SubmitForm, WithdrawalForm
from placement.overview import declaration_overview
from placement.selectors import list_persons, list_rows, person_search, status_summary, weight_rule_of
from placement.views.wizard import _declaration, _person
from placement.years import selectable_years
from portal.access import roles_required
from portal.exceptions import DomainError
from portal.identity import mask_certificate, mask_id
from portal.pdf import render_pdf
from portal.roles import EMPLOYER
from portal.views.base import call_service, paginate

D = c.DeclarationStatus
S = c.PersonStatus
PER_PAGE = 50


def _posted(request):
    """The POST data when posted (an empty POST still binds the form, so its errors show)."""
    return request.POST if request.method == "POST" else None


def _common(declaration) -> dict:
    return {"declaration": declaration, "years": selectable_years(), "year": declaration.business_year}


PLACEHOLDER = 987654321


def _url_for(name: str):
    """A function pk → URL for a person route, reversed once (reverse() per row and action was a
    fifth of the list's time at 50 rows)."""
    pattern = reverse(name, kwargs={"pk": PLACEHOLDER})
    return lambda pk: pattern.replace(str(PLACEHOLDER), str(pk))


def _list_rows(page, declaration) -> list[dict]:
    """The rows of 安置人员列表, formatted here so the template only prints (50 rows a page): plain
    dicts, the template engine's first and cheapest lookup."""
    urls = {name: _url_for(f"placement:{name}") for name in ("resume", "person_accept", "person_re_register",
                                                             "person_delete")}
    rows, start, labels = [], page.start_index(), dict(S.choices)
    editable = declaration.is_draft
    for i, (person, counts) in enumerate(list_rows(page, declaration.business_year, weight_rule_of(declaration))):
        certificates = person.certificates.all()
        status = person.status
        rows.append({
            # person-entered text is escaped by the template; what we format ourselves from digits,
            # dates and reversed URLs is marked safe (escaping and number-localizing ~20 values a
            # row was a third of the page's rendering time)
            "name": person.name,
            "index": SafeString(start + i), "status_label": SafeString(labels[status]),
            "status_tone": SafeString(c.PERSON_TONES[status]),
            "registered": SafeString(counts.registered), "confirmed": SafeString(counts.confirmed),
            "approved": SafeString(counts.approved), "rejected": SafeString(counts.rejected),
            "id_masked": SafeString(mask_id(person.id_number)),
            "certificate_masked": SafeString(mask_certificate(certificates[0].number) if certificates else ""),
            "registered_at": SafeString(_when(person.registered_at)),
            "reviewed_at": SafeString(_when(person.reviewed_at)),
            "view_url": SafeString(urls["resume"](person.pk)),
            "view_label": SafeString("继续登记" if status == S.INCOMPLETE and editable else "查看"),
            # the actions the person's state machine allows from here, in a draft declaration
            "accept_url": SafeString(urls["person_accept"](person.pk)
                                     if editable and can_proceed(person.accept_result) else ""),
            "re_register_url": SafeString(urls["person_re_register"](person.pk)
                                          if editable and can_proceed(person.re_register) else ""),
            "delete_url": SafeString(urls["person_delete"](person.pk) if editable else ""),
        })
    return rows


def _when(value) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""


@roles_required(EMPLOYER)
def person_list(request):
    """安置人员列表: the manual's columns, the summary line, search by full ID or name, 50 a page,
    the actions each status allows and the manual's explanation of each status."""
    declaration = _declaration(request)
    q = request.GET.get("q", "").strip()
    page, query = paginate(request, person_search(list_persons(declaration), q), per_page=PER_PAGE)
    return render(request, "placement/person_list.html", {
        **_common(declaration), "page": page, "query": query, "q": q,
        "rows": _list_rows(page, declaration),
        "summary": status_summary(declaration), "status_help": c.PERSON_STATUS_HELP, "tones": c.PERSON_TONES,
        "editable": declaration.is_draft,
    })


def _person_action(request, pk, service, done: str):
    person = _person(request, pk)
    try:
        service(actor=request.user, person=person)
        messages.success(request, done.format(name=person.name))
    except DomainError as error:
        messages.error(request, error.message)
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
    return _person_action(request, pk, services.person_re_register, "“{name}”已退回资料待完善，请重新登记。")


@require_POST
@roles_required(EMPLOYER)
def person_delete(request, pk):
    """删除 (while the declaration is not submitted)."""
    return _person_action(request, pk, services.person_delete, "已删除“{name}”。")


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
    previous = declarations.previous_declaration(declaration)
    candidates = list(declarations.importable_persons(declaration)) if declaration.is_draft else []
    return render(request, "placement/import.html", {**_common(declaration), "previous": previous,
                                                     "candidates": candidates})


@roles_required(EMPLOYER)
def headcount(request):
    """在职职工人数: the social-insurance figure, confirmed or corrected with a reason."""
    declaration = declarations.headcount_prefill(declaration=_declaration(request))
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
    return {"title": "申报资料真实性承诺书", "unit_name": declaration.employer.name,
            "credit_code": declaration.employer.credit_code, "business_year": declaration.business_year,
            "today": timezone.localdate()}


@roles_required(EMPLOYER)
def submit(request):
    """完成申报: check answers (persons, headcount, window), read the 承诺书, confirm."""
    declaration = declarations.headcount_prefill(declaration=_declaration(request))
    if not declaration.is_draft:
        return redirect("placement:submitted")
    form = SubmitForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            declarations.declaration_submit(actor=request.user, declaration=declaration,
                                            commitment_accepted=form.cleaned_data["commitment"])
        except DomainError as error:
            if error.code == "already_submitted":
                messages.info(request, error.message)
                return redirect("placement:submitted")
            form.add_error(None, error.message)
        else:
            messages.success(request, "已完成申报。")
            return redirect("placement:submitted")
    return render(request, "placement/submit.html", {
        **_common(declaration), **declaration_overview(declaration), "form": form,
        "blockers": declarations.submission_blockers(declaration), "commitment": _commitment_context(declaration),
    })


@roles_required(EMPLOYER)
def submitted(request):
    """The confirmation page: the reference number large, what happens next, the receipt."""
    declaration = _declaration(request)
    if declaration.is_draft:
        return redirect("placement:submit")
    return render(request, "placement/submitted.html", {**_common(declaration),
                                                         "receipt": declaration.submission_receipt})


def _pdf_response(template: str, context: dict, filename: str) -> HttpResponse:
    _html, data = render_pdf(template, context)
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{_quote(filename)}"
    return response


def _quote(name: str) -> str:
    from urllib.parse import quote

    return quote(name)


@roles_required(EMPLOYER)
def commitment_pdf(request):
    """下载承诺书: the 申报资料真实性承诺书 with the unit's name and the year."""
    declaration = _declaration(request)
    return _pdf_response("pdf/commitment.html", _commitment_context(declaration),
                         f"申报资料真实性承诺书-{declaration.business_year}.pdf")


@roles_required(EMPLOYER)
def certificate_download(request):
    """下载审核认定书: the stored certificate once certified (rendered once by the back office's task)."""
    declaration = _declaration(request)
    if declaration.status not in (D.CERTIFIED, D.SENT_TO_TAX) or not declaration.certificate_id:
        messages.info(request, "审核认定书在年审认证通过后出具，目前尚不能下载。")
        return redirect("home")
    return redirect("document_download", pk=declaration.certificate.document_id)


# --- requests ------------------------------------------------------------------------------------


@roles_required(EMPLOYER)
def requests_page(request):
    """年审申报撤回 / 年审认证反馈 / 单位注销安置登记: what can be asked now, and what was asked."""
    from placement.models import DeregistrationRequest

    declaration = _declaration(request)
    employer = declaration.employer
    withdrawal_open = declaration.withdrawals.filter(status=c.RequestStatus.SUBMITTED).exists()
    return render(request, "placement/requests.html", {
        **_common(declaration), "withdrawal_open": withdrawal_open,
        "withdrawals": declaration.withdrawals.select_related("receipt"),
        "feedback": declaration.feedback.select_related("receipt").prefetch_related("attachments"),
        "deregistrations": DeregistrationRequest.objects.filter(employer=employer).select_related("receipt"),
        "can_withdraw": not declaration.is_draft and not withdrawal_open,
        "can_feedback": declaration.status in (D.CERTIFIED, D.SENT_TO_TAX),
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
    """下载注销业务申请书, prefilled with the unit's data."""
    employer = employer_for_agent(request.user)
    return _pdf_response("pdf/deregistration.html", {
        "title": "单位注销安置登记业务申请书", "employer": employer, "today": timezone.localdate(),
        "agent": request.user.display_name,
    }, "注销业务申请书.pdf")
