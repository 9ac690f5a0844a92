"""The Organisation aggregate: a member unit of the association."""

from __future__ import annotations

from datetime import datetime

from registration.domain.events import OrganisationJoined


def join(organisation_id: str, name: str, kind: str, now: datetime) -> OrganisationJoined:
    """The OrganisationJoined event of a new member unit."""
    return OrganisationJoined(organisation_id, name, kind, now)
