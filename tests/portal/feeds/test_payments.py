"""The mocked payment channel (issue 16): an order is received at once, settles on its own time
with the staged outcome, is idempotent by reference, and fails like any registry."""

import datetime
from decimal import Decimal

import pytest

from portal.feeds import FeedRejected, FeedUnavailable, SubmissionNotFound, configure, get_feeds
from portal.feeds.models import PaymentRecord
from portal.feeds.types import PAYMENT_FAILED, PAYMENT_PAID, PAYMENT_PENDING, PaymentOrder

pytestmark = pytest.mark.django_db

ORDER = PaymentOrder("JF0001", "91310104MA1FL3X8QJ", "上海测试有限公司", Decimal("180000.00"), "agreement",
                     "2026年残疾人就业保障金")


def test_an_order_is_pending_then_paid_and_asking_again_is_harmless():
    channel = get_feeds().payments
    with configure(settle_delay_s=3600):
        first = channel.request(ORDER)
        assert first.status == PAYMENT_PENDING and first.amount == Decimal("180000.00")
        assert channel.request(ORDER) == first
        assert channel.status("JF0001").status == PAYMENT_PENDING
    with configure(settle_delay_s=0):
        PaymentRecord.objects.update(settle_due_at=datetime.datetime(2000, 1, 1, tzinfo=datetime.UTC))
        paid = channel.status("JF0001")
    assert paid.status == PAYMENT_PAID and paid.bank_reference.startswith("YH") and paid.settled_at


def test_a_staged_failure_settles_as_failed_with_the_banks_reason():
    channel = get_feeds().payments
    with configure(settle_delay_s=0):
        channel.request(ORDER)
        PaymentRecord.objects.update(staged_outcome="failed", staged_message="账户余额不足")
        failed = channel.status("JF0001")
    assert failed.status == PAYMENT_FAILED and failed.message == "账户余额不足"


def test_bad_orders_are_rejected_unknown_ones_not_found_and_outages_unavailable():
    channel = get_feeds().payments
    channel.request(ORDER)
    with pytest.raises(FeedRejected):
        channel.request(PaymentOrder("JF0001", ORDER.credit_code, ORDER.unit_name, Decimal("1.00"), "agreement", "x"))
    with pytest.raises(FeedRejected):
        channel.request(PaymentOrder("JF0002", ORDER.credit_code, ORDER.unit_name, Decimal("0"), "agreement", "x"))
    with pytest.raises(SubmissionNotFound):
        channel.status("JF9999")
    with configure(error_rate=1.0), pytest.raises(FeedUnavailable):
        channel.status("JF0001")
