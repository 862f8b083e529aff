"""工作台 of the reviewer console: the queues with their counts and how long the oldest waited, and
the region's announcements."""

from django.shortcuts import render

from backoffice.queues import queue_summary
from portal.access import roles_required
from portal.models import Notice
from portal.notices import notices_visible
from portal.roles import FEDERATION
from portal.views.base import paginate


@roles_required(FEDERATION)
def dashboard(request):
    return render(request, "backoffice/dashboard.html", {"data": {"queues": queue_summary(request.user), "home": False}})


@roles_required(FEDERATION)
def announcements(request):
    """通知公告 of the region: what reviewers published, newest first, and 发布通知."""
    qs = notices_visible(request.user).filter(kind=Notice.Kind.ANNOUNCEMENT, employer__isnull=True) \
        .select_related("created_by").order_by("-published_at", "-pk")
    page, query = paginate(request, qs)
    return render(request, "backoffice/announcements.html", {"page": page, "query": query})
