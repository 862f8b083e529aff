"""Factories of the placement journey, one trait per workflow state (STYLE.md 18): a test says the
state it needs in one line instead of walking there.

    PersonFactory(confirmed=True)            a person whose twelve months passed every check
    PersonFactory(pending_review=True)       registered, its declared months waiting for a reviewer
    PersonFactory(flagged=True)              waiting for review with March and April's 社保 ✗ and material
    DeclarationFactory(certified=True, persons=2)   certified, its figures and per-person snapshot
                                                    recorded by the real levy service, a 审核认定书 issued
    TaxDeliveryFactory(declaration=d)        the hand-off of a certified declaration, queued

Where a test needs the registries' real answers, `registered_person` walks the wizard's services
with a demo person (portal.feeds.demo)."""

import datetime

import factory
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from levy.services import certified_figures_record
from placement import choices as c
from placement.models import (
    AnnualDeclaration,
    Certificate,
    Contract,
    Evidence,
    MonthCheck,
    PlacedPerson,
    PlacementMonth,
    TaxDelivery,
)
from placement.registry import prefill_lookup
from placement.selectors.declaration import counted_persons
from placement.services import declaration as declarations
from placement.services import evaluation
from placement.services import wizard as services
from portal.feeds.demo import demo_person
from portal.receipts import receipt_issue
from portal.uploads import upload_accept
from tests import factories as f

D, S, R = c.DeclarationStatus, c.PersonStatus, c.ReviewState
YEAR = 2025
now = factory.LazyFunction(timezone.now)


def pdf(name="合同.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, f.PDF_BYTES, content_type="application/pdf")


def agreement_pdf(name="三方协议.pdf") -> SimpleUploadedFile:
    """A plain PDF other than `pdf()`'s: a dispatch agreement is its own file (issue 15, 17)."""
    from tests.pdf_samples import CATALOG, PAGES, build

    page = b"<</Type/Page/Parent 2 0 R/MediaBox[0 0 20 20]>>"
    return SimpleUploadedFile(name, build(CATALOG, PAGES, page), content_type="application/pdf")


class DeclarationFactory(factory.django.DjangoModelFactory):
    """A unit's declaration of 2025. Filed ones carry `persons` confirmed persons (1 unless said)."""

    class Meta:
        model = AnnualDeclaration
        skip_postgeneration_save = True

    employer = factory.SubFactory(f.EmployerFactory)
    business_year = YEAR
    status = D.DRAFT

    class Params:
        headcount_confirmed = factory.Trait(headcount=100, headcount_from_feed=100, headcount_confirmed_at=now)
        submitted = factory.Trait(status=D.SUBMITTED, submitted_at=now, headcount=100, headcount_confirmed_at=now)
        certified = factory.Trait(status=D.CERTIFIED, submitted_at=now, certified_at=now, headcount=100,
                                  headcount_confirmed_at=now)
        sent = factory.Trait(status=D.SENT_TO_TAX, submitted_at=now, certified_at=now, sent_to_tax_at=now,
                             headcount=100, headcount_confirmed_at=now)

    @factory.post_generation
    def persons(declaration, create, extracted, **kwargs):
        """`persons=N` confirmed persons for a filed declaration; a certified one then has what
        certification leaves behind: the levy record with each person, and its 审核认定书."""
        if not create or declaration.status == D.DRAFT:
            return
        for _ in range(1 if extracted is None else extracted):
            PersonFactory(declaration=declaration, confirmed=True)
        if declaration.is_certified:
            certify(declaration)


def certify(declaration: AnnualDeclaration) -> None:
    receipt = receipt_issue(kind="placement_certificate", title="残疾人按比例就业情况审核认定书",
                            employer=declaration.employer, prefix="RD",
                            public_facts={"单位名称": declaration.employer.name, "业务年度": str(declaration.business_year)})
    AnnualDeclaration.objects.filter(pk=declaration.pk).update(certificate=receipt)
    declaration.certificate = receipt
    certified_figures_record(employer=declaration.employer, business_year=declaration.business_year,
                             headcount=declaration.headcount, persons=counted_persons(declaration, None),
                             certificate_reference=receipt.reference, actor=None)


class PersonFactory(factory.django.DjangoModelFactory):
    """A placed person with twelve months and a registry certificate (肢体二级: weight 2)."""

    class Meta:
        model = PlacedPerson
        skip_postgeneration_save = True

    declaration = factory.SubFactory(DeclarationFactory)
    id_number = factory.Sequence(lambda n: f.resident_id(n + 500))
    name = factory.Sequence(lambda n: f"安置人员{n}")
    sex = "M"
    birth_date = datetime.date(1985, 1, 1)
    hukou_type = c.HukouType.LOCAL
    hukou_address = "上海市徐汇区"
    phone = "13800000000"
    retirement_category = c.RetirementCategory.MALE
    status = S.INCOMPLETE

    class Params:
        flagged = factory.Trait(status=S.PENDING_REVIEW, registered_at=now, flags=(3, 4))
        confirmed = factory.Trait(status=S.CONFIRMED, confirmed_by=c.ConfirmedBy.SYSTEM, registered_at=now,
                                  reviewed_at=now)
        pending_review = factory.Trait(status=S.PENDING_REVIEW, registered_at=now)
        partially_rejected = factory.Trait(status=S.PARTIALLY_REJECTED, registered_at=now, reviewed_at=now)
        rejected = factory.Trait(status=S.REJECTED, registered_at=now, reviewed_at=now)

    @factory.post_generation
    def year(person, create, extracted, **kwargs):
        """The months, checks and certificate each state implies."""
        if not create:
            return
        registered = person.status != S.INCOMPLETE
        CertificateFactory(person=person)
        PlacementMonth.objects.bulk_create([
            PlacementMonth(person=person, month=m, selected=registered, review_state=_review_state(person.status, m))
            for m in range(1, 13)])
        if registered:
            MonthCheck.objects.bulk_create([MonthCheck(person=person, month=m, item=check, outcome=c.Outcome.OK)
                                            for m in range(1, 13) for check in c.Check])

    @factory.post_generation
    def flags(person, create, extracted, **kwargs):
        """`flags=(3, 4)`: 社保 failed in those months, with the material uploaded for them."""
        if create and extracted:
            flag(person, months=extracted)


def _review_state(status: str, month: int) -> str:
    """What review a state leaves on a declared month: 待审核 while the person waits for a
    reviewer, 有效 / 无效 once decided (a partial rejection: July to December 无效)."""
    return {
        S.PENDING_REVIEW: R.PENDING,
        S.PARTIALLY_REJECTED: R.APPROVED if month <= 6 else R.REJECTED,
        S.REJECTED: R.REJECTED,
    }.get(status, R.NOT_NEEDED)


def flag(person: PlacedPerson, *, check: str = c.Check.SOCIAL_INSURANCE, months=(3, 4)) -> PlacedPerson:
    """Fail `check` in `months` of a registered person and upload the material for them."""
    MonthCheck.objects.filter(person=person, item=check, month__in=months).update(
        outcome=c.Outcome.FAIL, reason="该月无社保缴费记录")
    upload = upload_accept(file=pdf("缴费凭证.pdf"), kind="placement_evidence", employer=person.declaration.employer)
    Evidence.objects.bulk_create([Evidence(person=person, month=m, item=check, upload=upload) for m in months])
    return person


class CertificateFactory(factory.django.DjangoModelFactory):
    """A registry certificate valid from 2020 (手动添加: `manual=True`, with its image, to review)."""

    class Meta:
        model = Certificate

    person = factory.SubFactory(PersonFactory)
    number = factory.LazyAttribute(lambda o: f"{o.person.id_number}4{o.grade}")
    kind = c.CertificateKind.DISABILITY
    category = 4
    grade = 2
    valid_from = datetime.date(2020, 1, 1)
    source = c.CertificateSource.REGISTRY


class ContractFactory(factory.django.DjangoModelFactory):
    """An open-ended contract with this unit since 2020 (`dispatch=True`: an agreement to review)."""

    class Meta:
        model = Contract

    person = factory.SubFactory(PersonFactory)
    contract_type = c.ContractType.OPEN_ENDED
    start_date = datetime.date(2020, 1, 1)
    job = "装配工"
    monthly_wage = 6000
    attachment = factory.LazyAttribute(lambda o: upload_accept(file=pdf(), kind="placement_contract",
                                                               employer=o.person.declaration.employer))


class TaxDeliveryFactory(factory.django.DjangoModelFactory):
    """The hand-off of a certified declaration's certificate (queued unless a status is given)."""

    class Meta:
        model = TaxDelivery

    declaration = factory.SubFactory(DeclarationFactory, certified=True)
    certificate = factory.SelfAttribute("declaration.certificate")


# --- through the services, with the registries' real answers -------------------------------------------

PERSON_DATA = {"hukou_type": "local", "hukou_address": "上海市徐汇区", "phone": "13800000000", "is_graduate": False,
               "retirement_category": "F55"}


def registered_person(employer, actor, key: str, *, contract: dict | None = None, year: int = YEAR,
                      capture=None) -> PlacedPerson:
    """A demo person added through the wizard with one contract (open-ended from 2020 unless
    given), step 1 saved. With `capture` (django_capture_on_commit_callbacks) the verification task
    runs at once; in a transactional test it runs when step 1 completes."""
    info = demo_person(key)
    declaration = declarations.declaration_open(employer=employer, business_year=year)
    prefill = prefill_lookup(id_number=info.id_number, year=year)
    person = services.person_create(actor=actor, declaration=declaration, id_number=info.id_number,
                                    data={**PERSON_DATA, "name": info.roster_name}, prefilled=prefill.found,
                                    registry_certificates=prefill.certificates)
    terms = {"contract_type": "open_ended", "start_date": datetime.date(2020, 1, 1), "job": "装配工",
             "monthly_wage": 5000, "relation": "self", "is_dispatch": False}
    services.contract_save(actor=actor, person=person, data={**terms, **(contract or {})}, attachment_file=pdf(),
                           agreement_file=agreement_pdf() if (contract or {}).get("is_dispatch") else None)
    if capture is not None:
        with capture(execute=True):
            services.step1_complete(actor=actor, person=person)
    return PlacedPerson.objects.get(pk=person.pk)


def flagged_person(unit, agent, *, key: str = "sh-gap", months=range(1, 13), capture=None) -> PlacedPerson:
    """A demo person registered with the registries' real answers, every month declared and material
    uploaded for each flagged one: 待审核 (李秀英, sh-gap: 社保 missing in March and April)."""
    person = registered_person(unit, agent, key, capture=capture)
    if capture is None:  # a transactional test: the verification task runs when step 1 completes
        services.step1_complete(actor=agent, person=person)
        person = PlacedPerson.objects.get(pk=person.pk)
    person = submitted_for_review(person, agent, months)
    assert person.status == S.PENDING_REVIEW, person.status
    return person


def submitted_for_review(person: PlacedPerson, actor, months=range(1, 13)) -> PlacedPerson:
    """Declare the months, upload material for each flagged one and complete: 待审核."""
    person = services.months_select(actor=actor, person=person, months=set(months))
    for item, flagged in evaluation.evidence_needed(person).items():
        services.evidence_add(actor=actor, person=person, check=item, months=flagged,
                              file=pdf(f"{c.EVIDENCE_FOR[item][0]}.pdf"))
    if person.registered_at is None:
        services.registration_complete(actor=actor, person=person)
    return PlacedPerson.objects.get(pk=person.pk)
