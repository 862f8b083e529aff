"""超比例奖励 for federation staff (issue 18): the review queue (待初审 / 待复审 with the failed payouts'
alert), the decision page of each level (通过 / 退回 / 不通过, four eyes on the spine), 重新发放 after
a failed payout, and the window's 申办: search a unit of the region, see its qualifying employees
month by month from the certified snapshot and the computed reward, enter the bank account and file
it for a supervisor's 复核. Thin views over levy's selectors and services."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from backoffice.levy_filters import RewardFilter
from backoffice.views.common import console_list
from levy.choices import RewardStatus
from levy.forms import ReviewDecisionForm, RewardForm, UnitSearchForm
from levy.selectors.reward import (
    MONTH_NAMES,
    payout_retry_problem,
    payout_state,
    payouts_failed,
    payouts_of,
    qualifying_rows,
    reward_data_year,
    reward_decision,
    reward_for_staff,
    reward_preview,
    rewards_visible,
    unit_for_staff,
    unit_search,
    window_editable,
)
from levy.services.reward import (
    payout_retry,
    reward_first_decide,
    reward_initiate,
    reward_resubmit,
    reward_second_decide,
)
from portal.access import roles_required
from portal.exceptions import DomainError
from portal.roles import ADMIN, FEDERATION
from portal.views.base import call_service

STAFF = FEDERATION | ADMIN
RS = RewardStatus


def _posted(request):
    return request.POST if request.method == "POST" else None


@roles_required(STAFF)
def reward_queue(request):
    """超比例奖励审核: the applications of the region's units, oldest first; failed payouts on top."""
    qs = rewards_visible(request.user).order_by("submitted_at", "pk")
    return console_list(request, qs=qs, filterset=RewardFilter, template="backoffice/rewards/queue.html",
                        defaults={"status": "all"},
                        context={"failed": list(payouts_failed(request.user)[:20]), "year_label": "业务年度"})


@roles_required(STAFF)
def reward_review(request, pk: int):
    """One application: figures, qualifying employees, bank details, material; the decision of the
    level it is at (初审 or 复审 / 复核)."""
    reward = reward_for_staff(request.user, pk)
    decision = reward_decision(reward, request.user)
    form = ReviewDecisionForm(_posted(request) if decision["can_decide"] else None)
    if form.is_valid():
        service = reward_first_decide if decision["level"] == "first" else reward_second_decide
        done = call_service(form, service, actor=request.user, reward=reward, decision=form.cleaned_data["decision"],
                            reason=form.cleaned_data["reason"])
        if done is not None:
            messages.success(request, f"已处理{reward.employer.name}的超比例奖励申请（{done.status_label}）。")
            return redirect("backoffice:reward_review", pk=reward.pk)
    return render(request, "backoffice/rewards/review.html", {
        "r": reward, "form": form, **decision,
        "rows": qualifying_rows(reward.certified), "months": MONTH_NAMES, "payouts": payouts_of(reward),
        "payout_state": payout_state(reward), "files": reward.attachments.all(),
        "can_retry": payout_retry_problem(reward) is None, "can_edit": window_editable(reward, request.user)})


@require_POST
@roles_required(STAFF)
def reward_payout_retry(request, pk: int):
    """重新发放 after a failed payout."""
    reward = reward_for_staff(request.user, pk)
    try:
        payout = payout_retry(actor=request.user, reward=reward)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"已重新提交银行发放（发放单号{payout.reference}）。")
    return redirect("backoffice:reward_review", pk=reward.pk)


@roles_required(STAFF)
def reward_window(request):
    """申办 第一步: search a unit of the region by name or credit code."""
    form = UnitSearchForm(request.GET or None)
    units = unit_search(request.user, form.cleaned_data["q"]) if form.is_valid() else []
    return render(request, "backoffice/rewards/window.html", {"form": form, "units": units,
                                                              "year": reward_data_year()})


def _window_form(request, unit, *, reward=None):
    initial = {"payee_name": unit.name}
    if reward is not None:
        initial = {"budget_funded": "yes" if reward.budget_funded else "no", "payee_name": reward.payee_name,
                   "bank_name": reward.bank_name, "account_number": reward.account_number,
                   "bank_kind": reward.bank_kind}
    return RewardForm(_posted(request), request.FILES or None, initial=initial)


@roles_required(STAFF)
def reward_window_unit(request, unit_pk: int):
    """申办: the unit's qualifying employees month by month and the computed reward; 银行卡信息; 提交
    (to a supervisor's 复核)."""
    unit = unit_for_staff(request.user, unit_pk)
    year = reward_data_year()
    try:
        year = int(request.GET.get("year", year))
    except ValueError:
        pass
    existing = rewards_visible(request.user).filter(employer=unit, data_year=year).first()
    form = _window_form(request, unit)
    if existing is None and form.is_valid():
        reward = call_service(form, reward_initiate, actor=request.user, employer=unit, data_year=year,
                              **form.service_data())
        if reward is not None:
            messages.success(request, f"已提交{unit.name}的超比例奖励申请（{reward.reference}），等待业务主管复核。")
            return redirect("backoffice:reward_review", pk=reward.pk)
    budget = form.is_bound and request.POST.get("budget_funded") == "yes"
    try:
        preview, problem = reward_preview(employer=unit, data_year=year, budget_funded=budget), ""
    except DomainError as error:
        preview, problem = None, error.message
    return render(request, "backoffice/rewards/window_unit.html", {
        "unit": unit, "year": year, "form": form, "preview": preview, "problem": problem, "existing": existing,
        "result": preview.result if preview else None, "employer": unit,
        "rows": qualifying_rows(preview.certified) if preview else [], "months": MONTH_NAMES})


@roles_required(STAFF)
def reward_window_edit(request, pk: int):
    """A window application the supervisor returned: correct it and file it again."""
    reward = reward_for_staff(request.user, pk)
    if not window_editable(reward, request.user):
        return redirect("backoffice:reward_review", pk=reward.pk)
    form = _window_form(request, reward.employer, reward=reward)
    if form.is_valid():
        done = call_service(form, reward_resubmit, actor=request.user, reward=reward, **form.service_data())
        if done is not None:
            messages.success(request, "已修改并重新提交复核。")
            return redirect("backoffice:reward_review", pk=reward.pk)
    return render(request, "backoffice/rewards/window_unit.html", {
        "unit": reward.employer, "year": reward.data_year, "form": form, "reward": reward, "employer": reward.employer,
        "preview": None, "problem": "", "existing": None, "rows": qualifying_rows(reward.certified),
        "months": MONTH_NAMES, "r": reward})
