"""Request and response schemas of the certificates of volunteer service."""

from __future__ import annotations

from marshmallow import Schema, fields


class CertificateIn(Schema):
    """The period to certify (China dates, both ends included); either end may be left open."""

    period_from = fields.Date(
        data_key="from",
        load_default=None,
        allow_none=True,
        metadata={"description": "first day; none: from the first activity"},
    )
    period_to = fields.Date(
        data_key="to",
        load_default=None,
        allow_none=True,
        metadata={"description": "last day; none: until the issue"},
    )


class CertificateOut(Schema):
    """A certificate as its volunteer sees it, with where to verify it and get its PDF."""

    number = fields.String(required=True, metadata={"example": "ZYZM-2026-000001"})
    issued_at = fields.DateTime(required=True)
    total_hours = fields.Decimal(as_string=True, required=True)
    activity_count = fields.Integer(required=True)
    period_from = fields.Date(required=True, allow_none=True)
    period_to = fields.Date(required=True, allow_none=True)
    verification_url = fields.String(required=True, metadata={"format": "uri"})
    pdf_url = fields.String(required=True, metadata={"format": "uri"})


class PeriodOut(Schema):
    """The days certified (China dates, `YYYY-MM-DD`); null: open at that end."""

    start = fields.String(
        attribute="from",
        data_key="from",
        required=True,
        allow_none=True,
        metadata={"format": "date"},
    )
    end = fields.String(
        attribute="to", data_key="to", required=True, allow_none=True, metadata={"format": "date"}
    )


class VerificationOut(Schema):
    """What a certificate states, and its signature over the canonical bytes of every field but
    `valid` and `signature` (see the service's README)."""

    valid = fields.Boolean(required=True)
    number = fields.String(required=True)
    name = fields.String(required=True, metadata={"description": "masked, e.g. 刘*珠"})
    total_hours = fields.String(required=True, metadata={"description": "two decimals"})
    activity_count = fields.Integer(required=True)
    period = fields.Nested(PeriodOut, required=True)
    issued_at = fields.String(required=True, metadata={"format": "date-time"})
    issuer = fields.String(required=True)
    signature = fields.String(required=True, metadata={"description": "base64 Ed25519"})
