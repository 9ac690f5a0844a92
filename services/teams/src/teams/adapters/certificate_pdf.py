"""A certificate of volunteer service (志愿服务证明) as an A4 PDF, in Chinese.

The text is set in reportlab's built-in CID font STSong-Light (Adobe's Song, which PDF readers
supply: no font file is embedded). Page 1 holds the title, the statement, the number and a QR
code of the verification URL; the activities follow in a table that continues on further pages,
and the issuer and the issue date close the last page. Every page is footed with the number and
its page count.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import segno
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen.canvas import Canvas

from teams.adapters.certificates import CertifiedLine

FONT = "STSong-Light"
pdfmetrics.registerFont(UnicodeCIDFont(FONT))

WIDTH, HEIGHT = A4
MARGIN = 20 * mm
ROW = 6.5 * mm
TABLE_FONT_SIZE = 9
# Table columns: left edge and width of date, title, hours and organising unit.
COLUMNS = (
    (MARGIN, 24 * mm),
    (MARGIN + 24 * mm, 74 * mm),
    (MARGIN + 98 * mm, 22 * mm),
    (MARGIN + 120 * mm, WIDTH - 2 * MARGIN - 120 * mm),
)
HEADINGS = ("日期", "活动名称", "服务时长", "组织单位")
# Where the table starts on page 1 (below the statement) and on later pages.
FIRST_TABLE_TOP = HEIGHT - 108 * mm
LATER_TABLE_TOP = HEIGHT - MARGIN - 8 * mm
TABLE_BOTTOM = MARGIN + 14 * mm
CLOSING_HEIGHT = 30 * mm


@dataclass(frozen=True)
class CertificateDocument:
    """Everything a certificate's PDF prints."""

    number: str
    name: str
    id_number_masked: str | None
    period_from: date | None
    period_to: date | None
    first_day: date | None
    total_hours: Decimal
    activity_count: int
    lines: tuple[CertifiedLine, ...]
    issuer: str
    issued_on: date
    verification_url: str


def _rows_fitting(top: float, bottom: float) -> int:
    return int((top - bottom) // ROW) - 1  # one row for the headings


def page_plan(line_count: int) -> list[int]:
    """How many activity lines each page holds; the closing block needs room on the last."""
    plan, left = [], line_count
    capacity = _rows_fitting(FIRST_TABLE_TOP, TABLE_BOTTOM)
    while True:
        if left <= capacity:
            plan.append(left)
            room = (capacity - left) * ROW
            if room < CLOSING_HEIGHT:
                plan.append(0)
            return plan
        plan.append(capacity)
        left -= capacity
        capacity = _rows_fitting(LATER_TABLE_TOP, TABLE_BOTTOM)


def fitted(text: str, width: float, size: float) -> str:
    """`text` cut (with an ellipsis) to fit `width` at `size` points."""
    if pdfmetrics.stringWidth(text, FONT, size) <= width:
        return text
    while text and pdfmetrics.stringWidth(text + "…", FONT, size) > width:
        text = text[:-1]
    return text + "…"


def _day(value: date) -> str:
    return f"{value.year}年{value.month}月{value.day}日"


def _period(document: CertificateDocument) -> str:
    start = document.period_from or document.first_day
    end = document.period_to or document.issued_on
    return f"{_day(start) if start else '—'}至{_day(end)}"


def _hours(value: Decimal) -> str:
    return format(value, "f")


def render_certificate(document: CertificateDocument) -> bytes:
    """The PDF of the certificate."""
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=A4, pageCompression=1)
    canvas.setTitle(f"志愿服务证明 {document.number}")
    canvas.setAuthor(document.issuer)
    plan = page_plan(len(document.lines))
    lines = iter(document.lines)
    for page, count in enumerate(plan, start=1):
        if page == 1:
            _first_page_head(canvas, document)
            top = FIRST_TABLE_TOP
        else:
            top = LATER_TABLE_TOP
        if count:
            _table(canvas, top, [next(lines) for _ in range(count)])
        if page == len(plan):
            _closing(canvas, document, top - (count + 1) * ROW if count else top)
        _footer(canvas, document, page, len(plan))
        canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def _first_page_head(canvas: Canvas, document: CertificateDocument) -> None:
    canvas.setFont(FONT, 26)
    canvas.drawCentredString(WIDTH / 2, HEIGHT - MARGIN - 14 * mm, "志愿服务证明")
    canvas.setFont(FONT, 10)
    canvas.drawString(MARGIN, HEIGHT - MARGIN - 26 * mm, f"证明编号：{document.number}")
    _qr(canvas, document.verification_url, WIDTH - MARGIN - 32 * mm, HEIGHT - MARGIN - 36 * mm)
    canvas.setFont(FONT, 8)
    canvas.drawCentredString(WIDTH - MARGIN - 16 * mm, HEIGHT - MARGIN - 40 * mm, "扫码核验")
    text = canvas.beginText(MARGIN, HEIGHT - MARGIN - 50 * mm)
    text.setFont(FONT, 12)
    text.setLeading(20)
    text.textLine(f"姓名：{document.name}")
    if document.id_number_masked:
        text.textLine(f"身份证号：{document.id_number_masked}")
    text.textLine(f"服务期间：{_period(document)}")
    text.textLine(f"服务时长：{_hours(document.total_hours)} 小时（下表各项时长单位均为小时）")
    text.textLine(
        f"兹证明该志愿者在上述期间参加志愿服务活动 {document.activity_count} 次，"
        f"累计志愿服务时长 {_hours(document.total_hours)} 小时。"
    )
    canvas.drawText(text)


def _qr(canvas: Canvas, url: str, x: float, y: float, size: float = 32 * mm) -> None:
    """The QR code of `url` as vector squares, `size` wide with its quiet zone, lower left at
    (x, y)."""
    code = segno.make(url, error="m", micro=False)
    matrix = list(code.matrix_iter(scale=1, border=4))
    module = size / len(matrix)
    canvas.setFillColorRGB(0, 0, 0)
    path = canvas.beginPath()
    for row_index, row in enumerate(matrix):
        for column_index, dark in enumerate(row):
            if dark:
                path.rect(
                    x + column_index * module,
                    y + size - (row_index + 1) * module,
                    module,
                    module,
                )
    canvas.drawPath(path, stroke=0, fill=1)


def _table(canvas: Canvas, top: float, lines: list[CertifiedLine]) -> None:
    canvas.setFont(FONT, TABLE_FONT_SIZE)
    canvas.setLineWidth(0.4)
    y = top
    cells_of = [HEADINGS] + [
        (
            line.day.isoformat(),
            line.title,
            _hours(line.hours),
            line.organising_unit,
        )
        for line in lines
    ]
    for cells in cells_of:
        canvas.line(MARGIN, y, WIDTH - MARGIN, y)
        for (left, width), cell in zip(COLUMNS, cells, strict=True):
            canvas.drawString(
                left + 1.5 * mm, y - ROW + 2 * mm, fitted(cell, width - 3 * mm, TABLE_FONT_SIZE)
            )
        y -= ROW
    canvas.line(MARGIN, y, WIDTH - MARGIN, y)


def _closing(canvas: Canvas, document: CertificateDocument, y: float) -> None:
    canvas.setFont(FONT, 12)
    canvas.drawRightString(WIDTH - MARGIN, y - 12 * mm, f"出具单位：{document.issuer}")
    canvas.drawRightString(WIDTH - MARGIN, y - 20 * mm, f"出具日期：{_day(document.issued_on)}")


def _footer(canvas: Canvas, document: CertificateDocument, page: int, pages: int) -> None:
    canvas.setFont(FONT, 8)
    canvas.drawCentredString(
        WIDTH / 2, MARGIN - 6 * mm, f"证明编号 {document.number}　第 {page} 页 共 {pages} 页"
    )
