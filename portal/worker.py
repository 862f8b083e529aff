"""Whether the background worker answers, as the web process sees it (issue 14, point 15).

Beat sends a heartbeat task through the broker every minute and a worker records it
(portal.tasks.worker_heartbeat_task). With no heartbeat for WORKER_SILENT_AFTER_S the worker (or
beat) is down: a job its user waits for is told as delayed, not as "已获取 0 / 6" forever, and
administrators get one e-mail when the silence is first noticed and one when the worker is back.
Nothing is lost meanwhile: the tasks wait in the broker, are acknowledged only when done, and the
sweeps re-drive whatever is still pending."""

import datetime
import logging
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from portal.mail import mail_copy
from portal.models import WorkerHeartbeat, WorkerOutage
from portal.roles import ADMIN

log = logging.getLogger(__name__)


def silent_after() -> datetime.timedelta:
    return datetime.timedelta(seconds=settings.WORKER_SILENT_AFTER_S)


def job_delayed(waiting_since: datetime.datetime | None, now: datetime.datetime) -> bool:
    """A background job asked for at `waiting_since` and still not finished is late (the worker
    runs a person's checks in seconds; minutes mean it is down or far behind)."""
    return waiting_since is not None and now - waiting_since > silent_after()


@dataclass(frozen=True)
class JobDelay:
    """What a page says of a late job (templates/portal/_job_delayed.html)."""

    minutes: int
    worker_down: bool  # administrators have been alerted; otherwise the queue is long


def job_delay(waiting_since: datetime.datetime | None, now: datetime.datetime | None = None) -> JobDelay | None:
    """A late job's delay for its page (None while it is on time); notices an outage on the way."""
    now = now or timezone.now()
    if not job_delayed(waiting_since, now):
        return None
    return JobDelay(minutes=int((now - waiting_since).total_seconds() // 60),
                    worker_down=worker_outage_notice(now) is not None)


def last_heartbeat() -> WorkerHeartbeat | None:
    return WorkerHeartbeat.objects.order_by("-at").first()


def worker_silent(now: datetime.datetime) -> bool:
    """No heartbeat for longer than WORKER_SILENT_AFTER_S (or none ever: a worker never started)."""
    beat = last_heartbeat()
    return beat is None or now - beat.at > silent_after()


def open_outage() -> WorkerOutage | None:
    return WorkerOutage.objects.filter(ended_at__isnull=True).first()


def worker_outage_notice(now: datetime.datetime | None = None) -> WorkerOutage | None:
    """Called where a user waits on the worker: when it is silent, record the outage once and
    e-mail the administrators once; returns the open outage (None while the worker answers)."""
    now = now or timezone.now()
    if not worker_silent(now):
        return None
    outage = open_outage()
    if outage is not None:
        return outage
    beat = last_heartbeat()
    try:
        with transaction.atomic():
            outage = WorkerOutage.objects.create(started_at=beat.at if beat else now, noticed_at=now)
    except IntegrityError:  # another request noticed it at the same moment: one outage, one e-mail
        return open_outage()
    transaction.on_commit(lambda: _tell_admins(
        "【残疾人就业服务平台】后台任务进程无响应",
        f"后台任务进程自 {timezone.localtime(outage.started_at):%Y-%m-%d %H:%M} 起无心跳，"
        f"系统校验、发送税务等后台任务正在排队等待，不会丢失。请检查任务进程（worker）和定时任务进程（beat）。\n"
        f"运行状态：{settings.PORTAL_BASE_URL}{reverse('console_health')}"))
    return outage


def worker_outage_close(now: datetime.datetime | None = None) -> None:
    """The worker answered (its heartbeat): close an open outage and tell the administrators."""
    now = now or timezone.now()
    outage = open_outage()
    if outage is None:
        return
    WorkerOutage.objects.filter(pk=outage.pk, ended_at__isnull=True).update(ended_at=now)
    transaction.on_commit(lambda: _tell_admins(
        "【残疾人就业服务平台】后台任务进程已恢复",
        f"后台任务进程已于 {timezone.localtime(now):%Y-%m-%d %H:%M} 恢复，排队的任务正在继续处理。"))


def _tell_admins(subject: str, body: str) -> None:
    # the alert is also on the health page
    mail_copy(subject, body, get_user_model().objects.filter(role__in=ADMIN, is_active=True)
              .values_list("email", flat=True))
