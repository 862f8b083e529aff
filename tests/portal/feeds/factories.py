"""Registry rows for tests: valid numbers, one trait per situation a test needs."""

import datetime
from decimal import Decimal

import factory
from django.utils import timezone

from portal.feeds.generator import certificate_number, credit_code, resident_id
from portal.feeds.models import Certificate, IntakeSubmission, MonthRecord, RegistryPerson, RegistryUnit
from portal.feeds.types import months_of


class RegistryUnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RegistryUnit
        django_get_or_create = ("credit_code",)

    credit_code = factory.Sequence(lambda n: credit_code(f"91310104TT{n:07d}"))
    name = factory.Sequence(lambda n: f"上海测试登记单位{n}有限公司")
    address = "上海市徐汇区测试路1号"
    registration_authority = "上海市徐汇区市场监督管理局"
    region_code = "310104"
    si_number = factory.Sequence(lambda n: f"3106{n:04d}")


class RegistryPersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RegistryPerson
        django_get_or_create = ("id_number",)

    # order codes 500–899, apart from the generated population's sequence and the demo's 9xx
    id_number = factory.Sequence(
        lambda n: resident_id("310104", datetime.date(1980, 1, 1) + datetime.timedelta(days=n // 100), 500 + n % 100 * 2 + 1)
    )
    name = factory.Sequence(lambda n: f"测试{n}")
    sex = "M"
    birth_date = factory.LazyAttribute(lambda o: datetime.date(int(o.id_number[6:10]), int(o.id_number[10:12]),
                                                               int(o.id_number[12:14])))
    hukou_region = "310104"
    hukou_address = "上海市徐汇区测试路2号"
    si_name = factory.SelfAttribute("name")

    class Params:
        retiree = factory.Trait(retired=True, retirement_month=201601, pension_account="6222000011112222333",
                                pension_bank="中国工商银行", withholdable=True, pension_balance=Decimal("3000.00"))
        unknown_to_si = factory.Trait(si_name="")


class MonthRecordFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MonthRecord

    person = factory.SubFactory(RegistryPersonFactory)
    unit = factory.SubFactory(RegistryUnitFactory)
    month = 202501
    si_paid = True
    si_base = Decimal("7000.00")
    mi_paid = True
    wage = Decimal("7000.00")
    income_tax = Decimal("37.95")


class CertificateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Certificate

    person = factory.SubFactory(RegistryPersonFactory)
    kind = "disability"
    category = 4
    grade = 2
    number = factory.LazyAttribute(lambda o: certificate_number(o.person.id_number, o.category, o.grade))
    valid_from = datetime.date(2020, 1, 1)
    valid_to = datetime.date(2029, 12, 31)


def employed(person=None, unit=None, year: int = 2025, **overrides) -> RegistryPerson:
    """A person paid for by `unit` in every month of `year` (all three registries)."""
    person = person or RegistryPersonFactory()
    unit = unit or RegistryUnitFactory()
    for month in months_of(year):
        MonthRecordFactory(person=person, unit=unit, month=month, **overrides)
    return person


def walk_objects() -> dict:
    """One row of each kind for the URL walk (tests/world.py)."""
    person = employed()
    now = timezone.now()
    return {
        "person": person,
        "month": person.months.first(),
        "certificate": CertificateFactory(person=person),
        "unit": person.months.first().unit,
        "intake": IntakeSubmission.objects.create(
            reference=f"WALK-{person.pk}", credit_code=person.months.first().unit_id, unit_name="走查单位",
            business_year=2025, payload={}, digest="-", received_at=now, ack_due_at=now),
    }


def walk_pk(kind: str):
    """URL_KWARGS entry: the walk's own object of this kind (there is no foreign one: the
    registries are for administrators only, who see everything)."""
    return lambda objs: {"pk": walk_objects()[kind].pk}
