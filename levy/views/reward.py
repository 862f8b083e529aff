"""超比例奖励申请 and 缓减免申请 for employers (issue 18). Thin views: parse, select, call one service,
render or redirect."""

from django.contrib import messages
from django.shortcuts import redirect, render

from employers.selectors import employer_for_agent
from levy.choices import AssessmentStatus, RewardStatus
from levy.forms import ReliefForm, RewardForm
from levy.models import LevyAssessment
from levy.selectors import PolicyMissing, policy_for
from levy.selectors.assessment import assessment_view
from levy.selectors.reward import (
    MONTH_NAMES,
    payout_state,
    payouts_of,
    qualifying_rows,
    relief_limit_text,
    reliefs_of_unit,
    reward_data_year,
    reward_of_unit,
    reward_preview,
    rewards_of_unit,
)
from levy.services.relief import relief_submit
from levy.services.reward import reward_apply, reward_resubmit
from portal.access import roles_required
from portal.exceptions import DomainError
from portal.roles import EMPLOYER
from portal.views.base import call_service
from portal.workflow import can


def _posted(request):
    return request.POST if request.method == "POST" else None


def _year(request) -> int:
    try:
        return int(request.GET.get("year", reward_data_year()))
    except ValueError:
        return reward_data_year()


def _preview(employer, year: int, budget_funded: bool):
    """超比例奖励信息, or the reason there is none yet (an uncertified year, a missing policy row)."""
    try:
        return reward_preview(employer=employer, data_year=year, budget_funded=budget_funded), ""
    except DomainError as error:
        return None, error.message


@roles_required(EMPLOYER)
def rewards(request):
    """超比例奖励申请: the unit's applications and where each stands; a way to apply for last year."""
    employer = employer_for_agent(request.user)
    year = reward_data_year()
    mine = list(rewards_of_unit(employer))
    return render(request, "levy/rewards.html", {
        "rewards": mine, "year": year, "applied": any(r.data_year == year for r in mine),
        "years": [year - i for i in range(3)]})


@roles_required(EMPLOYER)
def reward_apply_view(request):
    """The application: 超比例奖励信息 from the engine with its explanation, the 银行卡信息, the
    attachments; 提交 gives a receipt."""
    employer = employer_for_agent(request.user)
    year = _year(request)
    existing = rewards_of_unit(employer).filter(data_year=year).first()
    if existing is not None:
        messages.info(request, f"{year}年度已提交过超比例奖励申请。")
        return redirect("levy:reward_detail", pk=existing.pk)
    form = RewardForm(_posted(request), request.FILES or None, initial={"payee_name": employer.name})
    budget = form.is_bound and request.POST.get("budget_funded") == "yes"
    preview, problem = _preview(employer, year, budget)
    if form.is_valid():
        reward = call_service(form, reward_apply, actor=request.user, employer=employer, data_year=year,
                              **form.service_data())
        if reward is not None:
            messages.success(request, f"超比例奖励申请已提交，申请编号{reward.reference}，请等待残联初审。")
            return redirect("levy:reward_detail", pk=reward.pk)
    return render(request, "levy/reward_form.html", {
        "form": form, "year": year, "employer": employer, "preview": preview, "problem": problem,
        "result": preview.result if preview else None, "title": "超比例奖励申请"})


@roles_required(EMPLOYER)
def reward_detail(request, pk: int):
    """One application: its state, figures, the receipt, the 奖励审核认定书 and where the payout is."""
    employer = employer_for_agent(request.user)
    reward = reward_of_unit(employer, pk)
    return render(request, "levy/reward_detail.html", {
        "r": reward, "payouts": payouts_of(reward), "payout_state": payout_state(reward),
        "rows": qualifying_rows(reward.certified), "months": MONTH_NAMES,
        "can_resubmit": can(request.user, reward, "resubmit"),
        "approved": reward.status in (RewardStatus.APPROVED, RewardStatus.PAID)})


@roles_required(EMPLOYER)
def reward_edit(request, pk: int):
    """A returned application: correct it and 重新提交."""
    employer = employer_for_agent(request.user)
    reward = reward_of_unit(employer, pk)
    if not can(request.user, reward, "resubmit"):
        return redirect("levy:reward_detail", pk=reward.pk)
    initial = {"budget_funded": "yes" if reward.budget_funded else "no", "payee_name": reward.payee_name,
               "bank_name": reward.bank_name, "account_number": reward.account_number, "bank_kind": reward.bank_kind}
    form = RewardForm(_posted(request), request.FILES or None, initial=initial)
    if form.is_valid():
        done = call_service(form, reward_resubmit, actor=request.user, reward=reward, **form.service_data())
        if done is not None:
            messages.success(request, "已修改并重新提交，请等待审核。")
            return redirect("levy:reward_detail", pk=reward.pk)
    preview, problem = _preview(employer, reward.data_year, reward.budget_funded)
    return render(request, "levy/reward_form.html", {
        "form": form, "year": reward.data_year, "employer": employer, "preview": preview, "problem": problem,
        "result": preview.result if preview else None, "reward": reward, "title": "修改超比例奖励申请"})


# --- 缓减免 ---------------------------------------------------------------------------------------------


@roles_required(EMPLOYER)
def relief(request):
    """缓减免申请: the unit's applications and, for an unpaid assessment, the form."""
    employer = employer_for_agent(request.user)
    assessment = (LevyAssessment.objects.filter(employer=employer, status__in=[AssessmentStatus.SUBMITTED,
                                                                               AssessmentStatus.OVERDUE])
                  .order_by("-collection_year").first())
    form = ReliefForm(_posted(request), request.FILES or None)
    if assessment is not None and form.is_valid():
        data = form.cleaned_data
        done = call_service(form, relief_submit, actor=request.user, assessment=assessment, kind=data["kind"],
                            reason=data["reason"], amount=data.get("amount"), months=data.get("months"),
                            files=data.get("evidence") or [])
        if done is not None:
            messages.success(request, "缓减免申请已提交，税务主管部门审核后会以通知告知。")
            return redirect("levy:relief")
    limits = ""
    if assessment is not None:
        try:
            limits = relief_limit_text(policy_for(employer.admin_region_id, assessment.collection_year),
                                       assessment.levy_amount)
        except PolicyMissing as error:
            limits = error.message
    return render(request, "levy/relief.html", {
        "form": form, "a": assessment, "view": assessment_view(assessment) if assessment else None,
        "limits": limits, "reliefs": reliefs_of_unit(employer)})
