"""Certificates of volunteer service: PDFs/s for a volunteer with 500 activities, against
reportlab alone setting the same lines.

Ours: `POST /volunteers/{id}/certificates` then `GET` of its PDF, through the Flask test client
on a SQLite file — counting the activities, numbering and signing under the writers' lock,
storing the event and its projection, reading the lines back, and the A4 PDF in Chinese with its
QR code. The reference, in the same run: reportlab alone (no service, no database) drawing the
same 500 lines — date, title, hours, organising unit — in the same CID font onto A4 pages of as
many lines each, with the same heading text. The ratio says what the service costs on top of
typesetting.
"""

from __future__ import annotations

import io
import os
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

from reportlab.lib.pagesizes import A4
from reportlab.pdfgen.canvas import Canvas

from association.auth import issue_token
from association.events import Envelope, default_registry
from bench.servers import BENCH_SECRETS
from support.apps import context_of, make_app
from support.tokens import SECRET
from teams.adapters.certificate_pdf import COLUMNS, FONT, MARGIN, ROW, page_plan
from teams.consumers import volunteer_handlers
from teams.definition import SERVICE
from teams.domain.events import ActivityScheduled, Attendance
from teams.domain.vocabularies import ActivityKind
from teams.service_layer.activities import complete_activity, schedule_activity

ACTIVITIES = 500
ROUNDS = 40
TITLE = "社区垃圾分类桶边督导"
UNIT = "江浦街道办事处"
WRITER = {"Authorization": f"Bearer {issue_token(SECRET, 'bench', ['teams:write'])}"}
READER = {"Authorization": f"Bearer {issue_token(SECRET, 'bench', ['volunteers:read'])}"}


def _sign_up(context, volunteer_id: uuid.UUID) -> None:  # type: ignore[no-untyped-def]
    payload = {
        "volunteer_id": str(volunteer_id),
        "name": "刘明珠",
        "phone": "13812345678",
        "email": None,
        "street": "江浦街道",
        "skills": [],
        "organisation_id": None,
        "registered_at": datetime.now(UTC).isoformat(),
        "source": "web",
        "id_verified": True,
        "minor": False,
        "id_number_masked": "3201**********002X",
    }
    envelope = default_registry().upcast(
        Envelope(
            event_type="VolunteerRegistered",
            aggregate_id=str(volunteer_id),
            aggregate_version=1,
            payload=payload,
            producer="registration",
            sequence=1,
            schema_version=2,
        )
    )
    handler = volunteer_handlers(context.store)[envelope.routing_key]
    with context.database.transaction() as session:
        handler(session, envelope)


def _serve(context, team_id: str, volunteer_id: uuid.UUID) -> None:  # type: ignore[no-untyped-def]
    """500 completed activities of the team, an hour apart, each crediting the volunteer."""
    now = datetime.now(UTC)
    with context.database.transaction() as session:
        for n in range(ACTIVITIES):
            starts = now - timedelta(hours=3, minutes=5 * n)  # all recorded on time
            plan = ActivityScheduled(
                uuid.uuid4(),
                uuid.UUID(team_id),
                f"{TITLE}{n + 1}",
                ActivityKind.WASTE_SORTING,
                "江浦街道",
                starts,
                starts + timedelta(hours=2),
                "督导居民分类投放",
                UNIT,
                "王队长",
                now,
            )
            schedule_activity(session, context.store, plan)
            complete_activity(
                session,
                context.store,
                plan.activity_id,
                [Attendance(volunteer_id, Decimal("1.5"))],
                now,
            )


def _ours(database_url: str, rounds: int) -> tuple[float, int]:
    """Certificates issued and printed per second, and the size of one PDF."""
    app = make_app(SERVICE, database_url, amqp_url="amqp://127.0.0.1:1/%2F")
    context = context_of(app)
    try:
        client = app.test_client()
        volunteer_id = uuid.uuid4()
        _sign_up(context, volunteer_id)
        team = client.post(
            "/teams", json={"name": "垃圾分类督导队", "kind": "community"}, headers=WRITER
        )
        team_id = team.get_json()["team_id"]
        client.post(
            f"/teams/{team_id}/members", json={"volunteer_id": str(volunteer_id)}, headers=WRITER
        )
        _serve(context, team_id, volunteer_id)
        size = 0
        started = time.perf_counter()
        for _ in range(rounds):
            issued = client.post(
                f"/volunteers/{volunteer_id}/certificates", json={}, headers=WRITER
            )
            if issued.status_code != 201:
                raise RuntimeError(f"issuing answered {issued.status_code}: {issued.get_json()}")
            body = issued.get_json()
            if body["activity_count"] != ACTIVITIES:
                raise RuntimeError(f"the certificate counts {body['activity_count']} activities")
            pdf = client.get(body["pdf_url"].removeprefix("http://localhost"), headers=READER)
            if pdf.status_code != 200 or not pdf.data.startswith(b"%PDF"):
                raise RuntimeError(f"the PDF answered {pdf.status_code}")
            size = len(pdf.data)
        return rounds / (time.perf_counter() - started), size
    finally:
        context.database.dispose()


def _reference_pdf() -> bytes:
    """reportlab alone: the same lines, font and pages, nothing around them."""
    lines = [
        (
            (datetime(2026, 12, 5) - timedelta(hours=n)).date().isoformat(),
            f"{TITLE}{n + 1}",
            "1.50",
            UNIT,
        )
        for n in range(ACTIVITIES)
    ]
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=A4, pageCompression=1)
    width, height = A4
    remaining = iter(lines)
    for page, count in enumerate(page_plan(len(lines)), start=1):
        y = height - MARGIN - 8 * ROW
        if page == 1:
            canvas.setFont(FONT, 26)
            canvas.drawCentredString(width / 2, height - MARGIN - 40, "志愿服务证明")
        canvas.setFont(FONT, 9)
        for cells in [("日期", "活动名称", "服务时长", "组织单位")] + [
            next(remaining) for _ in range(count)
        ]:
            canvas.line(MARGIN, y, width - MARGIN, y)
            for (left, _width), cell in zip(COLUMNS, cells, strict=True):
                canvas.drawString(left + 4, y - ROW + 6, cell)
            y -= ROW
        canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def _reference(rounds: int) -> float:
    started = time.perf_counter()
    for _ in range(rounds):
        _reference_pdf()
    return rounds / (time.perf_counter() - started)


def run(_amqp_url: str, _postgres_url: str | None, rounds: int = ROUNDS) -> list[dict]:
    """One row: certificate PDFs/s through the service against reportlab alone."""
    os.environ.setdefault("CERTIFICATE_SIGNING_KEY", BENCH_SECRETS["CERTIFICATE_SIGNING_KEY"])
    with tempfile.TemporaryDirectory(prefix="bench-certificates-") as directory:
        ours, size = _ours(f"sqlite:///{Path(directory) / 'teams.db'}", rounds)
    reference = _reference(rounds)
    return [
        {
            "benchmark": f"certificate PDF of {ACTIVITIES} activities (SQLite)",
            "ours": f"{ours:,.2f} PDFs/s (POST the certificate + GET its PDF, {size // 1024} KiB)",
            "reference": f"{reference:,.2f} PDFs/s, reportlab alone setting the same lines",
            "ratio": ours / reference,
            "target": None,
            "note": f"in-process test client, one thread, {rounds} certificates each; "
            f"{len(page_plan(ACTIVITIES))} A4 pages, STSong-Light, QR code",
        }
    ]
