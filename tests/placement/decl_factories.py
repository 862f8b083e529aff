"""Factories for declarations and placed persons, one trait per workflow state (STYLE.md 18).
Kept beside the placement tests (not in tests/factories.py) so the three branches merge cleanly."""

import datetime

import factory
from django.utils import timezone

from placement import choices as c
from placement.models import AnnualDeclaration, PlacedPerson, PlacementMonth
from tests import factories as f

D, S = c.DeclarationStatus, c.PersonStatus


class DeclarationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AnnualDeclaration

    employer = factory.SubFactory(f.EmployerFactory)
    business_year = 2025
    status = D.DRAFT

    class Params:
        headcount_confirmed = factory.Trait(headcount=100, headcount_from_feed=100,
                                            headcount_confirmed_at=factory.LazyFunction(timezone.now))
        submitted = factory.Trait(status=D.SUBMITTED, submitted_at=factory.LazyFunction(timezone.now),
                                  headcount=100, headcount_confirmed_at=factory.LazyFunction(timezone.now))
        certified = factory.Trait(status=D.CERTIFIED, submitted_at=factory.LazyFunction(timezone.now),
                                  certified_at=factory.LazyFunction(timezone.now), headcount=100,
                                  headcount_confirmed_at=factory.LazyFunction(timezone.now))


class PersonFactory(factory.django.DjangoModelFactory):
    """A placed person with twelve months; `confirmed` ones have all twelve selected and passed."""

    class Meta:
        model = PlacedPerson
        skip_postgeneration_save = True

    declaration = factory.SubFactory(DeclarationFactory)
    id_number = factory.Sequence(lambda n: f.resident_id(n + 500))
    name = factory.Sequence(lambda n: f"安置人员{n}")
    sex = "M"
    birth_date = datetime.date(1985, 1, 1)
    hukou_type = "local"
    hukou_address = "上海市徐汇区"
    phone = "13800000000"
    retirement_category = "M"
    status = S.INCOMPLETE

    class Params:
        confirmed = factory.Trait(status=S.CONFIRMED, confirmed_by=c.ConfirmedBy.SYSTEM,
                                  registered_at=factory.LazyFunction(timezone.now),
                                  reviewed_at=factory.LazyFunction(timezone.now))
        pending_review = factory.Trait(status=S.PENDING_REVIEW, registered_at=factory.LazyFunction(timezone.now))
        partially_rejected = factory.Trait(status=S.PARTIALLY_REJECTED, registered_at=factory.LazyFunction(timezone.now),
                                           reviewed_at=factory.LazyFunction(timezone.now))
        rejected = factory.Trait(status=S.REJECTED, registered_at=factory.LazyFunction(timezone.now),
                                 reviewed_at=factory.LazyFunction(timezone.now))

    @factory.post_generation
    def months(self, create, extracted, **kwargs):
        if not create:
            return
        selected = self.status != S.INCOMPLETE
        if selected:
            from placement.models import Certificate

            Certificate.objects.create(person=self, number=self.id_number + "42", kind="disability", category=4,
                                       grade=2, valid_from=datetime.date(2020, 1, 1), source="registry")
        PlacementMonth.objects.bulk_create([PlacementMonth(person=self, month=m, selected=selected)
                                            for m in range(1, 13)])
        if self.status == S.PARTIALLY_REJECTED:
            self.months.filter(month__gt=6).update(decision="invalid")
            self.months.filter(month__lte=6).update(decision="valid")
        if self.status == S.CONFIRMED:
            from placement.models import MonthCheck

            MonthCheck.objects.bulk_create([MonthCheck(person=self, month=m, item=check, outcome=c.Outcome.OK)
                                            for m in range(1, 13) for check in c.Check])
