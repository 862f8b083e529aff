"""An agent adds a person from the registry, watches the grid, selects a ✗ month, uploads evidence
and sees 待审核; then adds a clean person whom the system confirms (issue: Placement 1 of 2)."""

import re

import pytest

from placement.models import PlacedPerson
from portal.feeds.demo import demo_person, load_registry
from tests import factories as f
from tests.browser.conftest import fill_contract, log_in
from tests.placement.conftest import demo_employer

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def add_from_registry(page, journey, key, label):
    page.goto("/placement/")
    page.get_by_role("link", name="+ 添加残疾人").click()
    page.get_by_label("身份证号").fill(demo_person(key).id_number)
    page.get_by_role("button", name="获取信息").click()
    assert "已从残疾人证登记系统获取" in page.content()
    journey.check(f"{label}-basic")
    page.get_by_label("户籍地类型").select_option("local")
    page.get_by_label("联系电话").fill("13800000000")
    if page.locator("#id_retirement_category").count():
        page.locator("#id_retirement_category").select_option("F55")
    page.get_by_label("是否高校毕业生").select_option("0")
    page.get_by_role("button", name="保存，继续填写合同和残疾证").click()
    page.wait_for_url("**/register/")
    page.get_by_role("link", name="添加合同").click()
    fill_contract(page, f.PDF_BYTES)
    page.wait_for_url("**/register/")
    journey.check(f"{label}-step1")
    assert_contract_actions_visible(page, journey, label)
    page.get_by_role("button", name="保存，下一步").click()
    page.wait_for_url("**/verify/")


def assert_contract_actions_visible(page, journey, label):
    """Every column of 合同管理, 附件 and 编辑/删除 included, is on screen at common laptop widths
    without scrolling the table sideways (issue 15, point 2)."""
    for width in (1366, 1280):
        page.set_viewport_size({"width": width, "height": 900})
        table = page.locator("table.contract-table")
        assert table.evaluate("t => t.parentElement.scrollWidth <= t.parentElement.clientWidth"), width
        for control in (table.get_by_role("link", name=re.compile("编辑")), table.get_by_role("button", name=re.compile("删除")),
                        table.locator(".file-cell a")):
            box = control.bounding_box()
            assert box and box["x"] + box["width"] <= width, (width, box)
        journey.snap(f"{label}-contracts-{width}", full_page=False)
    page.set_viewport_size({"width": 1280, "height": 900})


def test_add_a_person_select_a_failed_month_upload_evidence_and_add_a_clean_person(page, journey):
    load_registry()
    employer = demo_employer("sh")
    agent = f.AgentFactory(employer=employer, user__username="placement@example.cn")
    log_in(page, agent.user.username, f.PASSWORD)
    page.wait_for_url("**/")

    add_from_registry(page, journey, "sh-gap", "gap")
    assert page.locator("summary.cell-fail").count() >= 2
    journey.check("gap-grid")
    page.get_by_label("申报 202503").check()
    page.once("dialog", lambda dialog: (dialog.message.startswith("该人员安置月数为") and dialog.accept()))
    page.get_by_role("button", name="保存，下一步").click()
    page.wait_for_url("**/evidence/")
    journey.check("gap-evidence-empty")
    page.locator("#id_si-file").set_input_files({"name": "缴费凭证.pdf", "mimeType": "application/pdf",
                                                      "buffer": f.PDF_BYTES})
    page.get_by_role("button", name="上传").click()
    assert "社会保险缴费凭证已上传" in page.content()
    journey.check("gap-evidence-uploaded")
    page.get_by_role("button", name="保存，下一步").click()
    page.wait_for_url("**/done/")
    assert "等待残联主管部门审核" in page.content()
    journey.check("gap-done")

    add_from_registry(page, journey, "sh-clean", "clean")
    journey.check("clean-grid")
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="保存，下一步").click()
    page.wait_for_url("**/done/")
    assert "已由系统审核确认" in page.content()
    journey.check("clean-done")

    page.goto("/placement/")
    journey.check("list")
    # 查看 on a confirmed person opens the read-only record (issue 15, point 1)
    clean = demo_person("sh-clean").roster_name
    page.get_by_role("row").filter(has_text=clean).get_by_role("link", name="查看").click()
    page.wait_for_url("**/record/")
    assert page.get_by_role("heading", name=f"安置登记记录：{clean}").is_visible()
    assert page.locator("main input:not([type=hidden]), main select, main textarea").count() == 0
    assert page.get_by_role("heading", name="合同信息").is_visible() and "劳动合同.pdf" in page.content()
    assert page.get_by_role("heading", name="各月校验与审核结果").is_visible()
    journey.check("clean-record")
    page.goto(page.url.replace("/record/", "/register/"))  # a step page opens the record instead
    page.wait_for_url("**/record/")
    page.goto("/placement/")
    page.get_by_role("row").filter(has_text=demo_person("sh-gap").roster_name).get_by_role("link", name="查看").click()
    page.wait_for_url("**/record/")
    assert "缴费凭证.pdf" in page.content() and "等待残联主管部门审核" in page.content()
    journey.check("gap-record")
    statuses = dict(PlacedPerson.objects.values_list("name", "status"))
    assert statuses == {demo_person("sh-gap").roster_name: "pending_review",
                        demo_person("sh-clean").roster_name: "confirmed"}
    journey.assert_accessible()
