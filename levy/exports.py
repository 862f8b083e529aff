"""The tax officers' export of certified results: streamed in write-only mode (memory stays flat
for 50,000 rows), formula-like text stored as text, personal numbers masked. The caller audits
the export (an export of personal data is an audit entry of its own)."""

from collections.abc import Iterator

from levy.rules.exact import quotient_half_up
from portal.identity import mask_id
from portal.spreadsheets import xlsx_response

HEADERS = (
    "统一社会信用代码", "单位名称", "税务主管部门", "业务年度", "在职职工人数", "安排残疾人就业人数",
    "安排残疾人就业人数（精确值）", "实际安排比例", "审核认定书编号", "认定时间", "法定代表人", "法定代表人证件号",
)
TEXT_COLUMNS = ("统一社会信用代码", "审核认定书编号", "法定代表人证件号")


def certified_result_rows(queryset) -> Iterator[tuple]:
    """One row per certified result, read in chunks from the database."""
    fields = ("employer__credit_code", "employer__name", "employer__tax_region__full_name", "business_year",
              "headcount", "disabled_numerator", "disabled_denominator", "certificate_reference", "recorded_at",
              "employer__legal_rep_name", "employer__legal_rep_id_number")
    for (code, name, tax_region, year, headcount, numerator, denominator, reference, recorded_at, rep_name,
         rep_id) in queryset.values_list(*fields).iterator(chunk_size=2000):
        # exact counts (stored as a fraction) rounded half up in integers, once per cell
        ratio = quotient_half_up(numerator * 100, denominator * headcount, 2) if headcount else "0.00"
        yield (
            code, name, tax_region, year, headcount, quotient_half_up(numerator, denominator, 2),
            f"{numerator}/{denominator}", f"{ratio}%", reference, recorded_at.strftime("%Y-%m-%d %H:%M") if recorded_at else "",
            rep_name, mask_id(rep_id),
        )


def certified_results_xlsx(queryset, filename: str):
    return xlsx_response(filename, headers=HEADERS, rows=certified_result_rows(queryset), title="认定结果",
                         text_columns=TEXT_COLUMNS)
