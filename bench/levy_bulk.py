"""levy_bulk: 100,000 units assessed from stored figures in one background job (年终批量核定),
against one SELECT of the inputs plus one bulk INSERT of as many result rows (TARGETS.md: ratio ≤ 5)."""

import time
from decimal import Decimal

from django.utils import timezone
from stdnum.cn import uscc

from bench import Result

TARGET = 5.0
YEAR = 2026


def build(rows: int) -> None:
    """`rows` units of 和平区 at 信息确认 with their declared figures; every third with certified
    figures (not timed)."""
    from employers.models import Employer
    from levy.models import CertifiedFigures, LevyAssessment
    from portal.models import Region

    region = Region.objects.get(code="210102")
    alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"
    employers = []
    for i in range(rows):
        body = "91210102" + "".join(alphabet[(i // 31**k) % 31] for k in range(8, -1, -1))
        employers.append(Employer(name=f"沈阳测试单位{i}有限公司", credit_code=body + uscc.calc_check_digit(body + "0"),
                                  admin_region=region, fed_region=region, tax_region=region,
                                  contact_email="x@example.cn", contact_phone="0"))
    Employer.objects.bulk_create(employers, batch_size=5000)
    ids = list(Employer.objects.order_by("pk").values_list("pk", flat=True))
    now = timezone.now()
    LevyAssessment.objects.bulk_create(
        [LevyAssessment(employer_id=pk, collection_year=YEAR, method="declared", declared_headcount=20 + i % 900,
                        declared_wage_total=Decimal(100000 * (20 + i % 900)), notice_agreed_at=now)
         for i, pk in enumerate(ids)], batch_size=5000)
    CertifiedFigures.objects.bulk_create(
        [CertifiedFigures(employer_id=pk, business_year=YEAR - 1, headcount=20 + i % 900, disabled_numerator=12 * (i % 5),
                          disabled_denominator=12, local_numerator=0, local_denominator=1,
                          person_months_by_weight={"1": 12 * (i % 5)}, certificate_reference=f"RD{i:09d}",
                          recorded_at=now)
         for i, pk in enumerate(ids) if i % 3 == 0], batch_size=5000)


def floor_seconds(rows: int) -> float:
    """One SELECT of the job's inputs, and one bulk INSERT of as many rows shaped like its results
    (the same columns, a recorded calculation of the same size)."""
    from levy.models import LevyAssessment, LevyBulkJob
    from levy.rules import LevyInputs
    from levy.selectors import policy_for
    from levy.services.bulk import pending_q
    from levy.versions import levy_record
    from portal.models import Region

    job = LevyBulkJob(region=Region.objects.get(code="210000"), collection_year=YEAR)
    record = levy_record(LevyInputs(unit_kind="enterprise", wage_total=Decimal("2000000"), headcount=Decimal(20)),
                         policy_for("210102", YEAR))
    employer_ids = list(LevyAssessment.objects.filter(collection_year=YEAR).values_list("employer_id", flat=True))
    now = timezone.now()
    results = [LevyAssessment(employer_id=pk, collection_year=YEAR + 1, method="declared", status="assessed",
                              record=record, headcount=20, disabled_numerator=1, disabled_denominator=1,
                              gross_levy=Decimal("1.00"), reduction=Decimal("0.10"), levy_amount=Decimal("0.90"),
                              reduction_rule="tier_90", outcome="payable", assessed_at=now)
               for pk in employer_ids[:rows]]
    started = time.perf_counter()
    list(LevyAssessment.objects.filter(pending_q(job)).iterator(chunk_size=5000))
    LevyAssessment.objects.bulk_create(results, batch_size=5000)
    elapsed = time.perf_counter() - started
    LevyAssessment.objects.filter(collection_year=YEAR + 1).delete()
    return elapsed


def job_seconds() -> tuple[float, int]:
    from levy.models import LevyBulkJob
    from levy.services.bulk import bulk_run
    from portal.models import Region

    job = LevyBulkJob.objects.create(region=Region.objects.get(code="210000"), collection_year=YEAR)
    started = time.perf_counter()
    job = bulk_run(job.pk)
    return time.perf_counter() - started, job.assessed


def run(smoke: bool = False) -> list[Result]:
    rows = 300 if smoke else 100_000
    build(rows)
    floor = floor_seconds(rows)
    value, assessed = job_seconds()
    if assessed != rows:
        raise AssertionError(f"levy_bulk assessed {assessed} of {rows} units")
    return [Result("levy_bulk", value, floor, "s", TARGET, note=f"units={rows}")]
