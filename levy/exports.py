"""The tax officers' export of certified results: streamed (portal.spreadsheets: memory stays flat
for 50,000 rows), formula-like text stored as text, personal numbers masked, times in Beijing
time, ratios as numbers shown as percentages. The caller audits the export (an export of personal
data is an audit entry of its own)."""

from collections.abc import Callable, Iterator

from django.utils import timezone

from levy.rules.exact import quotient_half_up
from portal.identity import mask_id
from portal.spreadsheets import xlsx_response

HEADERS = (
    "统一社会信用代码", "单位名称", "税务主管部门", "业务年度", "在职职工人数", "安排残疾人就业人数",
    "安排残疾人就业人数（精确值）", "实际安排比例", "审核认定书编号", "认定时间", "认定状态", "接收状态",
    "法定代表人", "法定代表人证件号",
)
TEXT_COLUMNS = ("统一社会信用代码", "审核认定书编号", "法定代表人证件号", "安排残疾人就业人数（精确值）")
PERCENT_COLUMNS = ("实际安排比例",)
FIELDS = ("employer__credit_code", "employer__name", "employer__tax_region__full_name", "business_year",
          "headcount", "disabled_numerator", "disabled_denominator", "certificate_reference", "recorded_at",
          "status", "employer__legal_rep_name", "employer__legal_rep_id_number")
STATES = {"active": "有效", "cancelled": "已作废"}


def certified_result_rows(queryset, hand_off: Callable[[str | None], str] | None = None) -> Iterator[tuple]:
    """One row per certified result, read in chunks from the database. `hand_off` words the state
    of the result's hand-off to tax when the queryset carries it (a `delivery_status` annotation)."""
    annotated = "delivery_status" in queryset.query.annotations
    fields = FIELDS + (("delivery_status",) if annotated else ())
    for row in queryset.values_list(*fields).iterator(chunk_size=2000):
        (code, name, tax_region, year, headcount, numerator, denominator, reference, recorded_at, state, rep_name,
         rep_id) = row[:12]
        # exact counts (stored as a fraction) rounded half up in integers, once per cell; the
        # ratio is a number (the cell shows it as a percentage, rounded to two places)
        ratio = quotient_half_up(numerator, denominator * headcount, 4) if headcount else 0
        yield (
            code, name, tax_region, year, headcount, float(quotient_half_up(numerator, denominator, 2)),
            f"{numerator}/{denominator}", float(ratio),
            reference, timezone.localtime(recorded_at) if recorded_at else None, STATES.get(state, state),
            hand_off(row[12]) if annotated and hand_off else "", rep_name, mask_id(rep_id),
        )


def certified_results_xlsx(queryset, filename: str, hand_off: Callable[[str | None], str] | None = None):
    return xlsx_response(filename, headers=HEADERS, rows=certified_result_rows(queryset, hand_off), title="认定结果",
                         text_columns=TEXT_COLUMNS, percent_columns=PERCENT_COLUMNS)
