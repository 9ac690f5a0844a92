"""Hours reports as files: CSV (UTF-8 with BOM, so that Excel reads it as such) or XLSX
(openpyxl's write-only mode, the header row in bold), Chinese headers, a total row 合计.

A label a spreadsheet would take for a formula (a team's name starting with = + - @, a tab or a
carriage return) is written with a leading apostrophe, so that opening the file never runs it.
The figures are numbers in both.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from teams.domain.reports import FIGURE_HEADERS, KEY_HEADERS, ReportRow

CSV_TYPE = "text/csv; charset=utf-8"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
BOM = "\ufeff"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
SHEET_TITLE = "服务时长统计"


def inert(text: str) -> str:
    """`text` as a spreadsheet shows it without evaluating it."""
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


def headers(group_by: str) -> list[str]:
    return [KEY_HEADERS[group_by], *FIGURE_HEADERS]


def cells(row: ReportRow) -> list[str | float | int]:
    return [inert(row.label), row.hours, row.volunteers, row.attendances, row.activities]


def report_csv(group_by: str, rows: Sequence[ReportRow], total: ReportRow) -> bytes:
    """The CSV's bytes: the BOM, the headers, a line per group and the total."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(headers(group_by))
    for row in [*rows, total]:
        writer.writerow([_csv_number(cell) for cell in cells(row)])
    return (BOM + buffer.getvalue()).encode()


def _csv_number(cell: str | float | int) -> str | int:
    if isinstance(cell, float):
        return f"{cell:.2f}"
    return cell


def report_xlsx(group_by: str, rows: Sequence[ReportRow], total: ReportRow) -> bytes:
    """The XLSX's bytes: one sheet, the header row bold, the figures as numbers."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(SHEET_TITLE)
    bold = Font(bold=True)
    header_cells = []
    for text in headers(group_by):
        cell = WriteOnlyCell(sheet, value=text)
        cell.font = bold
        header_cells.append(cell)
    sheet.append(header_cells)
    for row in [*rows, total]:
        sheet.append(cells(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
