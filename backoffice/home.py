"""The staff home page is the one 工作台 (issue 15, 11): every queue of the user's role with its
count and its oldest item's wait (portal.home sections), and for federation staff the way to
通知公告管理 and 发布通知."""

from backoffice.queues import queue_summary
from portal.home import home_section
from portal.roles import FEDERATION, STAFF


@home_section(order=20)
def review_queues(request):
    if request.user.role not in STAFF:
        return None
    return {"template": "backoffice/_queue_table.html", "queues": queue_summary(request.user),
            "can_publish": request.user.role in FEDERATION}
