"""Demo data of the levy journey for `make run`: units of both methods in every state the tax console
shows (assessed, submitted, overdue, paid, paid late, objected, exempt, over ratio, and two units
ready to start), built through the same services the pages call. Certified figures exist only
where a declaration was certified: the demo records them through levy's own service, as a
certification would. Idempotent: a unit that already has its assessment is left alone.

Demo logins (password as every demo account): levy-sh@demo.cn (Shanghai, registry method, at 信息
确认) and levy-ln@demo.cn (Liaoning, declared method, ready to declare).

Issue 18 adds, in Inner Mongolia: an over-ratio reward in each state (待初审, 待复核 from the window,
已发放 with its 奖励审核认定书, 审核不通过) and a 缓减免 application pending and one approved."""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone
from stdnum.cn import uscc

from levy.choices import AssessmentStatus
from levy.models import CertifiedFigures, LevyAssessment, LevyPayment, OverRatioReward, ReliefApplication
from levy.rules import person_weight
from levy.rules.certified import CountedPerson
from levy.selectors.assessment import current_collection_year
from levy.selectors.reward import reward_data_year
from levy.services import assessment as svc
from levy.services import certified_figures_record
from levy.services import relief as relief_svc
from levy.services import reward as reward_svc
from levy.services.objection import objection_submit
from levy.services.payment import payment_notify, payment_poll, payment_push, payment_request
from portal import feeds
from portal.demo import DEMO_PASSWORD
from portal.feeds.demo import LEVY_DEMO_UNITS
from portal.feeds.generator import resident_id
from portal.models import Region
from portal.roles import Role
from portal.workflow import audit_created

S = AssessmentStatus


@dataclass(frozen=True)
class LevyUnit:
    key: str
    name: str
    credit_code: str
    region: str
    plan: str  # draft / objection / assessed / paid / overdue / paid_late / exempt / over / submitted
    headcount: int = 0  # declared method: 上年在职职工人数 and the wage bill
    wages: str = "0"
    disabled: tuple[tuple[int, int], ...] = ()  # certified persons: (grade, months)
    agent: str = ""
    previous_year: bool = False  # overdue / paid late: last year's collection, whose deadline has passed


def _code(body: str) -> str:
    return body + uscc.calc_check_digit(body + "0")


_SH = {u.key: u for u in LEVY_DEMO_UNITS}
UNITS = [
    LevyUnit("levy-sh-draft", _SH["levy-sh-draft"].name, _SH["levy-sh-draft"].credit_code, "310104", "draft",
             disabled=((3, 12), (1, 8)), agent="levy-sh@demo.cn"),
    LevyUnit("levy-sh-objection", _SH["levy-sh-objection"].name, _SH["levy-sh-objection"].credit_code, "310104",
             "objection", disabled=((4, 12),)),
    LevyUnit("levy-sh-assessed", _SH["levy-sh-assessed"].name, _SH["levy-sh-assessed"].credit_code, "310104",
             "assessed"),
    LevyUnit("levy-sh-paid", _SH["levy-sh-paid"].name, _SH["levy-sh-paid"].credit_code, "310115", "paid",
             disabled=((2, 12), (3, 12))),
    LevyUnit("levy-sh-overdue", _SH["levy-sh-overdue"].name, _SH["levy-sh-overdue"].credit_code, "310115", "overdue",
             disabled=((4, 6),), previous_year=True),
    LevyUnit("levy-sh-exempt", _SH["levy-sh-exempt"].name, _SH["levy-sh-exempt"].credit_code, "310104", "exempt"),
    LevyUnit("levy-sh-over", _SH["levy-sh-over"].name, _SH["levy-sh-over"].credit_code, "310104", "over",
             disabled=((1, 12), (2, 12), (4, 12))),
    LevyUnit("levy-ln-draft", "沈阳盛京食品有限公司", _code("91210102MA0LW1B1C"), "210102", "draft", 260, "23400000",
             ((3, 12),), agent="levy-ln@demo.cn"),
    LevyUnit("levy-ln-overdue", "沈阳北方重工配件有限公司", _code("91210102MA0LW1B2D"), "210102", "overdue", 540,
             "48600000", ((4, 12), (3, 5)), previous_year=True),
    LevyUnit("levy-ln-paid-late", "沈阳和平物流有限公司", _code("91210102MA0LW1B3E"), "210102", "paid_late", 180,
             "14400000", previous_year=True),
    LevyUnit("levy-ln-exempt", "沈阳小河沿商贸有限公司", _code("91210102MA0LW1B4F"), "210102", "exempt", 26, "1820000"),
    LevyUnit("levy-ln-paid", "沈阳三好街电子有限公司", _code("91210102MA0LW1B5G"), "210102", "paid", 320, "30400000",
             ((2, 12),)),
    LevyUnit("levy-nm-submitted", "呼和浩特青城商贸有限公司", _code("91150102MA0LW1B6H"), "150102", "submitted", 140,
             "9800000", ((4, 12),)),
    LevyUnit("levy-nm-over", "内蒙古草原助残服务有限公司", _code("91150102MA0LW1B7J"), "150102", "over", 45, "2700000",
             ((1, 12), (3, 12))),
    LevyUnit("levy-nm-assessed", "内蒙古敕勒川建材有限公司", _code("91150102MA0LW1B8K"), "150102", "assessed", 210,
             "15120000"),
    # 逾期未缴 in Inner Mongolia too (issue 15, 23: tax-nm's queues were empty)
    LevyUnit("levy-nm-overdue", "呼和浩特金川化工有限公司", _code("91150102MA0LW1B9L"), "150102", "overdue", 320,
             "22400000", ((4, 12),), previous_year=True),
]


def _employer_and_agent(unit: LevyUnit):
    from employers.models import Agent, Employer

    region = Region.objects.get(code=unit.region)
    employer, _ = Employer.objects.get_or_create(
        credit_code=unit.credit_code,
        defaults={"name": unit.name, "admin_region": region, "fed_region": region, "tax_region": region,
                  "contact_email": unit.agent or f"{unit.key}@demo.cn", "contact_phone": "021-60000000"})
    username = unit.agent or f"{unit.key}@demo.cn"
    User = get_user_model()
    user, created = User.objects.get_or_create(username=username, defaults={
        "email": username, "full_name": f"{unit.name[:4]}经办人", "role": Role.EMPLOYER_AGENT})
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save()
    Agent.objects.get_or_create(user=user, defaults={"employer": employer, "is_registrant": True})
    return employer, user


def _certify(employer, business_year: int, headcount: int, disabled) -> None:
    if not disabled or CertifiedFigures.objects.filter(employer=employer, business_year=business_year).exists():
        return
    persons = []
    for i, (grade, months) in enumerate(disabled):
        weight = person_weight("disability", grade)
        birth = datetime.date(1980 + i, 1 + i % 12, 10)
        persons.append(CountedPerson(
            name=["李明", "王芳", "张强", "刘洋"][i % 4], id_number=resident_id(employer.admin_region_id, birth, 800 + 2 * i),
            certificate_kind="disability", certificate_grade=grade, local_hukou=True, graduate=i == 1,
            months=tuple(business_year * 100 + m for m in range(1, months + 1)), weights=(weight,) * months))
    certified_figures_record(employer=employer, business_year=business_year, headcount=headcount or 200,
                             persons=persons, certificate_reference=f"RD{business_year + 1}DEMO{employer.pk:05d}",
                             actor=None)


def _pay(assessment, agent) -> None:
    """Paid today (after the deadline: with the late fee), through the channel as the worker would."""
    with feeds.configure(settle_delay_s=0):
        payment = payment_request(actor=agent, assessment=assessment, method="agreement")
        payment_push(payment.pk)  # what the worker does, in place (the queued task then finds it settled)
        payment_poll(payment.pk)


def _pay_in_time(assessment, agent) -> None:
    """Paid on or before the deadline whatever day the demo is loaded: an order without a late fee,
    settled by the channel's callback with its payment day."""
    today = timezone.localdate()
    paid_on = min(today, assessment.deadline) if assessment.deadline else today
    payment = LevyPayment.objects.create(assessment=assessment, method="transfer", principal=assessment.levy_amount,
                                         amount=assessment.levy_amount, requested_by=agent,
                                         requested_at=timezone.make_aware(datetime.datetime.combine(paid_on,
                                                                                                    datetime.time(10))))
    audit_created(payment, actor=agent, data={"label": "发起缴费（银行转账）"})
    payment_notify(actor=None, reference=payment.reference, status="paid", bank_reference=f"YH{payment.pk:08d}",
                   paid_on=paid_on)


def _drive(unit: LevyUnit, employer, agent, year: int) -> None:
    registry = unit.region.startswith("31")
    a = svc.assessment_open(actor=agent, employer=employer, collection_year=year, has_disabled=bool(unit.disabled))
    if registry:
        svc.registry_fetch(a.pk)  # what the worker does after 开始办理
    a = svc.notice_agree(actor=agent, assessment=LevyAssessment.objects.get(pk=a.pk))
    if not registry:
        a = svc.declared_figures_save(actor=agent, assessment=a, headcount=unit.headcount, wage_total=unit.wages)
    if unit.plan == "draft":
        return
    if unit.plan == "objection":
        months = [m["month"] for m in a.figures["months"]]
        objection_submit(actor=agent, assessment=a, kind="headcount",
                         data={"accounts": {m: str(150 + i % 3) for i, m in enumerate(months)}})
        return
    a = svc.assessment_assess(actor=agent, assessment=svc.assessment_confirm(actor=agent, assessment=a))
    if unit.plan == "assessed":
        return
    a = svc.assessment_submit(actor=agent, assessment=a)
    if unit.plan == "over":
        svc.reward_choose(actor=agent, assessment=a, apply=unit.region.startswith("15"))
    elif unit.plan in ("overdue", "paid_late"):
        svc.assessments_mark_overdue()
        if unit.plan == "paid_late":
            _pay(LevyAssessment.objects.get(pk=a.pk), agent)
    elif unit.plan == "paid":
        _pay_in_time(a, agent)


def load_assessments() -> None:
    this_year = current_collection_year()
    for unit in UNITS:
        employer, agent = _employer_and_agent(unit)
        year = this_year - 1 if unit.previous_year else this_year
        if LevyAssessment.objects.filter(employer=employer, collection_year=year).exists():
            continue  # idempotent
        with transaction.atomic():
            _certify(employer, year - 1, unit.headcount, unit.disabled)
            _drive(unit, employer, agent, year)



# --- issue 18: over-ratio rewards in each state and 缓减免, in Inner Mongolia ----------------------------
# Logins (the demo password): reward-nm@demo.cn (its application waits for the 初审), levy-nm-over@demo.cn
# (approved and paid, with the 奖励审核认定书), reviewer-nm / supervisor-nm (the queue; a window application
# waits for supervisor-nm's 复核), tax-nm (a 缓缴 waiting, a 减免 approved).

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
                reward_svc.reward_initiate(actor=reviewer, employer=employer, data_year=year, budget_funded=False, **bank)
                continue
            reward = reward_svc.reward_apply(actor=agent, employer=employer, data_year=year, budget_funded=False, **bank)
            if item.state == "rejected":
                reward_svc.reward_first_decide(actor=reviewer, reward=reward, decision="reject",
                                        reason="安置人员中1人的劳动合同期限不足一年，超比例人数不足1人")
            elif item.state == "paid":
                reward = reward_svc.reward_first_decide(actor=reviewer, reward=reward, decision="approve", reason="材料齐全")
                with feeds.configure(settle_delay_s=0):
                    reward = reward_svc.reward_second_decide(actor=supervisor, reward=reward, decision="approve",
                                                      reason="同意")
                    payout = reward.payouts.get()
                    reward_svc.payout_push(payout.pk)  # what the worker does, in place
                    reward_svc.payout_poll(payout.pk)


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


DEMO_ORDER = 60  # after placement (40): its units are certified through levy
DEMO_STEPS = [load_assessments, load_rewards_and_reliefs]
