"""残疾人安置管理: the 添加残疾人 wizard (① 安置登记 ② 信息校验 ③ 上传附件
④ 完成登记). Views parse, call one service and render; every step saves, so an agent can leave
and come back to the same step."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from employers.selectors import employer_for_agent
from placement import choices as c
from placement import predicates
from placement.forms import CertificateForm, ContractForm, EvidenceForm, IdLookupForm, PersonForm
from placement.models import PlacedPerson
from placement.registry import prefill_lookup
from placement.selectors.declaration import declaration_of
from placement.selectors.queues import person_history
from placement.selectors.scope import person_for
from placement.selectors.year import evidence_by_upload, grid_rows, person_year, record_notice
from placement.services import evaluation, wizard
from placement.years import selected_year
from portal.access import roles_required
from portal.exceptions import DomainError
from portal.forms import add_domain_error
from portal.roles import EMPLOYER
from portal.views.base import call_service
from portal.worker import job_delay

STEPS = [(1, "安置登记"), (2, "信息校验"), (3, "上传附件"), (4, "完成登记")]
STEP_URLS = {1: "placement:step1", 2: "placement:step2", 3: "placement:step3", 4: "placement:step4"}


def _declaration(request):
    """The agent's declaration of the chosen year; unsaved (未申报) until the first write."""
    return declaration_of(employer=employer_for_agent(request.user), business_year=selected_year(request))


def _person(request, pk) -> PlacedPerson:
    """The agent's own person (404 for anyone else's)."""
    person = person_for(request.user, pk)
    if not request.user.is_employer_agent:
        raise Http404
    return person


def _wizard(request, person, step, template, context):
    editable = predicates.person_editable(person)
    reached = min(person.wizard_step, 4) if editable else 0
    context.update({
        # the steps reached so far are links back to them (issue 15: tabs that looked clickable were not)
        "person": person, "steps": [(n, label, reverse(STEP_URLS[n], args=[person.pk]) if n <= reached and n != step
                                     else "") for n, label in STEPS],
        "step": step, "year": person.declaration.business_year, "editable": editable,
    })
    return render(request, template, context)


@roles_required(EMPLOYER)
def person_new(request):
    """添加残疾人 ①: the ID number first, then the basic information prefilled from the registries."""
    declaration = _declaration(request)
    if not declaration.is_draft:
        messages.error(request, "本年度已完成申报，不能再添加残疾人。如需修改，请先申请年审申报撤回。")
        return redirect("placement:list")
    lookup = IdLookupForm(request.POST or None)
    form = prefill = None
    if request.method == "POST" and lookup.is_valid():
        id_number = lookup.cleaned_data["id_number"]
        try:
            parsed = wizard.person_check_new(declaration=declaration, id_number=id_number)
        except DomainError as error:
            add_domain_error(lookup, error)
        else:
            prefill = prefill_lookup(id_number=id_number, year=declaration.business_year)
            if "save" in request.POST:
                form = PersonForm(request.POST, request.FILES, sex=parsed.sex)
                if form.is_valid():
                    person = call_service(
                        form, wizard.person_create, actor=request.user, declaration=declaration,
                        id_number=id_number, data=form.cleaned_data, prefilled=prefill.found,
                        registry_certificates=prefill.certificates, degree_file=form.cleaned_data.get("degree_file"),
                    )
                    if person:
                        messages.success(request, f"已保存“{person.name}”的基本信息，请继续填写合同和残疾证。")
                        return redirect("placement:step1", pk=person.pk)
            else:
                form = PersonForm(initial=prefill.initial(), sex=parsed.sex)
            form.sex = parsed.sex
            form.birth_date = parsed.birth_date
    return render(request, "placement/person_new.html", {
        "lookup": lookup, "form": form, "prefill": prefill, "steps": [(n, label, "") for n, label in STEPS], "step": 1,
        "year": declaration.business_year,
    })


@roles_required(EMPLOYER)
def step1(request, pk):
    """① 安置登记: basic information, 合同管理 and 残疾证管理 on one page, as in the manual."""
    person = _person(request, pk)
    if blocked := _read_only(request, person):
        return blocked
    initial = {k: getattr(person, k) for k in wizard.PERSON_FIELDS}
    initial["hukou_region"] = person.hukou_region_id
    initial["is_graduate"] = "1" if person.is_graduate else "0"
    form = PersonForm(request.POST or None, request.FILES or None, initial=initial, sex=person.sex)
    if request.method == "POST":
        if form.is_valid() and call_service(form, wizard.person_update, actor=request.user, person=person,
                                            data=form.cleaned_data, degree_file=form.cleaned_data.get("degree_file")):
            if "next" in request.POST:
                try:
                    wizard.step1_complete(actor=request.user, person=person)
                except DomainError as error:
                    messages.error(request, error.message)
                    return redirect("placement:step1", pk=person.pk)
                return redirect("placement:step2", pk=person.pk)
            messages.success(request, "基本信息已保存。")
            return redirect("placement:step1", pk=person.pk)
    return _wizard(request, person, 1, "placement/step1.html", {
        "form": form, "contracts": person.contracts.select_related("related_unit", "dispatch_agency", "attachment"),
        "certificates": person.certificates.select_related("image"),
    })


@roles_required(EMPLOYER)
def contract_edit(request, pk, contract_id=None):
    person = _person(request, pk)
    if blocked := _read_only(request, person):
        return blocked
    contract = get_object_or_404(person.contracts, pk=contract_id) if contract_id else None
    employer = person.declaration.employer
    initial = {}
    if contract:
        initial = {k: getattr(contract, k) for k in wizard.CONTRACT_FIELDS}
        initial["is_dispatch"] = "1" if contract.is_dispatch else "0"
    form = ContractForm(request.POST or None, request.FILES or None, employer=employer, editing=bool(contract),
                        initial=initial)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k not in ("attachment", "agreement")}
        result = call_service(form, wizard.contract_save, actor=request.user, person=person, data=data,
                              attachment_file=form.cleaned_data.get("attachment"),
                              agreement_file=form.cleaned_data.get("agreement"), contract=contract)
        if result:
            _contract, warnings = result
            for warning in warnings:
                messages.warning(request, warning)
            messages.success(request, "合同已保存。")
            return redirect("placement:step1", pk=person.pk)
    return _wizard(request, person, 1, "placement/contract_form.html", {"form": form, "contract": contract})


@require_POST
@roles_required(EMPLOYER)
def contract_delete(request, pk, contract_id):
    person = _person(request, pk)
    contract = get_object_or_404(person.contracts, pk=contract_id)
    try:
        wizard.contract_delete(actor=request.user, contract=contract)
        messages.success(request, "合同已删除。")
    except DomainError as error:
        messages.error(request, error.message)
    return redirect("placement:step1", pk=person.pk)


@roles_required(EMPLOYER)
def certificate_new(request, pk):
    """残疾证管理 → 添加: a certificate the registry does not show, with its image (reviewed)."""
    person = _person(request, pk)
    if blocked := _read_only(request, person):
        return blocked
    form = CertificateForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "image"}
        if call_service(form, wizard.certificate_add_manual, actor=request.user, person=person, data=data,
                        image_file=form.cleaned_data["image"]):
            messages.success(request, "残疾证已添加，将由残联审核证件影像。")
            return redirect("placement:step1", pk=person.pk)
    return _wizard(request, person, 1, "placement/certificate_form.html", {"form": form})


@require_POST
@roles_required(EMPLOYER)
def certificate_delete(request, pk, certificate_id):
    person = _person(request, pk)
    certificate = get_object_or_404(person.certificates, pk=certificate_id)
    try:
        wizard.certificate_delete(actor=request.user, certificate=certificate)
        messages.success(request, "残疾证已删除。")
    except DomainError as error:
        messages.error(request, error.message)
    return redirect("placement:step1", pk=person.pk)


@roles_required(EMPLOYER)
def step2(request, pk):
    """② 信息校验: the month grid, filled in the background; the agent ticks the months."""
    person = _person(request, pk)
    if blocked := _read_only(request, person):
        return blocked
    if request.method == "POST":
        months = {int(m) for m in request.POST.getlist("months") if m.isdigit()}
        try:
            person = wizard.months_select(actor=request.user, person=person, months=months)
        except DomainError as error:
            messages.error(request, error.message)
            return redirect("placement:step2", pk=person.pk)
        # the service completes a registration that needs nothing more (the API does the same)
        return redirect("placement:step4" if person.registered_at else "placement:step3", pk=person.pk)
    return _wizard(request, person, 2, "placement/step2.html", _grid_context(person))


def _grid_context(person):
    model = person_year(person)
    rows = grid_rows(model)
    running = person.verification_state in (c.VerificationState.QUEUED, c.VerificationState.RUNNING)
    return {
        "rows": rows, "checks": list(c.Check), "running": running, "dispatched": model.dispatched,
        "delay": job_delay(person.verification_waiting_since) if running else None,
        "selected_count": sum(1 for r in rows if r["selected"]),
    }


@roles_required(EMPLOYER)
def step2_progress(request, pk):
    """The polled fragment: progress while verifying, then the finished grid."""
    person = _person(request, pk)
    return render(request, "placement/grid_fragment.html", {"person": person, **_grid_context(person),
                                                            "editable": predicates.person_editable(person)})


@require_POST
@roles_required(EMPLOYER)
def recheck(request, pk):
    """重新校验: ask the registries again (not for a confirmed person or decided months)."""
    person = _person(request, pk)
    try:
        wizard.person_recheck(actor=request.user, person=person)
        messages.success(request, "已重新提交系统校验，结果将自动刷新。")
    except DomainError as error:
        messages.error(request, error.message)
    return redirect("placement:step2", pk=person.pk)


@roles_required(EMPLOYER)
def step3(request, pk):
    """③ 上传附件: for each failed check of a selected month, the material to upload and why."""
    person = _person(request, pk)
    if blocked := _read_only(request, person):
        return blocked
    year = person.declaration.business_year
    needed = evaluation.evidence_needed(person)
    forms_by_check = {
        check: EvidenceForm(request.POST or None if request.POST.get("check") == check else None,
                            request.FILES or None, check=check, months=months, year=year)
        for check, months in needed.items()
    }
    if request.method == "POST":
        if "complete" in request.POST:
            try:
                wizard.registration_complete(actor=request.user, person=person)
            except DomainError as error:
                messages.error(request, error.message)
            else:
                return redirect("placement:step4", pk=person.pk)
        else:
            check = request.POST.get("check")
            form = forms_by_check.get(check)
            if form and form.is_valid():
                if call_service(form, wizard.evidence_add, actor=request.user, person=person, check=check,
                                months=form.cleaned_data["months"], file=form.cleaned_data["file"]):
                    messages.success(request, f"{c.EVIDENCE_FOR[check][0]}已上传。")
                    return redirect("placement:step3", pk=person.pk)
    missing = evaluation.evidence_missing(person)
    evidence = {}
    for row in person.evidence.select_related("upload"):
        evidence.setdefault(row.item, {}).setdefault(row.upload_id, (row.upload, []))[1].append(row.month)
    sections = [
        {"check": check, "label": c.EVIDENCE_FOR[check][0], "why": c.EVIDENCE_FOR[check][1],
         "months": months, "missing": missing.get(check, []), "form": forms_by_check[check],
         "uploaded": list(evidence.get(check, {}).values()), "check_label": c.Check(check).label}
        for check, months in needed.items()
    ]
    return _wizard(request, person, 3, "placement/step3.html", {
        "sections": sections,
        "manual_certificates": person.certificates.filter(source=c.CertificateSource.MANUAL),
        "dispatch_contracts": person.contracts.filter(is_dispatch=True),
    })


@require_POST
@roles_required(EMPLOYER)
def evidence_delete(request, pk, upload_id):
    person = _person(request, pk)
    try:
        wizard.evidence_remove(actor=request.user, person=person, upload_id=upload_id)
    except DomainError as error:
        messages.error(request, error.message)
    return redirect("placement:step3", pk=person.pk)


@roles_required(EMPLOYER)
def step4(request, pk):
    """④ 完成登记: the summary and the way back to the list."""
    person = _person(request, pk)
    return _wizard(request, person, 4, "placement/step4.html", {"counts": person_year(person).counts})


@roles_required(EMPLOYER)
def person_resume(request, pk):
    """Open a person where the agent left off; a person whose registration can no longer change
    (submitted for review, decided, or the year filed) opens the read-only record (issue 15)."""
    return redirect(person_opening(_person(request, pk)), pk=pk)


def person_opening(person) -> str:
    """The page a person opens on (its URL name): the step the agent left off at, or the read-only
    record once the registration can no longer change. The list links there directly (a redirect
    per click was a second request: issue 20); 继续登记 links elsewhere go through person_resume."""
    if not predicates.person_editable(person):
        return "placement:record"
    return STEP_URLS[min(person.wizard_step, 4)]


@roles_required(EMPLOYER)
def person_record(request, pk):
    """安置登记记录: everything the unit registered for a person and what became of it, read-only —
    contracts, certificates, the month grid with each month's answers and decision, the evidence
    with the months each file covers, and the reviewers' decisions (issue 15)."""
    person = _person(request, pk)
    model = person_year(person)
    decided = model.decisions
    rows = [{**row, "decided": decided.get(row["month"])} for row in grid_rows(model)]
    return render(request, "placement/record.html", {
        "notice": record_notice(person, request.user),
        "person": person, "year": person.declaration.business_year, "counts": model.counts,
        "rows": rows, "checks": list(c.Check), "editable": predicates.person_editable(person),
        "contracts": model.contract_rows, "certificates": model.certificate_rows,
        "evidence": evidence_by_upload(model), **person_history(person),
    })


def _read_only(request, person):
    """The wizard's pages for a person who can no longer change open the record instead: inputs
    without a save button misled agents (issue 15)."""
    if request.method == "GET" and not predicates.person_editable(person):
        return redirect("placement:record", pk=person.pk)
    return None

