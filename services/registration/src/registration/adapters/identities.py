"""Keyed hashes of phones and ID numbers: one active volunteer each, without plain text stored."""

from __future__ import annotations

import hashlib
import hmac

from sqlalchemy import delete, insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from registration.adapters.tables import identities_table


class DuplicateIdentity(Exception):
    """Another active volunteer already holds this phone or ID number (`kind` says which)."""

    def __init__(self, kind: str) -> None:
        super().__init__(f"{kind} already registered")
        self.kind = kind


class IdentityIndex:
    """Claims and releases (kind, HMAC digest) pairs; the primary key makes claims exclusive."""

    def __init__(self, secret: bytes) -> None:
        self.secret = secret

    def digest(self, kind: str, value: str) -> str:
        return hmac.new(self.secret, f"{kind}:{value}".encode(), hashlib.sha256).hexdigest()

    def claim(self, session: Session, volunteer_id: str, values: dict[str, str]) -> None:
        """Record that `volunteer_id` holds these {kind: value}; DuplicateIdentity names a kind
        someone else holds."""
        if not values:
            return
        digests = {kind: self.digest(kind, value) for kind, value in values.items()}
        try:
            with session.begin_nested():
                session.execute(
                    insert(identities_table),
                    [
                        {"kind": kind, "digest": digest, "volunteer_id": volunteer_id}
                        for kind, digest in digests.items()
                    ],
                )
        except IntegrityError as error:
            raise DuplicateIdentity(self._taken(session, digests)) from error

    @staticmethod
    def _taken(session: Session, digests: dict[str, str]) -> str:
        """Which of the claimed kinds is held already (the first, in the order given)."""
        for kind, digest in digests.items():
            held = session.execute(
                select(identities_table.c.kind).where(
                    identities_table.c.kind == kind, identities_table.c.digest == digest
                )
            ).first()
            if held is not None:
                return kind
        return next(iter(digests))

    def release(self, session: Session, volunteer_id: str, kind: str | None = None) -> None:
        query = delete(identities_table).where(identities_table.c.volunteer_id == volunteer_id)
        if kind is not None:
            query = query.where(identities_table.c.kind == kind)
        session.execute(query)
