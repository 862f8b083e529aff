"""Factories of the retiree plan, one trait per batch state (STYLE.md 18):

    BatchFactory(verified=True)          verified, payment by voucher, unit confirmed
    BatchFactory(withholding=True)       a 集中参保 batch paying by withholding (300 元/人)
    CodeFactory(employer=unit)           an approved 参保编码 of the unit
    MemberFactory(batch=b, passed=True)  a member as verification leaves it

Time: `at(...)` travels to a moment of a plan year's calendar (seeded 2025–2027 on the manual's
dates), e.g. `with at(2027, 5, 20):` inside the 2027 集中参保 window with withholding open."""

import datetime
from zoneinfo import ZoneInfo

import factory
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from insurance import choices as c
from insurance.models import InsuranceBatch, InsuranceCode, InsuredMember, PlanYear
from tests import factories as f

SHANGHAI = ZoneInfo("Asia/Shanghai")
B = c.BatchStatus


def at(year, month, day, hour=10, minute=0):
    """Travel to a Shanghai moment (the plan year's windows are checked against it)."""
    return time_machine.travel(datetime.datetime(year, month, day, hour, minute, tzinfo=SHANGHAI), tick=True)


def pdf(name="材料.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, f.PDF_BYTES, content_type="application/pdf")


class CodeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = InsuranceCode

    employer = factory.SubFactory(f.EmployerFactory)
    code = factory.Sequence(lambda n: f"3100{n:05d}")
    unit_name = factory.SelfAttribute("employer.name")
    credit_code = factory.SelfAttribute("employer.credit_code")
    economic_type = "private"
    address = "上海市徐汇区漕溪北路398号"
    postal_code = "200030"


def plan_year(year=2027) -> PlanYear:
    return PlanYear.objects.get(year=year)


class BatchFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = InsuranceBatch

    number = factory.Sequence(lambda n: f"TXZY20270520{n:04d}")
    code = factory.SubFactory(CodeFactory)
    employer = factory.SelfAttribute("code.employer")
    plan_year = factory.LazyFunction(plan_year)
    kind = c.BatchKind.CENTRAL
    status = B.AWAITING_ROSTER
    created_by = factory.LazyAttribute(lambda o: f.AgentFactory(employer=o.employer).user)
    unit_confirmed_at = factory.LazyFunction(timezone.now)
    payment_method = c.PaymentMethod.VOUCHER
    payment_chosen_at = factory.LazyFunction(timezone.now)

    class Params:
        withholding = factory.Trait(payment_method=c.PaymentMethod.WITHHOLDING, withholding_amount=300)
        awaiting_verification = factory.Trait(status=B.AWAITING_VERIFICATION)
        verifying = factory.Trait(status=B.VERIFYING, verify_state=c.VerifyState.RUNNING, verify_round=1)
        verified = factory.Trait(status=B.VERIFIED, verify_state=c.VerifyState.DONE, verify_round=1)
        under_review = factory.Trait(status=B.UNDER_REVIEW, verify_state=c.VerifyState.DONE, verify_round=1,
                                     submitted_at=factory.LazyFunction(timezone.now))
        review_rejected = factory.Trait(status=B.REVIEW_REJECTED, verify_state=c.VerifyState.DONE, verify_round=1,
                                        review_reason="缺少《社会保险业务核定表》")
        review_approved = factory.Trait(status=B.REVIEW_APPROVED, verify_state=c.VerifyState.DONE, verify_round=1,
                                        submitted_at=factory.LazyFunction(timezone.now),
                                        reviewed_at=factory.LazyFunction(timezone.now))


class MemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = InsuredMember

    batch = factory.SubFactory(BatchFactory)
    name = factory.Sequence(lambda n: f"退休{n}")
    id_type = c.IdType.RESIDENT_ID
    id_number = factory.Sequence(lambda n: f.resident_id(n, birth="19560101"))
    birth_date = datetime.date(1956, 1, 1)
    sex = "M"
    phone = factory.Sequence(lambda n: f"139{n:08d}")

    class Params:
        passed = factory.Trait(
            check_state=c.CheckState.CHECKED, si_found=True, si_name=factory.SelfAttribute("name"), deceased=False,
            retired=True, registry_retirement_month=201601, can_withhold=True, si_number="31061826",
            result=c.Result.PASSED, withholding=c.Withholding.YES)


# --- rosters ---------------------------------------------------------------------------------------


def roster_xlsx(rows, headers=None) -> bytes:
    """A roster workbook in the template's columns (or other headers), one list per row."""
    import io

    import openpyxl

    from insurance.sheets import ROSTER_TEMPLATE

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(list(headers or ROSTER_TEMPLATE.headers))
    for row in rows:
        sheet.append(list(row))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def xlsx_file(data: bytes, name="参保名单.xlsx") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


def demo_roster_rows(*keys, phone_start=0):
    """Template rows for demo people of the registries (portal.feeds.demo), by key."""
    from portal.feeds.demo import demo_person

    return [(demo_person(k).roster_name, "身份证", demo_person(k).id_number, None, None, f"1391000{phone_start + i:04d}")
            for i, k in enumerate(keys)]


SH_RETIREES = ("sh-ret-clean", "sh-ret-clean2", "sh-ret-deceased", "sh-ret-no-month", "sh-ret-no-withholding",
               "sh-ret-low-balance", "sh-ret-name", "sh-ret-no-si")
