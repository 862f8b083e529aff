"""③ 参保名单梳理: the payment method (once), 导入参保名单 (upload → every row checked → the marked
file back, or a preview of counts → 确认导入), 新增参保人员, 查看, 删除, 批量删除, 清空参保名单, and the
templates to download beside the uploads."""

import secrets

from django.contrib import messages
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from insurance import predicates as p
from insurance.forms import MemberForm, PaymentForm, RosterUploadForm, WithholdingFormUpload
from insurance.rules import roster as r
from insurance.selectors.members import active_members, member_coverage
from insurance.selectors.scope import member_for
from insurance.services import batches as batch_services
from insurance.services import roster as services
from insurance.sheets import ROSTER_TEMPLATE
from insurance.views.common import agent_batch, batch_page
from portal.access import roles_required
from portal.crypto import matches
from portal.exceptions import DomainError
from portal.forms import add_domain_error
from portal.pdf import render_pdf
from portal.pii import pii_reveal
from portal.roles import EMPLOYER
from portal.spreadsheets import template_workbook
from portal.uploads import XLSX
from portal.views.base import call_service, paginate
from portal.workflow import can

KEEP_S = 3600  # an upload waits an hour for 确认导入; the marked file as long for its download
SHOWN_PROBLEMS = 200
FIELDS = {r.NAME: "name", r.ID_TYPE: "id_type", r.ID_NUMBER: "id_number", r.BIRTH: "birth_date", r.SEX: "sex",
          r.PHONE: "phone"}


def _key(request, batch, what: str, token: str) -> str:
    return f"insurance:roster:{what}:{request.user.pk}:{batch.pk}:{token}"


def roster_context(request, batch, **extra) -> dict:
    """The step's lists and flags (the roster, the payment section, what the agent may do now)."""
    qs = active_members(batch)
    term = request.GET.get("q", "").strip()
    if term:
        qs = qs.filter(matches("id_index", term.upper())) if len(term) >= 15 else qs.filter(name__icontains=term)
    page, query = paginate(request, qs)
    plan = batch.plan_year
    return {
        "page": page, "query": query, "q": term, "count": active_members(batch).count(),
        "editable": p.roster_editable(batch), "payment_chosen": bool(batch.payment_method),
        "payment_form": PaymentForm(premium=plan.premium, instant=batch.kind == "instant"),
        "upload_form": RosterUploadForm(), "withholding_upload": WithholdingFormUpload(),
        "can_verify": can(request.user, batch, "verify_start"),
        "verify_refusal": None if can(request.user, batch, "verify_start") else _refusal(request, batch),
        "plan": plan, "coverage": member_coverage(batch), **extra,
    }


def _refusal(request, batch) -> str:
    from portal.workflow import refusal

    problem = refusal(batch, "verify_start", request.user)
    return problem.message if problem else ""


@roles_required(EMPLOYER)
def batch_roster(request, pk):
    """③ 参保名单梳理."""
    batch = agent_batch(request, pk)
    return batch_page(request, batch, 3, "insurance/batch_roster.html", roster_context(request, batch))


@require_POST
@roles_required(EMPLOYER)
def batch_payment(request, pk):
    """选择参保缴费方式 (一旦选择，不能修改)."""
    batch = agent_batch(request, pk)
    form = PaymentForm(request.POST, request.FILES, premium=batch.plan_year.premium, instant=batch.kind == "instant")
    if form.is_valid() and call_service(form, batch_services.batch_choose_payment, actor=request.user, batch=batch,
                                        method=form.cleaned_data["payment_method"],
                                        amount=form.cleaned_data.get("withholding_amount"),
                                        form=form.cleaned_data.get("withholding_form")):
        messages.success(request, "参保缴费方式已保存（不能修改）。请添加参保人员。")
        return redirect("insurance:batch_roster", pk=batch.pk)
    return batch_page(request, batch, 3, "insurance/batch_roster.html", roster_context(request, batch, payment_form=form))


@require_POST
@roles_required(EMPLOYER)
def withholding_form(request, pk):
    """上传（更换）已盖章的委托代扣款申请表."""
    batch = agent_batch(request, pk)
    form = WithholdingFormUpload(request.POST, request.FILES)
    if form.is_valid() and call_service(form, batch_services.batch_withholding_form, actor=request.user, batch=batch,
                                        form=form.cleaned_data["withholding_form"]):
        messages.success(request, "委托代扣款申请表已上传。")
        return redirect("insurance:batch_roster", pk=batch.pk)
    return batch_page(request, batch, 3, "insurance/batch_roster.html",
                      roster_context(request, batch, withholding_upload=form))


@require_POST
@roles_required(EMPLOYER)
def roster_import(request, pk):
    """导入参保名单: check every row; on failure the errors and the marked file, nothing stored; on
    success a preview of the counts (the file waits for 确认导入)."""
    batch = agent_batch(request, pk)
    form = RosterUploadForm(request.POST, request.FILES)
    context = {}
    if form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            services.roster_may_change(request.user, batch)
            checked = services.roster_check(batch=batch, file=upload)
        except services.RosterRejected as rejected:
            token = secrets.token_urlsafe(12)
            cache.set(_key(request, batch, "errors", token), rejected.workbook(), KEEP_S)
            form.add_error("file", rejected.message)
            context = {"problems": rejected.as_list()[:SHOWN_PROBLEMS], "problem_count": len(rejected.problems),
                       "errors_token": token}
        except DomainError as error:
            add_domain_error(form, error)
        else:
            token = secrets.token_urlsafe(12)
            cache.set(_key(request, batch, "upload", token), (upload.name, checked.data), KEEP_S)
            context = {"preview": checked.counts, "preview_token": token, "preview_name": upload.name,
                       "replacing": active_members(batch).count()}
    return batch_page(request, batch, 3, "insurance/batch_roster.html",
                      roster_context(request, batch, upload_form=form, **context))


@require_POST
@roles_required(EMPLOYER)
def roster_confirm(request, pk):
    """确认导入: the previewed file replaces the roster (checked again: the batch may have moved)."""
    batch = agent_batch(request, pk)
    kept = cache.get(_key(request, batch, "upload", request.POST.get("token", "")))
    if kept is None:
        messages.error(request, "导入预览已过期，请重新上传参保名单。")
        return redirect("insurance:batch_roster", pk=batch.pk)
    name, data = kept
    try:
        batch = services.batch_import_roster(actor=request.user, batch=batch, file=ContentFile(data, name=name))
    except services.RosterRejected as rejected:
        messages.error(request, rejected.message + "（名单在预览后发生了变化，请重新上传）")
        return redirect("insurance:batch_roster", pk=batch.pk)
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("insurance:batch_roster", pk=batch.pk)
    cache.delete(_key(request, batch, "upload", request.POST.get("token", "")))
    messages.success(request, f"成功导入参保人数：{active_members(batch).count()}人。请点击“提交系统校验”。")
    return redirect("insurance:batch_roster", pk=batch.pk)


@roles_required(EMPLOYER)
def roster_errors(request, pk, token):
    """The agent's own file back with an 错误说明 column and each bad cell marked."""
    batch = agent_batch(request, pk)
    data = cache.get(_key(request, batch, "errors", token))
    if data is None:
        raise Http404("标注错误的名单已过期，请重新上传")
    response = HttpResponse(data, content_type=XLSX)
    response["Content-Disposition"] = "attachment; filename*=UTF-8''%E5%8F%82%E4%BF%9D%E5%90%8D%E5%8D%95-%E9%94%99%E8%AF%AF%E8%AF%B4%E6%98%8E.xlsx"
    return response


@roles_required(EMPLOYER)
def member_new(request, pk):
    """新增参保人员."""
    batch = agent_batch(request, pk)
    form = MemberForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = {key: form.cleaned_data.get(name) for key, name in FIELDS.items()}
        try:
            member = services.member_add(actor=request.user, batch=batch, data=data)
        except services.RosterRejected as rejected:
            for problem in rejected.problems:
                form.add_error(FIELDS.get(problem.column), problem.message)
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, f"已新增参保人员“{member.name}”。")
            return redirect("insurance:batch_roster", pk=batch.pk)
    return batch_page(request, batch, 3, "insurance/member_form.html", {"form": form})


@roles_required(EMPLOYER)
def member_detail(request, pk, member_id):
    """查看: one member; the full document number only on request, and audited."""
    batch = agent_batch(request, pk)
    member = member_for(request.user, batch, member_id)
    full = None
    if request.method == "POST" and "reveal" in request.POST:
        full = pii_reveal(actor=request.user, obj=member, field="id_number", label="证件号码")
    return batch_page(request, batch, 3, "insurance/member_detail.html", {"member": member, "full_id": full})


@require_POST
@roles_required(EMPLOYER)
def members_delete(request, pk):
    """删除 / 批量删除 (the ticked rows, or one row's own button)."""
    batch = agent_batch(request, pk)
    one = request.GET.get("one", "")
    ids = [int(one)] if one.isdigit() else [int(v) for v in request.POST.getlist("members") if v.isdigit()]
    try:
        count = services.members_delete(actor=request.user, batch=batch, member_ids=ids)
        messages.success(request, f"已删除{count}人。")
    except DomainError as error:
        messages.error(request, error.message)
    back = "insurance:batch_results" if request.POST.get("back") == "results" else "insurance:batch_roster"
    return redirect(back, pk=batch.pk)


@require_POST
@roles_required(EMPLOYER)
def roster_clear(request, pk):
    """清空参保名单."""
    batch = agent_batch(request, pk)
    try:
        count = services.roster_clear(actor=request.user, batch=batch)
        messages.success(request, f"参保名单已清空（{count}人）。")
    except DomainError as error:
        messages.error(request, error.message)
    return redirect("insurance:batch_roster", pk=batch.pk)


@roles_required(EMPLOYER)
def roster_template(request):
    """下载参保名单导入模板."""
    response = HttpResponse(template_workbook(ROSTER_TEMPLATE), content_type=XLSX)
    response["Content-Disposition"] = "attachment; filename*=UTF-8''%E5%8F%82%E4%BF%9D%E5%90%8D%E5%8D%95%E5%AF%BC%E5%85%A5%E6%A8%A1%E6%9D%BF.xlsx"
    return response


@roles_required(EMPLOYER)
def withholding_template(request):
    """下载“委托代扣款申请表”样稿 (to print, sign, stamp and upload)."""
    _html, pdf = render_pdf("pdf/insurance_withholding_form.html", {"title": "委托代扣款申请表"})
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = "attachment; filename*=UTF-8''%E5%A7%94%E6%89%98%E4%BB%A3%E6%89%A3%E6%AC%BE%E7%94%B3%E8%AF%B7%E8%A1%A8.pdf"
    return response
