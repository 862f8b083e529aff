"""缓减免 (issue 18): a reduction or a deferral within the policy's limits, decided by a tax officer
of the unit's region, a second officer's confirmation above the threshold (never the same person);
an approved one changes the assessment's amount or deadline and the late fee follows; a refused one
says why. Plus the pure rules, table-driven."""

import datetime
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from levy.choices import AssessmentStatus as S
from levy.models import LevyAssessment, ReliefApplication
from levy.rules.bank import account_problem, payee_changed
from levy.rules.hardship import HardshipRule, deferred_deadline, needs_second_officer, relief_problems
from levy.selectors.assessment import assessment_view
from levy.services import assessment as assessment_svc
from levy.services.relief import relief_confirm, relief_decide, relief_submit
from portal.exceptions import NotAllowed, ValidationFailed
from portal.models import Notice
from tests import factories as f
from tests.levy.conftest import counted, unit_in
from tests.levy.test_assessment_declared import at, declared

RULE = HardshipRule(max_reduction_years=Decimal("1"), max_deferral_months=6, second_officer_above=Decimal("50000"))
D = Decimal


# --- the pure rules -------------------------------------------------------------------------------------


@pytest.mark.parametrize("kind,amount,months,problems", [
    ("reduction", D("180000.00"), None, {}),  # the whole year's levy: the limit itself
    ("reduction", D("180000.01"), None, {"amount": "申请减免的金额不能超过本年度应缴纳的残保金180,000.00元"}),
    ("reduction", D("0"), None, {"amount": "申请减免的金额应大于0"}),
    ("reduction", None, None, {"amount": "请填写申请减免的金额"}),
    ("deferral", None, 6, {}),
    ("deferral", None, 7, {"months": "缓缴期限最长为6个月，请重新填写"}),
    ("deferral", None, 0, {"months": "申请缓缴的月数应至少为1个月"}),
    ("other", None, None, {"kind": "请选择申请类型（减免缴纳或缓缴）"}),
])
def test_relief_limits(kind, amount, months, problems):
    assert relief_problems(kind=kind, levy_amount=D("180000.00"), amount=amount, months=months, rule=RULE) == problems


@pytest.mark.parametrize("kind,amount,needed", [
    ("reduction", D("50000.00"), False), ("reduction", D("50000.01"), True), ("deferral", None, False),
])
def test_a_second_officer_confirms_reductions_above_the_threshold(kind, amount, needed):
    assert needs_second_officer(kind=kind, amount=amount, rule=RULE) is needed


@pytest.mark.parametrize("deadline,months,moved", [
    ("2026-11-30", 3, "2027-02-28"), ("2026-08-31", 6, "2027-02-28"), ("2027-01-31", 1, "2027-02-28"),
    ("2028-01-31", 1, "2028-02-29"), ("2026-06-30", 6, "2026-12-30"),
])
def test_deferred_deadlines(deadline, months, moved):
    assert deferred_deadline(datetime.date.fromisoformat(deadline), months) == datetime.date.fromisoformat(moved)


@pytest.mark.parametrize("number,problem", [
    ("6217000012345678901", None), ("6217 0000 1234 5678", None), ("12345678", None),
    ("", "请填写开户账号"), ("6217-0000-1234-567X", "开户账号只能包含数字，请核对后重新填写"),
    ("1234567", "开户账号应为8至32位数字，您填写了7位"), ("1" * 33, "开户账号应为8至32位数字，您填写了33位"),
    ("11111111", "开户账号不能全部是同一个数字，请核对后重新填写"),
])
def test_account_number_format(number, problem):
    assert account_problem(number) == problem


@pytest.mark.parametrize("payee,unit,changed", [
    ("内蒙古草原乳业有限责任公司", "内蒙古草原乳业有限责任公司", False),
    ("内蒙古草原乳业（集团）有限公司", "内蒙古草原乳业(集团)有限公司", False),
    ("内蒙古草原乳业集团", "内蒙古草原乳业有限责任公司", True),
])
def test_a_changed_payee_name(payee, unit, changed):
    assert payee_changed(payee, unit) is changed


# --- through the services --------------------------------------------------------------------------------

pytestmark = pytest.mark.django_db


def _evidence():
    return [SimpleUploadedFile("受灾证明.pdf", f.PDF_BYTES)]


@pytest.fixture
def submitted(agent_for):
    """E1 in Liaoning: 180,000.00 due 2026-11-30, submitted."""
    unit = unit_in("210102")
    agent = agent_for(unit)
    with at("2026-09-01"):
        a = declared(unit, agent, persons=[counted(grade=3)])
        a = assessment_svc.assessment_submit(actor=agent, assessment=a)
    assert (a.levy_amount, a.deadline) == (D("180000.00"), datetime.date(2026, 11, 30))
    return unit, agent, a


@pytest.fixture
def officers():
    region = f.region("210102")
    return (f.UserFactory(tax=True, region=region, full_name="和平区税务一"),
            f.UserFactory(tax=True, region=region, full_name="和平区税务二"),
            f.UserFactory(tax=True, region=f.region("310000"), full_name="上海税务"))


def test_a_reduction_within_the_threshold_is_decided_by_one_officer(submitted, officers):
    unit, agent, a = submitted
    with at("2026-09-10"):
        relief = relief_submit(actor=agent, assessment=a, kind="reduction", reason="洪灾致厂房受损", amount=D("30000"),
                               files=_evidence())
        assert not relief.needs_confirmation and relief.policy_row["name"] == "hardship_relief"
        relief = relief_decide(actor=officers[0], relief=relief, approve=True)
    assert relief.status == "approved" and relief.levy_after == D("150000.00")
    a = LevyAssessment.objects.get(pk=a.pk)
    assert (a.status, a.levy_amount, a.deadline) == (S.SUBMITTED, D("150000.00"), datetime.date(2026, 11, 30))
    assert Notice.objects.filter(employer=unit, title="2026年残保金缓减免申请已批准").exists()
    with at("2026-12-10"):  # 10 days late on the reduced amount: 150,000 × 5‰ × 10
        view = assessment_view(a)
        assert (view.fee_today.days, view.fee_today.fee) == (10, D("7500.00"))
        assert view.owed_today == D("157500.00")


def test_a_reduction_above_the_threshold_needs_a_second_officer(submitted, officers):
    _unit, agent, a = submitted
    relief = relief_submit(actor=agent, assessment=a, kind="reduction", reason="地震", amount=D("100000"),
                           files=_evidence())
    relief = relief_decide(actor=officers[0], relief=relief, approve=True, reason="情况属实")
    assert relief.status == "confirming" and LevyAssessment.objects.get(pk=a.pk).levy_amount == D("180000.00")
    with pytest.raises(NotAllowed) as error:
        relief_confirm(actor=officers[0], relief=relief, approve=True)
    assert error.value.code == "four_eyes"
    relief = relief_confirm(actor=officers[1], relief=relief, approve=True)
    assert relief.status == "approved" and relief.confirmed_by == officers[1]
    assert LevyAssessment.objects.get(pk=a.pk).levy_amount == D("80000.00")


def test_a_full_reduction_leaves_nothing_to_pay(submitted, officers):
    _unit, agent, a = submitted
    relief = relief_submit(actor=agent, assessment=a, kind="reduction", reason="地震", amount=D("180000"),
                           files=_evidence())
    relief = relief_decide(actor=officers[0], relief=relief, approve=True)
    relief_confirm(actor=officers[1], relief=relief, approve=True)
    a = LevyAssessment.objects.get(pk=a.pk)
    assert (a.status, a.levy_amount) == (S.EXEMPT, D("0.00"))


def test_a_deferral_moves_the_deadline_and_the_late_fee_follows(submitted, officers):
    _unit, agent, a = submitted
    with at("2026-12-01"):
        assert assessment_svc.assessments_mark_overdue() == 1
        relief = relief_submit(actor=agent, assessment=LevyAssessment.objects.get(pk=a.pk), kind="deferral",
                               reason="疫情停产", months=3, files=_evidence())
        relief = relief_decide(actor=officers[0], relief=relief, approve=True)
    assert relief.deadline_after == datetime.date(2027, 2, 28) and relief.deadline_before == datetime.date(2026, 11, 30)
    a = LevyAssessment.objects.get(pk=a.pk)
    assert (a.status, a.deadline, a.levy_amount) == (S.SUBMITTED, datetime.date(2027, 2, 28), D("180000.00"))
    with at("2027-01-15"):
        assert assessment_view(a).fee_today.fee == D("0.00")  # no late fee before the new deadline
    with at("2027-03-10"):  # 10 days past the new deadline: 180,000 × 5‰ × 10
        assert assessment_view(a).fee_today.fee == D("9000.00")


def test_applications_outside_the_limits_or_without_evidence_are_refused(submitted):
    _unit, agent, a = submitted
    cases = [
        ({"kind": "deferral", "months": 7, "files": _evidence()}, "months", "最长为6个月"),
        ({"kind": "reduction", "amount": D("180000.01"), "files": _evidence()}, "amount", "不能超过"),
        ({"kind": "reduction", "amount": D("1000"), "files": ()}, "evidence", "证明材料"),
        ({"kind": "bogus", "files": _evidence()}, "kind", "申请类型"),
    ]
    for kwargs, field, message in cases:
        with pytest.raises(ValidationFailed) as error:
            relief_submit(actor=agent, assessment=a, reason="洪灾", **kwargs)
        assert error.value.field == field and message in error.value.message
    assert not ReliefApplication.objects.exists()


def test_a_refusal_says_why_and_changes_nothing(submitted, officers):
    unit, agent, a = submitted
    relief = relief_submit(actor=agent, assessment=a, kind="deferral", reason="停电", months=2, files=_evidence())
    with pytest.raises(ValidationFailed) as error:
        relief_decide(actor=officers[0], relief=relief, approve=False)
    assert error.value.field == "reason"
    with pytest.raises(NotAllowed):  # an officer of another region
        relief_decide(actor=officers[2], relief=relief, approve=True)
    relief = relief_decide(actor=officers[0], relief=relief, approve=False, reason="不属于不可抗力")
    assert relief.status == "refused" and relief.refuse_reason == "不属于不可抗力"
    assert LevyAssessment.objects.get(pk=a.pk).deadline == datetime.date(2026, 11, 30)
    assert "不属于不可抗力" in Notice.objects.get(employer=unit, title="2026年残保金缓减免申请未获批准").body
    with pytest.raises(NotAllowed):  # decided once
        relief_decide(actor=officers[1], relief=relief, approve=True)


def test_one_open_application_at_a_time(submitted):
    _unit, agent, a = submitted
    relief_submit(actor=agent, assessment=a, kind="deferral", reason="停电", months=2, files=_evidence())
    with pytest.raises(ValidationFailed, match="正在审核"):
        relief_submit(actor=agent, assessment=a, kind="deferral", reason="停电", months=2, files=_evidence())


def test_the_tax_console_decides_and_a_second_officer_confirms(submitted, officers, client_for):
    unit, agent, a = submitted
    relief = relief_submit(actor=agent, assessment=a, kind="reduction", reason="地震致停产", amount=D("60000"),
                           files=_evidence())
    first, second = client_for(officers[0]), client_for(officers[1])
    listing = first.get("/tax/levy/reliefs/").content.decode()
    assert unit.name in listing and "减免60,000.00元（须复核）" in listing
    assert client_for(officers[2]).get(f"/tax/levy/reliefs/{relief.pk}/").status_code == 404
    page = first.get(f"/tax/levy/reliefs/{relief.pk}/").content.decode()
    assert "受灾证明.pdf" in page and "提交审核结果" in page
    assert "请填写不予批准的原因" in first.post(f"/tax/levy/reliefs/{relief.pk}/", {"decision": "refuse"}).content.decode()
    assert first.post(f"/tax/levy/reliefs/{relief.pk}/", {"decision": "approve"}).status_code == 302
    assert "双人复核" in first.get(f"/tax/levy/reliefs/{relief.pk}/").content.decode()
    assert second.post(f"/tax/levy/reliefs/{relief.pk}/", {"decision": "approve"}).status_code == 302
    assert LevyAssessment.objects.get(pk=a.pk).levy_amount == D("120000.00")
    assert "已批准" in second.get(f"/tax/levy/reliefs/{relief.pk}/").content.decode()
