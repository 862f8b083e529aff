"""Demo data of issue 18 for `make run`, in Inner Mongolia (呼和浩特市新城区), through the services the
pages call: an over-ratio reward in each state (待初审, 待复核 from the window, 审核通过 and 已发放,
审核不通过) and a 缓减免 application pending and approved. Idempotent: a unit that already has its
reward (or application) is left alone.

Logins (the demo password): reward-nm@demo.cn (its application waits for the 初审), levy-nm-over@demo.cn
(approved and paid, with the 奖励审核认定书), reviewer-nm / supervisor-nm (the queue), tax-nm (缓减免)."""

from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction

from levy.choices import AssessmentStatus
from levy.demo import UNITS, LevyUnit, _certify, _code, _employer_and_agent
from levy.models import LevyAssessment, OverRatioReward, ReliefApplication
from levy.selectors.reward import reward_data_year
from levy.services import relief as relief_svc
from levy.services import reward as svc
from portal import feeds

BANK = {"bank_name": "中国银行呼和浩特新城支行", "bank_kind": "boc"}
# a one-page PDF (the evidence of the demo's 缓减免 applications)
EVIDENCE = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj 2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj "
            b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]>>endobj\nxref\n0 4\n0000000000 65535 f \n"
            b"0000000009 00000 n \n0000000052 00000 n \n0000000101 00000 n \ntrailer<</Size 4/Root 1 0 R>>\n"
            b"startxref\n165\n%%EOF\n")


@dataclass(frozen=True)
class RewardUnit:
    unit: LevyUnit
    state: str  # first_review / window / paid / rejected
    account: str


def _unit(key, name, body, headcount, disabled, agent=""):
    return LevyUnit(key, name, _code(body), "150102", "certified", headcount, "0", disabled, agent=agent)


OVER = next(u for u in UNITS if u.key == "levy-nm-over")  # 超比例 in the levy flow, chose to apply
REWARDS = [
    RewardUnit(OVER, "paid", "150801040012345678"),
    RewardUnit(_unit("reward-nm", "呼和浩特塞上助残科技有限公司", "91150102MA0LW2C1A", 60, ((1, 12), (3, 12)),
                     agent="reward-nm@demo.cn"), "first_review", "150801040022345671"),
    RewardUnit(_unit("reward-nm-window", "内蒙古阴山绿色食品有限公司", "91150102MA0LW2C2B", 50, ((2, 12), (3, 12))),
               "window", "150801040032345672"),
    RewardUnit(_unit("reward-nm-rejected", "呼和浩特昭君文化传媒有限公司", "91150102MA0LW2C3C", 40, ((3, 12), (4, 12))),
               "rejected", "150801040042345673"),
]
# 缓减免: a payable unit with a deferral waiting, and one whose reduction was approved
RELIEF_UNIT = LevyUnit("levy-nm-relief", "内蒙古金川化工有限公司", _code("91150102MA0LW2C4D"), "150102", "submitted",
                       220, "15400000", ((4, 12),))


def _staff(username: str):
    return get_user_model().objects.get(username=username)


def load_rewards() -> None:
    year = reward_data_year()
    reviewer, supervisor = _staff("reviewer-nm"), _staff("supervisor-nm")
    for item in REWARDS:
        employer, agent = _employer_and_agent(item.unit)
        if OverRatioReward.objects.filter(employer=employer, data_year=year).exists():
            continue  # idempotent
        with transaction.atomic():
            _certify(employer, year, item.unit.headcount, item.unit.disabled)
            bank = {**BANK, "payee_name": employer.name, "account_number": item.account}
            if item.state == "window":
                svc.reward_initiate(actor=reviewer, employer=employer, data_year=year, budget_funded=False, **bank)
                continue
            reward = svc.reward_apply(actor=agent, employer=employer, data_year=year, budget_funded=False, **bank)
            if item.state == "rejected":
                svc.reward_first_decide(actor=reviewer, reward=reward, decision="reject",
                                        reason="安置人员中1人的劳动合同期限不足一年，超比例人数不足1人")
            elif item.state == "paid":
                reward = svc.reward_first_decide(actor=reviewer, reward=reward, decision="approve", reason="材料齐全")
                with feeds.configure(settle_delay_s=0):
                    reward = svc.reward_second_decide(actor=supervisor, reward=reward, decision="approve",
                                                      reason="同意")
                    payout = reward.payouts.get()
                    svc.payout_push(payout.pk)  # what the worker does, in place
                    svc.payout_poll(payout.pk)


def load_reliefs() -> None:
    submitted = next(u for u in UNITS if u.key == "levy-nm-submitted")
    officer = _staff("tax-nm")
    for unit, approve in ((submitted, False), (RELIEF_UNIT, True)):
        employer, agent = _employer_and_agent(unit)
        assessment = LevyAssessment.objects.filter(employer=employer, status=AssessmentStatus.SUBMITTED).first()
        if assessment is None or ReliefApplication.objects.filter(assessment__employer=employer).exists():
            continue  # idempotent (or the assessment is not there)
        evidence = [SimpleUploadedFile("受灾证明.pdf", EVIDENCE, content_type="application/pdf")]
        with transaction.atomic():
            if approve:
                relief = relief_svc.relief_submit(
                    actor=agent, assessment=assessment, kind="reduction", amount=Decimal("20000.00"),
                    reason="2026年7月暴雨致厂房进水、停产两个月，直接经济损失约80万元", files=evidence)
                relief_svc.relief_decide(actor=officer, relief=relief, approve=True, reason="损失属实，同意减免2万元")
            else:
                relief_svc.relief_submit(actor=agent, assessment=assessment, kind="deferral", months=3,
                                         reason="2026年8月冰雹灾害致仓储货物受损，资金周转困难", files=evidence)


def load_relief_unit() -> None:
    """The unit whose reduction is approved: its assessment submitted (a levy to pay)."""
    from levy.demo import _drive
    from levy.selectors.assessment import current_collection_year

    employer, agent = _employer_and_agent(RELIEF_UNIT)
    year = current_collection_year()
    if LevyAssessment.objects.filter(employer=employer, collection_year=year).exists():
        return  # idempotent
    with transaction.atomic():
        _certify(employer, year - 1, RELIEF_UNIT.headcount, RELIEF_UNIT.disabled)
        _drive(RELIEF_UNIT, employer, agent, year)


def load_rewards_and_reliefs() -> None:
    """Issue 18's demo rows, after the assessments (levy.demo.DEMO_STEPS)."""
    load_rewards()
    load_relief_unit()
    load_reliefs()
