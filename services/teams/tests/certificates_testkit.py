"""Helpers of the certificate tests: volunteers as registration's version 2 describes them, many
completed activities at once, and what a certificate's PDF shows."""

from __future__ import annotations

import io
import uuid
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pypdfium2
import zxingcpp
from pdfminer.high_level import extract_text
from PIL import Image

from association.events import Envelope, default_registry
from teams.domain.events import ActivityScheduled, Attendance
from teams.domain.vocabularies import ActivityKind
from teams.service_layer.activities import complete_activity, schedule_activity
from teams_testkit import Kit

REGISTRY = default_registry()
MASKED_ID = "3201**********123X"


def registered_v2(
    volunteer_id: uuid.UUID,
    name: str = "刘玉珠",
    id_number_masked: str | None = MASKED_ID,
    minor: bool | None = False,
    organisation_id: str | None = None,
) -> Envelope:
    """A sign-up as registration's version 2 publishes it, validated against its schema."""
    payload = {
        "volunteer_id": str(volunteer_id),
        "name": name,
        "phone": "13812345678",
        "email": None,
        "street": "五一街道",
        "skills": ["first_aid"],
        "organisation_id": organisation_id,
        "registered_at": datetime.now(UTC).isoformat(),
        "source": "web",
        "id_verified": id_number_masked is not None,
        "minor": minor,
        "id_number_masked": id_number_masked,
    }
    envelope = Envelope(
        event_type="VolunteerRegistered",
        aggregate_id=str(volunteer_id),
        aggregate_version=1,
        payload=payload,
        producer="registration",
        sequence=1,
        schema_version=2,
    )
    return REGISTRY.upcast(envelope)


def credit_many(
    kit: Kit,
    team_id: str,
    volunteer_id: uuid.UUID,
    count: int,
    hours: str = "1.50",
    title: str = "社区垃圾分类桶边督导",
) -> None:
    """`count` completed activities of the team, each crediting the volunteer `hours`, started
    five minutes apart before now (so that all are recorded on time), written through the
    commands in one transaction."""
    now = datetime.now(UTC)
    store = kit.context.store
    with kit.context.database.transaction() as session:
        for n in range(count):
            starts = now - timedelta(hours=3, minutes=5 * n)
            plan = ActivityScheduled(
                activity_id=uuid.uuid4(),
                team_id=uuid.UUID(team_id),
                title=f"{title}{n + 1}",
                kind=ActivityKind.WASTE_SORTING,
                location="五一街道",
                starts_at=starts,
                ends_at=starts + timedelta(hours=2),
                content="督导居民分类投放",
                organising_unit="五一街道办事处",
                person_in_charge="王队长",
                scheduled_at=now,
            )
            schedule_activity(session, store, plan)
            complete_activity(
                session, store, plan.activity_id, [Attendance(volunteer_id, Decimal(hours))], now
            )


def pdf_text(pdf: bytes) -> str:
    """The text of every page of a PDF, as pdfminer.six extracts it."""
    return extract_text(io.BytesIO(pdf))


def page_count(pdf: bytes) -> int:
    return len(pypdfium2.PdfDocument(pdf))


def first_page_image(pdf: bytes, scale: float = 3) -> Image.Image:
    """Page 1 rendered by pdfium (PDFium renders STSong-Light with the system's Chinese font)."""
    document = pypdfium2.PdfDocument(pdf)
    return document[0].render(scale=scale).to_pil().convert("RGB")


def qr_texts(image: Image.Image) -> list[str]:
    """The texts of the QR codes in the image."""
    return [found.text for found in zxingcpp.read_barcodes(image)]


def is_blank(image: Image.Image) -> bool:
    """Whether the image is one colour."""
    low, high = image.convert("L").getextrema()
    return low == high


def dark_share(image: Image.Image) -> float:
    """The share of pixels darker than mid-grey."""
    grey = image.convert("L")
    histogram = grey.histogram()
    return sum(histogram[:128]) / (grey.width * grey.height)
