"""The federation side of the placement journey (issue: Back office 1 of 2): a reviewer logs in
with TOTP, finds a flagged person in the queue, rejects one month with a reason and approves the
rest; a later check that says otherwise shows beside the answer the decision read; the employer reads the review-complete notice and sees the new counts."""

import shutil
from pathlib import Path

import pytest

from placement.models import PlacedPerson
from placement.services.verification import person_verify
from portal.feeds.demo import demo_person, load_registry
from portal.feeds.models import MonthRecord
from portal.feeds.services import month_record_save
from tests import factories as f
from tests.browser.conftest import SCREENSHOTS, log_in, staff_log_in
from tests.placement.conftest import demo_employer
from tests.placement.factories import flagged_person

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = Path("/tmp/shots-review")


def test_a_reviewer_rejects_one_month_and_the_employer_sees_the_notice_and_counts(page, journey):
    load_registry()
    unit = demo_employer("sh")
    agent = f.AgentFactory(employer=unit, user__username="agent-review@example.cn").user
    person = flagged_person(unit, agent)
    name = demo_person("sh-gap").roster_name
    reviewer = f.UserFactory(reviewer=True, username="rev-journey", region=f.region("310000"), full_name="上海审核员")

    staff_log_in(page, reviewer)
    assert "安置登记审核（待审核人员）" in page.content()
    journey.check("home")
    page.get_by_role("link", name="安置登记审核", exact=True).click()
    page.wait_for_url("**/backoffice/persons/")
    assert name in page.content() and "社保参保状态" in page.content()
    journey.check("queue")
    page.get_by_role("link", name=f"审核 {name}").click()
    page.wait_for_url(f"**/backoffice/persons/{person.pk}/")
    assert "查看材料" in page.content()
    journey.check("decision")

    # the cell's 查看材料 leads to the material under its month on the same page (issue 15, 14); all
    # its pages open as page images (在线查看), the PDF stays sandboxed
    page.get_by_role("link", name="查看材料").first.click()
    page.get_by_role("link", name="在线查看全部页面").first.click()
    viewer = page
    viewer.wait_for_load_state()
    assert "在线查看：社会保险缴费凭证.pdf" in viewer.content()
    image = viewer.get_by_role("img", name="社会保险缴费凭证.pdf 第1页")
    image.wait_for()
    assert viewer.evaluate("img => img.complete && img.naturalWidth > 0", image.element_handle())
    viewer.screenshot(path=str(SCREENSHOTS / f"{journey.name}-evidence-view.png"), full_page=True)
    page.go_back()
    page.locator("#id_decision_3_1").wait_for()  # back on the review page, at the month's material

    page.locator("#id_decision_3_1").check()  # 202503 无效
    page.locator("#id_reason_choice_3").select_option("该月无本单位或合同约定单位的社会保险缴费记录")
    page.locator("#id_decision_4_0").check()  # 202504 有效 (the material proves it)
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="确认").click()
    page.get_by_text("已通知用人单位").first.wait_for()
    assert "部分审核不通过" in page.content()
    journey.check("decided")
    assert PlacedPerson.objects.get(pk=person.pk).status == "partially_rejected"

    # social insurance back-fills March and the next check says ✓: the cell shows the answer now,
    # what it said when the reviewer decided, and its history (issue 14, point 16)
    record = MonthRecord.objects.get(person_id=person.id_number, month=202503, unit_id=unit.credit_code)
    month_record_save(actor=None, person=record.person, record=record, si_paid=True, si_base=6500)
    person_verify(person.pk)
    page.reload()
    march = page.locator("tr:not(.evidence-row)").filter(has_text="202503")
    assert "审核时：✗" in march.inner_text() and "依据" in march.inner_text()
    march.get_by_text("历次校验").click()
    history = march.locator("details.cell-history ol").inner_text()
    assert "✗" in history and "✓" in history
    journey.check("cell-history")

    page.context.clear_cookies()
    log_in(page, agent.username, f.PASSWORD)
    page.wait_for_url("**/")
    page.goto("/notices/")
    page.get_by_role("link", name=f"安置人员“{name}”资料审核完成通知").click()
    body = page.content()
    assert f"贵单位安置人员“{name}”资料审核已完成，有效月份为2025年1月、2025年2月、2025年4月" in body
    assert "2025年3月：该月无本单位或合同约定单位的社会保险缴费记录" in body
    journey.check("notice")
    page.goto("/placement/?year=2025")
    text = page.locator("main").inner_text()
    assert "部分审核不通过 1 人" in text
    row = page.get_by_role("row").filter(has_text=name).inner_text()
    assert "\t12\t11\t" in row and "\t1\t" in row  # 安置登记 12, 安置确认 11, 安置不通过 1
    journey.check("employer-list")
    journey.assert_accessible()

    SHOTS.mkdir(exist_ok=True)
    for shot in SCREENSHOTS.glob(f"{journey.name}-*.png"):
        shutil.copy(shot, SHOTS / shot.name)
