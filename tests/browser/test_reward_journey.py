"""超比例奖励 in a browser (issue 18): an Inner Mongolia unit applies (a bad account number first, its
message beside the field), a reviewer does the 初审, a supervisor the 复审, the 奖励审核认定书
verifies on the public page, and the payout reaches the unit's account."""

import pytest

from levy.models import OverRatioReward
from portal import feeds
from tests import factories as f
from tests.browser.conftest import log_in, staff_log_in
from tests.levy.conftest import certify_unit, counted

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_out(page) -> None:
    page.context.clear_cookies()


def test_inner_mongolia_unit_applies_reviewer_and_supervisor_approve_certificate_verifies_payout_completes(
        page, journey):
    unit = f.EmployerFactory(name="内蒙古草原助残乳业有限公司", admin_region=f.region("150102"))
    certify_unit(unit, year=2025, headcount=30, persons=[counted(grade=3, name="景东", index=1),
                                                         counted(grade=3, name="乌兰", index=2)])
    agent = f.AgentFactory(employer=unit, user__username="reward-nm@example.cn").user
    hohhot = f.region("150100")
    reviewer = f.UserFactory(reviewer=True, username="reviewer-reward", region=hohhot, full_name="呼市审核员")
    supervisor = f.UserFactory(supervisor=True, username="supervisor-reward", region=hohhot, full_name="呼市主管")

    log_in(page, agent.username, f.PASSWORD)
    page.goto("/levy/rewards/")
    journey.check("rewards")
    page.get_by_role("link", name="申请2025年度超比例奖励").click()
    page.get_by_role("heading", name="超比例奖励信息").wait_for()
    assert "11,350.00" in page.content()
    page.fill("#id_bank_name", "中国银行呼和浩特新城支行")
    page.fill("#id_account_number", "6217-ABCD")
    page.select_option("#id_bank_kind", "boc")
    page.get_by_role("button", name="提交").click()
    page.get_by_text("开户账号只能包含数字").first.wait_for()
    journey.check("apply-error")
    page.fill("#id_account_number", "6217 0000 1234 5678 901")
    journey.check("apply")
    page.get_by_role("button", name="提交").click()
    page.get_by_text("超比例奖励申请已提交").wait_for()
    journey.check("submitted")
    reward = OverRatioReward.objects.get(employer=unit)
    assert reward.status == "first_review" and reward.amount == 11350
    log_out(page)

    staff_log_in(page, reviewer)
    page.goto("/backoffice/rewards/")
    journey.check("queue")
    page.locator(f"a[href='/backoffice/rewards/{reward.pk}/']").click()
    page.get_by_text("景东").first.wait_for()
    journey.check("first-review")
    page.get_by_label("通过", exact=True).check()
    page.get_by_role("button", name="提交初审结果").click()
    page.get_by_text("已处理").first.wait_for()
    # the window's 申办 for another unit of the region: the same bank section with its 正确示例
    other = f.EmployerFactory(name="呼和浩特助残印务有限公司", admin_region=f.region("150102"))
    certify_unit(other, year=2025, headcount=30, persons=[counted(grade=3, name="其木格", index=3),
                                                          counted(grade=3, name="萨仁", index=4)])
    page.goto(f"/backoffice/rewards/window/{other.pk}/")
    page.get_by_role("heading", name="银行卡信息").wait_for()
    page.get_by_text("正确示例").click()
    journey.check("window-unit")
    log_out(page)

    staff_log_in(page, supervisor)
    page.goto(f"/backoffice/rewards/{reward.pk}/")
    journey.check("second-review")
    page.get_by_label("通过", exact=True).check()
    page.fill("#id_reason", "同意")
    with feeds.configure(settle_delay_s=0):
        page.get_by_role("button", name="提交复审结果").click()
        page.get_by_text("已处理").first.wait_for()
    reward = OverRatioReward.objects.get(pk=reward.pk)
    assert reward.status == "paid" and reward.certificate is not None
    log_out(page)

    page.goto(f"/verify/?code={reward.certificate.verification_code}")
    page.get_by_text("真实有效", exact=True).wait_for()
    journey.check("verify")
    assert "超比例奖励审核认定书" in page.content() and "11,350.00元" in page.content()

    log_in(page, agent.username, f.PASSWORD)
    page.goto(f"/levy/rewards/{reward.pk}/")
    page.get_by_role("link", name="下载奖励审核认定书").wait_for()
    assert "已到账" in page.content()
    journey.check("paid")
    journey.assert_accessible()
