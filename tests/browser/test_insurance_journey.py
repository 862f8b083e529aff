"""The retiree plan's journey in the browser (issue 17): the agent applies for a 参保编码 and the
union of the unit's district approves it; the agent starts a 集中参保 batch, chooses withholding,
imports a roster with errors, downloads the marked file, fixes it, imports it, verifies it against
the registries, handles each exception on its row, uploads the materials of the code below 75%
and submits it to the union, with a receipt. Screenshots under test-artifacts/screenshots/."""

import io

import openpyxl
import pytest

from insurance.models import InsuranceBatch, InsuranceCode
from portal.demo import UNITS
from portal.feeds.demo import load_registry
from tests import factories as f
from tests.browser.conftest import SCREENSHOTS, log_in, staff_log_in
from tests.insurance.factories import SH_RETIREES, at, demo_roster_rows, roster_xlsx

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PDF = {"mimeType": "application/pdf", "buffer": f.PDF_BYTES}
PASSPORT = ("John Smith", "非身份证", "E12345678", "1950-03-01", "男", "13920000000")


def rosters() -> tuple[bytes, bytes]:
    """The roster with three mistakes, and the same roster fixed."""
    good = [*demo_roster_rows(*SH_RETIREES), PASSPORT]
    bad = [list(row) for row in good]
    bad[1][2] = bad[1][2][:-1] + ("0" if bad[1][2][-1] != "0" else "1")  # a wrong check digit
    bad[3][5] = bad[2][5]  # the same phone twice
    bad[8][3], bad[8][4] = None, None  # 非身份证 without birth date and sex
    return roster_xlsx(bad), roster_xlsx(good)


def test_an_agent_enrolls_retirees_from_the_code_to_the_unions_review(page, journey, reference_data):
    load_registry()
    sh = next(u for u in UNITS if u.key == "sh")  # the unit the demo registries know
    unit = f.EmployerFactory(name=sh.name, credit_code=sh.credit_code, admin_region=f.region("310104"),
                             union_district="徐汇区总工会")
    agent = f.AgentFactory(employer=unit, user__full_name="王丽华", user__email="agent@demo.cn",
                           user__phone="13916620000").user
    union = f.UserFactory(union=True, region=f.region("310000"), union_district="徐汇区总工会", full_name="徐汇职保会")
    page.on("dialog", lambda dialog: dialog.accept())
    bad, good = rosters()

    with at(2027, 5, 20):
        # 参保编码申请
        log_in(page, agent.username, f.PASSWORD)
        page.goto("/insurance/codes/")
        page.get_by_role("link", name="申请参保编码").click()
        page.get_by_label("经济类型").select_option("private")
        page.get_by_label("单位地址").fill("上海市徐汇区宜山路888号")
        page.get_by_label("邮政编码").fill("200233")
        page.get_by_label("附件").set_input_files({"name": "营业执照.pdf", **PDF})
        journey.check("code-application")
        page.get_by_role("button", name="提交").click()
        page.get_by_text("申请中").first.wait_for()
        journey.check("code-applied")
        page.context.clear_cookies()

        # the union of 徐汇区总工会 approves it
        staff_log_in(page, union)
        page.goto("/backoffice/union/code-applications/")
        journey.check("union-queue")
        page.get_by_role("link", name="审核 上海浦江精密仪器有限公司").click()
        page.get_by_label("审核通过").check()
        journey.check("union-review")
        page.get_by_role("button", name="提交审核结果").click()
        page.wait_for_url("**/union/code-applications/")
        code = InsuranceCode.objects.get(employer=unit)
        page.context.clear_cookies()

        # 集中参保办理 → 单位信息维护 → the payment method, once
        log_in(page, agent.username, f.PASSWORD)
        page.goto("/insurance/")
        journey.check("batches")
        page.get_by_role("link", name="集中参保办理").click()
        page.get_by_label("参保编码").select_option(str(code.pk))
        page.get_by_role("button", name="确认").click()
        page.wait_for_url("**/unit/")
        journey.check("unit")
        page.get_by_role("button", name="信息确认无误").click()
        page.wait_for_url("**/roster/")
        page.get_by_label("委托代扣款缴费参保（委托职保会向退休职工个人代扣参保费用）").check()
        page.get_by_label("委托代扣金额（元/人）").fill("300")
        page.get_by_label("已盖章的委托代扣款申请表").set_input_files({"name": "委托代扣款申请表.pdf", **PDF})
        page.get_by_role("button", name="保存").click()
        page.get_by_text("参保缴费方式已保存").wait_for()
        batch = InsuranceBatch.objects.get(employer=unit)
        assert batch.payment_method == "withholding"

        # a roster with errors: every error listed, the marked file downloaded, nothing stored
        page.get_by_label("参保名单文件").set_input_files({"name": "参保名单.xlsx", "mimeType": XLSX, "buffer": bad})
        page.get_by_role("button", name="上传文件").click()
        page.get_by_text("导入失败").first.wait_for()
        journey.check("roster-errors")
        with page.expect_download() as download:
            page.get_by_role("link", name="下载标注错误的名单").click()
        data = open(download.value.path(), "rb").read()  # noqa: SIM115 - a temporary download
        (SCREENSHOTS / "insurance-marked-roster.xlsx").write_bytes(data)
        marked = openpyxl.load_workbook(io.BytesIO(data))["错误说明"]
        notes = {row: marked.cell(row=row, column=7).value for row in range(2, 12)}
        assert "校验位不正确" in notes[3] and "重复" in notes[5] and "出生日期" in notes[10]
        assert marked["C3"].fill.start_color.rgb == "FFF4B6B0"
        assert not batch.members.exists()

        # fixed, previewed, imported, verified
        page.get_by_label("参保名单文件").set_input_files({"name": "参保名单.xlsx", "mimeType": XLSX, "buffer": good})
        page.get_by_role("button", name="上传文件").click()
        page.get_by_text("导入预览").wait_for()
        journey.check("roster-preview")
        page.get_by_role("button", name="确认导入9人").click()
        page.get_by_text("成功导入参保人数：9人").first.wait_for()
        journey.check("roster")
        page.get_by_role("button", name="提交系统校验").click()
        page.get_by_text("系统校验已完成").first.wait_for()
        journey.check("results")

        # each exception, fixed on its row
        rows = page.locator("table.results tbody tr")
        rows.filter(has_text="郑美玲").get_by_role("button", name="删除").click()
        page.get_by_text("已删除1人").wait_for()
        rows.filter(has_text="韩梅").get_by_role("button", name="确认").click()
        page.get_by_text("已以社保姓名“韩玫”覆盖").wait_for()
        rows.filter(has_text="钱进").get_by_role("link", name="编辑").click()
        page.get_by_label("退休年月").fill("2018-03")
        journey.check("retirement-month")
        page.get_by_role("button", name="保存").click()
        page.get_by_text("已补充钱进的退休年月").wait_for()
        rows.filter(has_text="沈卫东").get_by_role("link", name="选择情形").click()
        page.get_by_label("新退休：上年度7月1日至本年度6月30日办理退休").check()
        page.get_by_role("button", name="保存").click()
        page.get_by_text("已保存沈卫东的社保类型").wait_for()
        rows.filter(has_text="John Smith").get_by_role("link", name="选择情形").click()
        page.get_by_label("出国：出国（境）定居等").check()
        page.get_by_label("备注（其它类型说明）").fill("2015年起定居加拿大")
        page.get_by_label("相关材料").set_input_files({"name": "出国证明.pdf", **PDF})
        journey.check("situation")
        page.get_by_role("button", name="保存").click()
        page.get_by_text("已保存John Smith的社保类型").wait_for()
        page.get_by_role("button", name="处理完成，再次提交系统校验").click()
        page.get_by_text("已提交系统校验").wait_for()
        journey.check("results-handled")

        # 参保比例: the code is at 85.7%; the members without a record need their materials
        page.get_by_role("link", name="提交职保会审核").first.click()
        page.wait_for_url("**/submit/")
        assert "85.7%" in page.content()
        journey.check("ratio")
        page.get_by_label("上传相关材料（未匹配到单位社保编号）").set_input_files({"name": "说明.pdf", **PDF})
        page.get_by_role("button", name="上传", exact=True).click()
        page.get_by_text("相关材料已上传").wait_for()
        page.get_by_role("button", name="信息确认无误，提交职保会审核").click()
        page.wait_for_url("**/submitted/")
        journey.check("submitted")
    batch = InsuranceBatch.objects.get(pk=batch.pk)
    assert batch.status == "under_review" and batch.submission_receipt.reference in page.content()
    journey.assert_accessible()
