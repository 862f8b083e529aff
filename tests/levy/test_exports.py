"""The tax officers' export of certified results: masked, formula-safe, scoped (issue 9 uses it)."""

import datetime
import io

import openpyxl
import pytest
from django.utils import timezone

from levy.exports import HEADERS, certified_results_xlsx
from levy.models import CertifiedFigures
from levy.rules.certified import CountedPerson
from levy.selectors import certified_results_visible
from levy.services import certified_figures_record
from tests import factories as f

pytestmark = pytest.mark.django_db
LEGAL_ID = "11010519491231002X"
PERSONS = [
    CountedPerson("甲", f.resident_id(1), "disability", 1, True, False, tuple(range(202501, 202513)), (2,) * 12),
    CountedPerson("乙", f.resident_id(2), "disability", 3, False, False, tuple(range(202501, 202509)), (1,) * 8),
    CountedPerson("丙", f.resident_id(3), "military", 5, False, True, tuple(range(202507, 202513)), (1,) * 6),
]


def certify(employer, actor):
    """19/6 persons: 24 + 8 + 6 weighted months over 12."""
    return certified_figures_record(employer=employer, business_year=2025, headcount=200, persons=PERSONS,
                                    certificate_reference=f"RD-{employer.pk}", actor=actor)


def test_the_export_masks_ids_keeps_formulas_as_text_and_is_scoped(admin_user, tax_sh):
    hostile = f.EmployerFactory(name='=HYPERLINK("http://evil.example","x")', legal_rep_id_number=LEGAL_ID,
                                legal_rep_name="周建华")
    outside = f.EmployerFactory(admin_region=f.region("210102"))
    for employer in (hostile, outside):
        certify(employer, admin_user)
    response = certified_results_xlsx(certified_results_visible(tax_sh), "x.xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == HEADERS and len(rows) == 2  # the Liaoning unit is not in a Shanghai officer's export
    row = dict(zip(HEADERS, rows[1], strict=True))
    assert row["单位名称"] == '=HYPERLINK("http://evil.example","x")'
    assert sheet["B2"].data_type == "s"
    assert row["法定代表人证件号"] == "110105********002X" and LEGAL_ID not in str(rows)
    assert row["安排残疾人就业人数（精确值）"] == "19/6"
    # issue 14, point 5: a ratio is a number (shown as a percentage), the time is Beijing time
    ratio = sheet.cell(row=2, column=HEADERS.index("实际安排比例") + 1)
    assert ratio.value == 0.0158 and ratio.number_format == "0.00%"
    recorded = CertifiedFigures.objects.get(employer=hostile).recorded_at
    assert abs(row["认定时间"] - timezone.localtime(recorded).replace(tzinfo=None)) < datetime.timedelta(minutes=1)
    assert row["认定状态"] == "有效"


def test_cancelled_figures_stay_in_the_export_as_cancelled(admin_user, tax_sh):
    """Regression (issue 14, point 3): a reopened result vanished from the tax side; tax must see
    that it was withdrawn (已作废) until the new result replaces it."""
    from levy.services import certified_figures_cancel

    employer = f.EmployerFactory()
    certify(employer, admin_user)
    certified_figures_cancel(employer=employer, business_year=2025, actor=admin_user, reason="撤回")
    response = certified_results_xlsx(certified_results_visible(tax_sh), "x.xlsx")
    rows = list(openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active.iter_rows(
        values_only=True))
    assert dict(zip(HEADERS, rows[1], strict=True))["认定状态"] == "已作废"
