"""Certificates of volunteer service (志愿服务证明): issued to a volunteer, listed, printed as a
PDF, and verified by anyone (a school) without an account."""

from __future__ import annotations

import functools
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote
from uuid import UUID

from flask import Response, request
from flask_smorest import Blueprint, abort

from association.access import current_reach
from association.auth import require_scope
from association.service import ServiceContext
from association.web import request_session
from teams.adapters.certificate_pdf import CertificateDocument, render_certificate
from teams.adapters.certificates import (
    certificate_by_number,
    certificates_of,
    certified_lines,
)
from teams.adapters.signing import CertificateSigner, signature_holds
from teams.api.certificate_schemas import (
    CertificateIn,
    CertificateOut,
    VerificationOut,
)
from teams.api.errors import answering_errors
from teams.api.routes import reachable_volunteer
from teams.config import TeamsSettings
from teams.domain.certificates import (
    CHINA_STANDARD_TIME,
    Period,
    Statement,
    parse_number,
)
from teams.service_layer.certificates import issue_certificate

_PDF_RESPONSE = {
    "description": "The certificate, A4, in Chinese",
    "content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}},
}
PEM_TYPE = "application/x-pem-file"
_PEM_RESPONSE = {
    "description": "The Ed25519 public key (SubjectPublicKeyInfo PEM)",
    "content": {PEM_TYPE: {"schema": {"type": "string"}}},
}


def certificates_blueprint(context: ServiceContext) -> Blueprint:
    """The certificate routes; the signing key, issuer and public base URL come from the service's
    settings."""
    blp = answering_errors(
        Blueprint("certificates", __name__, description="Certificates of volunteer service")
    )
    config: TeamsSettings = context.config

    @functools.cache
    def signer() -> CertificateSigner:
        """The key, read at the first certificate: the web process has refused to start without
        a valid one, and an app made only for its OpenAPI document needs none."""
        return CertificateSigner.from_text(config.certificate_signing_key)

    store, database = context.store, context.database

    def base_url() -> str:
        return config.public_base_url or request.host_url.rstrip("/")

    def links(volunteer_id: UUID | str, number: str) -> dict[str, str]:
        base = base_url()
        return {
            "verification_url": f"{base}/certificates/{quote(number)}/verification",
            "pdf_url": f"{base}{pdf_path(volunteer_id, number)}",
        }

    def listed(certificate: dict[str, Any]) -> dict[str, Any]:
        return certificate | links(certificate["volunteer_id"], certificate["number"])

    @blp.route("/volunteers/<uuid:volunteer_id>/certificates", methods=["POST"])
    @require_scope("teams:write", or_self=True)
    @blp.doc(parameters=["IDEMPOTENCY_KEY"])
    @blp.arguments(CertificateIn)
    @blp.response(201, CertificateOut)
    @blp.alt_response(
        404, description="The volunteer is not known here, has withdrawn, or is out of reach"
    )
    def issue(data: dict[str, Any], volunteer_id: UUID) -> tuple[dict[str, Any], int, dict]:
        """Issue a certificate of the volunteer's service hours (emits CertificateIssued).

        It counts the completed activities that credited them hours and started (China date) in
        the period; 422 naming `from` and `to` when the period ends before it starts or holds
        no hours. The volunteer themselves, a coordinator of their organisation or the office.
        """
        event = issue_certificate(
            request_session(),
            store,
            volunteer_id,
            Period(data["period_from"], data["period_to"]),
            datetime.now(UTC),
            config.association_name,
            signer().sign,
            current_reach(),
        )
        answer = {
            "number": event.number,
            "issued_at": event.issued_at,
            "total_hours": event.total_hours,
            "activity_count": event.activity_count,
            "period_from": event.period_from,
            "period_to": event.period_to,
        } | links(volunteer_id, event.number)
        return answer, 201, {"Location": pdf_path(volunteer_id, event.number)}

    @blp.route("/volunteers/<uuid:volunteer_id>/certificates", methods=["GET"])
    @require_scope("volunteers:read", or_self=True)
    @blp.response(200, CertificateOut(many=True))
    @blp.alt_response(404, description="The volunteer is not known here, or has withdrawn")
    def list_certificates(volunteer_id: UUID) -> list[dict[str, Any]]:
        """The volunteer's certificates, latest first."""
        with database.reader() as session:
            reachable_volunteer(session, volunteer_id)
            return [listed(certificate) for certificate in certificates_of(session, volunteer_id)]

    @blp.route("/volunteers/<uuid:volunteer_id>/certificates/<number>.pdf", methods=["GET"])
    @require_scope("volunteers:read", or_self=True)
    @blp.doc(responses={"200": _PDF_RESPONSE})
    @blp.alt_response(
        404,
        description="No such certificate of this volunteer, or the volunteer "
        "has withdrawn (their name is erased)",
    )
    def pdf(volunteer_id: UUID, number: str) -> Response:
        """The certificate as a PDF: full name, masked ID number, period, totals, each activity,
        issuer, issue date, number and a QR code of its verification URL."""
        with database.reader() as session:
            volunteer = reachable_volunteer(session, volunteer_id)
            certificate = certificate_by_number(session, number)
            if certificate is None or certificate["volunteer_id"] != str(volunteer_id):
                abort(404, message=f"no certificate {number} of volunteer {volunteer_id}")
            lines = tuple(certified_lines(session, certificate["activities"]))
        document = CertificateDocument(
            number=certificate["number"],
            name=volunteer.name or "",
            id_number_masked=volunteer.id_number_masked,
            period_from=certificate["period_from"],
            period_to=certificate["period_to"],
            first_day=lines[0].day if lines else None,
            total_hours=certificate["total_hours"],
            activity_count=certificate["activity_count"],
            lines=lines,
            issuer=certificate["issuer"],
            issued_on=certificate["issued_at"].astimezone(CHINA_STANDARD_TIME).date(),
            verification_url=links(volunteer_id, number)["verification_url"],
        )
        return Response(
            render_certificate(document),
            content_type="application/pdf",
            headers={"Content-Disposition": f"inline; filename={certificate['number']}.pdf"},
        )

    @blp.route("/certificates/<number>/verification", methods=["GET"])
    @blp.doc(security=[])
    @blp.response(200, VerificationOut)
    @blp.alt_response(404, description="No certificate has this number")
    def verify(number: str) -> dict[str, Any]:
        """What the certificate with this number states, signed (public: no token).

        Stays answerable after the volunteer withdraws (the name is only ever kept masked)."""
        certificate = None
        if parse_number(number) is not None:
            with database.reader() as session:
                certificate = certificate_by_number(session, number)
        if certificate is None:
            abort(404, message="no certificate has this number")
        statement = Statement(
            certificate["number"],
            certificate["name_masked"],
            certificate["total_hours"],
            certificate["activity_count"],
            Period(certificate["period_from"], certificate["period_to"]),
            certificate["issued_at"],
            certificate["issuer"],
        )
        valid = signature_holds(
            signer().public_key, statement.canonical(), certificate["signature"]
        )
        return {"valid": valid, **statement.fields(), "signature": certificate["signature"]}

    @blp.route("/certificates/public-key", methods=["GET"])
    @blp.doc(security=[], responses={"200": _PEM_RESPONSE})
    def public_key() -> Response:
        """The public key that checks the certificates' signatures, as PEM (public)."""
        return Response(signer().public_key_pem(), content_type=PEM_TYPE)

    return blp


def pdf_path(volunteer_id: UUID | str, number: str) -> str:
    """Where a certificate's PDF is served."""
    return f"/volunteers/{volunteer_id}/certificates/{quote(number)}.pdf"
