"""Uploaded files of volunteers read into rows: CSV (UTF-8 with or without BOM, else GB18030, as
Excel saves on a Chinese Windows) or XLSX (its first sheet, read as it streams by openpyxl).

What cannot be read as such a file, or holds more than `MAX_ROWS` rows, is refused as a whole
(`RosterRefused`, naming the file); rows are numbered as a spreadsheet shows them (the header is
row 1) and blank rows are read past.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException

from registration.domain.errors import RosterRefused

MAX_ROWS = 20_000
MAX_COLUMNS = 64
# Past this many rows in all (blank ones included) a sheet is refused without reading on.
MAX_SHEET_ROWS = 5 * MAX_ROWS
XLSX_SIGNATURE = b"PK\x03\x04"
XLS_SIGNATURE = b"\xd0\xcf\x11\xe0"
CSV, XLSX = "csv", "xlsx"


@dataclass(frozen=True)
class RosterFile:
    """A file's format, its header row and its data rows as (row number, cells)."""

    file_format: str
    headers: list[Any]
    rows: list[tuple[int, list[Any]]]


def read_roster(content: bytes) -> RosterFile:
    """The rows of an uploaded CSV or XLSX file; RosterRefused says why it cannot be read."""
    if content.startswith(XLSX_SIGNATURE):
        return _rows_of(XLSX, _xlsx_rows(content))
    if content.startswith(XLS_SIGNATURE):
        raise RosterRefused(["XLS (Excel 97-2003) is not read: save the sheet as XLSX or CSV"])
    return _rows_of(CSV, _csv_rows(_decoded(content)))


def _decoded(content: bytes) -> str:
    if b"\x00" in content:
        raise RosterRefused(["not a CSV or XLSX file"])
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return content.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise RosterRefused(["not a CSV or XLSX file: the text is neither UTF-8 nor GB18030"])


def _csv_rows(text: str) -> Iterator[list[Any]]:
    first_line = text.partition("\n")[0]
    delimiter = "\t" if "\t" in first_line and "," not in first_line else ","
    try:
        yield from csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    except csv.Error as error:
        raise RosterRefused([f"not a readable CSV file: {error}"]) from None


def _xlsx_rows(content: bytes) -> Iterator[list[Any]]:
    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, ValueError):
        raise RosterRefused(["not a readable XLSX file"]) from None
    try:
        sheet = workbook.worksheets[0]
        for row in sheet.iter_rows(max_col=MAX_COLUMNS, values_only=True):
            yield list(row)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError):
        raise RosterRefused(["not a readable XLSX file"]) from None
    finally:
        workbook.close()


def _rows_of(file_format: str, rows: Iterable[Sequence[Any]]) -> RosterFile:
    headers: list[Any] | None = None
    data: list[tuple[int, list[Any]]] = []
    for number, row in enumerate(rows, start=1):
        if number > MAX_SHEET_ROWS:
            raise RosterRefused([f"more than {MAX_ROWS} rows: split the file"])
        cells = list(row[:MAX_COLUMNS])
        if all(_blank(cell) for cell in cells):
            continue
        if headers is None:
            headers = cells
            continue
        data.append((number, cells))
        if len(data) > MAX_ROWS:
            raise RosterRefused([f"more than {MAX_ROWS} rows: split the file"])
    if headers is None:
        raise RosterRefused(["the file is empty"])
    if not data:
        raise RosterRefused(["no rows under the header"])
    return RosterFile(file_format, headers, data)


def _blank(cell: Any) -> bool:
    return cell is None or (isinstance(cell, str) and not cell.strip())
