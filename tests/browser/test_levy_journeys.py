"""The levy journeys in a browser (issue 16): a Shanghai unit confirms the registry's figures,
objects, a tax officer decides, the unit goes through 核定 and pays; a Liaoning unit declares its
figures after the deadline and pays late, then downloads the 缴费凭证."""

import subprocess

import pytest

from levy.models import LevyAssessment, Objection
from portal import feeds
from tests import factories as f
from tests.browser.conftest import SCREENSHOTS, log_in, staff_log_in
from tests.levy.conftest import certify_unit, counted, registry_unit_for

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_out(page) -> None:
    page.context.clear_cookies()


def test_shanghai_confirm_object_decision_assess_and_pay(page, journey):
    page.on("dialog", lambda dialog: dialog.accept())
    unit = f.EmployerFactory(name="上海申江电子科技有限公司", admin_region=f.region("310104"))
    registry_unit_for(unit, year=2025, accounts=200, capped=("1600000.00",) * 12, base=("1750000.00",) * 12,
                      missing=(202503,), changes={"refund": ("-20000.00", "-20000.00")})
    certify_unit(unit, year=2025, headcount=200, persons=[counted(grade=3, name="王堃")])
    agent = f.AgentFactory(employer=unit, user__username="levy-sh@example.cn").user
    officer = f.UserFactory(tax=True, username="tax-levy", region=f.region("310000"), full_name="徐汇税务专员")

    log_in(page, agent.username, f.PASSWORD)
    page.goto("/levy/2026/start/")
    journey.check("guide")
    page.get_by_label("是").check()
    page.get_by_role("button", name="下一步").click()
    page.get_by_role("heading", name="残保金征缴“一件事” 办理须知").wait_for()
    journey.check("notice")
    page.get_by_label("我已阅读并同意以上办理须知").check()
    page.get_by_role("button", name="已阅读并同意").click()
    page.get_by_text("单位基本信息确认").wait_for()
    page.get_by_text("查看按月明细").click()
    journey.check("confirm-registry")
    assert "202503" in page.content()  # the missing month is named

    page.get_by_role("link", name="申请异议").click()
    page.select_option("#kind-pick", "headcount")
    page.get_by_role("button", name="选择").click()
    for month in range(202501, 202513):
        page.get_by_label(str(month), exact=True).fill("220")
    journey.check("objection-form")
    page.get_by_role("button", name="确认提交").click()
    page.get_by_text("异议处理申请已提交").wait_for()
    journey.check("objection-submitted")
    log_out(page)

    staff_log_in(page, officer)
    page.goto("/tax/levy/objections/")
    journey.check("tax-objection-queue")
    page.locator("main").get_by_role("link", name="审核").first.click()
    journey.check("tax-objection-decide")
    page.get_by_label("同意（按单位填写的数据核定）").check()
    page.get_by_role("button", name="提交处理结果").click()
    page.get_by_text("已处理").first.wait_for()
    assert Objection.objects.get().review_state == "approved"
    log_out(page)

    log_in(page, agent.username, f.PASSWORD)
    page.goto("/levy/")
    page.get_by_role("link", name="上年度在职职工平均人数有异议").click()
    journey.check("objection-result")
    page.get_by_role("link", name="返回信息确认").click()
    page.get_by_role("button", name="下一步").click()
    page.get_by_role("heading", name="残疾职工名册").wait_for()
    journey.check("roster")
    assert "王堃" in page.content()
    page.get_by_role("button", name="下一步").click()
    page.get_by_text("应缴纳残保金金额").wait_for()
    journey.check("outcome")
    page.get_by_role("button", name="确认提交").click()
    page.get_by_text("用人单位已提交成功！").wait_for()
    journey.check("submitted")
    assessment = LevyAssessment.objects.get(employer=unit)
    assert assessment.reference in page.content()
    with feeds.configure(settle_delay_s=0):
        page.get_by_label("三方协议扣款").check()
        page.get_by_role("button", name="缴费", exact=True).click()
        page.get_by_role("link", name="下载缴费凭证（PDF）").wait_for()
    journey.check("paid")
    assert LevyAssessment.objects.get(pk=assessment.pk).status in ("paid", "paid_late")
    journey.assert_accessible()


def test_liaoning_declares_after_the_deadline_and_pays_late(page, journey):
    page.on("dialog", lambda dialog: dialog.accept())
    unit = f.EmployerFactory(name="沈阳盛京食品有限公司", admin_region=f.region("210102"))
    certify_unit(unit, year=2024, headcount=200, persons=[counted(grade=3)])
    agent = f.AgentFactory(employer=unit, user__username="levy-ln@example.cn").user

    log_in(page, agent.username, f.PASSWORD)
    page.goto("/levy/2025/start/")
    page.get_by_label("是").check()
    page.get_by_role("button", name="下一步").click()
    page.get_by_label("我已阅读并同意以上办理须知").check()
    page.get_by_role("button", name="已阅读并同意").click()
    page.get_by_label("上年在职职工人数（人）").fill("-3")
    page.get_by_label("上年在职职工工资总额（元）").fill("20000000")
    page.get_by_role("button", name="保存并计算").click()
    page.get_by_text("上年在职职工人数应为不小于0的整数").first.wait_for()
    journey.check("declare-error")
    page.get_by_label("上年在职职工人数（人）").fill("200")
    page.get_by_role("button", name="保存并计算").click()
    page.get_by_text("应补（退）费额").wait_for()
    journey.check("declared")
    page.get_by_role("button", name="下一步").click()
    page.get_by_role("button", name="下一步").click()
    page.get_by_text("应缴纳残保金金额").wait_for()
    journey.check("outcome")
    page.get_by_role("button", name="确认提交").click()
    page.get_by_text("今日滞纳金").wait_for()
    journey.check("overdue")
    with feeds.configure(settle_delay_s=0):
        page.get_by_label("银行转账").check()
        page.get_by_role("button", name="缴费", exact=True).click()
        page.get_by_role("link", name="下载缴费凭证（PDF）").wait_for()
    journey.check("paid-late")
    assessment = LevyAssessment.objects.get(employer=unit)
    assert assessment.status == "paid_late" and assessment.late_fee_paid > 0
    with page.expect_download() as download:
        page.evaluate(f"window.location.href = '/documents/{assessment.payment_receipt.document_id}/'")
    pdf = SCREENSHOTS / "levy-payment-voucher.pdf"
    download.value.save_as(str(pdf))
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "残疾人就业保障金缴费凭证" in text and "沈阳盛京食品有限公司" in text
    subprocess.run(["pdftoppm", "-png", "-r", "70", "-f", "1", "-l", "1", str(pdf),
                    str(SCREENSHOTS / "levy-payment-voucher")], check=True)
    journey.assert_accessible()


def test_a_tour_of_the_levy_pages_no_journey_passes_on_demo_data(page, journey):
    """The tax console's list, detail, payments and 年终批量核定, and 我的办件 / 办件查询, on `make run`
    demo data: each opened by the person who uses it, screenshotted and checked with axe."""
    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    from portal.demo import DEMO_PASSWORD, totp_key_for

    call_command("load_demo", verbosity=0)
    officer = get_user_model().objects.get(username="tax-sh")
    staff_log_in(page, officer, password=DEMO_PASSWORD, key=bytes.fromhex(totp_key_for("tax-sh")))
    page.goto("/tax/levy/")
    page.get_by_text("上海浦东医药有限公司").first.wait_for()
    journey.check("tax-assessments")
    page.goto("/tax/levy/?status=overdue")
    page.get_by_role("link", name="查看").first.click()
    page.get_by_text("今日滞纳金").wait_for()
    journey.check("tax-overdue-detail")
    page.goto("/tax/levy/payments/")
    journey.check("tax-payments")
    page.goto("/tax/levy/bulk/")
    page.get_by_role("button", name="开始批量核定").click()
    page.get_by_text("已发起").wait_for()
    journey.check("tax-bulk")
    page.goto("/")
    assert "残保金异议" in page.content()
    journey.check("tax-dashboard")
    log_out(page)
    log_in(page, "levy-sh@demo.cn", DEMO_PASSWORD)
    page.goto("/levy/filings/")
    journey.check("filings")
    reference = page.locator("tbody td").first.inner_text()
    log_out(page)
    page.goto("/levy/track/")
    page.get_by_label("申请对象").fill("上海申江电子科技有限公司")
    page.get_by_label("办事序号").fill(reference)
    page.get_by_role("button", name="查询").click()
    page.get_by_text("申请信息").wait_for()
    journey.check("track")
    journey.assert_accessible()
