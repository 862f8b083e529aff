"""The pension registry's contract (issue 19), passed by the mock and by the HTTP adapter talking to
the gateway that serves the mock: the person's pension status, and the idempotent withholding call
with its own status — the same order twice takes the money once."""

from decimal import Decimal

import pytest

from portal.feeds import FeedRejected, FeedUnavailable, PersonNotFound, SubmissionNotFound, configure
from portal.feeds.gateway import Gateway
from portal.feeds.http import HttpPension
from portal.feeds.mock import MockPension
from portal.feeds.models import RegistryPerson
from portal.feeds.types import PensionStatus, WithholdingOrder, WithholdingReceipt
from tests.portal.feeds.factories import RegistryPersonFactory

# The gateway answers from its own threads, which must see committed rows: no test transaction.
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(params=["mock", "http"])
def pension(request):
    if request.param == "mock":
        yield MockPension()
        return
    with Gateway() as url:
        yield HttpPension(url)


@pytest.fixture
def people():
    return {
        "rich": RegistryPersonFactory(retiree=True, name="张建国", pension_balance=Decimal("3000.00")),
        "poor": RegistryPersonFactory(retiree=True, name="李秀英", pension_balance=Decimal("120.00")),
        "refuses": RegistryPersonFactory(retiree=True, name="冯桂英", withholdable=False),
    }


def order(person, reference="TXZY2027052000010001-1", amount="300.00"):
    return WithholdingOrder(reference, person.id_number, person.name, Decimal(amount), "2027年度退休住院计划参保费")


def balance(person) -> Decimal:
    return RegistryPerson.objects.get(pk=person.pk).pension_balance


def test_the_pension_status_says_whether_the_account_can_be_withheld(pension, people):
    status = pension.person_year(people["rich"].id_number, 2027)
    assert isinstance(status, PensionStatus)
    assert status.retired and status.can_withhold(Decimal("450")) and status.balance == Decimal("3000.00")
    assert not pension.person_year(people["refuses"].id_number, 2027).can_withhold(Decimal("1"))
    with pytest.raises(PersonNotFound):
        pension.person_year("110105199001011236", 2027)


def test_a_withholding_takes_the_amount_once_however_often_it_is_asked(pension, people):
    first = pension.withhold(order(people["rich"]))
    assert isinstance(first, WithholdingReceipt)
    assert (first.status, first.amount, first.status_label) == ("withheld", Decimal("300.00"), "代扣成功")
    assert first.bank_reference.startswith("DK")
    again = pension.withhold(order(people["rich"]))
    assert again == first
    assert balance(people["rich"]) == Decimal("2700.00")
    assert pension.withholding_status(first.reference) == first


def test_a_short_or_refusing_account_is_answered_not_raised(pension, people):
    short = pension.withhold(order(people["poor"], reference="R-2"))
    assert (short.status, short.amount, short.message) == ("insufficient", Decimal("0.00"), "养老金账户余额不足")
    refused = pension.withhold(order(people["refuses"], reference="R-3"))
    assert refused.status == "invalid" and "不接受" in refused.message
    stranger = WithholdingOrder("R-4", "110105199001011236", "无名", Decimal("300.00"), "参保费")
    assert pension.withhold(stranger).status == "invalid"
    assert balance(people["poor"]) == Decimal("120.00")


def test_a_reference_reused_for_another_amount_or_person_is_rejected(pension, people):
    pension.withhold(order(people["rich"], reference="R-5"))
    with pytest.raises(FeedRejected):
        pension.withhold(order(people["rich"], reference="R-5", amount="100.00"))
    with pytest.raises(FeedRejected):
        pension.withhold(order(people["poor"], reference="R-5"))
    with pytest.raises(SubmissionNotFound):
        pension.withholding_status("R-never")
    with pytest.raises(FeedRejected):
        pension.withhold(order(people["rich"], reference="", amount="300.00"))
    assert balance(people["rich"]) == Decimal("2700.00")


def test_an_outage_is_unavailable_and_takes_nothing(pension, people):
    with configure(error_rate=1.0):
        with pytest.raises(FeedUnavailable):
            pension.withhold(order(people["rich"], reference="R-6"))
    assert balance(people["rich"]) == Decimal("3000.00")
