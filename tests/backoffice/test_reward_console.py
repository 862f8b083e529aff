"""The federation's 超比例奖励 pages (issue 18): the queue, 初审 and 复审 through the decision page
(four eyes shown, not offered), 退回 with its reason required, the window's 申办 (search, the
qualifying employees month by month, filing for a supervisor's 复核), and 重新发放 after a failed
payout."""

import pytest

from levy.models import OverRatioReward, RewardPayout
from levy.services import reward as svc
from portal import feeds
from portal.feeds.models import PaymentRecord
from tests import factories as f
from tests.levy.conftest import certify_unit, counted, unit_in
from tests.levy.test_reward import BANK

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup(client_for):
    unit = unit_in("150102", name="内蒙古审核乳业有限公司")
    agent = f.AgentFactory(employer=unit, is_registrant=True).user
    certify_unit(unit, year=2024, headcount=30, persons=[counted(3, index=1, name="景东"), counted(3, index=2)])
    hohhot = f.region("150100")
    reviewer = f.UserFactory(reviewer=True, region=hohhot, full_name="呼市审核员")
    supervisor = f.UserFactory(supervisor=True, region=hohhot, full_name="呼市主管")
    return {"unit": unit, "agent": agent, "reviewer": reviewer, "supervisor": supervisor,
            "r": client_for(reviewer), "s": client_for(supervisor)}


def test_first_and_second_review_through_the_pages(setup, django_capture_on_commit_callbacks):
    w = setup
    reward = svc.reward_apply(actor=w["agent"], employer=w["unit"], data_year=2024, budget_funded=False, **BANK)
    queue = w["r"].get("/backoffice/rewards/?status=first_review").content.decode()
    assert "内蒙古审核乳业有限公司" in queue and "待初审" in queue
    page = w["r"].get(f"/backoffice/rewards/{reward.pk}/").content.decode()
    assert "11,350.00" in page and "景东" in page and "提交初审结果" in page and "✓" in page
    bad = w["r"].post(f"/backoffice/rewards/{reward.pk}/", {"decision": "return", "reason": ""})
    assert "请填写退回原因" in bad.content.decode()
    assert w["r"].post(f"/backoffice/rewards/{reward.pk}/", {"decision": "approve"}).status_code == 302
    # the reviewer who did the 初审 sees why they may not go on
    assert "业务主管" in w["r"].get(f"/backoffice/rewards/{reward.pk}/").content.decode()
    with feeds.configure(settle_delay_s=0), django_capture_on_commit_callbacks(execute=True):
        response = w["s"].post(f"/backoffice/rewards/{reward.pk}/", {"decision": "approve", "reason": "同意"})
    assert response.status_code == 302
    reward = OverRatioReward.objects.get(pk=reward.pk)
    assert reward.status == "paid"
    page = w["s"].get(f"/backoffice/rewards/{reward.pk}/").content.decode()
    assert "下载奖励审核认定书" in page and "已到账" in page


def test_the_supervisor_who_did_the_first_review_is_not_offered_the_second(setup):
    w = setup
    reward = svc.reward_apply(actor=w["agent"], employer=w["unit"], data_year=2024, budget_funded=False, **BANK)
    w["s"].post(f"/backoffice/rewards/{reward.pk}/", {"decision": "approve"})
    page = w["s"].get(f"/backoffice/rewards/{reward.pk}/").content.decode()
    assert "双人复核" in page and "提交复审结果" not in page
    w["s"].post(f"/backoffice/rewards/{reward.pk}/", {"decision": "approve"})  # refused, nothing changes
    assert OverRatioReward.objects.get(pk=reward.pk).status == "second_review"


def test_the_window_files_an_application_for_a_supervisors_check(setup):
    w = setup
    found = w["r"].get("/backoffice/rewards/window/?q=审核乳业").content.decode()
    assert "内蒙古审核乳业有限公司" in found
    assert "没有找到" in w["r"].get("/backoffice/rewards/window/?q=不存在的单位").content.decode()
    page = w["r"].get(f"/backoffice/rewards/window/{w['unit'].pk}/?year=2024").content.decode()
    assert "一月份" in page and "景东" in page and "11,350.00" in page
    response = w["r"].post(f"/backoffice/rewards/window/{w['unit'].pk}/?year=2024",
                           {"budget_funded": "no", "payee_name": w["unit"].name, "bank_name": "中国银行",
                            "account_number": "62170000123456789", "bank_kind": "boc"})
    reward = OverRatioReward.objects.get(employer=w["unit"])
    assert response.status_code == 302 and (reward.mode, reward.status) == ("window", "second_review")
    assert reward.initiated_by == w["reviewer"]
    assert "提交复核结果" in w["s"].get(f"/backoffice/rewards/{reward.pk}/").content.decode()


def test_a_failed_payout_is_alerted_in_the_queue_and_paid_again(setup, django_capture_on_commit_callbacks):
    w = setup
    reward = svc.reward_apply(actor=w["agent"], employer=w["unit"], data_year=2024, budget_funded=False, **BANK)
    reward = svc.reward_first_decide(actor=w["reviewer"], reward=reward, decision="approve")
    with feeds.configure(settle_delay_s=3600), django_capture_on_commit_callbacks(execute=True):
        reward = svc.reward_second_decide(actor=w["supervisor"], reward=reward, decision="approve")
    payout = RewardPayout.objects.get(reward=reward)
    PaymentRecord.objects.filter(reference=payout.reference).update(status="failed", message="账户已销户")
    svc.payout_poll(payout.pk)
    queue = w["r"].get("/backoffice/rewards/").content.decode()
    assert "发放失败，待重新发放" in queue and "账户已销户" in queue
    with feeds.configure(settle_delay_s=0), django_capture_on_commit_callbacks(execute=True):
        response = w["r"].post(f"/backoffice/rewards/{reward.pk}/retry/")
    assert response.status_code == 302
    assert OverRatioReward.objects.get(pk=reward.pk).status == "paid"
    assert "发放失败，待重新发放" not in w["r"].get("/backoffice/rewards/").content.decode()


def test_the_dashboard_counts_the_reward_and_relief_queues(setup):
    w = setup
    svc.reward_apply(actor=w["agent"], employer=w["unit"], data_year=2024, budget_funded=False, **BANK)
    reviewer_page = w["r"].get("/").content.decode()  # the one 工作台 (issue 15, 11)
    assert "超比例奖励初审" in reviewer_page and "超比例奖励复审 / 复核" not in reviewer_page
    assert "超比例奖励复审 / 复核" in w["s"].get("/").content.decode()
