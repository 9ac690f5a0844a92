"""The list of volunteers as a spreadsheet: CSV (UTF-8 with BOM, so that Excel reads it as such)
or XLSX, Chinese headers, phones and e-mails masked, written page by page.

A cell a spreadsheet would take for a formula (starting with = + - @, a tab or a carriage return)
is written with a leading apostrophe, so that opening the file never runs what someone typed
into their name.
"""

from __future__ import annotations

import csv
import io
import tempfile
from collections.abc import Iterable, Iterator
from datetime import datetime, timedelta, timezone
from typing import Any

from openpyxl import Workbook

from registration.domain.identity import mask_email, mask_phone
from registration.domain.vocabularies import Vocabulary

CSV_TYPE = "text/csv; charset=utf-8"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
BOM = "\ufeff"
HEADERS = (
    "志愿者编号",
    "姓名",
    "手机号",
    "邮箱",
    "性别",
    "街道",
    "技能",
    "单位",
    "来源",
    "实名认证",
    "登记时间",
)
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
CHUNK_BYTES = 64 * 1024
_CHINA = timezone(timedelta(hours=8))
_GENDERS = {"male": "男", "female": "女"}
_SOURCES = {"web": "网上报名", "partner": "合作单位", "import": "批量导入"}


def inert(text: str) -> str:
    """`text` as a spreadsheet shows it without evaluating it."""
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


class ExportRows:
    """Volunteers (as the read model gives them) as rows of the export, in the headers' order."""

    def __init__(
        self, streets: Vocabulary, skills: Vocabulary, organisations: dict[str, str]
    ) -> None:
        self.streets, self.skills, self.organisations = streets, skills, organisations

    def row(self, volunteer: dict[str, Any]) -> list[str]:
        phone, email = volunteer.get("phone"), volunteer.get("email")
        registered = datetime.fromisoformat(volunteer["registered_at"]).astimezone(_CHINA)
        cells = [
            volunteer["volunteer_id"],
            volunteer.get("name") or "",
            mask_phone(phone) if phone else "",
            mask_email(email) if email else "",
            _GENDERS.get(volunteer.get("gender") or "", ""),
            self.streets.labels.get(volunteer.get("street") or "", volunteer.get("street") or ""),
            "、".join(self.skills.labels.get(s, s) for s in volunteer.get("skills") or []),
            self.organisations.get(volunteer.get("organisation_id") or "", ""),
            _SOURCES.get(volunteer["source"], volunteer["source"]),
            "是" if volunteer["id_verified"] else "否",
            registered.strftime("%Y-%m-%d %H:%M"),
        ]
        return [inert(cell) for cell in cells]


def csv_chunks(rows: Iterable[list[list[str]]]) -> Iterator[bytes]:
    """The CSV's bytes, the BOM and headers first, then a chunk per page of rows."""
    yield (BOM + _csv_lines([list(HEADERS)])).encode()
    for page in rows:
        yield _csv_lines(page).encode()


def _csv_lines(rows: list[list[str]]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    return buffer.getvalue()


def xlsx_chunks(rows: Iterable[list[list[str]]]) -> Iterator[bytes]:
    """The XLSX's bytes: the rows go to a temporary file as they come (openpyxl's write-only
    mode keeps none in memory), which is then read out in chunks and deleted."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("志愿者")
    sheet.append(list(HEADERS))
    for page in rows:
        for row in page:
            sheet.append(row)
    with tempfile.TemporaryFile() as file:
        workbook.save(file)
        file.seek(0)
        while chunk := file.read(CHUNK_BYTES):
            yield chunk
