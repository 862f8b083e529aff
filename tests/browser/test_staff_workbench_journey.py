"""Staff on `make run`'s demo data, as a first-time user meets the console (issue 15): one 工作台
with every queue of the role, each queue and 通知公告管理 one click away in the menu (11); the
Inner Mongolia reviewer finds work in every queue (23); 年审认证审核 sums up what is certified, with
each person's review one click away (15); the tax officer finds a unit by part of its credit code
and takes its roster and 审核认定书 from the result (20, 21), and issues its own region's API key
(22); an announcement is edited (19); a month's material is shown under it (14); a unit is seen whole (16). Every page screenshotted and checked with axe."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from portal.demo import DEMO_PASSWORD, UNITS, totp_key_for
from tests.browser.conftest import staff_log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

REVIEWER_MENU = ["安置登记审核", "残疾证审核", "劳务派遣审核", "年审认证审核", "年审申报撤回", "认证反馈审核",
                 "单位注销安置登记", "发送税务", "发送税务查询", "通知公告管理"]


def demo_staff_log_in(page, username: str) -> None:
    user = get_user_model().objects.get(username=username)
    staff_log_in(page, user, password=DEMO_PASSWORD, key=bytes.fromhex(totp_key_for(username)))


def queue_counts(page) -> dict[str, int]:
    """The 待办队列 table of the 工作台 as the user reads it: queue → count."""
    counts = {}
    for row in page.locator("table.queue-table tbody tr").all():
        label = row.locator("th").inner_text().strip()
        counts[label] = int(row.locator("td.num").inner_text().strip())
    return counts


def test_a_reviewer_and_a_tax_officer_find_every_queue_from_one_workbench(page, journey):
    call_command("load_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115

    # 工作台: the home page is the one workbench; /backoffice/ leads there
    demo_staff_log_in(page, "reviewer-nm")
    page.goto("/backoffice/")
    assert page.url.endswith(":" + page.url.split(":")[-1].split("/")[0] + "/"), page.url  # redirected to "/"
    assert page.locator("h1").inner_text() == "工作台"
    counts = queue_counts(page)
    journey.check("reviewer-nm-workbench")
    # every placement queue has work (23); the reward queues' demo is in this region too, bar a failed payout
    assert all(n for label, n in counts.items() if label != "超比例奖励发放失败"), counts
    assert len(counts) == 12 and counts["超比例奖励初审"], counts

    # every queue and 通知公告管理 from the menu (11)
    menu = page.get_by_role("navigation", name="主菜单")
    for label in REVIEWER_MENU:
        menu.get_by_role("link", name=label, exact=True).click()
        page.wait_for_load_state()
        assert menu.get_by_role("link", name=label, exact=True).get_attribute("aria-current") == "page", label
        journey.check(f"menu-{REVIEWER_MENU.index(label):02d}")
    # 通知公告管理: 修改 an announcement (19)
    page.goto("/backoffice/announcements/")
    page.get_by_role("link", name=re.compile("^修改 ")).first.click()
    page.get_by_label("标题").fill("呼和浩特市残保金征缴工作提示（更正）")
    journey.check("notice-edit")
    page.get_by_role("button", name="保存修改").click()
    page.get_by_text("通知已修改").wait_for()
    journey.check("notice-edited")
    page.goto("/backoffice/persons/?status=all")
    journey.check("person-queue-all")
    assert "手动添加的证件或劳务派遣协议" not in page.content()
    # the material under the month it supports (14)
    page.get_by_role("link", name="审核 图雅").click()
    preview = page.locator("#evidence-202505 img").first
    preview.scroll_into_view_if_needed()
    page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=preview.element_handle())
    journey.check("person-review-evidence")
    # the unit in one place: its years, persons, requests and history (16)
    page.get_by_role("link", name="呼和浩特市大青山服装有限公司").click()
    page.get_by_role("heading", name="残疾人安置管理：呼和浩特市大青山服装有限公司").wait_for()
    assert "2025年度" in page.content() and "图雅" in page.content()
    journey.check("unit-overview")

    # 年审认证审核: the summary the reviewer certifies on (15)
    submitted = next(u for u in UNITS if u.key == "nm-sub")
    page.get_by_role("navigation", name="主菜单").get_by_role("link", name="年审认证审核", exact=True).click()
    page.get_by_role("row", name=submitted.name).get_by_role("link", name="审核").click()
    summary = page.locator("section[aria-labelledby=figures-title]")
    text = summary.inner_text()
    for fact in ("安置确认合计", "安置核定合计", "实际安排比例", "规定比例", "在职职工人数", "对应残保金"):
        assert fact in text, fact
    # Inner Mongolia's policy table has no 社会平均工资: the engine's shortfall, priced by tax
    assert re.search(r"差额 \d+\.\d\d 人", text) and "无法计算" not in text, text
    journey.check("certification-summary")
    page.get_by_role("link", name=re.compile("^查看审核")).first.click()
    page.wait_for_url("**/backoffice/persons/*/")
    journey.check("person-from-certification")
    page.context.clear_cookies()

    # the tax officer: the same workbench, a unit found by part of its credit code, its roster and
    # its 审核认定书 from the result (20, 21)
    demo_staff_log_in(page, "tax-nm")
    assert page.locator("h1").inner_text() == "工作台"
    journey.check("tax-nm-workbench")
    certified = next(u for u in UNITS if u.key == "nm-cert")
    page.get_by_role("navigation", name="主菜单").get_by_role("link", name="认定结果", exact=True).click()
    page.get_by_role("searchbox", name="搜索").fill(certified.credit_code[-6:])
    page.get_by_role("button", name="查询").click()
    row = page.get_by_role("row", name=certified.name)
    row.wait_for()
    assert page.locator("table tbody tr").count() == 1
    journey.check("tax-search-partial-code")
    row.get_by_role("link", name=re.compile("^查看")).click()
    with page.expect_download() as roster:
        page.get_by_role("link", name="导出残疾职工名册").click()
    assert roster.value.suggested_filename.endswith(".xlsx")
    with page.expect_download() as certificate:
        page.get_by_role("link", name="下载审核认定书").click()
    assert certificate.value.suggested_filename.endswith(".pdf")
    journey.check("tax-result")

    # 接口令牌 of the officer's own region (22)
    page.get_by_role("navigation", name="主菜单").get_by_role("link", name="接口令牌", exact=True).click()
    page.get_by_label("系统名称").fill("呼和浩特市税务局残保金征收系统")
    page.get_by_role("button", name=re.compile("签发")).click()
    page.get_by_text("只显示这一次").wait_for()
    journey.check("tax-token-issued")
    journey.assert_accessible()
