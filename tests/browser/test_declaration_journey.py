"""A unit with confirmed persons confirms its headcount, submits its declaration (完成申报) after
reading the 承诺书, downloads the commitment and asks for a withdrawal (issue 7)."""

import re
import subprocess
from pathlib import Path

import pytest

from placement.demo import load_filing_windows
from placement.models import AnnualDeclaration, WithdrawalRequest
from portal.demo import UNITS
from tests import factories as f
from tests.browser.conftest import SCREENSHOTS, log_in
from tests.conftest import require_poppler
from tests.placement.factories import DeclarationFactory, PersonFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_unit_submits_its_declaration_downloads_the_commitment_and_asks_for_a_withdrawal(page, journey):
    require_poppler()
    load_filing_windows()  # the demo 补报期: open today for the demo units' districts
    sh = next(u for u in UNITS if u.key == "sh")
    unit = f.EmployerFactory(name="上海浦东示范机械有限公司", admin_region=f.region(sh.region))
    agent = f.AgentFactory(employer=unit, user__username="decl@example.cn")
    from placement.years import current_business_year

    # the social-insurance registry's figure, prefilled and not yet confirmed
    declaration = DeclarationFactory(employer=unit, business_year=current_business_year(), headcount=64,
                                     headcount_from_feed=64)
    PersonFactory.create_batch(3, declaration=declaration, confirmed=True)
    PersonFactory(declaration=declaration, partially_rejected=True, name="部分通过")

    log_in(page, agent.user.username, f.PASSWORD)
    page.wait_for_url("**/")
    assert "按比例安置登记" in page.content() and "安置情况分析" in page.content()
    # issue 15, point 3: the prefilled figures marked 待确认 and what to do next
    headcount_stat = page.locator(".stat").filter(has_text="在职职工人数")
    assert "64 人" in headcount_stat.inner_text() and "待确认" in headcount_stat.inner_text()
    assert "待确认" in page.locator(".stat").filter(has_text="实际安排比例").inner_text()
    next_steps = page.get_by_role("region", name="接下来要做什么")
    assert "1 名人员部分审核不通过，请“接受审核结果”或“重新登记”" in next_steps.inner_text()
    assert next_steps.get_by_role("link", name="确认本年度在职职工人数（社保登记 64 人，待确认）").is_visible()
    journey.check("home")

    page.goto("/placement/")
    journey.check("list")
    page.get_by_role("button", name="接受审核结果 部分通过").click()
    assert "已接受“部分通过”的审核结果" in page.content()

    page.get_by_role("link", name="完成申报").first.click()
    page.wait_for_url("**/submit/")
    assert "请先确认本年度在职职工人数" in page.content()
    journey.check("submit-blocked")
    page.get_by_role("link", name="确认在职职工人数").click()
    page.get_by_label("在职职工人数（人）").fill("120")
    page.get_by_role("button", name="确认在职职工人数").click()
    assert page.locator("#id_reason_error").inner_text().endswith("请填写更正原因")
    journey.check("headcount-error")
    page.get_by_label("更正原因").fill("社保系统暂无本单位数据，按年度工资表平均人数填报")
    page.get_by_role("button", name="确认在职职工人数").click()
    page.wait_for_url("**/submit/")
    assert "120 人（已确认）" in page.content()
    journey.check("submit-ready")

    # issue 15, point 4: validate first — an unticked 承诺书 is said beside the box, no question asked
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.get_by_role("button", name="已阅读、确认，完成申报").click()
    page.wait_for_load_state()
    assert "请阅读并勾选确认《申报资料真实性承诺书》" in page.locator("#id_commitment_error").inner_text()
    assert not dialogs and "确定完成" not in page.content()
    journey.check("submit-unticked")
    page.get_by_label("我已阅读《申报资料真实性承诺书》").check()
    page.get_by_role("button", name="已阅读、确认，完成申报").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", name=re.compile("确定完成.*年度申报吗")).is_visible()
    assert AnnualDeclaration.objects.get(pk=declaration.pk).is_draft  # confirm last
    journey.check("submit-confirm")
    page.get_by_role("button", name="确定完成申报").click()
    page.wait_for_url("**/submitted/")
    assert not dialogs
    declaration = AnnualDeclaration.objects.get(pk=declaration.pk)
    assert declaration.status == "submitted"
    assert declaration.submission_receipt.reference in page.content()
    journey.check("submitted")

    with page.expect_download() as download:
        page.get_by_role("link", name="下载承诺书").first.click()
    path = Path(download.value.path())
    assert path.read_bytes().startswith(b"%PDF")
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, check=True).stdout.decode()
    assert "申报资料真实性承诺书" in text and unit.name in text
    subprocess.run(["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1", str(path),
                    str(SCREENSHOTS / "declaration-commitment")], check=True)

    page.goto("/placement/requests/")
    journey.check("requests")
    page.get_by_role("link", name="申请撤回").click()
    page.get_by_role("button", name="提交").click()
    assert "请填写撤回理由" in page.content()
    page.get_by_label("撤回理由").fill("漏报一名12月入职的残疾职工，需补充登记")
    page.get_by_role("button", name="提交").click()
    page.wait_for_url("**/requests/")
    assert "年审申报撤回申请已提交" in page.content()
    journey.check("withdrawal-sent")
    assert WithdrawalRequest.objects.get(declaration=declaration).receipt.reference in page.content()
    journey.assert_accessible()


def test_after_the_window_closes_the_home_page_says_how_to_file_late(page, journey):
    """Issue 15, point 3: 完成申报 is no longer the main action and the page says how to 补报."""
    from levy.models import FilingWindow
    from placement.years import current_business_year

    year = current_business_year()
    FilingWindow.objects.create(region_code="310105", kind="certification", first_year=year + 1, last_year=year + 1,
                                opens="01-01", closes="01-02", verified=False, source="测试：已截止的申报时间")
    unit = f.EmployerFactory(name="上海长宁逾期单位有限公司", admin_region=f.region("310105"))
    agent = f.AgentFactory(employer=unit, user__username="late@example.cn")
    declaration = DeclarationFactory(employer=unit, business_year=year, headcount=80, headcount_from_feed=80)
    PersonFactory(declaration=declaration, confirmed=True)
    log_in(page, agent.user.username, f.PASSWORD)
    page.wait_for_url("**/")
    assert page.get_by_text("本年度申报时间已截止，尚未完成申报。").is_visible()
    warning = page.locator(".message-warning").filter(has_text="本年度申报时间已截止").inner_text()
    assert "如需补报" in warning and "残疾人联合会，服务热线：12385" in warning  # said once, with whom to call
    assert "补报" not in page.get_by_role("region", name="接下来要做什么").inner_text()
    submit = page.locator(".declaration-actions").get_by_role("link", name="完成申报")
    assert "button-primary" not in (submit.get_attribute("class") or "")
    journey.check("home-window-closed")
    journey.assert_accessible()
