"""The reviewer console's other pages on the demo data (issue 8): dashboard, the certificate queue
with bulk approval, a certificate and a dispatch agreement reviewed, announcements; each page
screenshotted and checked with axe."""

import shutil
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from placement.models import Certificate, Contract
from tests import factories as f
from tests.browser.conftest import SCREENSHOTS, staff_log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_demo_reviewer_reviews_a_certificate_and_a_dispatch_agreement(page, journey):
    call_command("load_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    reviewer = get_user_model().objects.get(username="reviewer-sh")
    reviewer.totpdevice_set.all().delete()  # staff_log_in gives them a device whose code we can compute
    reviewer.set_password(f.PASSWORD)
    reviewer.save()
    staff_log_in(page, reviewer)
    page.goto("/backoffice/")
    journey.check("dashboard")
    page.goto("/backoffice/persons/")
    journey.check("person-queue")
    page.goto("/backoffice/certificates/")
    assert "钱志刚" in page.content()
    journey.check("certificate-queue")
    page.get_by_role("link", name="审核 钱志刚 的残疾证").click()
    journey.check("certificate-review")
    page.get_by_label("审核通过").check()
    page.get_by_role("button", name="提交审核结果").click()
    page.wait_for_url("**/backoffice/persons/*/")
    assert Certificate.objects.get(source="manual", person__name="钱志刚").review_state == "approved"
    journey.check("person-after-certificate")
    page.goto("/backoffice/dispatch/")
    page.get_by_role("link", name="审核 何婷 的劳务派遣协议").click()
    page.get_by_label("审核通过").check()
    page.get_by_role("button", name="提交审核结果").click()
    assert "请逐项确认劳务派遣资质、三方协议、劳动合同" in page.content()
    journey.check("dispatch-error")
    for box in page.locator("input[name=confirmed]").all():
        box.check()
    page.get_by_role("button", name="提交审核结果").click()
    page.wait_for_url("**/backoffice/persons/*/")
    assert Contract.objects.get(is_dispatch=True, person__name="何婷").review_state == "approved"
    page.goto("/backoffice/announcements/")
    journey.check("announcements")
    page.goto("/backoffice/withdrawals/")
    journey.check("withdrawals")
    journey.assert_accessible()
    shots = Path("/tmp/shots-review")
    shots.mkdir(exist_ok=True)
    for shot in SCREENSHOTS.glob(f"{journey.name}-*.png"):
        shutil.copy(shot, shots / shot.name)
