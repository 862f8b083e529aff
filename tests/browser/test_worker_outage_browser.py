"""The worker down, as people see it (issue 14, point 15): the agent's 信息校验 says the check is
delayed, saved and will resume; an administrator sees the banner and the health page."""

import datetime

import pytest
from django.utils import timezone

from placement import choices as c
from placement.models import PlacedPerson
from portal.feeds.demo import load_registry
from portal.models import WorkerHeartbeat
from tests import factories as f
from tests.browser.conftest import log_in, staff_log_in
from tests.placement.conftest import demo_employer
from tests.placement.factories import registered_person

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_delayed_check_is_told_to_the_agent_and_the_outage_to_the_administrator(page, journey):
    load_registry()
    unit = demo_employer("sh")
    agent = f.AgentFactory(employer=unit, user__username="agent-outage@example.cn").user
    person = registered_person(unit, agent, "sh-clean")
    # the check was asked for ten minutes ago and no worker took it (the last heartbeat is older)
    PlacedPerson.objects.filter(pk=person.pk).update(
        verification_state=c.VerificationState.QUEUED, verification_done=0, verification_total=6,
        verification_requested_at=timezone.now() - datetime.timedelta(minutes=10), wizard_step=2)
    WorkerHeartbeat.objects.create(hostname="worker-1", at=timezone.now() - datetime.timedelta(minutes=15))

    log_in(page, agent.username, f.PASSWORD)
    page.goto(f"/placement/persons/{person.pk}/verify/")
    status = page.locator(".job-delayed")
    status.wait_for()
    assert "已等待 10 分钟" in status.inner_text() and "系统管理员已收到通知" in status.inner_text()
    journey.check("agent-delayed")

    page.context.clear_cookies()
    staff_log_in(page, f.UserFactory(admin=True, username="ops-outage", email="ops@example.cn"))
    assert "后台任务进程自" in page.locator("main").inner_text()
    page.get_by_role("link", name="查看运行状态").click()
    assert "未恢复" in page.locator("main").inner_text()
    journey.check("admin-health")
    journey.assert_accessible()
