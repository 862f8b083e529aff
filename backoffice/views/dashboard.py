"""The reviewer console's entry and 通知公告管理. Staff have one 工作台, the home page (its queue
section is backoffice.home): /backoffice/ only leads there (issue 15, 11)."""

from django.shortcuts import redirect, render

from placement.selectors.queues import unit_overview as unit_overview_of
from portal.access import roles_required
from portal.notices import notices_managed
from portal.roles import ADMIN, FEDERATION
from portal.views.base import paginate


@roles_required(FEDERATION)
def dashboard(request):
    """The old address of 审核工作台: the one 工作台 is the home page."""
    return redirect("home")


@roles_required(FEDERATION)
def announcements(request):
    """通知公告管理: the region's announcements, newest first, each to 修改 or 撤回 (the withdrawn ones
    marked), and 发布通知."""
    qs = notices_managed(request.user).order_by("-published_at", "-pk")
    page, query = paginate(request, qs)
    return render(request, "backoffice/announcements.html", {"page": page, "query": query})


@roles_required(FEDERATION | ADMIN)
def unit_overview(request, pk: int):
    """残疾人安置管理 of one unit: all its years with their persons, its requests and its history."""
    return render(request, "backoffice/unit_overview.html", unit_overview_of(request.user, pk))
