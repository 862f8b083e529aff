"""The staff home page (工作台) shows the reviewer console's queues (portal.home sections)."""

from backoffice.queues import queue_summary
from portal.home import home_section
from portal.roles import FEDERATION, UNION


@home_section(order=20)
def review_queues(request):
    if request.user.role not in FEDERATION | UNION:
        return None
    return {"template": "backoffice/_queue_table.html", "queues": queue_summary(request.user), "home": True,
            "dashboard": request.user.role in FEDERATION}
