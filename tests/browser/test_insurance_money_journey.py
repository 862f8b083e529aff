"""The retiree plan's money in the browser (issue 19): the union of the unit's district approves a
batch per 社保编号; the agent requests withholding after the confirmation dialog; an administrator
simulates the pension day; the results show a partial failure and the agent deletes a failed member
within the 75% rule, confirms the list, enters a voucher above what is due, a refund of the excess
to another account (with its explanation) and an e-receipt, and submits; a second union colleague
(four eyes) approves the vouchers: 投保成功. Screenshots under test-artifacts/screenshots/."""

from decimal import Decimal

import pytest

from insurance import choices as c
from insurance.models import CodeRatio, InsuranceBatch, PlanYear
from tests import factories as f
from tests.browser.conftest import log_in, staff_log_in
from tests.insurance.factories import BatchFactory, CodeFactory, MemberFactory, at
from tests.portal.feeds.factories import RegistryPersonFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PDF = {"mimeType": "application/pdf", "buffer": f.PDF_BYTES}
PNG = {"mimeType": "image/png", "buffer": f.png_bytes()}


def world():
    unit = f.EmployerFactory(name="上海浦江精密仪器有限公司", admin_region=f.region("310104"),
                             union_district="徐汇区总工会")
    agent = f.AgentFactory(employer=unit, user__full_name="王丽华", user__email="agent@demo.cn").user
    code = CodeFactory(employer=unit, code="31000023")
    batch = BatchFactory(code=code, created_by=agent, withholding=True, under_review=True)
    for n, (name, balance, can) in enumerate([("张建国", "3000.00", True), ("李秀英", "3000.00", True),
                                               ("王桂兰", "120.00", True), ("赵德明", "3000.00", False)]):
        person = RegistryPersonFactory(retiree=True, name=name, pension_balance=Decimal(balance))
        MemberFactory(batch=batch, passed=True, name=name, id_number=person.id_number, si_number="31061826",
                      row_number=n + 2, withholding=c.Withholding.YES if can else c.Withholding.NO)
    CodeRatio.objects.create(batch=batch, si_number="31061826", unit_name=code.unit_name, registry_count=4)
    PlanYear.objects.filter(year=2027).update(voucher_four_eyes=True)
    return unit, agent, batch


def test_from_an_approved_batch_through_withholding_and_vouchers_to_insured(page, journey, reference_data):
    unit, agent, batch = world()
    union = f.UserFactory(union=True, region=f.region("310000"), union_district="徐汇区总工会", full_name="徐汇职保会")
    colleague = f.UserFactory(union=True, region=f.region("310000"), union_district="徐汇区总工会", full_name="徐汇复核")
    admin = f.UserFactory(admin=True, full_name="系统管理员")
    page.on("dialog", lambda dialog: dialog.accept())

    with at(2027, 5, 20):
        # the union reviews the batch per 社保编号
        staff_log_in(page, union)
        page.goto("/")
        journey.check("union-home")
        page.get_by_role("link", name="参保批次审核").first.click()
        page.get_by_role("link", name=f"审核 {batch.number}").click()
        journey.check("union-batch-review")
        page.get_by_role("button", name="提交审核结果").click()
        page.get_by_text("审核结果已保存").wait_for()
        page.context.clear_cookies()

        # the agent asks for withholding, after the confirmation
        log_in(page, agent.username, f.PASSWORD)
        page.goto("/insurance/")
        page.get_by_role("link", name=f"继续办理参保 {batch.number}").click()
        page.get_by_role("button", name="代扣名单确认，提交代扣申请").click()
        page.get_by_label("我已阅读并同意").check()
        journey.check("withholding-confirm")
        page.get_by_role("button", name="确认无误").click()
        page.get_by_text("代扣申请已提交").first.wait_for()
        journey.check("withholding-requested")
        page.context.clear_cookies()

        # the pension day, simulated by an administrator
        staff_log_in(page, admin)
        page.goto(f"/backoffice/union/batches/{batch.pk}/")
        page.get_by_role("button", name="模拟养老金发放日代扣").click()
        page.get_by_text("代扣文件已发送").wait_for()
        journey.check("run-received")
        page.goto("/backoffice/union/runs/?status=all")
        journey.check("runs")
        page.context.clear_cookies()

        # the results: 2 of 4 withheld at 300; the one short of money is deleted (3 of 4 stay: 75%)
        log_in(page, agent.username, f.PASSWORD)
        page.goto(f"/insurance/batches/{batch.pk}/withholding/")
        assert "需单位缴纳参保费用 <strong>¥1,200.00</strong>" in page.content()
        journey.check("withholding-results")
        page.get_by_label("选择 王桂兰").check()
        page.get_by_role("button", name="删除所选代扣失败人员").click()
        page.get_by_text("已删除代扣失败人员1人").wait_for()
        assert "¥750.00" in page.content()
        page.get_by_role("button", name="参保名单确定，前往上传缴费凭证").click()
        page.wait_for_url("**/vouchers/")

        # a voucher of 800 (50 too much), the refund of 50 to another account, the e-receipt
        page.get_by_text("新增缴费凭证").click()
        page.get_by_label("付款单位名称").fill(unit.name)
        page.get_by_label("缴费方式").select_option("online")
        page.get_by_label("缴费金额（元）").fill("800")
        page.get_by_label("缴费凭证图片").set_input_files({"name": "凭证.png", **PNG})
        page.get_by_role("button", name="确认").click()
        page.get_by_text("缴费凭证已保存").wait_for()
        page.get_by_text("新增退款信息").click()
        page.get_by_label("选择缴费单位").select_option(index=1)
        page.get_by_label("退款账户名称").fill("上海浦江精密仪器有限公司工会")
        page.get_by_label("退款账号").fill("6222021001001234567")
        page.get_by_label("退款银行").fill("中国工商银行徐汇支行")
        page.get_by_label("退款金额（元）").fill("60")
        page.get_by_role("button", name="保存").click()
        page.get_by_text("退款金额不能超过多缴金额").first.wait_for()
        journey.check("refund-refused")
        page.get_by_label("退款金额（元）").fill("50")
        page.get_by_label("情况说明（缴费单位与退款账户不一致时上传）").set_input_files({"name": "情况说明.pdf", **PDF})
        page.get_by_role("button", name="保存").click()
        page.get_by_text("退款信息已保存").wait_for()
        page.get_by_text("新增电子票据").click()
        page.get_by_label("专用收据抬头").fill(unit.name)
        page.locator("#id_ereceipt-amount").fill("1350")
        page.get_by_role("button", name="确认").click()
        page.get_by_text("电子票据信息已保存").wait_for()
        journey.check("vouchers")
        page.get_by_role("button", name="提交审核").click()
        page.get_by_text("缴费凭证已提交职保会审核").wait_for()
        page.context.clear_cookies()

        # four eyes: the union's second person checks the vouchers
        staff_log_in(page, colleague)
        page.goto("/backoffice/union/voucher-reviews/")
        journey.check("voucher-queue")
        page.get_by_role("link", name=f"审核 {batch.number}").click()
        page.get_by_label("凭证审核通过（投保成功）").check()
        journey.check("voucher-review")
        page.get_by_role("button", name="提交凭证审核结果").click()
        page.get_by_text("凭证审核结果已保存").wait_for()
        page.context.clear_cookies()

        log_in(page, agent.username, f.PASSWORD)
        page.goto("/insurance/vouchers/")
        journey.check("insured")
    batch = InsuranceBatch.objects.get(pk=batch.pk)
    assert batch.status == c.BatchStatus.INSURED and batch.insured_receipt is not None
    assert batch.members.filter(deleted_at__isnull=True, coverage_start__isnull=False).count() == 3
    journey.assert_accessible()
