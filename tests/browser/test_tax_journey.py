"""The end of the placement journey (issue: Back office 2 of 2): a reviewer certifies a submitted
declaration, the employer downloads the 审核认定书, anyone checks its code on the public page, a
reviewer sends it to tax, and a tax officer sees it acknowledged and exports it."""

import subprocess

import pytest

from placement.models import AnnualDeclaration, PlacedPerson
from placement.services.declaration import withdrawal_request_submit
from portal import feeds
from tests import factories as f
from tests.browser.conftest import SCREENSHOTS, log_in, staff_log_in
from tests.placement.factories import DeclarationFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_out(page) -> None:
    page.context.clear_cookies()


def test_certify_download_verify_send_to_tax_and_export(page, journey):
    page.on("dialog", lambda dialog: dialog.accept())
    unit = f.EmployerFactory(name="上海浦江精密机械有限公司", admin_region=f.region("310104"))
    agent = f.AgentFactory(employer=unit, user__username="agent-tax@example.cn").user
    declaration = DeclarationFactory(employer=unit, submitted=True, persons=2)
    PlacedPerson.objects.filter(declaration=declaration).order_by("pk").filter(
        pk=declaration.persons.order_by("pk").first().pk).update(name="王堃")
    reviewer = f.UserFactory(reviewer=True, username="rev-tax", region=f.region("310000"), full_name="认证审核员")
    sender = f.UserFactory(reviewer=True, username="rev-send", region=f.region("310000"), full_name="发送审核员")
    officer = f.UserFactory(tax=True, username="tax-officer", region=f.region("310000"), full_name="徐汇税务")

    # 年审认证审核: the reviewer certifies
    staff_log_in(page, reviewer)
    page.get_by_role("link", name="年审认证审核").first.click()
    journey.check("certification-queue")
    page.get_by_role("link", name="审核", exact=True).click()
    journey.check("certification-detail")
    page.get_by_role("button", name="认证通过").click()
    page.get_by_text("审核认定书正在生成").wait_for()
    journey.check("certified")
    declaration = AnnualDeclaration.objects.get(pk=declaration.pk)
    certificate = declaration.certificate
    assert declaration.status == "certified"
    log_out(page)

    # the employer downloads the 审核认定书
    log_in(page, agent.username, f.PASSWORD)
    page.wait_for_url("**/")
    with page.expect_download() as download:
        page.evaluate(f"window.location.href = '/documents/{certificate.document_id}/'")
    pdf = SCREENSHOTS / "tax-journey-certificate.pdf"
    download.value.save_as(str(pdf))
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "审核认定书" in text and "上海浦江精密机械有限公司" in text and "王堃" in text
    subprocess.run(["pdftoppm", "-png", "-r", "70", "-f", "1", "-l", "1", str(pdf),
                    str(SCREENSHOTS / "tax-journey-certificate")], check=True)
    log_out(page)

    # anyone checks the code on the public page
    page.goto("/verify/")
    page.get_by_label("验证码").fill(certificate.verification_code)
    page.get_by_role("button", name="查验").click()
    page.get_by_text(certificate.reference).first.wait_for()
    journey.check("verify")

    # 发送税务: a reviewer sends it (another one: a TOTP code is good once); the intake acknowledges at once
    staff_log_in(page, sender)
    with feeds.configure(ack_delay_s=0):
        page.goto("/backoffice/send-to-tax/")
        journey.check("send")
        page.get_by_label(f"选择{unit.name}").check()
        page.get_by_role("button", name="批量发送所选").click()
        page.get_by_text("已提交发送 1 家单位").wait_for()
    page.goto("/backoffice/deliveries/")
    journey.check("deliveries")
    assert "税务已接收" in page.get_by_role("row").filter(has_text=unit.name).inner_text()
    log_out(page)

    # the tax officer sees it acknowledged and exports it
    staff_log_in(page, officer)
    page.get_by_role("link", name="认定结果").first.click()
    assert "已接收" in page.content()
    journey.check("tax-results")
    page.locator("main").get_by_role("link", name=f"查看 {unit.name}").click()
    journey.check("tax-result-detail")
    page.goto("/tax/results/")
    with page.expect_download() as export:
        page.get_by_role("link", name="导出Excel").click()
    assert export.value.suggested_filename.endswith(".xlsx")
    assert AnnualDeclaration.objects.get(pk=declaration.pk).status == "sent_to_tax"
    log_out(page)

    # issue 14, point 3: the unit asks to withdraw the certified year; a supervisor who did not certify
    # approves; tax sees the result withdrawn (已作废) and its revocation handed over and received
    withdrawal_request_submit(actor=agent, declaration=declaration, reason="漏报一名安置人员")
    supervisor = f.UserFactory(supervisor=True, username="sup-tax", region=f.region("310000"), full_name="认证主管")
    staff_log_in(page, supervisor)
    with feeds.configure(ack_delay_s=0):
        page.goto("/backoffice/after-certification/")
        page.get_by_role("link", name="审核", exact=True).click()
        page.get_by_label("同意撤回（撤销审核认定书，申报退回为“进行中”）").check()
        page.get_by_role("button", name="提交审核结果").click()
        page.get_by_text("已办理").first.wait_for()
    page.goto("/backoffice/deliveries/?status=cancelled")
    assert unit.name in page.content()
    page.goto("/backoffice/deliveries/?kind=revocation")
    journey.check("revocation-delivery")
    assert "撤销认定" in page.get_by_role("row").filter(has_text=unit.name).inner_text()
    log_out(page)
    staff_log_in(page, f.UserFactory(tax=True, username="tax-officer2", region=f.region("310000")))
    page.goto("/tax/results/")
    row = page.get_by_role("row").filter(has_text=unit.name).inner_text()
    assert "已作废" in row and "撤销已送达" in row
    journey.check("tax-results-revoked")
    page.locator("main").get_by_role("link", name=f"查看 {unit.name}").click()
    assert "撤销认定" in page.content()
    journey.check("tax-result-revoked")
    journey.assert_accessible()
