"""The spreadsheet helper: safe reading, formula-free writing, templates, error workbooks
(STYLE.md 23; checklist C4–C6)."""

import io
import zipfile

import openpyxl
import pytest

from portal.exceptions import ValidationFailed
from portal.spreadsheets import SheetTemplate, error_workbook, read_rows, template_workbook, write_xlsx

ROSTER = SheetTemplate(
    title="名单", headers=("姓名", "证件类型", "证件号码", "手机号"), text_columns=("证件号码", "手机号"),
    notes=("打*列为必填项",), examples=(("王豆豆", "身份证", "110105194912310021", "13800000000"),),
)


def xlsx(rows, headers=ROSTER.headers) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(list(headers))
    for row in rows:
        sheet.append(list(row))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def replace_member(data: bytes, name: str, content: bytes) -> bytes:
    """The same xlsx with one member replaced (or added)."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            if item.filename != name:
                target.writestr(item.filename, source.read(item.filename))
        target.writestr(name, content)
    return out.getvalue()


def test_rows_come_with_their_row_numbers_and_empty_rows_are_skipped():
    data = xlsx([("张三", "身份证", "310104198001010017", "13900000000"), (None, None, None, None),
                 ("  李四 ", "非身份证", "E12345678", None)])
    rows = list(read_rows(io.BytesIO(data), template=ROSTER))
    assert [n for n, _ in rows] == [2, 4]
    assert rows[1][1] == {"姓名": "李四", "证件类型": "非身份证", "证件号码": "E12345678", "手机号": None}


def test_an_xml_bomb_is_refused():
    bomb = (b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]>'
            b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1">'
            b'<c r="A1" t="inlineStr"><is><t>&lol2;</t></is></c></row></sheetData></worksheet>')
    data = replace_member(xlsx([]), "xl/worksheets/sheet1.xml", bomb)
    with pytest.raises(ValidationFailed, match="不允许的内容"):
        list(read_rows(io.BytesIO(data), template=ROSTER))


def test_a_zip_bomb_is_refused_before_parsing():
    data = replace_member(xlsx([]), "xl/media/padding.bin", b"\x00" * (20 * 1024 * 1024))
    assert len(data) < 200_000
    with pytest.raises(ValidationFailed, match="压缩炸弹"):
        list(read_rows(io.BytesIO(data), template=ROSTER))


def test_too_many_rows_are_refused():
    data = xlsx([("张三", "身份证", "x", "1")] * 30)
    with pytest.raises(ValidationFailed, match="超过20行"):
        list(read_rows(io.BytesIO(data), template=ROSTER, max_rows=20))


def test_the_wrong_template_is_refused_with_the_expected_header():
    data = xlsx([("a", "b")], headers=("名字", "号码"))
    with pytest.raises(ValidationFailed, match="表头与模板不一致，应为：姓名、证件类型、证件号码、手机号"):
        list(read_rows(io.BytesIO(data), template=ROSTER))


@pytest.mark.parametrize("data,message", [(b"", "文件是空的"), (b"not a zip at all", "不是有效的Excel"),
                                          (b"PK\x03\x04garbage", "不是有效的Excel")])
def test_not_an_xlsx_is_refused(data, message):
    with pytest.raises(ValidationFailed, match=message):
        list(read_rows(io.BytesIO(data), template=ROSTER))


def test_a_file_over_the_size_limit_is_refused():
    with pytest.raises(ValidationFailed, match="文件过大"):
        list(read_rows(io.BytesIO(b"PK" + b"0" * 2000), template=ROSTER, max_bytes=1000))


def test_exported_formula_like_text_stays_text():
    out = io.BytesIO()
    write_xlsx(out, headers=["姓名", "备注"], rows=[["=HYPERLINK(\"http://evil\",\"x\")", "+1+2"], ["@SUM(A1)", "-3"]])
    sheet = openpyxl.load_workbook(io.BytesIO(out.getvalue())).active
    cells = [c for row in sheet.iter_rows(min_row=2) for c in row]
    assert all(c.data_type == "s" for c in cells)
    assert cells[0].value == '=HYPERLINK("http://evil","x")'
    raw = zipfile.ZipFile(io.BytesIO(out.getvalue())).read("xl/worksheets/sheet1.xml")
    assert b"<f>" not in raw


def test_the_error_workbook_returns_the_users_rows_with_errors_marked():
    data = xlsx([("张三", "身份证", "123", "13900000000"), ("李四", "身份证", "310104198001010017", "1390000")])
    result = error_workbook(data, template=ROSTER, errors={2: [("证件号码", "请输入18位身份证号码")],
                                                           3: [("手机号", "手机号格式不正确")]})
    sheet = openpyxl.load_workbook(io.BytesIO(result)).active
    assert [c.value for c in sheet[1]] == [*ROSTER.headers, "错误说明"]
    assert sheet["C2"].value == "123" and sheet["C2"].fill.start_color.rgb == "FFF4B6B0"
    assert sheet["A2"].fill.fill_type is None
    assert sheet["E2"].value == "证件号码：请输入18位身份证号码"
    assert sheet["D3"].fill.start_color.rgb == "FFF4B6B0"


def test_the_template_has_the_header_text_columns_and_notes():
    book = openpyxl.load_workbook(io.BytesIO(template_workbook(ROSTER)))
    sheet = book.worksheets[0]
    assert tuple(c.value for c in sheet[1]) == ROSTER.headers
    assert sheet["C5"].number_format == "@"
    assert book["填写说明"]["A1"].value == "打*列为必填项"
    assert list(read_rows(io.BytesIO(template_workbook(ROSTER)), template=ROSTER))[0][1]["姓名"] == "王豆豆"


def test_a_formula_cell_comes_as_a_formula_and_its_row_is_not_dropped():
    """Issue 17: openpyxl read a formula without a cached value as an empty cell, so a row of
    formulas vanished without a word. Now the row comes with a Formula where the formula is."""
    from portal.spreadsheets import Formula

    data = xlsx([("张三", "身份证", "=CONCAT(\"3101\",\"04\")", "13900000000"), ("=A2", "=B2", "=C2", "=D2")])
    rows = list(read_rows(io.BytesIO(data), template=ROSTER))
    assert [n for n, _ in rows] == [2, 3]
    assert isinstance(rows[0][1]["证件号码"], Formula) and rows[0][1]["证件号码"].ref == "C2"
    assert rows[0][1]["姓名"] == "张三"
    assert all(isinstance(v, Formula) for v in rows[1][1].values())


def test_a_sheet_whose_range_is_enormous_is_refused_before_parsing():
    """One cell far down and right would make the parser allocate every cell in between."""
    book = openpyxl.Workbook()
    book.active.append(list(ROSTER.headers))
    book.active["XFD900"] = "x"
    out = io.BytesIO()
    book.save(out)
    with pytest.raises(ValidationFailed, match="大量行列"):
        list(read_rows(io.BytesIO(out.getvalue()), template=ROSTER))


def test_the_error_workbook_keeps_the_users_row_numbers_and_writes_no_formula():
    data = xlsx([("张三", "身份证", "123", "13900000000"), (None, None, None, None),
                 ("=HYPERLINK(\"http://evil\")", "身份证", "310104198001010017", "13900000001")])
    result = error_workbook(data, template=ROSTER, errors={4: [("姓名", "单元格中是公式")]},
                            file_errors=["有效手机号需达到50%以上"])
    book = openpyxl.load_workbook(io.BytesIO(result))
    sheet = book["错误说明"]
    assert sheet["A2"].value == "张三" and sheet["A3"].value is None
    assert sheet["A4"].fill.start_color.rgb == "FFF4B6B0" and sheet["E4"].value == "姓名：单元格中是公式"
    assert book["文件问题"]["A2"].value == "有效手机号需达到50%以上"
    assert b"<f>" not in zipfile.ZipFile(io.BytesIO(result)).read("xl/worksheets/sheet1.xml")
