"""The reviewer console's dashboard: one registry of work queues. Each queue says what is waiting
(a scoped queryset of open items), since when (the field the dashboard takes the oldest of), and
where its page is. Another console adds a queue with `register_queue(Queue(...))` at import time
of its module (backoffice/apps.py imports the modules that register), and the dashboard shows it
with its count and its oldest item; nothing else changes (a queue reading a table no queue read
before adds it to WATCHED: a test checks every queue's tables are watched).

The figures are kept in the shared cache until a table a queue's query reads is written: the
transitions and creations that move an item in or out save a row of it, and its save and delete
signals clear the queue (portal.reference; a bulk write that can move items calls
`reference.changed(table)` itself)."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from django.apps import apps
from django.core.exceptions import EmptyResultSet
from django.db.models import Count, Min, QuerySet, Value
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from insurance.selectors import scope as insurance_scope
from levy.selectors import assessment as levy_q
from levy.selectors import reward as reward_q
from placement.selectors import queues as q
from portal import reference
from portal.roles import ADMIN, FEDERATION, SUPERVISOR, TAX, UNION
from portal.text import waited

# The models the queues' queries read (backoffice.apps watches their writes).
WATCHED = (
    "employers.Employer", "portal.Region", "placement.AnnualDeclaration", "placement.PlacedPerson",
    "placement.Certificate", "placement.Contract", "placement.WithdrawalRequest", "placement.FeedbackRequest",
    "placement.DeregistrationRequest", "placement.TaxDelivery", "levy.LevyAssessment", "levy.Objection",
    "levy.OverRatioReward", "levy.RewardPayout", "levy.ReliefApplication", "insurance.CodeApplication",
    "insurance.InsuranceCode", "insurance.UnitNameChange", "insurance.InsuranceBatch", "insurance.WithholdingRun",
)
FIGURES_KEPT_S = 300  # a safety net only: a write to a queue's tables clears its figures at once


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
    """The dashboard's rows: per queue the count, the oldest item's time and how long it waited."""
    now = timezone.now()
    shown = [(queue, url) for queue in QUEUES if user.role in queue.roles and (url := _url(queue))]
    rows = []
    for (queue, url), (count, oldest) in zip(shown, _figures(user, [queue for queue, _url in shown]), strict=True):
        # 已等待 in the words every queue uses (3天5小时; |timesince printed “3 日，5 小时”)
        rows.append({"queue": queue, "url": url, "count": count, "oldest": oldest,
                     "waited": waited(now - oldest) if oldest else "无待办"})
    # what has waited longest comes first: it blocks an employer the longest
    rows.sort(key=lambda r: (r["oldest"] is None, r["oldest"] or now))
    return rows


def _url(queue: Queue) -> str:
    try:
        return reverse(queue.url_name)
    except NoReverseMatch:
        return ""  # its page is not built yet


def watched_tables() -> dict[str, type]:
    return {(model := apps.get_model(label))._meta.db_table: model for label in WATCHED}


def _figures(user, queues: list[Queue]) -> list[tuple[int, datetime | None]]:
    """(count, oldest) of each queue: from the cache while none of the tables its query reads was
    written (and for the day: 逾期未缴 depends on the date), else counted again. Recounting the
    twelve queues on every view was most of the 工作台's time (issue 20)."""
    scope = f"{user.pk}:{user.role}:{user.region_id}:{user.union_district}:{timezone.localdate():%Y%m%d}"
    entries = [(_tables_read(queue, user), f"queue:{queue.key}:{scope}") for queue in queues]
    return reference.cached_many(entries, lambda stale: _count(user, [queues[i] for i in stale]), FIGURES_KEPT_S)


_read: dict[tuple, tuple[str, ...]] = {}  # (queue, role, scoped by region, by district) → the tables it reads


def _tables_read(queue: Queue, user) -> tuple[str, ...]:
    shape = (queue.key, user.role, user.region_id is None, not user.union_district)
    if shape not in _read:
        try:
            sql = str(_part(user, queue, 0).query)
        except EmptyResultSet:  # the user sees nothing of it (no region): no table to watch
            sql = ""
        _read[shape] = tuple(table for table in sorted(watched_tables()) if f'"{table}"' in sql)
    return _read[shape]


def _part(user, queue: Queue, index: int) -> QuerySet:
    """The queue's row of the count: (index, count, oldest)."""
    return (queue.items(user).order_by().values(queue_index=Value(index))
            .annotate(count=Count("pk"), oldest=Min(queue.waiting_since))
            .values_list("queue_index", "count", "oldest"))


def _count(user, queues: list[Queue]) -> list[tuple[int, datetime | None]]:
    """(count, oldest) of each queue, in one query: a UNION ALL of one aggregate row per queue. A
    query per queue spent most of the 工作台's time on twelve round trips. A queue the user sees
    nothing of (an empty queryset) gives no row: zero."""
    parts = [_part(user, queue, i) for i, queue in enumerate(queues)]
    if not parts:
        return []
    found = {i: (count, oldest) for i, count, oldest in parts[0].union(*parts[1:], all=True)}
    return [found.get(i, (0, None)) for i in range(len(queues))]


# --- the queues of the placement journey (a new console registers its own from its module) ---------------

register_queue(Queue("persons", "安置登记审核（待审核人员）", "backoffice:person_queue", q.persons_to_review,
                     "registered_at", order=10, help="逐月认定有效 / 无效；单位在全部人员审核确认后才能完成申报。"))
register_queue(Queue("certificates", "手动添加残疾证审核", "backoffice:certificate_queue", q.certificates_to_review,
                     "person__registered_at", order=20, help="核对证件影像；与残疾人证登记系统一致的可批量审核通过。"))
register_queue(Queue("dispatch", "劳务派遣审核", "backoffice:dispatch_queue", q.dispatch_to_review,
                     "person__registered_at", order=30, help="劳务派遣资质、三方协议、劳动合同齐全且一致。"))
register_queue(Queue("certification", "年审认证审核", "tax:certification_queue", q.declarations_submitted,
                     "submitted_at", order=35, help="完成申报的年审申报，等待认证或退回"))
register_queue(Queue("withdrawals", "年审申报撤回（认证前）", "backoffice:withdrawal_queue",
                     lambda user: q.open_requests(q.withdrawals_visible(user)), "submitted_at", order=40,
                     help="同意后该单位年审申报退回“进行中”。"))
register_queue(Queue("withdrawal_after_certification", "认证后撤回", "tax:requests",
                     lambda user: q.open_requests(q.withdrawals_visible(user, after_certification=True)),
                     "submitted_at", order=41, help="须由未参与认证的业务主管审核（双人复核）"))
register_queue(Queue("feedback", "年审认证反馈", "tax:requests", lambda user: q.open_requests(q.feedback_visible(user)),
                     "submitted_at", order=42, help="答复单位的反馈，或同意重新申报（须未参与认证的人员办理）"))
register_queue(Queue("deregistrations", "单位注销安置登记", "backoffice:deregistration_queue",
                     lambda user: q.open_requests(q.deregistrations_visible(user)), "submitted_at", order=45,
                     help="核对盖章的注销业务申请书。"))
register_queue(Queue("send_to_tax", "发送税务", "tax:send", q.declarations_never_sent, "certified_at", order=50,
                     help="已认证、尚未发送税务部门的申报（发送失败的见“发送税务失败”）"))
register_queue(Queue("failed_deliveries", "发送税务失败", "tax:deliveries", q.failed_deliveries, "queued_at",
                     order=51, help="税务部门尚未收到，请查看原因后重新发送"))

# --- the levy's queues for tax officers (issue 16) ---------------------------------------------------
register_queue(Queue("levy_objections", "残保金异议", "tax:levy_objections", levy_q.objections_open, "submitted_at",
                     roles=TAX | ADMIN, order=60, help="单位对征缴基数、职工人数或单位性质的异议，同意或不同意并说明理由"))
register_queue(Queue("levy_arrears", "逾期未缴残保金", "tax:levy_assessments", levy_q.arrears, "submitted_at",
                     roles=TAX | ADMIN, order=61, help="已过缴费期限未缴纳的单位，滞纳金按日累计"))

# --- the union console (the retiree plan): reviewed within one working day -------------------------------
register_queue(Queue("code_applications", "参保编码申请审核", "backoffice:code_applications",
                     lambda user: insurance_scope.applications_visible(user).filter(review_state="pending"),
                     "review_requested_at", roles=UNION | ADMIN, order=70,
                     help="审核通过后系统核发参保编码；审核时间为提交申请后1个工作日。"))
register_queue(Queue("name_changes", "单位名称修改审核", "backoffice:name_changes",
                     lambda user: insurance_scope.name_changes_visible(user).filter(review_state="pending"),
                     "review_requested_at", roles=UNION | ADMIN, order=71,
                     help="核对《红头文件》或《工商变更登记表》；通过后新名称用于参保。"))

# --- issue 18: over-ratio rewards (federation) and 缓减免 (tax) ---------------------------------------
register_queue(Queue("reward_first", "超比例奖励初审", "backoffice:reward_queue",
                     lambda user: reward_q.rewards_visible(user).filter(status="first_review"), "submitted_at",
                     order=55, help="单位网报的超比例奖励申请：通过、退回单位或不通过"))
register_queue(Queue("reward_second", "超比例奖励复审 / 复核", "backoffice:reward_queue",
                     lambda user: reward_q.rewards_visible(user).filter(status="second_review"), "submitted_at",
                     roles=SUPERVISOR | ADMIN, order=56, help="须由未参与初审（或窗口发起）的业务主管办理（双人复核）"))
register_queue(Queue("reward_payouts_failed", "超比例奖励发放失败", "backoffice:reward_queue",
                     reward_q.payouts_failed, "settled_at", order=57, help="银行退回的奖励发放，核实账户后重新发放"))
register_queue(Queue("levy_reliefs", "缓减免审核", "tax:levy_reliefs",
                     lambda user: reward_q.reliefs_visible(user).filter(status__in=["submitted", "confirming"]),
                     "submitted_at", roles=TAX | ADMIN, order=62,
                     help="因不可抗力申请减免或缓缴残保金；减免金额超过复核标准的须另一名税务人员复核"))
# --- the union console's batches and money (issue 19) -----------------------------------------------
register_queue(Queue("insurance_batch_reviews", "参保批次审核", "backoffice:union_batch_queue",
                     lambda user: insurance_scope.batches_visible(user).filter(status="under_review"), "submitted_at",
                     roles=UNION | ADMIN, order=72, help="按社保编号逐一审核参保比例与相关材料；不通过须写明原因。"))
register_queue(Queue("insurance_runs", "代扣文件（待发送 / 发送失败）", "backoffice:union_runs",
                     lambda user: insurance_scope.runs_visible(user).filter(status__in=("scheduled", "queued", "failed")),
                     "created_at", roles=UNION | ADMIN, order=73,
                     help="养老金发放日由系统发送；发送失败的请查看原因后重新发送。"))
register_queue(Queue("insurance_voucher_reviews", "缴费凭证审核", "backoffice:union_voucher_queue",
                     lambda user: insurance_scope.batches_visible(user).filter(status="voucher_review"),
                     "voucher_submitted_at", roles=UNION | ADMIN, order=74,
                     help="核对缴费凭证、退多余款与电子票据；通过后投保成功。"))
