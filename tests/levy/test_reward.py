"""超比例奖励 (issue 18) end to end through the services: DOMAIN.md §2's R1–R5 through the unit's
application, both modes and both levels with return and rejection, the four-eyes predicate, the
奖励审核认定书 and its verification, the payout to the bank (paid, failed and paid again), and the
bad input the issue names (nothing stored)."""

import datetime
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from levy.choices import RewardStatus as RS
from levy.models import AreaClass, OverRatioReward, PolicyRule, RewardPayout
from levy.services import reward as svc
from portal import feeds
from portal.exceptions import NotAllowed, ValidationFailed
from portal.feeds.models import PaymentRecord
from portal.models import Notice, Receipt, Upload
from portal.receipts import receipt_verify
from tests import factories as f
from tests.levy.conftest import certify_unit, counted, unit_in

pytestmark = pytest.mark.django_db

BANK = {"payee_name": "", "bank_name": "中国银行呼和浩特新城支行", "account_number": "6217 0000 1234 5678 901",
        "bank_kind": "boc"}
PNG = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00\x90wS\xde"
       b"\x00\x00\x00\x0cIDATx\x9cc\xf8\xff\xff?\x00\x05\xfe\x02\xfe\xa7\x35\x81\x84\x00\x00\x00\x00IEND\xaeB`\x82")


def _im_unit(region="150102", name="内蒙古测试乳业有限公司"):
    unit = unit_in(region, name=name)
    return unit


@pytest.fixture
def staff():
    hohhot = f.region("150100")
    return {
        "reviewer": f.UserFactory(reviewer=True, region=hohhot, full_name="呼市审核员"),
        "reviewer2": f.UserFactory(reviewer=True, region=hohhot, full_name="呼市审核员二"),
        "supervisor": f.UserFactory(supervisor=True, region=hohhot, full_name="呼市主管"),
        "supervisor2": f.UserFactory(supervisor=True, region=hohhot, full_name="呼市主管二"),
        "outsider": f.UserFactory(supervisor=True, region=f.region("310000"), full_name="上海主管"),
    }


def apply(unit, agent, *, year=2024, **changes):
    return svc.reward_apply(actor=agent, employer=unit, data_year=year, budget_funded=False, **{**BANK, **changes})


# --- R1–R5 through the application ------------------------------------------------------------------


@pytest.mark.parametrize("year,headcount,persons,area_class,amount", [
    (2023, 30, [counted(3, index=1), counted(3, index=2)], 1, Decimal("9900.00")),  # R1 (the seed's 9900)
    (2024, 30, [counted(3, index=1), counted(3, index=2)], 1, Decimal("11350.00")),  # R2
    (2024, 100, [counted(1, index=1), counted(3, index=2)], 2, Decimal("11000.00")),  # R3
    (2024, 30, [counted(3, index=1), counted(3, index=2), counted(3, 6, index=3)], 1, Decimal("11350.00")),  # R5
], ids=["R1", "R2", "R3", "R5"])
def test_the_worked_rewards_through_the_units_application(agent_for, year, headcount, persons, area_class, amount):
    region = "150102" if area_class == 1 else "150121"
    if area_class == 2:
        AreaClass.objects.create(region_code="150121", area_class=2, effective_from=datetime.date(2021, 12, 1),
                                 source="测试：二类地区", verified=True)
    unit = _im_unit(region)
    agent = agent_for(unit)
    certify_unit(unit, year=year, headcount=headcount, persons=persons)
    reward = apply(unit, agent, year=year)
    assert (reward.status, reward.mode, reward.amount, reward.estimate) == (RS.FIRST_REVIEW, "online", amount, False)
    assert reward.headcount == headcount and reward.payee_name == unit.name
    assert reward.receipt.title == "超比例奖励申请回执" and reward.receipt.public_facts["申请编号"] == reward.reference
    assert [s["key"] for s in reward.record["steps"]][-1] == "reward"


def test_r4_a_unit_that_is_not_over_ratio_is_told_why_and_nothing_is_stored(agent_for):
    unit = _im_unit()
    agent = agent_for(unit)
    AreaClass.objects.create(region_code="150121", area_class=2, effective_from=datetime.date(2021, 12, 1),
                             source="测试", verified=True)
    certify_unit(unit, year=2024, headcount=100, persons=[counted(3, index=1), counted(3, index=2)])
    with pytest.raises(ValidationFailed) as error:
        apply(unit, agent)
    assert error.value.field == "data_year" and "不符合超比例奖励条件" in error.value.message
    assert not OverRatioReward.objects.exists() and not Receipt.objects.exists()


def test_an_uncertified_year_cannot_apply(agent_for):
    unit = _im_unit()
    with pytest.raises(ValidationFailed, match="尚未通过年审认证"):
        apply(unit, agent_for(unit))


# --- bad input ------------------------------------------------------------------------------------------


@pytest.fixture
def eligible(agent_for):
    unit = _im_unit()
    agent = agent_for(unit)
    certify_unit(unit, year=2024, headcount=30, persons=[counted(3, index=1), counted(3, index=2)])
    return unit, agent


@pytest.mark.parametrize("changes,field,message", [
    ({"account_number": "12AB5678"}, "account_number", "只能包含数字"),
    ({"account_number": "1234567"}, "account_number", "8至32位"),
    ({"account_number": "00000000000"}, "account_number", "同一个数字"),
    ({"bank_name": " "}, "bank_name", "请填写开户银行"),
    ({"bank_kind": "xx"}, "bank_kind", "行别"),
    ({"payee_name": "另一家公司"}, "payee_proof", "更名证明或隶属关系证明"),
])
def test_bad_bank_details_are_refused_beside_the_field(eligible, changes, field, message):
    unit, agent = eligible
    with pytest.raises(ValidationFailed) as error:
        apply(unit, agent, **changes)
    assert error.value.field == field and message in error.value.message
    assert not OverRatioReward.objects.exists() and not Upload.objects.exists()


def test_a_changed_payee_with_its_proof_is_accepted(eligible):
    unit, agent = eligible
    reward = apply(unit, agent, payee_name="内蒙古测试乳业集团", payee_proof=SimpleUploadedFile("更名证明.png", PNG))
    assert reward.payee_name == "内蒙古测试乳业集团" and reward.payee_proof.kind == "levy_reward_payee"


def test_a_second_application_for_the_same_year_is_refused(eligible):
    unit, agent = eligible
    first = apply(unit, agent)
    with pytest.raises(ValidationFailed) as error:
        apply(unit, agent)
    assert error.value.field == "data_year" and first.reference in error.value.message
    assert OverRatioReward.objects.count() == 1


def test_the_account_number_is_stored_encrypted_and_shown_masked(eligible):
    unit, agent = eligible
    reward = apply(unit, agent)
    assert reward.account_number == "6217000012345678901" and reward.account_masked.endswith("8901")
    assert "6217000012345678901" not in reward.account_masked
    assert "8901" in reward.receipt.document.context["details"]["开户账号"]


# --- 网报: 初审 → 复审, four eyes, return and rejection ----------------------------------------------


def test_online_application_through_both_levels_to_the_certificate_and_the_payout(
        eligible, staff, django_capture_on_commit_callbacks):
    unit, agent = eligible
    reward = apply(unit, agent)
    reward = svc.reward_first_decide(actor=staff["reviewer"], reward=reward, decision="approve")
    assert reward.status == RS.SECOND_REVIEW and reward.first_reviewer == staff["reviewer"]
    with feeds.configure(settle_delay_s=0), django_capture_on_commit_callbacks(execute=True):
        reward = svc.reward_second_decide(actor=staff["supervisor"], reward=reward, decision="approve")
    reward = OverRatioReward.objects.get(pk=reward.pk)
    assert reward.status == RS.PAID and reward.paid_at is not None
    certificate = reward.certificate
    assert certificate.title == "超比例奖励审核认定书"
    assert receipt_verify(certificate.verification_code.lower()) == certificate
    assert certificate.public_facts["超比例奖励金额"] == "11,350.00元"
    assert certificate.document.context["reward"]["first"] == "呼市审核员"
    payout = RewardPayout.objects.get(reward=reward)
    assert (payout.status, payout.amount) == ("paid", Decimal("11350.00")) and payout.bank_reference
    record = PaymentRecord.objects.get(reference=payout.reference)
    assert record.method == "payout" and record.purpose.endswith("（尾号8901）")
    assert Notice.objects.filter(employer=unit, title="2024年度超比例奖励已发放").exists()


def test_the_first_reviewer_may_not_also_do_the_second_review(eligible, staff):
    """Four eyes: a supervisor who did the 初审 is refused the 复审, whatever their role allows."""
    unit, agent = eligible
    reward = apply(unit, agent)
    reward = svc.reward_first_decide(actor=staff["supervisor"], reward=reward, decision="approve")
    with pytest.raises(NotAllowed) as error:
        svc.reward_second_decide(actor=staff["supervisor"], reward=reward, decision="approve")
    assert error.value.code == "four_eyes"
    assert OverRatioReward.objects.get(pk=reward.pk).status == RS.SECOND_REVIEW


def test_the_wrong_level_and_the_wrong_region_are_refused(eligible, staff):
    unit, agent = eligible
    reward = apply(unit, agent)
    with pytest.raises(NotAllowed, match="不在您的管辖范围内"):
        svc.reward_first_decide(actor=staff["outsider"], reward=reward, decision="approve")
    with pytest.raises(NotAllowed):  # the 复审 before the 初审: the state says no
        svc.reward_second_decide(actor=staff["supervisor"], reward=reward, decision="approve")
    reward = svc.reward_first_decide(actor=staff["reviewer"], reward=reward, decision="approve")
    with pytest.raises(NotAllowed, match="业务主管"):  # a reviewer may not do the 复审
        svc.reward_second_decide(actor=staff["reviewer2"], reward=reward, decision="approve")
    with pytest.raises(NotAllowed):  # the same step twice
        svc.reward_first_decide(actor=staff["reviewer2"], reward=reward, decision="approve")


def test_returns_go_back_one_level_and_the_unit_resubmits(eligible, staff):
    unit, agent = eligible
    reward = apply(unit, agent)
    with pytest.raises(ValidationFailed) as error:
        svc.reward_first_decide(actor=staff["reviewer"], reward=reward, decision="return", reason=" ")
    assert error.value.field == "reason"
    reward = svc.reward_first_decide(actor=staff["reviewer"], reward=reward, decision="return", reason="账号有误")
    assert reward.status == RS.RETURNED and reward.return_reason == "账号有误"
    assert Notice.objects.filter(employer=unit, title="2024年度超比例奖励申请已退回").exists()
    with pytest.raises(NotAllowed):  # staff may not resubmit the unit's application
        svc.reward_resubmit(actor=staff["reviewer"], reward=reward, budget_funded=False, **BANK)
    reward = svc.reward_resubmit(actor=agent, reward=reward, budget_funded=False,
                                 **{**BANK, "account_number": "6217000012345670000"})
    assert reward.status == RS.FIRST_REVIEW and reward.account_number == "6217000012345670000"
    assert reward.first_reviewer is None
    reward = svc.reward_first_decide(actor=staff["reviewer"], reward=reward, decision="approve")
    reward = svc.reward_second_decide(actor=staff["supervisor"], reward=reward, decision="return", reason="请补充材料")
    assert reward.status == RS.FIRST_REVIEW  # back to the 初审, not to the unit
    reward = svc.reward_first_decide(actor=staff["reviewer2"], reward=reward, decision="reject", reason="材料不实")
    assert reward.status == RS.REJECTED and reward.reject_reason == "材料不实"


def test_the_second_level_can_reject(eligible, staff):
    unit, agent = eligible
    reward = apply(unit, agent)
    reward = svc.reward_first_decide(actor=staff["reviewer"], reward=reward, decision="approve")
    reward = svc.reward_second_decide(actor=staff["supervisor"], reward=reward, decision="reject", reason="重复申报")
    assert reward.status == RS.REJECTED and reward.certificate is None and not reward.payouts.exists()


# --- 申办 (window): a reviewer files it, a supervisor 复核 ---------------------------------------------


def test_window_initiated_by_a_reviewer_and_checked_by_a_supervisor(eligible, staff,
                                                                    django_capture_on_commit_callbacks):
    unit, _agent = eligible
    reward = svc.reward_initiate(actor=staff["reviewer"], employer=unit, data_year=2024, budget_funded=False, **BANK)
    assert (reward.mode, reward.status, reward.status_label) == ("window", RS.SECOND_REVIEW, "待复核")
    reward = svc.reward_second_decide(actor=staff["supervisor"], reward=reward, decision="return", reason="行别有误")
    assert reward.status == RS.RETURNED
    reward = svc.reward_resubmit(actor=staff["reviewer"], reward=reward, budget_funded=False,
                                 **{**BANK, "bank_kind": "icbc"})
    assert reward.status == RS.SECOND_REVIEW and reward.bank_kind == "icbc"
    with feeds.configure(settle_delay_s=0), django_capture_on_commit_callbacks(execute=True):
        reward = svc.reward_second_decide(actor=staff["supervisor2"], reward=reward, decision="approve")
    assert OverRatioReward.objects.get(pk=reward.pk).status == RS.PAID
    assert reward.certificate.document.context["reward"]["second_label"] == "复核"


def test_the_window_initiator_may_not_check_their_own_application(eligible, staff):
    unit, _agent = eligible
    reward = svc.reward_initiate(actor=staff["supervisor"], employer=unit, data_year=2024, budget_funded=False, **BANK)
    with pytest.raises(NotAllowed) as error:
        svc.reward_second_decide(actor=staff["supervisor"], reward=reward, decision="approve")
    assert error.value.code == "four_eyes"


def test_the_window_cannot_file_for_a_unit_outside_the_region(eligible, staff):
    unit, _agent = eligible
    with pytest.raises(NotAllowed):
        svc.reward_initiate(actor=staff["outsider"], employer=unit, data_year=2024, budget_funded=False, **BANK)


def test_a_budget_funded_unit_is_not_eligible(eligible):
    unit, agent = eligible
    with pytest.raises(ValidationFailed, match="财政拨款"):
        svc.reward_apply(actor=agent, employer=unit, data_year=2024, budget_funded=True, **BANK)


# --- an unverified rule (Shanghai): an estimate, no approval until verified -------------------------------


def test_an_estimate_cannot_be_approved_until_an_administrator_verifies_the_row(agent_for, supervisor_sh,
                                                                                 reviewer_sh):
    unit = unit_in("310104")
    agent = agent_for(unit)
    certify_unit(unit, year=2025, headcount=100, persons=[counted(3, index=1), counted(3, index=2)])
    reward = apply(unit, agent, year=2025)
    assert reward.estimate and reward.receipt.public_facts["超比例奖励金额"].endswith("（估算）")
    reward = svc.reward_first_decide(actor=reviewer_sh, reward=reward, decision="approve")
    with pytest.raises(NotAllowed) as error:
        svc.reward_second_decide(actor=supervisor_sh, reward=reward, decision="approve")
    assert error.value.code == "estimate"
    PolicyRule.objects.filter(region_code="310000", name="over_ratio_reward").update(verified=True)
    reward = svc.reward_second_decide(actor=supervisor_sh, reward=reward, decision="approve")
    assert reward.status == RS.APPROVED and not reward.estimate


# --- the payout fails, is alerted and paid again ---------------------------------------------------------


def test_a_failed_payout_is_told_and_paid_again(eligible, staff, django_capture_on_commit_callbacks):
    from levy.selectors.reward import payout_state, payouts_failed

    unit, agent = eligible
    reward = apply(unit, agent)
    reward = svc.reward_first_decide(actor=staff["reviewer"], reward=reward, decision="approve")
    with feeds.configure(settle_delay_s=3600), django_capture_on_commit_callbacks(execute=True):
        reward = svc.reward_second_decide(actor=staff["supervisor"], reward=reward, decision="approve")
    payout = RewardPayout.objects.get(reward=reward)
    assert payout.status == "sent" and "银行处理中" in payout_state(reward)
    PaymentRecord.objects.filter(reference=payout.reference).update(
        staged_outcome="failed", staged_message="账户名与账号不符", settle_due_at=datetime.datetime(2000, 1, 1,
                                                                                          tzinfo=datetime.UTC))
    svc.payout_poll(payout.pk)
    payout = RewardPayout.objects.get(pk=payout.pk)
    assert (payout.status, payout.message) == ("failed", "账户名与账号不符")
    assert OverRatioReward.objects.get(pk=reward.pk).status == RS.APPROVED
    assert list(payouts_failed(staff["reviewer"])) == [payout]
    assert not payouts_failed(staff["outsider"]).exists()
    assert Notice.objects.filter(employer=unit, title="2024年度超比例奖励发放失败").exists()
    assert "发放失败" in payout_state(reward)
    with pytest.raises(NotAllowed):
        svc.payout_retry(actor=staff["outsider"], reward=reward)
    with feeds.configure(settle_delay_s=0), django_capture_on_commit_callbacks(execute=True):
        again = svc.payout_retry(actor=staff["reviewer"], reward=reward)
    assert again.reference != payout.reference
    assert RewardPayout.objects.get(pk=again.pk).status == "paid"
    assert OverRatioReward.objects.get(pk=reward.pk).status == RS.PAID
    assert not payouts_failed(staff["reviewer"]).exists()


def test_a_bank_outage_is_retried_not_failed(eligible, staff, django_capture_on_commit_callbacks):
    unit, agent = eligible
    reward = apply(unit, agent)
    reward = svc.reward_first_decide(actor=staff["reviewer"], reward=reward, decision="approve")
    with feeds.configure(error_rate=1.0):
        reward = svc.reward_second_decide(actor=staff["supervisor"], reward=reward, decision="approve")
        payout = RewardPayout.objects.get(reward=reward)
        wait = svc.payout_push(payout.pk)
    payout = RewardPayout.objects.get(pk=payout.pk)
    assert wait is not None and payout.status == "queued" and payout.attempts == 1 and payout.last_error
    with feeds.configure(settle_delay_s=0), django_capture_on_commit_callbacks(execute=True):
        assert svc.payout_push(payout.pk) is None  # sent; the status query after commit finds it paid
    assert RewardPayout.objects.get(pk=payout.pk).status == "paid"
    assert svc.payout_push(payout.pk) is None  # idempotent


# --- the 奖励审核认定书: rendered once, its text, verified on the public page ------------------------------


def test_the_certificate_pdf_carries_its_title_and_figures_and_verifies(eligible, staff, tmp_path,
                                                                         django_capture_on_commit_callbacks):
    import subprocess

    from django.core.files.storage import default_storage
    from django.test import Client
    from django.urls import reverse

    from portal.models import IssuedDocument
    from tests.conftest import require_poppler

    require_poppler()
    unit, agent = eligible
    reward = apply(unit, agent)
    reward = svc.reward_first_decide(actor=staff["reviewer"], reward=reward, decision="approve")
    with feeds.configure(settle_delay_s=3600), django_capture_on_commit_callbacks(execute=True):
        reward = svc.reward_second_decide(actor=staff["supervisor"], reward=reward, decision="approve")
    document = IssuedDocument.objects.get(pk=reward.certificate.document_id)
    assert document.status == "ready" and reward.certificate.reference.startswith("JLRD")
    pdf = tmp_path / "c.pdf"
    with default_storage.open(document.storage_name, "rb") as handle:
        pdf.write_bytes(handle.read())
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "超比例奖励审核认定书" in text and "11,350.00" in text and "内蒙古测试乳业有限公司" in text
    assert "6217000012345678901" not in text  # the account is masked
    assert "三级" in text and "3级" not in text  # grades as the certificates print them
    page = Client().get(reverse("receipt_verify"), {"code": reward.certificate.verification_code}).content.decode()
    assert "真实有效" in page and "超比例奖励审核认定书" in page and "复审通过" in page


def test_the_sweep_re_drives_a_lost_payout_and_asks_about_sent_ones(eligible, staff):
    """A payout whose task was lost (a broker restart) is pushed again by the beat's sweep."""
    from datetime import timedelta

    from django.utils import timezone

    from levy.tasks import levy_sweep_task

    unit, agent = eligible
    reward = apply(unit, agent)
    reward = svc.reward_first_decide(actor=staff["reviewer"], reward=reward, decision="approve")
    reward = svc.reward_second_decide(actor=staff["supervisor"], reward=reward, decision="approve")  # no on_commit
    payout = RewardPayout.objects.get(reward=reward)
    assert payout.status == "queued" and svc.payouts_to_sweep() == ([], [])  # not stuck yet
    RewardPayout.objects.filter(pk=payout.pk).update(requested_at=timezone.now() - timedelta(minutes=11))
    assert svc.payouts_to_sweep() == ([payout.pk], [])
    with feeds.configure(settle_delay_s=3600):
        levy_sweep_task()
    assert RewardPayout.objects.get(pk=payout.pk).status == "sent"
    assert svc.payouts_to_sweep() == ([], [payout.pk])
    with feeds.configure(settle_delay_s=0):
        PaymentRecord.objects.filter(reference=payout.reference).update(
            settle_due_at=timezone.now() - timedelta(seconds=1))
        levy_sweep_task()
    assert RewardPayout.objects.get(pk=payout.pk).status == "paid"
