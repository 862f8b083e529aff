"""An administrator stages a case in the mock registries (issue: Foundation 3 of 3): finds a
person, removes their March 2025 social-insurance contribution, and the next feed call sees it;
then looks at units, headcounts, the tax intake and the health page. Every page is checked with
axe-core."""

import pytest
from django.conf import settings
from django.test import Client

from portal.feeds import get_feeds
from portal.feeds.demo import demo_person, load_registry
from tests import factories as f
from tests.conftest import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_administrator_stages_a_missing_contribution(page, journey, live_server):
    load_registry(until=202611)
    admin = f.UserFactory(admin=True, username="admin-feeds", full_name="管理员")
    session = login(Client(), admin).cookies[settings.SESSION_COOKIE_NAME].value
    page.context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": session, "url": live_server.url}])
    clean = demo_person("sh-clean")
    assert get_feeds().social_insurance.person_year(clean.id_number, 2025).month(202503).paid

    page.goto("/console/feeds/")
    journey.check("feeds-people")
    page.get_by_label("姓名或完整身份证号").fill("张伟明")
    page.get_by_role("button", name="搜索").click()
    page.get_by_role("link", name="张伟明").click()
    page.wait_for_url("**/console/feeds/people/*/")
    journey.check("feeds-person")

    page.get_by_role("link", name="编辑 202503 上海浦江精密仪器有限公司 的记录").click()
    journey.check("feeds-month-form")
    page.get_by_label("社保缴费状态").select_option("none")
    page.get_by_role("button", name="保存").click()
    page.wait_for_url("**/console/feeds/people/*/?year=2025")
    assert "已保存 202503 的记录" in page.content()
    journey.check("feeds-month-saved")
    assert not get_feeds().social_insurance.person_year(clean.id_number, 2025).month(202503).paid

    page.goto(page.url.replace("?year=2025", "months/new/?month=202613"))
    page.get_by_role("button", name="保存").click()
    assert "错误：" in page.title()
    journey.check("feeds-month-errors")

    page.goto("/console/feeds/units/")
    journey.check("feeds-units")
    page.get_by_role("link", name="上海浦江精密仪器有限公司 的月度参保人数").click()
    journey.check("feeds-headcounts")
    page.goto("/console/feeds/intake/")
    journey.check("feeds-intake")
    page.goto("/console/health/")
    assert "外部数据源" in page.content()
    journey.check("feeds-health")
    journey.assert_accessible()
