"""Declarations in the states the tax hand-off needs, one trait per state (STYLE.md 18). A
certified declaration here is what certification leaves behind: confirmed persons with certified
months, a 审核认定书 receipt and the levy figures."""

import datetime
from fractions import Fraction

import factory

from levy.services import certified_figures_record
from placement import choices as c
from placement.models import AnnualDeclaration, Certificate, PlacedPerson, PlacementMonth, TaxDelivery
from portal.receipts import receipt_issue
from tests import factories as f


def _certificate(declaration):
    return receipt_issue(kind="placement_certificate", title="残疾人按比例就业情况审核认定书",
                         employer=declaration.employer, prefix="RD",
                         public_facts={"单位名称": declaration.employer.name, "业务年度": str(declaration.business_year)})


class DeclarationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AnnualDeclaration
        skip_postgeneration_save = True

    employer = factory.SubFactory(f.EmployerFactory)
    business_year = 2025
    headcount = 100
    status = c.DeclarationStatus.DRAFT

    class Params:
        submitted = factory.Trait(status=c.DeclarationStatus.SUBMITTED,
                                  submitted_at=factory.LazyFunction(lambda: datetime.datetime.now(datetime.UTC)))
        certified = factory.Trait(
            status=c.DeclarationStatus.CERTIFIED,
            submitted_at=factory.LazyFunction(lambda: datetime.datetime.now(datetime.UTC)),
            certified_at=factory.LazyFunction(lambda: datetime.datetime.now(datetime.UTC)),
        )
        sent = factory.Trait(
            status=c.DeclarationStatus.SENT_TO_TAX,
            submitted_at=factory.LazyFunction(lambda: datetime.datetime.now(datetime.UTC)),
            certified_at=factory.LazyFunction(lambda: datetime.datetime.now(datetime.UTC)),
            sent_to_tax_at=factory.LazyFunction(lambda: datetime.datetime.now(datetime.UTC)),
        )

    @factory.post_generation
    def persons(obj, create, extracted, **kwargs):
        """`persons=N`: N confirmed persons with twelve certified months (1 by default)."""
        if not create or obj.status == c.DeclarationStatus.DRAFT:
            return
        count = 1 if extracted is None else extracted
        for i in range(count):
            person_add(obj, i)
        if obj.status in (c.DeclarationStatus.CERTIFIED, c.DeclarationStatus.SENT_TO_TAX):
            receipt = _certificate(obj)
            AnnualDeclaration.objects.filter(pk=obj.pk).update(certificate=receipt)
            obj.certificate = receipt
            certified_figures_record(
                employer=obj.employer, business_year=obj.business_year, headcount=obj.headcount,
                disabled_count=Fraction(24 * count, 12), local_disabled_count=Fraction(24 * count, 12),
                person_months_by_weight={"2": 12 * count}, certificate_reference=receipt.reference, actor=None)


def person_add(declaration, i: int, *, name: str | None = None) -> PlacedPerson:
    """A confirmed person, 一级 certificate (weight 2), every month of the year certified."""
    person = PlacedPerson.objects.create(
        declaration=declaration, id_number=f.resident_id(declaration.pk * 37 + i), name=name or f"安置人员{i}", sex="M",
        birth_date=datetime.date(1985, 1, 1), hukou_type="local", hukou_address="上海市徐汇区", phone="13800000000",
        retirement_category="M", status=c.PersonStatus.CONFIRMED, confirmed_by=c.ConfirmedBy.SYSTEM,
    )
    PlacementMonth.objects.bulk_create([PlacementMonth(person=person, month=m, selected=True, decision="valid")
                                        for m in range(1, 13)])
    Certificate.objects.create(person=person, number=person.id_number + "11", kind="disability", category=1, grade=1,
                               valid_from=datetime.date(2020, 1, 1), source="registry")
    return person


def delivery_for(declaration, **kwargs) -> TaxDelivery:
    return TaxDelivery.objects.create(declaration=declaration, certificate=declaration.certificate, **kwargs)
