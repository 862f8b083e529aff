"""The money rules of the retiree plan (DOMAIN.md §3): the manual's three cases and our own, the
voucher totals, refunds, e-receipts and the 75% rule for deleting failed members."""

import datetime
from decimal import Decimal as D

import pytest

from insurance.rules.payment import (
    may_delete_failed,
    pension_day_after,
    receipt_room,
    refund_room,
    settlement,
    voucher_check,
)


@pytest.mark.parametrize(("members", "requested", "withheld", "amount", "due", "paying"), [
    (13, 13, 9, "300", "3150", 13),   # the manual: 13 members, 9 withheld at 300
    (29, 29, 23, "100", "10750", 29),  # the manual: 29 members, 23 withheld at 100
    (12, 12, 8, "100", "4600", 12),   # the manual: 12 members, 8 withheld at 100
    (12, 12, 12, "450", "0", 0),      # the manual's 情形3: everyone withheld in full
    (10, 10, 7, "450", "1350", 3),    # full amount withheld: only the failed three are paid by the unit
    (5, 0, 0, "0", "2250", 5),        # a voucher batch: the unit pays everything
])
def test_the_unit_pays_what_the_withholding_did_not(members, requested, withheld, amount, due, paying):
    figures = settlement(members=members, premium=D("450"), requested=requested, withheld=withheld, amount=D(amount))
    assert figures.unit_due == D(due)
    assert figures.unit_paying_members == paying
    assert figures.failed == requested - withheld
    assert figures.withheld_total + figures.unit_due == figures.total == D(450) * members


def test_impossible_counts_are_refused():
    with pytest.raises(ValueError):
        settlement(members=3, premium=D("450"), requested=3, withheld=4, amount=D("100"))


@pytest.mark.parametrize(("vouchers", "refunds", "receipts", "sections"), [
    (["800", "4600"], [], ["5400"], []),                  # exact
    (["800", "4000"], [], [], ["vouchers"]),              # 600 short
    (["800", "5000"], [], [], ["refunds"]),               # 400 excess not refunded
    (["800", "5000"], ["400"], ["5400"], []),             # excess refunded
    (["800", "5000"], ["500"], [], ["refunds"]),          # refund above the excess
    (["800", "4600"], [], ["5400.01"], ["receipts"]),     # e-receipts above what was paid
    (["800", "5000"], ["400"], ["5800"], ["receipts"]),   # e-receipts above paid less refunds
])
def test_vouchers_must_add_up_to_the_premium(vouchers, refunds, receipts, sections):
    check = voucher_check(due=D("5400"), vouchers=vouchers, refunds=refunds, receipts=receipts)
    assert [section for section, _message in check.problems()] == sections


def test_the_room_left_for_a_refund_and_an_e_receipt():
    assert refund_room(due=D("5400"), vouchers=[D("800"), D("5000")]) == D("400")
    assert refund_room(due=D("5400"), vouchers=[D("800"), D("5000")], other_refunds=[D("150")]) == D("250")
    assert refund_room(due=D("5400"), vouchers=[D("800"), D("4000")]) == D("0")
    assert receipt_room(paid=D("5800"), refunded=D("400"), other_receipts=[D("5000")]) == D("400")


@pytest.mark.parametrize(("enrolled", "count", "deleting", "allowed"), [
    (80, 100, 5, True),    # 75 of 100 left: still 75%
    (80, 100, 6, False),   # 74 of 100: below
    (10, 13, 1, False),    # 9/13 = 69%
    (13, 13, 3, True),     # 10/13 = 76.9%
    (5, None, 1, False),   # the count is unknown: nobody leaves this way
    (5, 0, 1, False),
])
def test_failed_members_may_be_deleted_only_while_the_code_keeps_75_percent(enrolled, count, deleting, allowed):
    assert may_delete_failed(enrolled=enrolled, registry_count=count, threshold=D("0.75"), deleting=deleting) is allowed


@pytest.mark.parametrize(("day", "plan_day", "pension_day"), [
    ("2027-05-20", 25, "2027-05-25"),  # later this month
    ("2027-05-25", 25, "2027-05-25"),  # today is the day
    ("2027-05-26", 25, "2027-06-25"),  # passed: next month
    ("2027-12-26", 10, "2028-01-10"),  # across the year
    ("2027-01-31", 28, "2027-02-28"),  # from a 31st into February
])
def test_the_pension_day_on_or_after_a_day(day, plan_day, pension_day):
    assert pension_day_after(datetime.date.fromisoformat(day), plan_day) == datetime.date.fromisoformat(pension_day)


@pytest.mark.parametrize(("filed", "requested", "removed"), [
    (4, 4, 0),  # nobody deleted since the file
    (4, 3, 1),  # one failed member deleted (the union's page says 代扣文件 4 人)
    (4, 0, 4),
    (0, 0, 0),  # a voucher batch has no file
])
def test_the_members_removed_since_the_withholding_file(filed, requested, removed):
    figures = settlement(members=5, premium=D("450"), requested=requested, withheld=0, amount=D("300"))
    assert figures.removed_since(filed) == removed
