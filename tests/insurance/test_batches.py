"""参保批次: the windows of the plan year, the payment method chosen once, the states that allow
editing and deletion (state guards), the batch number."""

from decimal import Decimal

import pytest

from insurance import choices as c
from insurance.services import batches as services
from insurance.services import roster
from portal.exceptions import NotAllowed, ValidationFailed
from portal.models import AuditEntry
from tests.insurance.factories import BatchFactory, at, pdf

B = c.BatchStatus


def test_a_central_batch_is_numbered_txzy_date_sequence_in_the_open_window(sh_code, sh_agent):
    with at(2027, 5, 20):
        first = services.batch_create(actor=sh_agent, employer=sh_code.employer, code=sh_code, kind="central")
        second = services.batch_create(actor=sh_agent, employer=sh_code.employer, code=sh_code, kind="central")
    assert (first.number, second.number) == ("TXZY202705200001", "TXZY202705200002")
    assert first.plan_year.year == 2027 and first.status == B.AWAITING_ROSTER
    assert AuditEntry.objects.filter(action="insurance_batch.create", object_id=str(first.pk)).exists()


@pytest.mark.parametrize("moment,kind,message", [
    ((2027, 5, 11, 23), "central", "2027年度集中参保办理时间为2027-05-12 00:00至2027-06-30 17:00"),
    ((2027, 6, 30, 17, 1), "central", "当前不在集中参保办理时间内"),
    ((2025, 6, 30, 18), "instant", "2025年度即时参保将于2025-07-01 00:00开始"),
])
def test_a_batch_outside_its_window_is_refused_naming_the_dates(sh_code, sh_agent, moment, kind, message):
    with at(*moment), pytest.raises(NotAllowed, match=message):
        services.batch_create(actor=sh_agent, employer=sh_code.employer, code=sh_code, kind=kind)
    assert not sh_code.batches.exists()


def test_an_instant_batch_goes_into_the_running_plan_year_and_pays_by_voucher_only(sh_code, sh_agent):
    with at(2026, 12, 6):
        batch = services.batch_create(actor=sh_agent, employer=sh_code.employer, code=sh_code, kind="instant")
        assert batch.plan_year.year == 2026
        with pytest.raises(ValidationFailed, match="只能选择缴费凭证参保"):
            services.batch_choose_payment(actor=sh_agent, batch=batch, method="withholding", amount=100)
        batch = services.batch_choose_payment(actor=sh_agent, batch=batch, method="voucher")
    assert batch.payment_method == "voucher"


def test_a_batch_under_another_units_code_is_refused(sh_code, other_agent, other_unit):
    with at(2027, 5, 20), pytest.raises(ValidationFailed, match="本单位"):
        services.batch_create(actor=other_agent, employer=other_unit, code=sh_code, kind="central")


@pytest.mark.parametrize("amount,ok", [("0", False), ("-1", False), ("450.01", False), ("abc", False), (None, False),
                                       ("0.01", True), ("450", True), ("300", True)])
def test_the_withholding_amount_is_above_zero_and_at_most_the_premium(sh_code, sh_agent, amount, ok):
    with at(2027, 5, 20):
        batch = BatchFactory(code=sh_code, payment_method="", payment_chosen_at=None)
        if ok:
            batch = services.batch_choose_payment(actor=sh_agent, batch=batch, method="withholding", amount=amount,
                                                  form=pdf("委托代扣款申请表.pdf"))
            assert batch.withholding_amount == Decimal(amount) and batch.withholding_form is not None
        else:
            with pytest.raises(ValidationFailed, match="委托代扣金额"):
                services.batch_choose_payment(actor=sh_agent, batch=batch, method="withholding", amount=amount)


def test_the_payment_method_is_chosen_once(sh_code, sh_agent):
    with at(2027, 5, 20):
        batch = BatchFactory(code=sh_code, payment_method="", payment_chosen_at=None)
        batch = services.batch_choose_payment(actor=sh_agent, batch=batch, method="voucher")
        with pytest.raises(NotAllowed, match="一旦选择，不能修改"):
            services.batch_choose_payment(actor=sh_agent, batch=batch, method="withholding", amount=100)
    batch.refresh_from_db()
    assert batch.payment_method == "voucher" and batch.withholding_amount is None


def test_withholding_cannot_be_chosen_after_its_channel_closed(sh_code, sh_agent):
    with at(2027, 5, 31, 17, 0):
        batch = BatchFactory(code=sh_code, payment_method="", payment_chosen_at=None)
        with pytest.raises(NotAllowed, match="委托代扣款缴费参保通道已于2027-05-31 17:00关闭"):
            services.batch_choose_payment(actor=sh_agent, batch=batch, method="withholding", amount=100)


@pytest.mark.parametrize("status,deletable", [
    (B.AWAITING_ROSTER, True), (B.AWAITING_VERIFICATION, True), (B.VERIFIED, True), (B.REVIEW_REJECTED, True),
    (B.VERIFYING, False), (B.UNDER_REVIEW, False), (B.REVIEW_APPROVED, False), (B.INSURED, False),
])
def test_a_batch_is_deleted_only_where_the_manual_offers_it(sh_code, sh_agent, status, deletable):
    batch = BatchFactory(code=sh_code, status=status)
    if deletable:
        assert services.batch_delete(actor=sh_agent, batch=batch).status == B.DELETED
    else:
        with pytest.raises(NotAllowed, match="不能删除批次"):
            services.batch_delete(actor=sh_agent, batch=batch)


@pytest.mark.parametrize("status", [B.VERIFYING, B.UNDER_REVIEW, B.REVIEW_APPROVED])
def test_the_roster_cannot_change_once_verifying_or_submitted(sh_code, sh_agent, status):
    batch = BatchFactory(code=sh_code, status=status)
    with pytest.raises(NotAllowed, match="不能修改参保名单"):
        roster.member_add(actor=sh_agent, batch=batch, data={"name": "张三", "id_type": "身份证",
                                                             "id_number": "11010519491231002X", "phone": "13900000000"})
    with pytest.raises(NotAllowed, match="不能修改参保名单"):
        roster.roster_clear(actor=sh_agent, batch=batch)


def test_a_colleague_may_work_on_the_units_batch_and_an_outsider_may_not(sh_code, sh_colleague, other_agent):
    batch = BatchFactory(code=sh_code)
    with pytest.raises(NotAllowed, match="本单位"):
        services.batch_delete(actor=other_agent, batch=batch)
    assert services.batch_delete(actor=sh_colleague, batch=batch).status == B.DELETED
