"""The whole placement journey on `make run`'s demo data, in the browser, from employer to tax
(issues 7–9): the Inner Mongolia unit files, its reviewer certifies, the agent downloads the
审核认定书, anyone checks its code, a supervisor sends it to tax, and the tax officer sees it
acknowledged and exports it."""

import subprocess
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from placement.models import AnnualDeclaration, TaxDelivery
from portal import feeds
from portal.demo import DEMO_PASSWORD, UNITS, totp_key_for
from tests.browser.conftest import SCREENSHOTS, log_in, staff_log_in
from tests.conftest import require_poppler

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def demo_staff_log_in(page, username: str) -> None:
    user = get_user_model().objects.get(username=username)
    staff_log_in(page, user, password=DEMO_PASSWORD, key=bytes.fromhex(totp_key_for(username)))


def test_the_demo_year_runs_from_the_employer_to_the_tax_officer(page, journey):
    require_poppler()
    call_command("load_demo")
    page.on("dialog", lambda dialog: dialog.accept())
    unit = next(u for u in UNITS if u.key == "nm")

    # the employer confirms the headcount the registry reports and files (完成申报)
    log_in(page, unit.agent, DEMO_PASSWORD)
    page.wait_for_url("**/")
    page.goto("/placement/submit/")
    page.get_by_role("link", name="确认在职职工人数").click()
    page.get_by_role("button", name="确认在职职工人数").click()
    page.wait_for_url("**/submit/")
    page.get_by_label("我已阅读《申报资料真实性承诺书》").check()
    page.get_by_role("button", name="已阅读、确认，完成申报").click()
    page.get_by_role("button", name="确定完成申报").click()  # validate first, confirm last (issue 15)
    page.wait_for_url("**/submitted/")
    journey.check("submitted")
    declaration = AnnualDeclaration.objects.get(employer__credit_code=unit.credit_code, business_year=2025)
    assert declaration.status == "submitted"
    page.context.clear_cookies()

    # 年审认证审核: the region's reviewer certifies it from the queue
    demo_staff_log_in(page, "reviewer-nm")
    page.get_by_role("link", name="年审认证审核").first.click()
    page.get_by_role("row", name=unit.name).get_by_role("link", name="审核").click()
    page.get_by_role("button", name="认证通过").click()
    page.get_by_text("审核认定书正在生成").wait_for()
    journey.check("certified")
    declaration = AnnualDeclaration.objects.get(pk=declaration.pk)
    assert declaration.status == "certified"
    code = declaration.certificate.verification_code
    page.context.clear_cookies()

    # the employer downloads the 审核认定书 from the home page
    log_in(page, unit.agent, DEMO_PASSWORD)
    page.wait_for_url("**/")
    journey.check("home-certified")
    with page.expect_download() as download:
        page.get_by_role("link", name="下载审核认定书").first.click()
    pdf = Path(download.value.path())
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, check=True).stdout.decode()
    assert "残疾人按比例就业情况审核认定书" in text and unit.name in text and code in text
    subprocess.run(["pdftoppm", "-png", "-r", "70", "-f", "1", "-l", "1", str(pdf),
                    str(SCREENSHOTS / "demo-year-certificate")], check=True)
    page.context.clear_cookies()

    # anyone checks the code
    page.goto("/verify/")
    page.get_by_label("验证码").fill(code)
    page.get_by_role("button", name="查验").click()
    page.get_by_text(declaration.certificate.reference).first.wait_for()
    assert "已作废" not in page.content()

    # 发送税务: the supervisor sends it; the intake acknowledges at once
    demo_staff_log_in(page, "supervisor-nm")
    with feeds.configure(ack_delay_s=0):
        page.goto("/backoffice/send-to-tax/")
        page.get_by_label(f"选择{unit.name}").check()
        page.get_by_role("button", name="批量发送所选").click()
        page.get_by_text("已提交发送 1 家单位").wait_for()
    assert TaxDelivery.objects.get(declaration=declaration).status == "acknowledged"
    page.context.clear_cookies()

    # the tax officer of the unit's 税务主管部门 sees it acknowledged and exports
    demo_staff_log_in(page, "tax-nm")
    page.get_by_role("link", name="认定结果").first.click()
    page.get_by_role("row", name=unit.name).wait_for()
    journey.check("tax-results")
    with page.expect_download() as export:
        page.get_by_role("link", name="导出Excel").click()
    assert export.value.suggested_filename.endswith(".xlsx")
    assert AnnualDeclaration.objects.get(pk=declaration.pk).status == "sent_to_tax"
    journey.assert_accessible()
