"""The one spreadsheet helper: reading uploaded xlsx safely, writing exports that stream and
cannot carry formulas, templates to download beside every upload, and error workbooks.

Reading: openpyxl refuses XML bombs and external entities only when defusedxml is installed (we
check at import); sizes, zip members and rows are limited before and while parsing; the header
must match the template. Writing: write-only mode (constant memory); any text starting with `=`,
`+`, `-` or `@` is stored as text, never as a formula (checklist C6).
"""

import io
import tempfile
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

import openpyxl
import xlsxwriter
from django.http import FileResponse
from openpyxl.cell import WriteOnlyCell
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill

from portal.exceptions import ValidationFailed

if not openpyxl.DEFUSEDXML:  # pragma: no cover - a broken installation must not start
    raise ImportError("defusedxml must be installed (and OPENPYXL_DEFUSEDXML unset) to read uploaded xlsx safely")

MB = 1024 * 1024
FORMULA_START = ("=", "+", "-", "@")
MAX_UNZIPPED = 200 * MB  # a 20 MB xlsx never needs more; a zip bomb does
MAX_MEMBERS = 500
MAX_RATIO = 150  # compressed → uncompressed ratio of one member (sheets compress ~10–30×)
ERROR_FILL = PatternFill("solid", start_color="FFF4B6B0", end_color="FFF4B6B0")
HEADER_FONT = Font(bold=True)
TEXT = "@"


@dataclass(frozen=True)
class SheetTemplate:
    """An import format: the exact header row, which columns hold text (ID numbers, phones), the
    notes shown in the template, and example rows."""

    title: str
    headers: tuple[str, ...]
    text_columns: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()
    examples: tuple[tuple, ...] = field(default_factory=tuple)
    column_notes: dict = field(default_factory=dict)


# --- reading ------------------------------------------------------------------------------------


def _check_zip(data: bytes) -> None:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        raise ValidationFailed("文件不是有效的Excel文件（.xlsx），请使用下载的模板填写后上传", field="file") from None
    infos = archive.infolist()
    if len(infos) > MAX_MEMBERS:
        raise ValidationFailed("文件结构异常（包含的部件过多），请使用下载的模板重新填写", field="file")
    total = 0
    for info in infos:
        total += info.file_size
        if info.file_size > 1 * MB and info.compress_size and info.file_size / info.compress_size > MAX_RATIO:
            raise ValidationFailed("文件解压后异常巨大（疑似压缩炸弹），已拒绝", field="file")
    if total > MAX_UNZIPPED:
        raise ValidationFailed("文件解压后异常巨大（疑似压缩炸弹），已拒绝", field="file")
    names = {i.filename for i in infos}
    if "[Content_Types].xml" not in names or "xl/workbook.xml" not in names:
        raise ValidationFailed("文件不是有效的Excel文件（.xlsx），请使用下载的模板填写后上传", field="file")


def _cell(value):
    if isinstance(value, str):
        value = value.strip()
        return value or None
    if isinstance(value, datetime):
        return value.date() if value.time() == datetime.min.time() else value
    return value


def read_rows(
    file, *, template: SheetTemplate, max_bytes: int = 20 * MB, max_rows: int = 20000
) -> Iterator[tuple[int, dict]]:
    """Yield (row number as Excel shows it, {header: value}) for each non-empty data row.

    Raises ValidationFailed, before anything is yielded where possible, for a file too large, not
    an xlsx, a zip or XML bomb, the wrong template, or more rows than `max_rows`."""
    data = file.read(max_bytes + 1) if hasattr(file, "read") else bytes(file)
    if not data:
        raise ValidationFailed("文件是空的，请选择填写好的名单文件", field="file")
    if len(data) > max_bytes:
        raise ValidationFailed(f"文件过大：不能超过{max_bytes // MB}MB", field="file")
    _check_zip(data)
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds (defusedxml's EntitiesForbidden among them)
        raise ValidationFailed("文件无法读取：不是有效的Excel文件，或包含不允许的内容", field="file") from None
    try:
        sheet = workbook.worksheets[0]
        declared = sheet.max_row
        if declared and declared > max_rows + 1:
            raise ValidationFailed(f"名单超过{max_rows}行（文件有{declared - 1}行），请分批导入", field="file")
        rows = sheet.iter_rows(values_only=True)
        try:
            header = [(_cell(v) or "") for v in next(rows)]
        except StopIteration:
            raise ValidationFailed("文件中没有内容，请使用下载的模板填写", field="file") from None
        while header and header[-1] == "":
            header.pop()
        if tuple(str(h) for h in header) != template.headers:
            raise ValidationFailed(
                f"第1行表头与模板不一致，应为：{'、'.join(template.headers)}。请下载最新模板后填写", field="file"
            )
        count = 0
        for number, values in enumerate(rows, start=2):
            cells = [_cell(v) for v in values[: len(template.headers)]]
            if all(v is None for v in cells):
                continue
            count += 1
            if count > max_rows:
                raise ValidationFailed(f"名单超过{max_rows}行，请分批导入", field="file")
            cells += [None] * (len(template.headers) - len(cells))
            yield number, dict(zip(template.headers, cells, strict=True))
    finally:
        workbook.close()


# --- writing ------------------------------------------------------------------------------------


def safe_cell(sheet, value, *, text: bool = False, fill=None, font=None):
    """A write-only cell whose text can never become a formula."""
    if isinstance(value, date | datetime) and text:
        value = value.isoformat()
    cell = WriteOnlyCell(sheet, value=value)
    if isinstance(value, str) and value.startswith(FORMULA_START):
        cell.data_type = "s"  # openpyxl would otherwise store `=…` as a live formula
    if text:
        cell.number_format = TEXT
    if fill is not None:
        cell.fill = fill
    if font is not None:
        cell.font = font
    return cell


def write_xlsx(stream, *, headers: Sequence[str], rows: Iterable[Sequence], title: str = "Sheet1",
               text_columns: Sequence[str] = (), percent_columns: Sequence[str] = ()) -> None:
    """Write rows to an xlsx: the one export writer of the portal. XlsxWriter in constant-memory
    mode (rows go to disk as they are written: memory stays flat; 1.6× faster than openpyxl's
    write-only mode here). Text never becomes a formula or a link; `text_columns` stay text (ID
    numbers, codes); `percent_columns` hold fractions shown as 0.00%; datetimes are shown as
    yyyy-mm-dd hh:mm (pass local times)."""
    workbook = xlsxwriter.Workbook(stream, {"constant_memory": True, "strings_to_formulas": False,
                                            "strings_to_urls": False, "strings_to_numbers": False})
    sheet = workbook.add_worksheet(title[:31])
    bold = workbook.add_format({"bold": True})
    formats = {"text": workbook.add_format({"num_format": "@"}), "percent": workbook.add_format({"num_format": "0.00%"}),
               "datetime": workbook.add_format({"num_format": "yyyy-mm-dd hh:mm"}),
               "date": workbook.add_format({"num_format": "yyyy-mm-dd"})}
    kinds = ["text" if h in text_columns else "percent" if h in percent_columns else "" for h in headers]
    for col, header in enumerate(headers):
        sheet.write_string(0, col, header, bold)
    for row_index, row in enumerate(rows, start=1):
        for col, value in enumerate(row):
            _write(sheet, row_index, col, value, kinds[col], formats)
    workbook.close()


def _write(sheet, row: int, col: int, value, kind: str, formats: dict) -> None:
    if value is None or value == "":
        return
    if kind == "text" or isinstance(value, str):
        sheet.write_string(row, col, str(value), formats["text"] if kind == "text" else None)
    elif isinstance(value, datetime):
        sheet.write_datetime(row, col, value.replace(tzinfo=None), formats["datetime"])
    elif isinstance(value, date):
        sheet.write_datetime(row, col, datetime(value.year, value.month, value.day), formats["date"])
    else:
        sheet.write_number(row, col, float(value), formats["percent"] if kind == "percent" else None)


def xlsx_response(filename: str, *, headers: Sequence[str], rows: Iterable[Sequence], title: str = "Sheet1",
                  text_columns: Sequence[str] = (), percent_columns: Sequence[str] = ()) -> FileResponse:
    """An export streamed from a spooled temporary file (memory only up to 8 MB)."""
    buffer = tempfile.SpooledTemporaryFile(max_size=8 * MB)
    write_xlsx(buffer, headers=headers, rows=rows, title=title, text_columns=text_columns,
               percent_columns=percent_columns)
    buffer.seek(0)
    response = FileResponse(buffer, as_attachment=True, filename=filename,
                            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["X-Content-Type-Options"] = "nosniff"
    return response


def template_workbook(template: SheetTemplate) -> bytes:
    """The template users download beside an upload: the header row (with a note on each column
    that has rules), text-formatted ID columns, example rows, and a 填写说明 sheet."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = template.title[:31]
    for column, header in enumerate(template.headers, start=1):
        cell = sheet.cell(row=1, column=column, value=header)
        cell.font = HEADER_FONT
        if header in template.column_notes:
            cell.comment = Comment(template.column_notes[header], "平台")
        sheet.column_dimensions[cell.column_letter].width = max(14, len(header) * 2 + 4)
        if header in template.text_columns:
            for row in range(2, 2002):
                sheet.cell(row=row, column=column).number_format = TEXT
    for r, example in enumerate(template.examples, start=2):
        for c, value in enumerate(example, start=1):
            sheet.cell(row=r, column=c, value=value)
    if template.notes:
        notes = workbook.create_sheet("填写说明")
        for r, line in enumerate(template.notes, start=1):
            notes.cell(row=r, column=1, value=line).alignment = Alignment(wrap_text=True)
        notes.column_dimensions["A"].width = 100
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def error_workbook(data: bytes, *, template: SheetTemplate, errors: dict[int, list[tuple[str, str]]]) -> bytes:
    """The user's own rows back, with an 错误说明 column and each bad cell marked, so they can fix
    the same file and upload it again. `errors` maps row numbers to (header, message) pairs; a
    header of "" marks a row-level error."""
    source = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    out_book = openpyxl.Workbook(write_only=True)
    sheet = out_book.create_sheet(title="错误说明")
    index = {h: i for i, h in enumerate(template.headers)}
    try:
        rows = source.worksheets[0].iter_rows(values_only=True)
        next(rows, None)
        sheet.append([safe_cell(sheet, h, font=HEADER_FONT) for h in (*template.headers, "错误说明")])
        for number, values in enumerate(rows, start=2):
            cells = list(values[: len(template.headers)]) + [None] * (len(template.headers) - len(values))
            if all(v is None or (isinstance(v, str) and not v.strip()) for v in cells):
                continue
            problems = errors.get(number, [])
            bad = {index[h] for h, _ in problems if h in index}
            out = [
                safe_cell(sheet, v, text=template.headers[i] in template.text_columns, fill=ERROR_FILL if i in bad else None)
                for i, v in enumerate(cells)
            ]
            message = "；".join(f"{h}：{m}" if h else m for h, m in problems)
            out.append(safe_cell(sheet, message or None, fill=ERROR_FILL if message else None))
            sheet.append(out)
    finally:
        source.close()
    buffer = io.BytesIO()
    out_book.save(buffer)
    return buffer.getvalue()
