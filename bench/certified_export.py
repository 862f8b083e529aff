"""certified_export: tax staff export 50,000 certified results to xlsx, streamed, against the fastest
well-kept writer's bare write of the same rows, XlsxWriter in constant-memory mode (TARGETS.md:
ratio ≤ 1.5, peak memory growth under 100 MB)."""

import tempfile
import time
import tracemalloc

import xlsxwriter
from django.utils import timezone
from stdnum.cn import ric, uscc

from bench import Result

TARGET = 1.5
MEMORY_LIMIT_MB = 100


def build(rows: int) -> None:
    """`rows` units with full data and certified figures (not timed)."""
    from employers.models import Employer
    from levy.models import CertifiedFigures
    from portal.models import Region

    region = Region.objects.get(code="310104")
    alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"
    employers = []
    for i in range(rows):
        body = "91310104" + "".join(alphabet[(i // 31**k) % 31] for k in range(8, -1, -1))
        rid = f"310104198{i % 10}0101{i % 1000:03d}"
        employers.append(Employer(
            name=f"上海测试单位{i}有限公司" if i % 997 else '=HYPERLINK("http://evil.example","点我")',
            credit_code=body + uscc.calc_check_digit(body + "0"), admin_region=region, fed_region=region,
            tax_region=region, contact_email="x@example.cn", contact_phone="0", legal_rep_name=f"法人{i}",
            legal_rep_id_number=rid + ric.calc_check_digit(rid + "0")))
    Employer.objects.bulk_create(employers, batch_size=5000)
    now = timezone.now()
    CertifiedFigures.objects.bulk_create(
        [CertifiedFigures(employer_id=e.pk, business_year=2025, headcount=100 + i % 900, disabled_numerator=12 * (i % 7),
                          disabled_denominator=12, local_numerator=0, local_denominator=1,
                          person_months_by_weight={"1": 12 * (i % 7)}, certificate_reference=f"RD2026{i:08d}",
                          recorded_at=now)
         for i, e in enumerate(Employer.objects.order_by("pk").only("pk"))],
        batch_size=5000)


def _queryset():
    from levy.models import CertifiedFigures

    return CertifiedFigures.objects.filter(cancelled_at__isnull=True).select_related("employer")


def export_seconds() -> float:
    from levy.exports import certified_results_xlsx

    started = time.perf_counter()
    response = certified_results_xlsx(_queryset(), "认定结果.xlsx")
    for _chunk in response.streaming_content:
        pass
    return time.perf_counter() - started


def baseline_seconds() -> float:
    """The fastest well-kept writer's bare write of the same rows, already in memory: XlsxWriter in
    constant-memory mode, no formats, no checks (TARGETS.md)."""
    from levy.exports import HEADERS, certified_result_rows

    rows = list(certified_result_rows(_queryset()))
    started = time.perf_counter()
    with tempfile.TemporaryFile() as out:
        workbook = xlsxwriter.Workbook(out, {"constant_memory": True, "remove_timezone": True})
        sheet = workbook.add_worksheet("认定结果")
        sheet.write_row(0, 0, HEADERS)
        for index, row in enumerate(rows, start=1):
            sheet.write_row(index, 0, row)
        workbook.close()
    return time.perf_counter() - started


def peak_memory_mb() -> float:
    tracemalloc.start()
    try:
        export_seconds()
        return tracemalloc.get_traced_memory()[1] / 1024 / 1024
    finally:
        tracemalloc.stop()


def run(smoke: bool = False) -> list[Result]:
    rows = 500 if smoke else 50000
    build(rows)
    export_seconds()  # warm the query plan and the imports
    value, floor = export_seconds(), baseline_seconds()
    memory = peak_memory_mb()
    note = f"rows={rows} peak_memory_mb={memory:.1f} limit_mb={MEMORY_LIMIT_MB}"
    return [Result("certified_export", value, floor, "s", TARGET, note=note, also_ok=memory < MEMORY_LIMIT_MB)]
