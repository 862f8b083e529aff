"""用人单位注册, and 单位信息维护管理: the unit's data, its related units and its agents."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from employers.forms import InviteForm, RegistrationForm, RelatedUnitForm, UnitForm
from employers.invitations import invitation_lifetime_text, invitation_tokens
from employers.locks import region_change_blocked
from employers.selectors import (
    agent_is_registrant,
    agents_of,
    employer_for_agent,
    enterprise_record,
    related_units_of,
)
from employers.services import (
    agent_invite,
    agent_remove,
    employer_register,
    employer_update,
    registration_problems,
    related_unit_add,
    related_unit_delete,
    related_unit_update,
)
from portal.access import public, roles_required
from portal.exceptions import DomainError
from portal.pii import pii_reveal
from portal.roles import EMPLOYER
from portal.views.auth import PasswordResetConfirmView
from portal.views.base import call_service


@public
def register_view(request):
    """用人单位注册."""
    if request.user.is_authenticated:
        return redirect("home")
    form = RegistrationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        user = call_service(
            form, employer_register, name=data["name"], credit_code=data["credit_code"], region=data["region"],
            email=data["email"], phone=data["phone"], password=data["password1"], full_name=data["full_name"],
        )
        if user is not None:
            messages.success(request, f"{user.full_name}，您好：注册成功。请使用邮箱 {user.username} 和您设置的密码登录。")
            return redirect("login")
    elif request.method == "POST":
        # the rules too, for the fields that were well formed: every problem in one round (issue 15)
        data = form.cleaned_data
        for problem in registration_problems(credit_code=data.get("credit_code"), email=data.get("email"),
                                             password=request.POST.get("password1"),
                                             full_name=data.get("full_name", "")):
            if problem.field not in form.errors:
                form.add_error(problem.field, problem.message)
    return render(request, "employers/register.html", {"form": form})


class InvitationAcceptView(PasswordResetConfirmView):
    """经办人邀请链接: the invited colleague sets a first password (the link lasts
    INVITATION_TIMEOUT, longer than a password reset's hour; employers.invitations)."""

    public = True
    token_generator = invitation_tokens
    template_name = "employers/invitation_accept.html"

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "lifetime": invitation_lifetime_text()}


@roles_required(EMPLOYER)
def unit_view(request):
    """单位基本信息 (first panel) and 关联单位 (second panel), as the manual lays them out."""
    employer = employer_for_agent(request.user)
    registry = enterprise_record(employer)
    initial = {}
    if registry and not employer.registered_address:
        initial["registered_address"] = registry.address  # prefilled from the enterprise registry
    form = UnitForm(request.POST or None, instance=employer, initial=initial)
    if request.method == "POST" and form.is_valid():
        if call_service(form, employer_update, actor=request.user, employer=employer, data=dict(form.cleaned_data)):
            messages.success(request, "单位信息已保存。")
            return redirect("employers:unit")
    return _unit_page(request, employer, form, registry=registry, prefilled=bool(initial))


def _unit_page(request, employer, form, revealed=None, registry=None, prefilled=False):
    return render(
        request,
        "employers/unit.html",
        {
            "employer": employer,
            "form": form,
            "related_units": related_units_of(employer),
            "agents": agents_of(employer),
            "regions_locked": region_change_blocked(employer),
            "revealed": revealed,
            "registry": registry,
            "prefilled": prefilled,
        },
    )


@require_POST
@roles_required(EMPLOYER)
def unit_reveal_legal_rep(request):
    """显示完整的法人证件号 (audited)."""
    employer = employer_for_agent(request.user)
    value = pii_reveal(actor=request.user, obj=employer, field="legal_rep_id_number", label="法人证件号")
    return _unit_page(request, employer, UnitForm(instance=employer), revealed=value)


@roles_required(EMPLOYER)
def related_unit_new(request):
    employer = employer_for_agent(request.user)
    form = RelatedUnitForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "evidence"}
        unit = call_service(form, related_unit_add, actor=request.user, employer=employer, data=data,
                            evidence_file=form.cleaned_data["evidence"])
        if unit:
            messages.success(request, f"已添加关联单位“{unit.name}”。")
            return redirect("employers:unit")
    return render(request, "employers/related_unit_form.html", {"form": form, "employer": employer})


@roles_required(EMPLOYER)
def related_unit_edit(request, pk: int):
    employer = employer_for_agent(request.user)
    unit = get_object_or_404(related_units_of(employer), pk=pk)
    initial = {f: getattr(unit, f) for f in ("relation", "credit_code", "tax_registration_no", "org_code", "name",
                                             "phone", "address")}
    initial["region"] = unit.region_id
    form = RelatedUnitForm(request.POST or None, request.FILES or None, initial=initial, editing=True)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "evidence"}
        if call_service(form, related_unit_update, actor=request.user, unit=unit, data=data,
                        evidence_file=form.cleaned_data.get("evidence")):
            messages.success(request, f"已保存关联单位“{unit.name}”。")
            return redirect("employers:unit")
    return render(request, "employers/related_unit_form.html", {"form": form, "employer": employer, "unit": unit})


@require_POST
@roles_required(EMPLOYER)
def related_unit_delete_view(request, pk: int):
    employer = employer_for_agent(request.user)
    unit = get_object_or_404(related_units_of(employer), pk=pk)
    related_unit_delete(actor=request.user, unit=unit)
    messages.success(request, f"已删除关联单位“{unit.name}”。")
    return redirect("employers:unit")


@roles_required(EMPLOYER)
def agent_list(request):
    """经办人管理: the registering agent invites and removes colleagues; others see the list."""
    employer = employer_for_agent(request.user)
    is_registrant = agent_is_registrant(request.user)
    form = InviteForm(request.POST or None)
    if request.method == "POST":
        if not is_registrant:
            messages.error(request, "只有本单位的注册经办人可以邀请经办人。")
            return redirect("employers:agents")
        if form.is_valid():
            agent = call_service(form, agent_invite, actor=request.user, employer=employer, **form.cleaned_data)
            if agent:
                messages.success(request, f"已向 {agent.user.email} 发送邀请邮件。邀请链接{invitation_lifetime_text()}内有效，"
                                          "对方设置密码后即可登录；过期后可移除并重新邀请。")
                return redirect("employers:agents")
    return render(
        request, "employers/agent_list.html",
        {"employer": employer, "agents": agents_of(employer), "form": form, "is_registrant": is_registrant,
         "lifetime": invitation_lifetime_text()},
    )


@require_POST
@roles_required(EMPLOYER)
def agent_remove_view(request, pk: int):
    employer = employer_for_agent(request.user)
    agent = get_object_or_404(agents_of(employer), pk=pk)
    try:
        agent_remove(actor=request.user, agent=agent)
        messages.success(request, f"已移除经办人 {agent.user.display_name}，其账号已停用。")
    except DomainError as error:
        messages.error(request, error.message)
    return redirect("employers:agents")
