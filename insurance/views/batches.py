"""参保办理: the batch list (参保批次列表), 集中参保办理 / 即时参保办理 (① 请选择参保类型),
继续办理参保, ② 单位信息维护, 查看批次信息, 查看参保人员, 批次删除."""

from django.contrib import messages
from django.db.models import Q
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from employers.selectors import employer_for_agent
from insurance import choices as c
from insurance import predicates as p
from insurance.forms import BatchNewForm, UnitInfoForm
from insurance.selectors.codes import codes_of, name_match
from insurance.selectors.config import closed_message, plan_year_for, windows_for_display
from insurance.selectors.members import active_members, member_coverage
from insurance.selectors.scope import batches_visible
from insurance.services import batches as services
from insurance.services import codes as code_services
from insurance.views.common import B, agent_batch, batch_page, current_step
from insurance.views.money import money_page
from portal.access import roles_required
from portal.crypto import matches
from portal.exceptions import DomainError
from portal.roles import ADMIN, EMPLOYER, UNION
from portal.views.base import call_service, paginate
from portal.workflow import can

STEP_URLS = {2: "insurance:batch_unit", 3: "insurance:batch_roster", 4: "insurance:batch_results",
             5: "insurance:batch_submit"}


def _row(user, batch) -> dict:
    """One line of the list with the actions its status allows (the manual's status table)."""
    editable = p.roster_editable(batch)
    return {
        "batch": batch,
        "can_continue": batch.status in (*c.ROSTER_EDITABLE, B.VERIFYING) or money_page(batch) is not None,
        "can_edit_roster": editable, "can_delete": can(user, batch, "delete_batch"),
    }


@roles_required(EMPLOYER)
def batch_list(request):
    """参保批次列表: search by 批次号, 单位名称 and 批次状态; the two ways to start a batch above it."""
    employer_for_agent(request.user)
    qs = batches_visible(request.user)
    number, name, status, kind = (request.GET.get(k, "").strip() for k in ("number", "name", "status", "kind"))
    if number:
        qs = qs.filter(number__icontains=number)
    if name:
        qs = qs.filter(Q(code__unit_name__icontains=name) | Q(employer__name__icontains=name))
    if status in B.values:
        qs = qs.filter(status=status)
    if kind in c.BatchKind.values:
        qs = qs.filter(kind=kind)
    page, query = paginate(request, qs.order_by("-updated_at", "-id"))
    page.object_list = [_row(request.user, batch) for batch in page.object_list]
    return render(request, "insurance/batch_list.html", {
        "page": page, "query": query, "number": number, "name": name, "status": status, "kind": kind,
        "statuses": [(s.value, s.label) for s in B if s != B.DELETED], "kinds": c.BatchKind.choices,
        "windows": windows_for_display(),
        "central_open": plan_year_for(c.BatchKind.CENTRAL) is not None,
        "instant_open": plan_year_for(c.BatchKind.INSTANT) is not None,
    })


@roles_required(EMPLOYER)
def batch_new(request, kind):
    """① 请选择参保类型: 集中参保办理 or 即时参保办理 under one of the unit's codes."""
    employer = employer_for_agent(request.user)
    if kind not in c.BatchKind.values:
        return redirect("insurance:batches")
    codes = codes_of(employer)
    form = BatchNewForm(request.POST or None, codes=codes)
    plan = plan_year_for(kind)
    if request.method == "POST" and form.is_valid():
        batch = call_service(form, services.batch_create, actor=request.user, employer=employer,
                             code=form.cleaned_data["code"], kind=kind)
        if batch:
            messages.success(request, f"已创建参保批次{batch.number}，请维护单位信息。")
            return redirect("insurance:batch_unit", pk=batch.pk)
    return render(request, "insurance/batch_new.html", {
        "form": form, "kind": c.BatchKind(kind), "plan": plan, "closed": None if plan else closed_message(kind),
        "has_codes": codes.exists(), "steps": [(1, "请选择参保类型"), (2, "单位信息维护"), (3, "参保名单梳理"),
                                                (4, "校验结果查看"), (5, "提交职保会审核")], "step": 1,
    })


@roles_required(EMPLOYER)
def batch_resume(request, pk):
    """继续办理参保: the step the batch is at."""
    batch = agent_batch(request, pk)
    if money_page(batch):
        return redirect(money_page(batch), pk=batch.pk)
    if batch.status not in (*c.ROSTER_EDITABLE, B.VERIFYING):
        return redirect("insurance:batch_info", pk=batch.pk)
    return redirect(STEP_URLS[current_step(batch)], pk=batch.pk)


@roles_required(EMPLOYER)
def batch_unit(request, pk):
    """② 单位信息维护: 修改并保存, then 信息确认无误; a name the registry cannot match to the credit
    code sends the agent to 修改单位名称."""
    batch = agent_batch(request, pk)
    code = batch.code
    form = UnitInfoForm(request.POST or None, initial={f: getattr(code, f) for f in UnitInfoForm.base_fields})
    if request.method == "POST":
        if "confirm" in request.POST:
            try:
                services.batch_confirm_unit(actor=request.user, batch=batch)
            except DomainError as error:
                messages.error(request, error.message)
                return redirect("insurance:batch_unit", pk=batch.pk)
            return redirect("insurance:batch_roster", pk=batch.pk)
        if form.is_valid() and call_service(form, code_services.code_unit_update, actor=request.user, code=code,
                                            data=form.cleaned_data):
            messages.success(request, "单位信息已修改并保存。确认无误后请点击“信息确认无误”。")
            return redirect("insurance:batch_unit", pk=batch.pk)
    return batch_page(request, batch, 2, "insurance/batch_unit.html", {
        "form": form, "code": code, "match": name_match(code), "editable": p.roster_editable(batch),
    })


@roles_required(EMPLOYER)
def batch_info(request, pk):
    """查看批次信息: the batch's facts, its receipts and its timeline."""
    batch = agent_batch(request, pk)
    return batch_page(request, batch, current_step(batch), "insurance/batch_info.html", {
        "coverage": member_coverage(batch), "members": active_members(batch).count(),
        "can_delete": can(request.user, batch, "delete_batch"),
        "slip_ready": p.acceptance_slip_ready(batch, timezone.localdate()),
    })


@roles_required(EMPLOYER)
def batch_people(request, pk):
    """查看参保人员: the roster with 参保费用, 起保日期 and 终保日期."""
    batch = agent_batch(request, pk)
    qs = active_members(batch)
    term = request.GET.get("q", "").strip()
    if term:
        qs = qs.filter(matches("id_index", term.upper())) if len(term) >= 15 else qs.filter(name__icontains=term)
    page, query = paginate(request, qs)
    return batch_page(request, batch, current_step(batch), "insurance/batch_people.html", {
        "page": page, "query": query, "q": term, "coverage": member_coverage(batch),
        "premium": batch.plan_year.premium,
    })


@require_POST
@roles_required(EMPLOYER)
def batch_delete(request, pk):
    """批次删除."""
    batch = agent_batch(request, pk)
    try:
        services.batch_delete(actor=request.user, batch=batch)
        messages.success(request, f"参保批次{batch.number}已删除。")
    except DomainError as error:
        messages.error(request, error.message)
    return redirect("insurance:batches")


@roles_required(EMPLOYER | UNION | ADMIN)
def status_table(request):
    """参保流程各个状态的说明 (the manual's status table), for agents and union staff alike."""
    return render(request, "insurance/status_table.html", {"rows": c.STATUS_TABLE})
