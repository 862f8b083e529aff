"""error_workbook: the agent's own 10,000-row roster returned with an 错误说明 column and 1,000 bad
rows' cells marked, against the fastest well-kept writer's bare write of the same rows (XlsxWriter
in constant-memory mode, the rows already in memory, no formats): TARGETS.md ratio ≤ 1.5.

Timed as the import makes it: a rejected roster (insurance.services.roster.RosterRejected) writes
its report from the parse the import already made (roster_import times the parse), so both sides
start from rows in memory; the report adds the formats, the text columns and the messages."""

import io
import time

import xlsxwriter

from bench import Result

TARGET = 1.5
ROWS, BAD_EVERY = 10_000, 10


def _errors(rows: int) -> dict[int, list[tuple[str, str]]]:
    from insurance.sheets import ROSTER_TEMPLATE

    id_header, phone_header = ROSTER_TEMPLATE.headers[2], ROSTER_TEMPLATE.headers[5]
    errors = {}
    for i in range(0, rows, BAD_EVERY):
        row = i + 2
        errors[row] = [(id_header, "身份证号码校验位不正确，请核对")] if i % 20 else [
            (phone_header, f"手机号与第{row - 1}行重复，手机号不能重复"), ("", "该人员本保障年度已由其他单位参保")]
    return errors


def marked_seconds(data: bytes, errors) -> float:
    from insurance.sheets import ROSTER_TEMPLATE
    from portal.spreadsheets import error_workbook, load_sheet

    sheet = load_sheet(data)  # the import's parse
    started = time.perf_counter()
    out = error_workbook(data, template=ROSTER_TEMPLATE, errors=errors, sheet=sheet)
    seconds = time.perf_counter() - started
    if len(out) < 10_000:
        raise RuntimeError("the error workbook is empty")
    return seconds


def bare_seconds(data: bytes, errors) -> float:
    """XlsxWriter constant-memory writing the same rows (the user's cells and the messages)."""
    from insurance.sheets import ROSTER_TEMPLATE
    from portal.spreadsheets import load_sheet

    grid = load_sheet(data).rows
    rows = [[*grid[i], "；".join(m for _h, m in errors.get(i + 1, ()))] for i in range(1, len(grid))]
    started = time.perf_counter()
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"constant_memory": True})
    sheet = book.add_worksheet("错误说明")
    sheet.write_row(0, 0, [*ROSTER_TEMPLATE.headers, "错误说明"])
    for index, row in enumerate(rows, start=1):
        sheet.write_row(index, 0, row)
    book.close()
    return time.perf_counter() - started


def run(smoke: bool = False) -> list[Result]:
    from bench.roster_import import roster_bytes

    rows = 200 if smoke else ROWS
    data = roster_bytes(rows)
    errors = _errors(rows)
    floor = min(bare_seconds(data, errors) for _ in range(3))
    value = min(marked_seconds(data, errors) for _ in range(3))
    return [Result("error_workbook", value, floor, "s", TARGET, note=f"rows={rows} bad={len(errors)}")]
