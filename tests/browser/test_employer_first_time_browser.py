"""A first-time employer agent's pages after issue 15 (points 5–10), each screenshotted and checked
with axe-core: registration reporting every problem at once, an upload refused with what the file
really is, the list's 删除所选, the calculator's citations and one-line formula, the 经办人
invitation's lifetime, and 帮助 with its 系统操作手册 PDF."""

import re
import subprocess
from pathlib import Path

import pytest

from placement.years import current_business_year
from tests import factories as f
from tests.browser.conftest import SCREENSHOTS, fill_contract, log_in, pick_region
from tests.conftest import require_poppler
from tests.placement.factories import DeclarationFactory, PersonFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_first_time_agent_registers_uploads_deletes_estimates_invites_and_reads_the_help(page, journey):
    require_poppler()
    taken = f.EmployerFactory(name="上海已注册单位有限公司", admin_region=f.region("310104"))

    # 6: every problem in one round, the 经办人's name asked, selects read 请选择
    page.goto("/accounts/register/")
    assert page.locator("select option", has_text="---------").count() == 0
    page.get_by_label("单位名称").fill("上海新注册单位有限公司")
    page.get_by_label("统一社会信用代码").fill(taken.credit_code)
    pick_region(page, "id_region", "310000", "310100", "310104")
    page.get_by_label("联系邮箱").fill("new@reg.example.cn")
    page.get_by_label("联系电话").fill("021-55556666")
    page.locator("#id_password1").fill("abcdefgh123")
    page.locator("#id_password2").fill("abcdefgh123")
    page.get_by_role("button", name="注册").click()
    summary = page.locator(".error-summary").inner_text()
    assert "该统一社会信用代码已注册" in summary and "字母、数字和特殊字符" in summary and "请输入经办人姓名" in summary
    journey.check("register-all-errors")

    # an agent of a unit with a year in progress
    unit = f.EmployerFactory(name="上海首次使用单位有限公司", admin_region=f.region("310104"))
    agent = f.AgentFactory(employer=unit, is_registrant=True, user__username="first@example.cn",
                           user__full_name="李经办")
    declaration = DeclarationFactory(employer=unit, business_year=current_business_year())
    draft = PersonFactory(declaration=declaration, name="在登记")
    PersonFactory(declaration=declaration, confirmed=True, name="甲删除")
    PersonFactory(declaration=declaration, confirmed=True, name="乙删除")
    log_in(page, agent.user.username, f.PASSWORD)
    assert "您好，李经办" in page.content()

    # 5: a renamed text file is told what it is, beside the field
    page.goto(f"/placement/persons/{draft.pk}/contracts/new/")
    fill_contract(page, "这是一个文本文件".encode())
    error = page.locator("#id_attachment_error").inner_text()
    assert "“劳动合同.pdf”的内容是文本文件" in error and "10MB" not in error
    journey.check("upload-renamed-text")

    # 9: the list's checkbox column with 删除所选
    page.goto("/placement/")
    page.get_by_label("选择 甲删除").check()
    page.get_by_label("选择 乙删除").check()
    journey.check("list-ticked")
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="删除所选").click()
    page.wait_for_load_state()
    assert "已删除所选的 2 人" in page.content() and "甲删除" not in page.locator("table").inner_text()
    journey.check("list-deleted")

    # 7: official citations only, the formula in one line
    page.goto("/levy/calculator/")
    page.get_by_label("单位员工人数").fill("200")
    page.get_by_label("单位月平均工资（元）").fill("8000")
    page.get_by_role("button", name="计算").click()
    assert "残保金 =（上年在职职工人数 × 规定比例" in page.get_by_test_id("formula").inner_text()
    sources = " ".join(page.locator("td.source").all_inner_texts())
    assert not re.search(r"http|凭记忆|转载|未核实样例|请核实", sources)
    journey.check("calculator-citations")

    # 10: the invitation says how long it lasts
    page.goto("/unit/agents/")
    assert "3天（72小时）内有效" in page.content()
    journey.check("agents")

    # 9: 帮助, 残疾证相关问题解答 and the 系统操作手册
    page.get_by_role("link", name="帮助").first.click()
    journey.check("help")
    page.get_by_role("link", name="残疾证相关问题解答").click()
    assert page.get_by_role("heading", name="残疾证相关问题解答").is_visible()
    journey.check("help-certificate-faq")
    page.goto("/help/")
    with page.expect_download() as download:
        page.get_by_role("link", name=re.compile("下载系统操作手册")).click()
    path = Path(download.value.path())
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, check=True).stdout.decode()
    assert "系统操作手册（用人单位经办人）" in text and "残疾证相关问题解答" in text
    subprocess.run(["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "2", str(path),
                    str(SCREENSHOTS / "employer-manual")], check=True)
    journey.assert_accessible()
