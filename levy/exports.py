"""The tax officers' export of certified results: streamed (portal.spreadsheets: memory stays flat
for 50,000 rows), formula-like text stored as text, personal numbers masked, times in Beijing
time, ratios as numbers shown as percentages. The caller audits the export (an export of personal
data is an audit entry of its own)."""

from collections.abc import Callable, Iterator

from django.utils import timezone

from levy.choices import AssessmentMethod, AssessmentStatus, Outcome
from levy.rules.exact import quotient_half_up
from portal.identity import grade_label, mask_id
from portal.spreadsheets import xlsx_response
from portal.text import month_ranges

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


# --- one result's 残疾职工名册 for the tax officer (issue 15, 21) -------------------------------------

ROSTER_HEADERS = ("序号", "姓名", "身份证号", "残疾证件", "残疾等级", "户籍", "高校毕业生", "认定月份", "安置确认(月)",
                  "安置核定(月)")
ROSTER_TEXT_COLUMNS = ("身份证号", "认定月份")


def certified_person_rows(figures) -> Iterator[tuple]:
    """The persons a certification counted, as recorded then (never recomputed); numbers masked."""
    for i, person in enumerate(figures.persons.all(), start=1):
        yield (i, person.name, mask_id(person.id_number), person.get_certificate_kind_display(),
               grade_label(person.certificate_grade), "本地" if person.local_hukou else "外地",
               "是" if person.graduate else "否", month_ranges(person.months), person.confirmed, person.approved)


def certified_persons_xlsx(figures, filename: str):
    return xlsx_response(filename, headers=ROSTER_HEADERS, rows=certified_person_rows(figures), title="残疾职工名册",
                         text_columns=ROSTER_TEXT_COLUMNS)


# --- 残保金征缴 (issue 16) -------------------------------------------------------------------------

ASSESSMENT_HEADERS = (
    "统一审批编码", "统一社会信用代码", "单位名称", "税务主管部门", "征收年份", "征缴方式", "办理状态", "核定类型",
    "上年在职职工人数", "残疾职工核定人数", "应缴费额", "减免额", "应缴纳残保金", "缴费期限", "缴费日期", "已缴金额",
    "已缴滞纳金", "法定代表人", "法定代表人证件号",
)
ASSESSMENT_TEXT_COLUMNS = ("统一审批编码", "统一社会信用代码", "法定代表人证件号")


def assessment_rows(queryset) -> Iterator[tuple]:
    """One row per assessment, read in chunks; personal numbers masked."""
    methods, statuses, outcomes = dict(AssessmentMethod.choices), dict(AssessmentStatus.choices), dict(Outcome.choices)
    fields = ("reference", "employer__credit_code", "employer__name", "employer__tax_region__full_name",
              "collection_year", "method", "status", "outcome", "headcount", "disabled_numerator",
              "disabled_denominator", "gross_levy", "reduction", "levy_amount", "deadline", "paid_on", "paid_amount",
              "late_fee_paid", "employer__legal_rep_name", "employer__legal_rep_id_number")
    for (reference, code, name, tax_region, year, method, status, outcome, headcount, numerator, denominator, gross,
         reduction, levy, deadline, paid_on, paid, fee, rep, rep_id) in queryset.values_list(*fields).iterator(
            chunk_size=2000):
        yield (reference, code, name, tax_region, year, methods.get(method, method), statuses.get(status, status),
               outcomes.get(outcome, ""), headcount, quotient_half_up(numerator, denominator, 2), gross, reduction, levy,
               deadline.isoformat() if deadline else "", paid_on.isoformat() if paid_on else "", paid, fee, rep,
               mask_id(rep_id))


def assessments_xlsx(queryset, filename: str):
    return xlsx_response(filename, headers=ASSESSMENT_HEADERS, rows=assessment_rows(queryset), title="残保金征缴",
                         text_columns=ASSESSMENT_TEXT_COLUMNS)
