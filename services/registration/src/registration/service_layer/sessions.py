"""Logging in by phone and one-time code, refreshing and ending a login.

Each use case runs in a transaction of its own, not the request's: a wrong code's try and a reused
refresh token's revocation must be written although the answer is a refusal. A code goes to
notifications as a transient command, published before the transaction commits: when the broker
does not take it, nothing is stored and the caller is told (`CommandNotSent`). A phone nobody holds
gets the same treatment, its command routed nowhere, so the answer tells nothing.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Protocol

from sqlalchemy import select
from sqlalchemy.orm import Session

from association.auth.tokens import ROLE_SCOPES, VOLUNTEER, issue_token
from association.db import Database
from association.messaging.commands import DISCARDED, LOGIN_CODE
from registration.adapters import login_records as records
from registration.adapters.identities import IdentityIndex
from registration.adapters.staff_records import staff_by_phone, staff_exists
from registration.adapters.tables import identities_table
from registration.domain.logins import (
    ACCESS_TOKEN_SECONDS,
    CODE_LIFETIME,
    MAX_WRONG_TRIES,
    REFRESH_LIFETIME,
    RESEND_AFTER,
    STAFF_AUDIENCE,
    CodeHasher,
    LoginRefused,
    TooSoon,
    new_code,
    new_refresh_token,
    refresh_digest,
)

STAFF_PHONE = "staff_phone"


class Publisher(Protocol):
    """Hands a command to the broker or raises (`association.messaging.commands`)."""

    def publish(self, routing_key: str, command: dict[str, Any]) -> None: ...


@dataclass(frozen=True)
class Holder:
    """Who holds a phone, as a login sees them."""

    sub: str
    role: str
    org: str | None = None


@dataclass(frozen=True)
class TokenPair:
    access_token: str
    refresh_token: str
    expires_in: int

    def answer(self) -> dict[str, Any]:
        return {
            "access_token": self.access_token,
            "refresh_token": self.refresh_token,
            "token_type": "Bearer",
            "expires_in": self.expires_in,
        }


def utcnow() -> datetime:
    return datetime.now(UTC)


@dataclass
class Logins:
    """The login use cases on `database`, sending codes through `publisher`."""

    database: Database
    identities: IdentityIndex
    codes: CodeHasher
    publisher: Publisher
    auth_secret: str
    clock: Callable[[], datetime] = utcnow

    def staff_phone_digest(self, phone: str) -> str:
        return self.identities.digest(STAFF_PHONE, phone)

    def request_code(self, phone: str, audience: str) -> None:
        """Make a code for the phone and send it (if anyone holds the phone); TooSoon within a
        minute of the last one, CommandNotSent when the broker does not take it."""
        now = self.clock()
        code = new_code()
        phone_digest = self._login_digest(phone)
        fields = {
            "code_digest": self.codes.digest(audience, phone_digest, code),
            "tries": 0,
            "requested_at": now,
            "expires_at": now + CODE_LIFETIME,
        }
        with self.database.transaction() as session:
            holder = self._holder(session, phone, audience)
            if not records.claim_code_slot(
                session, audience, phone_digest, fields, now - RESEND_AFTER
            ):
                last = records.requested_at(session, audience, phone_digest) or now
                wait = (last + RESEND_AFTER - now).total_seconds()
                raise TooSoon(max(1, int(wait) + 1))
            command = {
                "phone": f"+86{phone}",
                "code": code,
                "expires_at": fields["expires_at"].isoformat(),
                "volunteer_id": holder.sub if holder and holder.role == VOLUNTEER else None,
            }
            self.publisher.publish(LOGIN_CODE if holder else DISCARDED, command)

    def log_in(self, phone: str, code: str, audience: str) -> TokenPair:
        """The tokens of a new login for the right code; LoginRefused for any other."""
        now = self.clock()
        phone_digest = self._login_digest(phone)
        presented = self.codes.digest(audience, phone_digest, code)
        with self.database.transaction() as session:
            stored = records.stored_code(session, audience, phone_digest)
            usable = (
                stored is not None
                and stored.code_digest is not None
                and stored.expires_at > now
                and stored.tries < MAX_WRONG_TRIES
            )
            right = usable and self.codes.matches(stored.code_digest, presented)  # type: ignore[union-attr]
            if usable and not right:
                records.count_wrong_try(session, audience, phone_digest, MAX_WRONG_TRIES)
            holder = self._holder(session, phone, audience) if right else None
            if holder is None or not records.use_code(
                session, audience, phone_digest, presented, MAX_WRONG_TRIES
            ):
                holder = None
            else:
                records.forget_expired(session, now)
                pair = self._issue(session, holder, str(uuid.uuid4()), now)
        if holder is None:
            raise LoginRefused()
        return pair

    def refresh(self, token: str) -> TokenPair:
        """A new pair for a live refresh token, which is spent; a spent one presented again
        revokes its whole login. LoginRefused for anything but a live token."""
        now = self.clock()
        digest = refresh_digest(token)
        pair: TokenPair | None = None
        with self.database.transaction() as session:
            stored = records.refresh_token(session, digest)
            if stored is None or stored.state == records.REVOKED or stored.expires_at <= now:
                pass
            elif stored.state == records.SPENT or not records.spend(session, digest):
                records.revoke_login(session, stored.sid)
            elif stored.role != VOLUNTEER and not staff_exists(session, stored.sub):
                records.revoke_person(session, stored.sub)
            else:
                holder = Holder(stored.sub, stored.role, stored.org)
                pair = self._issue(session, holder, stored.sid, now)
        if pair is None:
            raise LoginRefused()
        return pair

    def log_out(self, sid: str) -> None:
        """End the login `sid`: its refresh tokens stop working."""
        with self.database.transaction() as session:
            records.revoke_login(session, sid)

    def _login_digest(self, phone: str) -> str:
        return self.identities.digest("login", phone)

    def _holder(self, session: Session, phone: str, audience: str) -> Holder | None:
        if audience == STAFF_AUDIENCE:
            staff = staff_by_phone(session, self.staff_phone_digest(phone))
            return Holder(staff.staff_id, staff.role, staff.organisation_id) if staff else None
        digest = self.identities.digest("phone", phone)
        volunteer_id = session.execute(
            select(identities_table.c.volunteer_id).where(
                identities_table.c.kind == "phone", identities_table.c.digest == digest
            )
        ).scalar_one_or_none()
        return Holder(volunteer_id, VOLUNTEER) if volunteer_id else None

    def _issue(self, session: Session, holder: Holder, sid: str, now: datetime) -> TokenPair:
        refresh = new_refresh_token()
        login = records.StoredRefresh(
            sid, holder.sub, holder.role, holder.org, records.LIVE, now + REFRESH_LIFETIME
        )
        records.add_refresh_token(session, refresh_digest(refresh), login, now)
        access = issue_token(
            self.auth_secret,
            holder.sub,
            ROLE_SCOPES[holder.role],
            ACCESS_TOKEN_SECONDS,
            role=holder.role,
            org=holder.org,
            sid=sid,
        )
        return TokenPair(access, refresh, ACCESS_TOKEN_SECONDS)
