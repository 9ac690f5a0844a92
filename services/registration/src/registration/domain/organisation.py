"""The Organisation aggregate: a member unit of the association."""

from __future__ import annotations

from datetime import datetime

from association.events import Envelope, new_event


def join(organisation_id: str, name: str, kind: str, now: datetime) -> Envelope:
    """The OrganisationJoined event of a new member unit."""
    payload = {
        "organisation_id": organisation_id,
        "name": name,
        "kind": kind,
        "joined_at": now.isoformat(),
    }
    return new_event("OrganisationJoined", organisation_id, 1, payload)
