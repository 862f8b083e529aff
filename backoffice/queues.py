"""The reviewer console's dashboard: one registry of work queues. Each queue says what is waiting
(a scoped queryset of open items), since when (the field the dashboard takes the oldest of), and
where its page is. Another console adds a queue with `register_queue(Queue(...))` at import time
of its module (backoffice/apps.py imports the modules that register), and the dashboard shows it
with its count and its oldest item; nothing else changes."""

from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Count, Min, QuerySet
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from portal.roles import FEDERATION


@dataclass(frozen=True)
class Queue:
    key: str
    label: str  # the manual's menu name
    url_name: str
    items: Callable[..., QuerySet]  # items(user) → the open items the user may see
    waiting_since: str  # a datetime field of the items: the dashboard shows the oldest
    roles: frozenset = FEDERATION
    order: int = 100
    help: str = ""


QUEUES: list[Queue] = []


def register_queue(queue: Queue) -> Queue:
    """Add (or replace, by key) a queue on the dashboard."""
    QUEUES[:] = [q for q in QUEUES if q.key != queue.key]
    QUEUES.append(queue)
    QUEUES.sort(key=lambda q: (q.order, q.key))
    return queue


def queue_summary(user) -> list[dict]:
    """The dashboard's rows: per queue the count, the oldest item's time and how long it waited.
    One aggregate query per queue."""
    now = timezone.now()
    rows = []
    for queue in QUEUES:
        if user.role not in queue.roles:
            continue
        try:
            url = reverse(queue.url_name)
        except NoReverseMatch:
            continue  # its page is not built yet
        figures = queue.items(user).aggregate(count=Count("pk"), oldest=Min(queue.waiting_since))
        oldest = figures["oldest"]
        rows.append({"queue": queue, "url": url, "count": figures["count"], "oldest": oldest,
                     "waited": (now - oldest) if oldest else None})
    # what has waited longest comes first: it blocks an employer the longest
    rows.sort(key=lambda r: (r["oldest"] is None, r["oldest"] or now))
    return rows


# --- the federation review queues (安置登记审核 console). Append further queues below or from your
# own module with register_queue(); `items` takes the user and returns their scoped open items.


def _selectors():
    from backoffice import selectors

    return selectors


register_queue(Queue("persons", "安置登记审核（待审核人员）", "backoffice:person_queue",
                     lambda user: _selectors().persons_to_review(user), "registered_at", order=10,
                     help="逐月认定有效 / 无效；单位在全部人员审核确认后才能完成申报。"))
register_queue(Queue("certificates", "手动添加残疾证审核", "backoffice:certificate_queue",
                     lambda user: _selectors().certificates_to_review(user), "person__registered_at", order=20,
                     help="核对证件影像；与残疾人证登记系统一致的可批量审核通过。"))
register_queue(Queue("dispatch", "劳务派遣审核", "backoffice:dispatch_queue",
                     lambda user: _selectors().dispatch_to_review(user), "person__registered_at", order=30,
                     help="劳务派遣资质、三方协议、劳动合同齐全且一致。"))
register_queue(Queue("withdrawals", "年审申报撤回（认证前）", "backoffice:withdrawal_queue",
                     lambda user: _selectors().withdrawals_to_decide(user), "submitted_at", order=40,
                     help="同意后该单位年审申报退回“进行中”。"))
register_queue(Queue("deregistrations", "单位注销安置登记", "backoffice:deregistration_queue",
                     lambda user: _selectors().deregistrations_to_decide(user), "submitted_at", order=50,
                     help="核对盖章的注销业务申请书。"))
