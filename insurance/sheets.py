"""The roster's import template (the manual's six columns, in its order) and the results export."""

from insurance.rules import roster as r
from portal.spreadsheets import SheetTemplate

ROSTER_TEMPLATE = SheetTemplate(
    title="参保名单",
    headers=tuple(r.HEADERS.values()),
    text_columns=(r.HEADERS[r.ID_NUMBER], r.HEADERS[r.PHONE], r.HEADERS[r.BIRTH]),
    notes=(
        "※打*列为必填项。",
        "※证件类型只能填写“身份证”或“非身份证”。证件类型为非身份证的（如护照、港澳台居民居住证等），出生日期和性别为必填。",
        "※证件号码、手机号请按文本格式填写（本模板这两列已设为文本格式），否则18位号码的末几位会丢失。",
        "※手机号不能重复；有效手机号（11位手机号码）需达到50%以上。",
        "※同一人员在同一保障年度只能参保一次（不能在其他批次中重复参保）。",
        "※请保持模板表格格式不变（不要增删列、修改表头），不要使用公式，否则会上传失败。",
        "※一次最多导入20000人。",
    ),
    examples=(("王豆豆", "身份证", "11010519491231002X", "", "", "13800000000"),
              ("王豆", "非身份证", "E12345678", "1958-12-09", "男", "13800000001")),
    column_notes={
        r.HEADERS[r.ID_TYPE]: "填写“身份证”或“非身份证”",
        r.HEADERS[r.BIRTH]: "非身份证类型必填，格式如1990-01-01",
        r.HEADERS[r.SEX]: "非身份证类型必填：男或女",
        r.HEADERS[r.PHONE]: "手机号不能重复，有效手机号需达到50%以上",
    },
)
KEYS = {header: key for key, header in r.HEADERS.items()}
