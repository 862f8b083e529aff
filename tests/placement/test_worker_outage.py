"""The worker down (issue 14, point 15): a check waiting longer than a few minutes is told to its
agent as delayed (not "已获取 0 / 6" forever), administrators get one e-mail when the silence is
noticed and one when the worker is back, and the queued check still runs afterwards."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from placement import choices as c
from placement.models import PlacedPerson
from placement.services import wizard
from placement.services.verification import person_verify
from portal.models import WorkerHeartbeat, WorkerOutage
from portal.tasks import worker_heartbeat_task
from portal.worker import job_delayed
from tests import factories as f
from tests.placement.factories import registered_person

pytestmark = pytest.mark.django_db
NOW = datetime.datetime(2026, 3, 1, 10, 0, tzinfo=datetime.UTC)


@pytest.mark.parametrize(("waited_s", "late"), [(None, False), (0, False), (179, False), (180, False), (181, True),
                                                 (3600, True)])
def test_a_job_is_late_after_the_silence_limit(waited_s, late, settings):
    settings.WORKER_SILENT_AFTER_S = 180
    since = None if waited_s is None else NOW - datetime.timedelta(seconds=waited_s)
    assert job_delayed(since, NOW) is late


def beat(minutes_ago: float):
    WorkerHeartbeat.objects.create(hostname="worker-1", at=timezone.now() - datetime.timedelta(minutes=minutes_ago))


@pytest.fixture
def queued(sh_unit, sh_agent):
    """A person whose check was asked for ten minutes ago and never picked up (no worker)."""
    person = registered_person(sh_unit, sh_agent, "sh-clean")
    wizard.step1_complete(actor=sh_agent, person=person)  # the task waits for a commit that never comes
    PlacedPerson.objects.filter(pk=person.pk).update(
        verification_requested_at=timezone.now() - datetime.timedelta(minutes=10))
    person = PlacedPerson.objects.get(pk=person.pk)
    assert person.verification_state == c.VerificationState.QUEUED
    return person


def progress(client, person) -> str:
    return client.get(reverse("placement:step2_progress", args=[person.pk])).content.decode()


def test_with_the_worker_down_the_agent_is_told_and_administrators_alerted_once(
        queued, sh_agent, client_for, mailoutbox, django_capture_on_commit_callbacks):
    admin = f.UserFactory(admin=True, email="ops@example.cn")
    beat(minutes_ago=12)
    agent = client_for(sh_agent)
    with django_capture_on_commit_callbacks(execute=True):
        page = progress(agent, queued)
        progress(agent, queued)  # polled again: the same outage, no second e-mail
    assert "后台处理延迟" in page and "已等待 10 分钟" in page and "系统管理员已收到通知" in page
    assert "不会丢失" in page and "已获取 0 / 6" in page
    assert agent.get(f"/api/v1/placement/persons/{queued.pk}/").json()["verification_delayed"] is True
    assert WorkerOutage.objects.filter(ended_at__isnull=True).count() == 1
    assert [(m.subject, m.to) for m in mailoutbox] == [("【残疾人就业服务平台】后台任务进程无响应", ["ops@example.cn"])]
    health = client_for(admin).get(reverse("console_health")).content.decode()
    assert "后台任务进程自" in health and "未恢复" in health

    # the worker comes back: its heartbeat closes the outage, the administrators hear it, the check runs
    with django_capture_on_commit_callbacks(execute=True):
        worker_heartbeat_task()
    assert WorkerOutage.objects.get().ended_at is not None
    assert mailoutbox[-1].subject == "【残疾人就业服务平台】后台任务进程已恢复"
    person_verify(queued.pk)
    assert "校验完成" in progress(agent, queued)


def test_a_check_waiting_a_minute_is_not_late(queued, sh_agent, client_for, mailoutbox):
    beat(minutes_ago=12)
    PlacedPerson.objects.filter(pk=queued.pk).update(
        verification_requested_at=timezone.now() - datetime.timedelta(minutes=1))
    page = progress(client_for(sh_agent), queued)
    assert "后台处理延迟" not in page and "校验在后台进行" in page
    assert not WorkerOutage.objects.exists() and not mailoutbox


def test_a_late_check_with_the_worker_alive_is_a_long_queue_not_an_outage(queued, sh_agent, client_for, mailoutbox):
    beat(minutes_ago=0.5)
    page = progress(client_for(sh_agent), queued)
    assert "后台处理延迟" in page and "当前排队处理的任务较多" in page and "管理员" not in page
    assert not WorkerOutage.objects.exists() and not mailoutbox
