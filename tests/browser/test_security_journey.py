"""Issue 14's portal-level points as a person meets them: a new staff member's first login (a
wrong code, then the right one too soon: told when to try; then the administrator's initial
password must be replaced before anything opens), an administrator revealing a registry person's
numbers (masked, then shown once and audited), an upload refused at its field, and a missing page in
Chinese. Every page is checked with axe-core."""

import time

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from portal.models import AuditEntry, User
from tests import factories as f
from tests import pdf_samples
from tests.browser.conftest import AXE, log_in, pick_region, staff_log_in
from tests.portal.feeds.factories import CertificateFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_new_staff_members_first_login(page, journey, browser, live_server):
    admin = f.UserFactory(admin=True, username="admin-sec", full_name="管理员")
    staff_log_in(page, admin)
    page.wait_for_url(lambda url: "/accounts/otp/" not in url)
    page.goto("/console/staff/new/")
    page.get_by_label("用户名").fill("rev-first")
    page.get_by_label("姓名").fill("新审核员")
    page.get_by_label("角色").select_option("fed_reviewer")
    page.select_option("#id_region_province", "310000")
    page.get_by_label("初始密码").fill("Init#2026staffpw")
    page.get_by_role("button", name="创建").click()
    page.wait_for_url("**/console/staff/")
    assert "待修改初始密码" in page.content()
    journey.check("staff-list")

    newcomer = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900}, base_url=live_server.url)
    newcomer.add_init_script(path=str(AXE))
    other = newcomer.new_page()
    log_in(other, "rev-first", "Init#2026staffpw")
    other.wait_for_url("**/accounts/otp/**")
    key = TOTPDevice.objects.get(user__username="rev-first").bin_key
    code = f"{totp(key):06d}"
    other.get_by_label("动态验证码").fill("000000" if code != "000000" else "111111")
    other.get_by_role("button", name="验证").click()
    other.get_by_label("动态验证码").fill(code)
    other.get_by_role("button", name="验证").click()
    assert "秒后再输入" in other.content() and "不正确或已使用" not in other.content()
    journey.page = other
    journey.check("otp-too-soon")
    time.sleep(1.2)
    other.get_by_label("动态验证码").fill(f"{totp(key):06d}")
    other.get_by_role("button", name="验证").click()
    other.wait_for_url("**/accounts/password/change/")
    assert "您的密码由系统管理员设置" in other.content()
    journey.check("must-change-password")
    other.goto("/backoffice/")
    assert other.url.endswith("/accounts/password/change/")  # nothing else opens first
    other.get_by_label("旧密码").fill("Init#2026staffpw")
    other.locator("#id_new_password1").fill("Mine#2026secretpw")
    other.get_by_label("新密码确认").fill("Mine#2026secretpw")
    other.get_by_role("button", name="修改密码").click()
    other.wait_for_url("**/accounts/password/change/done/")
    other.goto("/")
    assert "/accounts/" not in other.url
    journey.check("after-change")
    assert not User.objects.get(username="rev-first").must_change_password
    newcomer.close()
    journey.page = page
    journey.assert_accessible()


def test_an_administrator_reveals_a_registry_persons_numbers_once(page, journey):
    admin = f.UserFactory(admin=True, username="admin-feeds", full_name="管理员")
    certificate = CertificateFactory()
    person = certificate.person
    staff_log_in(page, admin)
    page.wait_for_url(lambda url: "/accounts/otp/" not in url)
    page.goto(f"/console/feeds/people/{person.pk}/")
    assert person.id_number not in page.content() and certificate.number not in page.content()
    journey.check("person-masked")
    page.get_by_role("button", name="查看完整号码").click()
    page.wait_for_load_state()
    assert person.id_number in page.content() and certificate.number in page.content()
    journey.check("person-revealed")
    assert AuditEntry.objects.filter(action="pii.reveal", actor=admin).count() == 2
    journey.assert_accessible()


def test_a_refused_upload_and_a_missing_page(page, journey, tmp_path):
    owner = f.AgentFactory(employer=f.EmployerFactory(name="上海上传测试有限公司", admin_region=f.region("310104")),
                           is_registrant=True).user
    log_in(page, owner.username, f.PASSWORD)
    page.goto("/unit/related/new/")
    proof = tmp_path / "协议.pdf"
    proof.write_bytes(pdf_samples.BAD["opens_javascript"])
    page.select_option("#id_relation", "dispatch")
    pick_region(page, "id_region", "310000", "310100", "310106")
    page.get_by_label("统一社会信用代码").fill(f.credit_code(901))
    page.get_by_label("单位名称").fill("上海静安人力资源服务有限公司")
    page.get_by_label("证明材料").set_input_files(str(proof))
    page.get_by_role("button", name="确定").click()
    page.wait_for_load_state()
    assert "含有脚本" in page.content()
    journey.check("upload-refused")
    page.goto("/no-such-page/")
    assert "页面不存在" in page.content()
    journey.check("not-found")
    journey.assert_accessible()
