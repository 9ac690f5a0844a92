"""Keyed hashes of phones and ID numbers: one active volunteer each, without plain text stored."""

from __future__ import annotations

import hashlib
import hmac

from sqlalchemy import delete
from sqlalchemy.orm import Session

from association.statements import inserted
from registration.adapters.tables import identities_table
from registration.domain.errors import DuplicateIdentity


class IdentityIndex:
    """Claims and releases (kind, HMAC digest) pairs; the primary key makes claims exclusive."""

    def __init__(self, secret: bytes) -> None:
        self.secret = secret

    def digest(self, kind: str, value: str) -> str:
        return hmac.new(self.secret, f"{kind}:{value}".encode(), hashlib.sha256).hexdigest()

    def claim(self, session: Session, volunteer_id: str, values: dict[str, str]) -> None:
        """Record that `volunteer_id` holds these {kind: value}; DuplicateIdentity names a kind
        someone else holds (the first, in the order given). The caller's transaction must then
        roll back: the other kinds of the claim may have been recorded."""
        if not values:
            return
        rows = [
            {"kind": kind, "digest": self.digest(kind, value), "volunteer_id": volunteer_id}
            for kind, value in values.items()
        ]
        claimed = set(inserted(session, identities_table, rows, ("kind", "digest"), "kind"))
        for kind in values:
            if kind not in claimed:
                raise DuplicateIdentity(kind)

    def release(self, session: Session, volunteer_id: str, kind: str | None = None) -> None:
        query = delete(identities_table).where(identities_table.c.volunteer_id == volunteer_id)
        if kind is not None:
            query = query.where(identities_table.c.kind == kind)
        session.execute(query)
