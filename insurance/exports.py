"""导出: the verification results as the agent filtered them (streamed; formula-like text stays text)."""

from insurance.selectors.members import member_coverage
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
