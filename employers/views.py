"""单位信息维护管理: the unit's data and its agents."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from employers.forms import InviteForm
from employers.selectors import agent_is_registrant, agents_of, employer_for_agent
from employers.services import agent_invite, agent_remove
from portal.access import roles_required
from portal.exceptions import DomainError
from portal.roles import EMPLOYER
from portal.views.base import call_service


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
                messages.success(request, f"已向 {agent.user.email} 发送邀请邮件，对方设置密码后即可登录。")
                return redirect("employers:agents")
    return render(
        request, "employers/agent_list.html",
        {"employer": employer, "agents": agents_of(employer), "form": form, "is_registrant": is_registrant},
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


@roles_required(EMPLOYER)
def unit_view(request):
    """单位信息维护管理 (the editable page arrives with the unit-information issue)."""
    employer = employer_for_agent(request.user)
    return render(request, "employers/unit.html", {"employer": employer, "agents": agents_of(employer)})
