"""Register, log in, read a notice (issue: Foundation 1 of 3); staff log in with TOTP. Every page
visited is checked with axe-core."""

import pytest
from django_otp.oath import totp

from portal.notices import notice_post
from tests import factories as f
from tests.browser.conftest import pick_region

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_register_log_in_and_read_a_notice(page, journey):
    notice_post(title="关于开展2026年度按比例就业情况联网认证工作的通知", body="请在规定时间内完成年审申报。")
    page.goto("/accounts/login/")
    journey.check("login")
    page.get_by_role("link", name="用人单位注册").click()
    journey.check("register-empty")

    # a mistake first: the summary and the field say what to do, and the values stay
    page.get_by_label("单位名称").fill("上海浏览器测试有限公司")
    page.get_by_label("统一社会信用代码").fill("91310104MA1FL3X8Q0")
    page.get_by_role("button", name="注册").click()
    assert "错误：" in page.title()
    journey.check("register-errors")

    page.get_by_label("统一社会信用代码").fill(f.credit_code(4242))
    pick_region(page, "id_region", "310000", "310100", "310104")
    page.get_by_label("经办人姓名").fill("浏览器经办人")
    page.get_by_label("联系邮箱").fill("browser@example.cn")
    page.get_by_label("联系电话").fill("021-66668888")
    page.locator("#id_password1").fill("Brow#2026ok")
    page.get_by_label("确认密码").fill("Brow#2026ok")
    page.get_by_role("button", name="注册").click()
    page.wait_for_url("**/accounts/login/")
    assert "注册成功" in page.content()

    page.get_by_label("账号").fill("browser@example.cn")
    page.get_by_label("密码").fill("Brow#2026ok")
    page.get_by_role("button", name="登录").click()
    page.wait_for_url("**/")
    journey.check("home")
    assert "上海浏览器测试有限公司" in page.content()

    page.get_by_role("link", name="通知公告").first.click()
    journey.check("notices")
    page.get_by_role("link", name="关于开展2026年度按比例就业情况联网认证工作的通知").click()
    journey.check("notice-detail")
    assert "请在规定时间内完成年审申报" in page.content()
    page.goto("/unit/agents/")
    journey.check("agents")
    journey.assert_accessible()


def test_staff_log_in_with_totp_and_open_their_pages(page, journey):
    reviewer = f.UserFactory(reviewer=True, username="rev-browser", region=f.region("310000"), full_name="审核员")
    admin = f.UserFactory(admin=True, username="admin-browser", full_name="管理员")
    for user in (reviewer, admin):
        f.confirmed_totp(user)

    page.goto("/accounts/login/")
    page.get_by_label("账号").fill("admin-browser")
    page.get_by_label("密码").fill(f.PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url("**/accounts/otp/**")
    journey.check("otp")
    device = admin.totpdevice_set.get()
    page.get_by_label("动态验证码").fill(f"{totp(device.bin_key):06d}")
    page.get_by_role("button", name="验证").click()
    page.wait_for_url("**/")
    journey.check("staff-home")
    for url, label in (("/console/staff/", "console-staff"), ("/console/staff/new/", "console-staff-new"),
                       ("/console/audit/", "console-audit"), ("/console/health/", "console-health"),
                       ("/notices/new/", "notice-new")):
        page.goto(url)
        journey.check(label)
    journey.assert_accessible()
