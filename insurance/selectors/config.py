"""The plan-year configuration as the pages and services read it: which plan year an enrollment
of each kind goes into now, and the dates agents are shown."""

from django.utils import timezone

from insurance import choices as c
from insurance.models import PlanYear
from portal.text import local_minute


def plan_year_for(kind: str, now=None) -> PlanYear | None:
    """The plan year a new batch of this kind enrolls into now: 集中参保 within its window,
    即时参保 from its start to the end of coverage. None when no window is open."""
    now = now or timezone.now()
    if kind == c.BatchKind.CENTRAL:
        return PlanYear.objects.filter(central_opens_at__lte=now, central_closes_at__gt=now).order_by("-year").first()
    return (PlanYear.objects.filter(instant_opens_at__lte=now, coverage_end__gte=timezone.localdate(now))
            .order_by("-year").first())


def closed_message(kind: str, now=None) -> str:
    """Why a batch of this kind cannot be started now, naming the next window when there is one."""
    now = now or timezone.now()
    if kind == c.BatchKind.CENTRAL:
        upcoming = PlanYear.objects.filter(central_opens_at__gt=now).order_by("central_opens_at").first()
        if upcoming:
            return (f"当前不在集中参保办理时间内。{upcoming.year}年度集中参保办理时间为"
                    f"{local_minute(upcoming.central_opens_at)}至{local_minute(upcoming.central_closes_at)}")
        return "当前不在集中参保办理时间内，请办理即时参保"
    upcoming = PlanYear.objects.filter(instant_opens_at__gt=now).order_by("instant_opens_at").first()
    if upcoming:
        return f"{upcoming.year}年度即时参保将于{local_minute(upcoming.instant_opens_at)}开始"
    return "管理员尚未设置当前保障年度，暂不能办理即时参保"


def windows_for_display(now=None) -> list[dict]:
    """The plan years an agent should know about now (the current and the next), with their dates
    in the manual's words."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    years = PlanYear.objects.filter(coverage_end__gte=today).order_by("year")[:2]
    return [{
        "plan": plan,
        "central": f"{local_minute(plan.central_opens_at)}至{local_minute(plan.central_closes_at)}",
        "withholding": f"委托代扣款缴费参保通道{local_minute(plan.withholding_closes_at)}关闭；"
                       f"委托代扣申请需在{local_minute(plan.withholding_request_deadline)}前完成提交",
        "coverage": f"{plan.coverage_start:%Y-%m-%d}至{plan.coverage_end:%Y-%m-%d}",
        "instant": f"{local_minute(plan.instant_opens_at)}起（设有{plan.waiting_days}天免责期）",
        "central_open": plan.central_opens_at <= now < plan.central_closes_at,
        "withholding_open": plan.central_opens_at <= now < plan.withholding_closes_at,
        "instant_open": plan.instant_opens_at <= now and today <= plan.coverage_end,
    } for plan in years]
