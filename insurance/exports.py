"""导出: the verification results as the agent filtered them, and the union console's batches
(streamed; formula-like text stays text; the agent's phone masked)."""

from itertools import islice

from django.utils import timezone

from insurance.selectors.members import member_coverage
from insurance.selectors.money import listed_settlements
from portal.identity import mask_account
from portal.spreadsheets import xlsx_response

HEADERS = ["名单行号", "姓名", "社保姓名", "证件类型", "证件号码", "出生日期", "性别", "手机号", "代扣类型", "校验结果",
           "社保类型", "备注", "社保编号", "是否删除", "参保费用", "起保日期", "终保日期"]


def result_rows(batch, members):
    coverage = member_coverage(batch)
    premium = str(batch.plan_year.premium)
    for m in members.iterator(chunk_size=2000):
        yield [m.row_number, m.name, m.si_name, m.get_id_type_display(), m.id_number, m.birth_date.isoformat(),
               m.get_sex_display(), m.phone, m.get_withholding_display(), m.get_result_display(),
               m.get_situation_display() if m.situation else "", m.situation_note, m.si_number,
               "是" if m.deleted_at else "否", premium, coverage.start_text, coverage.end.isoformat()]


def results_response(batch, members, filename: str):
    return xlsx_response(filename, headers=HEADERS, rows=result_rows(batch, members), title="校验结果",
                         text_columns=("证件号码", "手机号", "社保编号"))


BATCH_HEADERS = ["批次号", "单位名称", "统一社会信用代码", "参保编码", "参保类型", "保障年度", "状态", "参保缴费方式", "参保人数",
                 "代扣成功人数", "参保总费用", "需单位缴纳参保费用", "经办人", "经办人手机", "最后更新时间"]


def batch_rows(batches):
    # streamed 500 at a time (an export may hold every batch of the city), each chunk counted at once
    ordered = batches.select_related("created_by").order_by("number").iterator(chunk_size=500)
    while chunk := list(islice(ordered, 500)):
        settled = listed_settlements(chunk)
        yield from (_batch_row(b, settled[b.pk]) for b in chunk)


def _batch_row(b, figures) -> list:
    return [b.number, b.code.unit_name, b.code.credit_code, b.code.code, b.get_kind_display(), b.plan_year.year,
            b.get_status_display(), b.get_payment_method_display(), figures.members, figures.withheld,
            str(figures.total), str(figures.unit_due), b.created_by.display_name, mask_account(b.created_by.phone),
            timezone.localtime(b.updated_at).strftime("%Y-%m-%d %H:%M")]


def batches_xlsx(batches, filename: str):
    return xlsx_response(filename, headers=BATCH_HEADERS, rows=batch_rows(batches), title="参保批次",
                         text_columns=("统一社会信用代码", "参保编码", "经办人手机"))
