"""残保金征缴 for employers: 智能引导 → 办理须知 → 信息确认 (with 申请异议) → 核定 → 确认处理信息 →
申报成功 (payment, 缴费凭证). Thin views: parse, select, call one service, render or redirect. Each
step page sends a unit whose assessment is elsewhere to the step it is at."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse

from employers.selectors import employer_for_agent
from levy.choices import AssessmentMethod, AssessmentStatus, BaseChange, ObjectionKind, Outcome
from levy.forms import DeclaredForm, GuideForm, NoticeForm, ObjectionForm, PayForm, RewardChoiceForm
from levy.models import Objection
from levy.selectors.assessment import (
    DECLARE,
    assessment_of_unit,
    assessment_view,
    current_collection_year,
    guide_answer,
    roster_rows,
)
from levy.services import assessment as services
from levy.services.objection import objection_submit
from levy.services.payment import payment_request
from portal.access import roles_required
from portal.feeds.types import months_of
from portal.roles import EMPLOYER
from portal.views.base import call_service
from portal.workflow import can

S = AssessmentStatus
STEP_LABELS = [(1, "信息确认"), (2, "核定"), (3, "确认处理信息")]
STEP_OF = {S.DRAFT: "levy:confirm", S.OBJECTION: "levy:confirm", S.CONFIRMED: "levy:roster",
           S.ASSESSED: "levy:outcome"}


def _years(request) -> dict:
    return {"year_choices": [current_collection_year() - i for i in range(3)]}


def _step_url(assessment) -> str:
    year = assessment.collection_year
    if not assessment.notice_agreed_at:
        return reverse("levy:notice", args=[year])
    return reverse(STEP_OF.get(assessment.status, "levy:done"), args=[year])


def _assessment(request, year: int):
    employer = employer_for_agent(request.user)
    assessment = assessment_of_unit(employer=employer, collection_year=year)
    if assessment is None:
        raise Http404("本年度尚未开始办理残保金征缴")
    return assessment


def _wrong_step(assessment, *statuses):
    """A redirect to where the assessment is, when it is not at this page's step."""
    if assessment.status not in statuses or not assessment.notice_agreed_at:
        return redirect(_step_url(assessment))
    return None


def _posted(request):
    return request.POST if request.method == "POST" else None


@roles_required(EMPLOYER)
def home(request):
    """残保金征缴: the current collection year's assessment (or the guide), and earlier years."""
    employer = employer_for_agent(request.user)
    year = current_collection_year()
    try:
        year = int(request.GET.get("year", year))
    except ValueError:
        pass
    assessment = assessment_of_unit(employer=employer, collection_year=year)
    if assessment is not None:
        return redirect(_step_url(assessment))
    return redirect("levy:guide", year=year)


@roles_required(EMPLOYER)
def guide(request, year: int):
    """智能引导: does the unit employ disabled persons; has it filed its placement declaration?"""
    employer = employer_for_agent(request.user)
    existing = assessment_of_unit(employer=employer, collection_year=year)
    if existing is not None:
        return redirect(_step_url(existing))
    form = GuideForm(_posted(request))
    answer = None
    if form.is_valid():
        has_disabled = form.cleaned_data["has_disabled"] == "yes"
        answer = guide_answer(employer=employer, collection_year=year, has_disabled=has_disabled)
        assessment = call_service(form, services.assessment_open, actor=request.user, employer=employer,
                                  collection_year=year, has_disabled=has_disabled)
        if assessment is not None:
            return redirect("levy:notice", year=year)
    known = guide_answer(employer=employer, collection_year=year, has_disabled=None)
    return render(request, "levy/guide.html", {
        "form": form, "year": year, "data_year": year - 1, "answer": answer, "known": known,
        "route_declare": DECLARE, **_years(request)})


@roles_required(EMPLOYER)
def notice(request, year: int):
    """办理须知: read and agree."""
    assessment = _assessment(request, year)
    form = NoticeForm(_posted(request))
    if form.is_valid() and call_service(form, services.notice_agree, actor=request.user, assessment=assessment):
        return redirect("levy:confirm", year=year)
    return render(request, "levy/notice.html", {"form": form, "assessment": assessment, "year": year})


@roles_required(EMPLOYER)
def confirm(request, year: int):
    """信息确认: the unit's data and the two figures (the registry's, or the 申报表's), then 下一步."""
    assessment = _assessment(request, year)
    wrong = _wrong_step(assessment, S.DRAFT, S.OBJECTION)
    if wrong:
        return wrong
    declared = assessment.method == AssessmentMethod.DECLARED
    initial = {"headcount": assessment.declared_headcount, "wage_total": assessment.declared_wage_total}
    form = DeclaredForm(_posted(request) if declared else None, initial=initial)
    if request.method == "POST":
        ok = True
        if declared:
            ok = form.is_valid() and call_service(
                form, services.declared_figures_save, actor=request.user, assessment=assessment,
                headcount=form.cleaned_data["headcount"], wage_total=form.cleaned_data["wage_total"]) is not None
            if ok and "calculate" in request.POST:
                return redirect("levy:confirm", year=year)
        if ok:
            assessment = assessment_of_unit(employer=assessment.employer, collection_year=year)
            if call_service(form, services.assessment_confirm, actor=request.user, assessment=assessment):
                return redirect("levy:roster", year=year)
    view = assessment_view(assessment)
    objections = Objection.objects.filter(assessment=assessment).order_by("-submitted_at")
    return render(request, "levy/confirm.html", {
        "a": assessment, "view": view, "form": form, "declared": declared, "year": year,
        "objections": objections, "can_object": can(request.user, assessment, "object_to"),
        "can_confirm": can(request.user, assessment, "confirm"), "step": 1, "step_labels": STEP_LABELS,
        "change_labels": dict(BaseChange.choices),
    })


@roles_required(EMPLOYER)
def objection_new(request, year: int):
    """残保金异议处理申请: one of the three kinds, with its table or its material."""
    assessment = _assessment(request, year)
    months = list(months_of(assessment.data_year))
    initial = {"kind": request.GET.get("kind", "")}
    for row in (assessment.figures or {}).get("months", []):
        m = row["month"]
        initial.update({f"base_{m}": row.get("base") or "", f"capped_{m}": row.get("capped_base") or "",
                        f"accounts_{m}": "" if row.get("accounts") is None else row["accounts"]})
    for code, row in (assessment.figures or {}).get("changes", {}).items():
        initial.update({f"change_{code}_base": row["base"], f"change_{code}_capped": row["capped_base"]})
    initial["is_business_registered"] = "yes" if assessment.is_business_registered else "no"
    initial["is_concentrated"] = "yes" if assessment.is_concentrated else "no"
    form = ObjectionForm(_posted(request), request.FILES or None, months=months, initial=initial)
    if form.is_valid():
        material = form.cleaned_data.get("material")
        objection = call_service(form, objection_submit, actor=request.user, assessment=assessment,
                                 kind=form.cleaned_data["kind"], data=form.service_data(),
                                 files=[material] if material else [])
        if objection is not None:
            messages.success(request, "异议处理申请已提交，税务部门处理后会以通知告知，请留意通知公告。")
            return redirect("levy:confirm", year=year)
    kind = (form.data.get("kind") if form.is_bound else initial["kind"]) or ""
    return render(request, "levy/objection_form.html", {
        "a": assessment, "form": form, "year": year, "kind": kind, "kinds": ObjectionKind,
        "can_object": can(request.user, assessment, "object_to")})


@roles_required(EMPLOYER)
def objection_detail(request, year: int, pk: int):
    """The objection with the original and corrected figures and both levies side by side."""
    assessment = _assessment(request, year)
    objection = Objection.objects.filter(assessment=assessment, pk=pk).first()
    if objection is None:
        raise Http404("未找到该异议申请")
    return render(request, "levy/objection_detail.html", {"a": assessment, "o": objection, "year": year,
                                                          "diff": objection_diff(objection)})


def objection_diff(objection) -> list[tuple[str, object, object]]:
    """(label, original, corrected) rows for the side-by-side view."""
    before, after = objection.before, objection.decided or objection.proposed
    if objection.kind == ObjectionKind.NATURE:
        labels = {"is_business_registered": "是否工商注册的企业", "is_concentrated": "是否为残疾人集中就业单位"}
        return [(label, "是" if before.get(k) else "否", "是" if after.get(k) else "否") for k, label in labels.items()]
    if objection.kind == ObjectionKind.HEADCOUNT:
        months = months_of(objection.assessment.data_year)
        return [(f"{m} 帐户人数", b, a) for m, b, a in
                zip(months, before.get("accounts", []), after.get("accounts", []), strict=False)]
    rows = []
    for b, a in zip(before.get("months", []), after.get("months", []), strict=False):
        rows.append((f"{a['month']} 2倍封顶后基数合计", b.get("capped_base"), a.get("capped_base")))
        rows.append((f"{a['month']} 帐户人数", b.get("accounts"), a.get("accounts")))
    for code, a in after.get("changes", {}).items():
        rows.append((f"变更 {code} 封顶后", before.get("changes", {}).get(code, {}).get("capped_base"), a["capped_base"]))
    return rows


@roles_required(EMPLOYER)
def roster(request, year: int):
    """核定: the 残疾职工名册 from the certified snapshot, 核定人数 and 核定比例; 上一步 / 下一步."""
    assessment = _assessment(request, year)
    wrong = _wrong_step(assessment, S.CONFIRMED)
    if wrong:
        return wrong
    form = NoticeForm(None)
    if request.method == "POST":
        service = services.assessment_revise if "back" in request.POST else services.assessment_assess
        if call_service(form, service, actor=request.user, assessment=assessment):
            return redirect("levy:confirm" if "back" in request.POST else "levy:outcome", year=year)
    view = assessment_view(assessment)
    return render(request, "levy/roster.html", {"a": assessment, "view": view, "year": year, "form": form,
                                                "rows": roster_rows(assessment), "step": 2,
                                                "step_labels": STEP_LABELS})


@roles_required(EMPLOYER)
def outcome(request, year: int):
    """确认处理信息: the outcome with the engine's explanation, 确认提交."""
    assessment = _assessment(request, year)
    wrong = _wrong_step(assessment, S.ASSESSED)
    if wrong:
        return wrong
    form = NoticeForm(None)
    if request.method == "POST":
        if "back" in request.POST:
            if call_service(form, services.assessment_revise, actor=request.user, assessment=assessment):
                return redirect("levy:confirm", year=year)
        elif call_service(form, services.assessment_submit, actor=request.user, assessment=assessment):
            return redirect("levy:done", year=year)
    view = assessment_view(assessment)
    return render(request, "levy/outcome.html", {
        "a": assessment, "view": view, "year": year, "form": form, "step": 3, "step_labels": STEP_LABELS,
        "sentence": services.outcome_text(assessment), "outcomes": Outcome,
        "can_submit": can(request.user, assessment, "submit")})


@roles_required(EMPLOYER)
def done(request, year: int):
    """申报成功 and after: the 统一审批编码, the receipt, payment and the 缴费凭证, the reward choice."""
    assessment = _assessment(request, year)
    if assessment.status in STEP_OF or not assessment.notice_agreed_at:
        return redirect(_step_url(assessment))
    pay_form = PayForm(request.POST if request.method == "POST" and "method" in request.POST else None)
    reward_form = RewardChoiceForm(request.POST if request.method == "POST" and "apply" in request.POST else None)
    if pay_form.is_bound and pay_form.is_valid():
        payment = call_service(pay_form, payment_request, actor=request.user, assessment=assessment,
                               method=pay_form.cleaned_data["method"])
        if payment is not None:
            messages.success(request, f"缴费单{payment.reference}已提交银行处理，处理结果会显示在本页并以通知告知。")
            return redirect("levy:done", year=year)
    if reward_form.is_bound and reward_form.is_valid():
        chosen = call_service(reward_form, services.reward_choose, actor=request.user, assessment=assessment,
                              apply=reward_form.cleaned_data["apply"] == "yes")
        if chosen is not None and chosen.reward_choice == "yes":  # on to the application (the manual's 是)
            return redirect(f"{reverse('levy:reward_apply')}?year={chosen.data_year}")
        if chosen is not None:
            return redirect("levy:done", year=year)
    view = assessment_view(assessment)
    payments = list(assessment.payments.order_by("-requested_at"))
    return render(request, "levy/done.html", {
        "a": assessment, "view": view, "year": year, "pay_form": pay_form, "reward_form": reward_form,
        "payments": payments, "in_flight": any(p.in_flight for p in payments),
        "can_pay": assessment.status in (S.SUBMITTED, S.OVERDUE) and not any(p.in_flight for p in payments),
        "sentence": services.outcome_text(assessment), "outcomes": Outcome})
