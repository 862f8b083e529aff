"""The pages of the declaration year that no journey passes through, on `make run` demo data: each
is opened by the person who uses it, shows what it is for, is screenshotted and checked with axe
(issues 7–9). The states are reached through the services an agent's and a reviewer's clicks call."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from placement.models import AnnualDeclaration, DeregistrationRequest
from placement.services import certification
from placement.services import declaration as declarations
from portal.demo import DEMO_PASSWORD, UNITS, totp_key_for
from tests import factories as f
from tests.browser.conftest import log_in, staff_log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def user(username):
    return get_user_model().objects.get(username=username)


def demo_staff(page, username):
    staff_log_in(page, user(username), password=DEMO_PASSWORD, key=bytes.fromhex(totp_key_for(username)))


def see(page, journey, url: str, label: str, *texts: str) -> None:
    page.goto(url)
    body = page.locator("main").inner_text()
    for text in texts:
        assert text in body, f"{url}: {text!r} not shown"
    journey.check(label)


def test_every_page_of_the_year_that_no_journey_visits(page, journey):
    call_command("load_demo")
    nm = next(u for u in UNITS if u.key == "nm")
    agent, reviewer, supervisor = user(nm.agent), user("reviewer-nm"), user("supervisor-nm")
    declaration = AnnualDeclaration.objects.get(employer__credit_code=nm.credit_code, business_year=2025)
    declaration = declarations.headcount_prefill(declaration_id=declaration.pk)
    declarations.headcount_confirm(actor=agent, declaration=declaration, headcount=declaration.headcount_from_feed)
    declarations.declaration_submit(actor=agent, declaration=declaration, commitment_accepted=True)
    before = declarations.withdrawal_request_submit(actor=agent, declaration=declaration, reason="漏报一名安置人员")
    certification.withdrawal_decide(actor=reviewer, request=before, approve=False, reason="请在认证后提交反馈")
    declaration = certification.declaration_certify(actor=reviewer, declaration=declaration)
    feedback = declarations.feedback_submit(actor=agent, declaration=declaration, text="乌云其其格6、7月医保已补缴")
    after = declarations.withdrawal_request_submit(actor=agent, declaration=declaration, reason="在职职工人数有误")
    deregistration = declarations.deregistration_submit(
        actor=agent, employer=declaration.employer, reason="单位迁出本市",
        signed_form=SimpleUploadedFile("注销业务申请书.pdf", f.PDF_BYTES, content_type="application/pdf"))

    # the employer: headcount, import, the requests and their forms
    log_in(page, agent.username, DEMO_PASSWORD)
    page.wait_for_url("**/")
    see(page, journey, "/placement/headcount/", "headcount", "在职职工人数")
    see(page, journey, "/placement/import/", "import", "导入上一年申报名单")
    see(page, journey, "/placement/requests/", "requests", "年审认证反馈", before.receipt.reference,
        "请在认证后提交反馈", "单位迁出本市")
    see(page, journey, "/placement/requests/feedback/", "feedback-form", "反馈内容")
    page.context.clear_cookies()

    # the reviewer: the refused withdrawal, the deregistration, the after-certification requests
    demo_staff(page, "reviewer-nm")
    see(page, journey, f"/backoffice/withdrawals/{before.pk}/", "withdrawal-before", "漏报一名安置人员",
        "请在认证后提交反馈")
    see(page, journey, f"/backoffice/deregistrations/{deregistration.pk}/", "deregistration", "单位迁出本市",
        "注销业务申请书.pdf")
    see(page, journey, "/backoffice/after-certification/", "after-certification", nm.name, "在职职工人数有误")
    see(page, journey, f"/backoffice/after-certification/withdrawals/{after.pk}/", "withdrawal-after",
        "须由残联业务主管审核")
    see(page, journey, f"/backoffice/after-certification/feedback/{feedback.pk}/", "feedback-decide",
        "乌云其其格6、7月医保已补缴")
    assert DeregistrationRequest.objects.get(pk=deregistration.pk).is_open
    page.context.clear_cookies()

    # the supervisor who did not certify may decide the withdrawal after certification
    demo_staff(page, supervisor.username)
    see(page, journey, f"/backoffice/after-certification/withdrawals/{after.pk}/", "withdrawal-after-supervisor",
        "在职职工人数有误")
    assert page.get_by_role("button", name="提交审核结果").count() == 1
    assert page.get_by_label("同意撤回（撤销审核认定书，申报退回为“进行中”）").count() == 1
    page.context.clear_cookies()

    # the tax officer's detail of a certified result; the administrator's tokens and audit log
    demo_staff(page, "tax-nm")
    page.goto("/tax/results/")
    page.locator("main").get_by_role("link", name=re.compile(r"^查看 ")).first.click()
    assert declaration.certificate.reference in page.locator("main").inner_text()
    journey.check("tax-result-detail")
    page.context.clear_cookies()
    demo_staff(page, "admin")
    see(page, journey, "/console/tokens/", "tokens", "接口令牌")
    see(page, journey, "/console/audit/", "audit", "年审认证审核通过")
    journey.assert_accessible()
