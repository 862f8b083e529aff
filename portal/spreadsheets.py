"""The one spreadsheet helper: reading uploaded xlsx safely, writing exports that stream and
cannot carry formulas, templates to download beside every upload, and error workbooks.

Reading: python-calamine parses the cells (about fifteen times faster than openpyxl's read-only
mode); before it sees a byte, the file's size, zip members, compression ratios, XML prologs (no
DOCTYPE, so no entity expansion: an XML bomb is refused) and the sheet's extent (rows and columns
the parser would allocate) are checked, and cells holding formulas are located in the sheet's XML
so that each becomes a `Formula` in its row (an error for the import to report, never a row
dropped without a word). The header must match the template. openpyxl is still used to write
templates, and refuses XML bombs only with defusedxml installed (checked at import).
Writing: write-only mode (constant memory); any text starting with `=`, `+`, `-` or `@` is stored
as text, never as a formula (checklist C6). Error workbooks are written with XlsxWriter's
constant-memory mode, the fastest well-kept writer.
"""

import io
import re
import tempfile
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from posixpath import dirname, join, normpath

import openpyxl
import python_calamine
import xlsxwriter
from defusedxml import ElementTree
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
MAX_CELLS = 3_000_000  # rows × columns the parser allocates for the first sheet's range
ERROR_COLOR = "F4B6B0"
ERROR_FILL = PatternFill("solid", start_color=f"FF{ERROR_COLOR}", end_color=f"FF{ERROR_COLOR}")
HEADER_FONT = Font(bold=True)
TEXT = "@"
NOT_XLSX = "文件不是有效的Excel文件（.xlsx），请使用下载的模板填写后上传"
UNREADABLE = "文件无法读取：不是有效的Excel文件，或包含不允许的内容"
NS_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
NS_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
NS_PKG = "{http://schemas.openxmlformats.org/package/2006/relationships}"


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


class Formula:
    """A cell that holds a formula. read_rows yields it in place of the cell's value, so an import
    reports the row ("单元格中是公式") instead of reading a value the user never typed, or none."""

    __slots__ = ("ref", "cached")

    def __init__(self, ref: str, cached=None):
        self.ref, self.cached = ref, cached

    def __repr__(self):
        return f"Formula({self.ref})"


# --- reading ------------------------------------------------------------------------------------


def _check_zip(data: bytes) -> zipfile.ZipFile:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        raise ValidationFailed(NOT_XLSX, field="file") from None
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
        raise ValidationFailed(NOT_XLSX, field="file")
    return archive


def _read_member(archive: zipfile.ZipFile, name: str) -> bytes:
    try:
        return archive.read(name)
    except (KeyError, zipfile.BadZipFile, OSError, EOFError, RuntimeError, ValueError):
        raise ValidationFailed(UNREADABLE, field="file") from None


def _check_xml(archive: zipfile.ZipFile) -> dict[str, bytes]:
    """No XML part may declare a DTD: entity expansion (billion laughs, external entities) needs
    one, and a spreadsheet never does. Returns the parts read (the sheet is not inflated twice)."""
    parts = {}
    for info in archive.infolist():
        if info.filename.endswith((".xml", ".rels", ".vml")):
            content = parts[info.filename] = _read_member(archive, info.filename)
            if b"<!DOCTYPE" in content or b"<!ENTITY" in content:
                raise ValidationFailed(UNREADABLE, field="file")
    return parts


def _first_sheet_path(archive: zipfile.ZipFile) -> str:
    """The part of the workbook's first sheet (the one the parser reads)."""
    try:
        workbook = ElementTree.fromstring(_read_member(archive, "xl/workbook.xml"))
        first = workbook.find(f"{NS_MAIN}sheets/{NS_MAIN}sheet")
        rel_id = first.get(f"{NS_REL}id")
        rels = ElementTree.fromstring(_read_member(archive, "xl/_rels/workbook.xml.rels"))
        target = next(r.get("Target") for r in rels.iter(f"{NS_PKG}Relationship") if r.get("Id") == rel_id)
    except ValidationFailed:
        raise
    except Exception:  # a malformed workbook part: refused as unreadable, whatever the parser says
        raise ValidationFailed(UNREADABLE, field="file") from None
    return target.lstrip("/") if target.startswith("/") else normpath(join(dirname("xl/workbook.xml"), target))


_ROW = re.compile(rb"<(?:\w+:)?row\b[^>]*?\sr=\"(\d+)\"")
_ROW_TAG = re.compile(rb"<(?:\w+:)?row[\s>/]")
_CELL_COLUMN = re.compile(rb"<(?:\w+:)?c\b[^>]*?\sr=\"([A-Z]+)")
_FORMULA = re.compile(rb"<(?:\w+:)?f[\s>/]")
_CELL_START = re.compile(rb"<(?:\w+:)?c\b[^>]*?\sr=\"([A-Z]+)(\d+)\"")


def column_index(letters: bytes | str) -> int:
    """A1's column letters → 0-based index."""
    index = 0
    for ch in letters if isinstance(letters, str) else letters.decode():
        index = index * 26 + ord(ch) - 64
    return index - 1


def _sheet_facts(sheet_xml: bytes, max_rows: int) -> set[tuple[int, int]]:
    """Refuse a sheet whose range is larger than the limits before the parser allocates it, and
    return the (row, column) of every cell holding a formula (0-based)."""
    rows = [int(n) for n in _ROW.findall(sheet_xml)]
    declared = max(max(rows, default=0), len(_ROW_TAG.findall(sheet_xml)))
    if declared > max_rows + 1:
        raise ValidationFailed(f"名单超过{max_rows}行（文件有{declared - 1}行），请分批导入", field="file")
    columns = max((column_index(c) + 1 for c in set(_CELL_COLUMN.findall(sheet_xml))), default=0)
    if declared * columns > MAX_CELLS:
        raise ValidationFailed(f"文件包含模板以外的大量行列（{declared}行×{columns}列），请使用下载的模板填写",
                               field="file")
    formulas = set()
    for match in _FORMULA.finditer(sheet_xml):
        start = sheet_xml.rfind(b"<", 0, match.start())
        cell = None
        while start >= 0:
            cell = _CELL_START.match(sheet_xml, start)
            if cell is not None:
                break
            start = sheet_xml.rfind(b"<", 0, start)
        if cell is None:
            raise ValidationFailed("文件中含有公式，请将公式改为数值后重新上传", field="file")
        formulas.add((int(cell.group(2)) - 1, column_index(cell.group(1))))
    return formulas


@dataclass
class Sheet:
    """The first sheet's cells as a grid (row 0 is the spreadsheet's row 1) and its formula cells."""

    rows: list[list]
    formulas: set[tuple[int, int]]


def read_data(file, *, max_bytes: int = 20 * MB) -> bytes:
    data = file.read(max_bytes + 1) if hasattr(file, "read") else bytes(file)
    if not data:
        raise ValidationFailed("文件是空的，请选择填写好的名单文件", field="file")
    if len(data) > max_bytes:
        raise ValidationFailed(f"文件过大：不能超过{max_bytes // MB}MB", field="file")
    return data


def load_sheet(data: bytes, *, max_rows: int = 20000) -> Sheet:
    """Check the file, then parse its first sheet."""
    archive = _check_zip(data)
    parts = _check_xml(archive)
    path = _first_sheet_path(archive)
    formulas = _sheet_facts(parts[path] if path in parts else _read_member(archive, path), max_rows)
    try:
        book = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
        rows = book.get_sheet_by_index(0).to_python(skip_empty_area=False)
    except Exception:  # calamine's errors (zip, XML, a missing part) all mean the same to the user
        raise ValidationFailed(UNREADABLE, field="file") from None
    # a formula without a cached value is no value to the parser: its row may lie past the range
    last = max((row for row, _column in formulas), default=-1)
    rows.extend([] for _ in range(last + 1 - len(rows)))
    return Sheet(rows, formulas)


def _cell(value):
    if value.__class__ is str:
        value = value.strip()
        return value or None
    if isinstance(value, datetime):
        return value.date() if value.time() == datetime.min.time() else value
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return int(value)
    return value


def read_rows(
    file, *, template: SheetTemplate, max_bytes: int = 20 * MB, max_rows: int = 20000,
    keys: Sequence[str] | None = None, sheet: "Sheet | None" = None,
) -> Iterator[tuple[int, dict]]:
    """Yield (row number as Excel shows it, {header: value}) for each non-empty data row; a cell
    holding a formula comes as a `Formula`. With `keys` (one per header) the dicts use them
    instead of the headers; with `sheet` (load_sheet's result for this file) it is not parsed again.

    Raises ValidationFailed, before anything is yielded, for a file too large, not an xlsx, a zip
    or XML bomb, the wrong template, or more rows than `max_rows`."""
    if sheet is None:
        sheet = load_sheet(read_data(file, max_bytes=max_bytes), max_rows=max_rows)
    if not sheet.rows:
        raise ValidationFailed("文件中没有内容，请使用下载的模板填写", field="file")
    header = [(_cell(v) or "") for v in sheet.rows[0]]
    while header and header[-1] == "":
        header.pop()
    if tuple(str(h) for h in header) != template.headers:
        raise ValidationFailed(
            f"第1行表头与模板不一致，应为：{'、'.join(template.headers)}。请下载最新模板后填写", field="file"
        )
    width = len(template.headers)
    formulas: dict[int, list[int]] = {}
    for row, column in sheet.formulas:
        if column < width:
            formulas.setdefault(row, []).append(column)
    names = tuple(keys) if keys is not None else template.headers
    count = 0
    for index in range(1, len(sheet.rows)):
        cells = [_cell(v) for v in sheet.rows[index][:width]]
        if len(cells) < width:
            cells += [None] * (width - len(cells))
        if formulas:
            for column in formulas.get(index, ()):
                cells[column] = Formula(f"{column_letter(column)}{index + 1}", cells[column])
        if cells.count(None) == width:
            continue
        count += 1
        if count > max_rows:
            raise ValidationFailed(f"名单超过{max_rows}行，请分批导入", field="file")
        yield index + 1, dict(zip(names, cells, strict=True))


def column_letter(index: int) -> str:
    """0-based column index → letters (0 → A)."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


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


def _out_value(value, text: bool):
    """A cell the parser read, as the error workbook writes it: text as text (never a formula),
    numbers as numbers (as text in the ID and phone columns), dates as ISO text."""
    if value.__class__ is str:
        return value if value.strip() else None
    if value is None:
        return None
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float) and not text:
        return value
    return _text_of(value)


def _text_of(value) -> str:
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    if isinstance(value, datetime) and value.time() == datetime.min.time():
        return value.date().isoformat()
    if isinstance(value, date | datetime | time):
        return value.isoformat()
    if isinstance(value, timedelta):
        return str(value)
    return str(value)


def error_workbook(data: bytes, *, template: SheetTemplate, errors: dict[int, list[tuple[str, str]]],
                   file_errors: Sequence[str] = (), sheet: Sheet | None = None) -> bytes:
    """The user's own rows back, on the same row numbers, with an 错误说明 column and each bad cell
    marked, so they can fix the same file and upload it again. `errors` maps row numbers to
    (header, message) pairs; a header of "" marks a row-level error. `file_errors` (problems of
    the file as a whole, such as too few valid phone numbers) go to a second sheet.

    Read with calamine (or `sheet`, the import's own parse of `data`), written with XlsxWriter in
    constant-memory mode: text is always written as text (never a formula), numbers as numbers,
    dates as ISO text."""
    sheet = sheet or load_sheet(data)
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"constant_memory": True, "strings_to_formulas": False,
                                     "strings_to_urls": False, "strings_to_numbers": False})
    try:
        text_format = book.add_format({"num_format": "@"})
        bad_formats = (book.add_format({"bg_color": f"#{ERROR_COLOR}", "pattern": 1}),
                       book.add_format({"num_format": "@", "bg_color": f"#{ERROR_COLOR}", "pattern": 1}))
        header_format = book.add_format({"bold": True})
        width = len(template.headers)
        texts = [h in template.text_columns for h in template.headers]
        index = {h: i for i, h in enumerate(template.headers)}
        out_sheet = book.add_worksheet("错误说明")
        for column, header in enumerate((*template.headers, "错误说明")):
            out_sheet.write_string(0, column, header, header_format)
            # ID numbers and phones stay text: the column's format, not one per cell
            out_sheet.set_column(column, column, 60 if column == width else 16,
                                 text_format if column < width and texts[column] else None)
        formula_rows = {row for row, _column in sheet.formulas}
        for number in range(1, len(sheet.rows)):
            values = [_out_value(v, texts[i]) for i, v in enumerate(sheet.rows[number][:width])]
            if len(values) < width:
                values += [None] * (width - len(values))
            if values.count(None) == width and number not in formula_rows:
                continue
            problems = errors.get(number + 1)
            if not problems:
                out_sheet.write_row(number, 0, values)  # safe: the workbook writes no string as a formula
                continue
            bad = {index[h] for h, _ in problems if h in index}
            for column, value in enumerate(values):
                if column in bad:
                    out_sheet.write(number, column, value, bad_formats[texts[column]])
                elif value is not None:
                    out_sheet.write(number, column, value)
            message = "；".join(f"{h}：{m}" if h else m for h, m in problems)
            out_sheet.write_string(number, width, message, bad_formats[0])
        if file_errors:
            notes = book.add_worksheet("文件问题")
            notes.write_string(0, 0, "整个名单的问题（与具体行无关）", header_format)
            for row, message in enumerate(file_errors, start=1):
                notes.write_string(row, 0, message)
            notes.set_column(0, 0, 100)
    finally:
        book.close()
    return out.getvalue()
