"""The reviewer console's entry and 通知公告管理. Staff have one 工作台, the home page (its queue
section is backoffice.home): /backoffice/ only leads there (issue 15, 11)."""

from django.shortcuts import redirect, render

from portal.access import roles_required
from portal.models import Notice
from portal.notices import notices_visible
from portal.roles import FEDERATION
from portal.views.base import paginate


@roles_required(FEDERATION)
def dashboard(request):
    """The old address of 审核工作台: the one 工作台 is the home page."""
    return redirect("home")


@roles_required(FEDERATION)
def announcements(request):
    """通知公告 of the region: what reviewers published, newest first, and 发布通知."""
    qs = notices_visible(request.user).filter(kind=Notice.Kind.ANNOUNCEMENT, employer__isnull=True) \
        .select_related("created_by").order_by("-published_at", "-pk")
    page, query = paginate(request, qs)
    return render(request, "backoffice/announcements.html", {"page": page, "query": query})
