"""The certificate's PDF from fixed sample data: page 1 is not blank, its QR code reads back.

With `UPDATE_DOC_IMAGES=1` the test also writes page 1 to docs/images/certificate.png, the
picture the top-level README shows."""

from __future__ import annotations

import os
from datetime import date
from decimal import Decimal
from pathlib import Path

from certificates_testkit import (
    dark_share,
    first_page_image,
    is_blank,
    page_count,
    pdf_text,
    qr_texts,
)

from teams.adapters.certificate_pdf import CertificateDocument, page_plan, render_certificate
from teams.adapters.certificates import CertifiedLine

ROOT = Path(__file__).resolve().parents[4]
DOC_IMAGE = ROOT / "docs" / "images" / "certificate.png"

SAMPLE_LINES = (
    CertifiedLine(
        date(2026, 3, 5), "学雷锋日社区义诊", Decimal("3.00"), "江浦街道社区卫生服务中心"
    ),
    CertifiedLine(
        date(2026, 4, 12), "早高峰文明交通劝导", Decimal("2.50"), "浦口区城市治理志愿者协会"
    ),
    CertifiedLine(date(2026, 5, 20), "滨江巡河护江", Decimal("4.00"), "浦口区河长制办公室"),
    CertifiedLine(date(2026, 7, 8), "垃圾分类桶边督导", Decimal("1.50"), "江浦街道办事处"),
    CertifiedLine(date(2026, 9, 1), "开学护学岗", Decimal("2.00"), "浦口区教育局"),
)
SAMPLE = CertificateDocument(
    number="ZYZM-2026-000128",
    name="刘明珠",
    id_number_masked="3201**********002X",
    period_from=date(2026, 1, 1),
    period_to=date(2026, 11, 30),
    first_day=SAMPLE_LINES[0].day,
    total_hours=Decimal("13.00"),
    activity_count=len(SAMPLE_LINES),
    lines=SAMPLE_LINES,
    issuer="城市治理志愿者协会",
    issued_on=date(2026, 12, 5),
    verification_url="https://teams.example.org/certificates/ZYZM-2026-000128/verification",
)


def test_page_one_of_the_sample_is_drawn_and_its_qr_code_reads_back() -> None:
    pdf = render_certificate(SAMPLE)

    page = first_page_image(pdf, scale=2)
    assert not is_blank(page)
    assert 0.005 < dark_share(page) < 0.5  # text, table lines and the QR code, on white
    assert qr_texts(page) == [SAMPLE.verification_url]
    text = pdf_text(pdf)
    for shown in ("志愿服务证明", "刘明珠", "3201**********002X", "13.00", "ZYZM-2026-000128"):
        assert shown in text
    assert "2026年1月1日至2026年11月30日" in text
    assert page_count(pdf) == 1
    if os.environ.get("UPDATE_DOC_IMAGES") == "1":
        DOC_IMAGE.parent.mkdir(parents=True, exist_ok=True)
        page.save(DOC_IMAGE, optimize=True)


def test_the_page_plan_leaves_room_for_the_closing_and_loses_no_line() -> None:
    for count in (0, 1, 20, 21, 22, 23, 60, 500):
        plan = page_plan(count)
        assert sum(plan) == count
        assert all(rows >= 0 for rows in plan)
