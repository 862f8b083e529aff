"""The employer's pages of issue 18: 超比例奖励申请 (the engine's figures with the explanation, the bank
details with their errors beside the fields, the receipt, a returned application corrected) and
缓减免申请."""

import datetime
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from levy.models import OverRatioReward, ReliefApplication
from levy.services import assessment as assessment_svc
from levy.services.reward import reward_first_decide
from tests import factories as f
from tests.levy.conftest import certify_unit, counted, unit_in
from tests.levy.test_assessment_declared import at, declared

pytestmark = pytest.mark.django_db

GOOD = {"budget_funded": "no", "payee_name": "", "bank_name": "中国银行呼和浩特新城支行",
        "account_number": "6217 0000 1234 5678 901", "bank_kind": "boc"}


@pytest.fixture
def im_unit(agent_for, client_for):
    unit = unit_in("150102", name="内蒙古页面乳业有限公司")
    agent = agent_for(unit)
    certify_unit(unit, year=2024, headcount=30, persons=[counted(3, index=1), counted(3, index=2)])
    return unit, agent, client_for(agent)


def test_the_application_shows_the_engines_figures_and_files_with_a_receipt(im_unit):
    unit, _agent, client = im_unit
    with at("2025-03-01"):
        page = client.get("/levy/rewards/apply/?year=2024")
        html = page.content.decode()
        assert page.status_code == 200 and "超比例奖励信息" in html and "11,350.00" in html
        assert "年审认证的人数，不可修改" in html and "正确示例" in html and "仅计本地户籍" in html
        assert f'value="{unit.name}"' in html  # 收款单位名称 defaults to the unit's name
        response = client.post("/levy/rewards/apply/?year=2024", {**GOOD, "payee_name": unit.name})
        reward = OverRatioReward.objects.get(employer=unit)
        assert response.status_code == 302 and response["Location"] == f"/levy/rewards/{reward.pk}/"
        detail = client.get(response["Location"]).content.decode()
        assert "待初审" in detail and "下载申请回执" in detail and reward.reference in detail
        assert "6217000012345678901" not in detail and "8901" in detail  # masked where shown
        assert "申请2024年度超比例奖励" not in client.get("/levy/rewards/").content.decode()


@pytest.mark.parametrize("changes,message", [
    ({"account_number": "1234-ABCD"}, "开户账号只能包含数字"),
    ({"payee_name": "另一个名称"}, "请上传更名证明或隶属关系证明"),
    ({"bank_kind": ""}, "请选择开户银行行别"),
])
def test_bad_input_is_shown_beside_the_field_and_nothing_is_stored(im_unit, changes, message):
    _unit, _agent, client = im_unit
    with at("2025-03-01"):
        page = client.post("/levy/rewards/apply/?year=2024", {**GOOD, "payee_name": "内蒙古页面乳业有限公司",
                                                                **changes})
    html = page.content.decode()
    assert page.status_code == 200 and "<title>错误：" in html and message in html and 'class="error-message"' in html
    assert changes.get("account_number", "6217 0000 1234 5678 901") in html  # typed values kept, the bad one too
    assert not OverRatioReward.objects.exists()


def test_a_changed_payee_with_a_png_proof_is_accepted(im_unit):
    from tests.levy.test_reward import PNG

    unit, _agent, client = im_unit
    with at("2025-03-01"):
        client.post("/levy/rewards/apply/?year=2024",
                    {**GOOD, "payee_name": "内蒙古页面乳业集团", "payee_proof": SimpleUploadedFile("证明.png", PNG)})
    assert OverRatioReward.objects.get(employer=unit).payee_proof is not None


def test_a_returned_application_is_corrected_and_resubmitted(im_unit):
    unit, _agent, client = im_unit
    with at("2025-03-01"):
        client.post("/levy/rewards/apply/?year=2024", {**GOOD, "payee_name": unit.name})
        reward = OverRatioReward.objects.get(employer=unit)
        reviewer = f.UserFactory(reviewer=True, region=f.region("150100"))
        reward_first_decide(actor=reviewer, reward=reward, decision="return", reason="开户银行请写到支行")
        detail = client.get(f"/levy/rewards/{reward.pk}/").content.decode()
        assert "开户银行请写到支行" in detail and "修改后重新提交" in detail
        response = client.post(f"/levy/rewards/{reward.pk}/edit/",
                               {**GOOD, "payee_name": unit.name, "bank_name": "中国银行呼和浩特新城区支行"})
    assert response.status_code == 302
    reward = OverRatioReward.objects.get(pk=reward.pk)
    assert reward.status == "first_review" and reward.bank_name == "中国银行呼和浩特新城区支行"


def test_an_uncertified_year_says_why(agent_for, client_for):
    unit = unit_in("150102")
    client = client_for(agent_for(unit))
    html = client.get("/levy/rewards/apply/?year=2024").content.decode()
    assert "尚未通过年审认证" in html and "银行卡信息" not in html


def test_relief_page_submits_a_deferral(agent_for, client_for):
    unit = unit_in("210102")
    agent = agent_for(unit)
    client = client_for(agent)
    with at("2026-09-01"):
        a = declared(unit, agent, persons=[counted(grade=3)])
        assessment_svc.assessment_submit(actor=agent, assessment=a)
        page = client.get("/levy/relief/").content.decode()
        assert "180,000.00" in page and "缓缴期限不超过6个月" in page
        bad = client.post("/levy/relief/", {"kind": "deferral", "months": "7", "reason": "洪灾",
                                            "evidence": SimpleUploadedFile("证明.pdf", f.PDF_BYTES)})
        assert "缓缴期限最长为6个月" in bad.content.decode() and not ReliefApplication.objects.exists()
        good = client.post("/levy/relief/", {"kind": "deferral", "months": "3", "reason": "洪灾",
                                             "evidence": SimpleUploadedFile("证明.pdf", f.PDF_BYTES)})
    assert good.status_code == 302
    relief = ReliefApplication.objects.get()
    assert relief.months == 3 and relief.deadline_before == datetime.date(2026, 11, 30)
    assert relief.levy_before == Decimal("180000.00")


def test_over_ratio_at_the_end_of_the_levy_flow_leads_to_the_application(agent_for, client_for):
    """The Shanghai manual: 超比例单位 → 是否申请超比例奖励 → 是 → the application page."""
    unit = unit_in("150102", name="内蒙古超比例流程有限公司")
    agent = agent_for(unit)
    client = client_for(agent)
    with at("2026-09-01"):
        a = declared(unit, agent, headcount=45, wages="2700000", persons=[counted(1, index=1), counted(3, index=2)])
        assessment_svc.assessment_submit(actor=agent, assessment=a)
        response = client.post("/levy/2026/done/", {"apply": "yes"})
        assert response.status_code == 302 and response["Location"] == "/levy/rewards/apply/?year=2025"
        page = client.get(response["Location"]).content.decode()
    assert "超比例奖励信息" in page and "22,700.00" in page
