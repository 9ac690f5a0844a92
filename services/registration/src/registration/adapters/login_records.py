"""The stored side of logins: one-time codes (their keyed hashes) and refresh tokens."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from association.statements import insert_new_returning
from registration.adapters.tables import login_codes_table, refresh_tokens_table

_c = login_codes_table.c
_r = refresh_tokens_table.c
LIVE, SPENT, REVOKED = "live", "spent", "revoked"


def claim_code_slot(
    session: Session,
    audience: str,
    phone_digest: str,
    fields: dict[str, Any],
    free_before: datetime,
) -> bool:
    """Store a new code for the phone unless one was asked for after `free_before` (False)."""
    row = {"audience": audience, "phone_digest": phone_digest, **fields}
    if insert_new_returning(
        session, login_codes_table, row, ("audience", "phone_digest"), "audience"
    ):
        return True
    replaced = session.execute(
        update(login_codes_table)
        .where(
            _c.audience == audience,
            _c.phone_digest == phone_digest,
            _c.requested_at <= free_before,
        )
        .values(**fields)
    )
    return replaced.rowcount == 1


def requested_at(session: Session, audience: str, phone_digest: str) -> datetime | None:
    return session.execute(
        select(_c.requested_at).where(_c.audience == audience, _c.phone_digest == phone_digest)
    ).scalar_one_or_none()


@dataclass(frozen=True)
class StoredCode:
    code_digest: str | None
    tries: int
    expires_at: datetime


def stored_code(session: Session, audience: str, phone_digest: str) -> StoredCode | None:
    row = session.execute(
        select(_c.code_digest, _c.tries, _c.expires_at).where(
            _c.audience == audience, _c.phone_digest == phone_digest
        )
    ).first()
    return StoredCode(row.code_digest, row.tries, row.expires_at) if row else None


def count_wrong_try(session: Session, audience: str, phone_digest: str, max_tries: int) -> None:
    session.execute(
        update(login_codes_table)
        .where(_c.audience == audience, _c.phone_digest == phone_digest, _c.tries < max_tries)
        .values(tries=_c.tries + 1)
    )


def use_code(
    session: Session, audience: str, phone_digest: str, code_digest: str, max_tries: int
) -> bool:
    """Spend the code (once: a second use of the same code finds it gone); False when it was
    spent, or ran out of tries, meanwhile."""
    used = session.execute(
        update(login_codes_table)
        .where(
            _c.audience == audience,
            _c.phone_digest == phone_digest,
            _c.code_digest == code_digest,
            _c.tries < max_tries,
        )
        .values(code_digest=None)
    )
    return used.rowcount == 1


@dataclass(frozen=True)
class StoredRefresh:
    sid: str
    sub: str
    role: str
    org: str | None
    state: str
    expires_at: datetime


def add_refresh_token(
    session: Session, token_digest: str, login: StoredRefresh, now: datetime
) -> None:
    session.execute(
        refresh_tokens_table.insert().values(
            token_digest=token_digest,
            sid=login.sid,
            sub=login.sub,
            role=login.role,
            org=login.org,
            state=LIVE,
            issued_at=now,
            expires_at=login.expires_at,
        )
    )


def refresh_token(session: Session, token_digest: str) -> StoredRefresh | None:
    row = session.execute(
        select(_r.sid, _r.sub, _r.role, _r.org, _r.state, _r.expires_at).where(
            _r.token_digest == token_digest
        )
    ).first()
    return StoredRefresh(**row._mapping) if row else None


def spend(session: Session, token_digest: str) -> bool:
    """Mark a live refresh token spent; False when it was not live any more."""
    spent = session.execute(
        update(refresh_tokens_table)
        .where(_r.token_digest == token_digest, _r.state == LIVE)
        .values(state=SPENT)
    )
    return spent.rowcount == 1


def revoke_login(session: Session, sid: str) -> None:
    """Revoke every refresh token of the login `sid`."""
    session.execute(update(refresh_tokens_table).where(_r.sid == sid).values(state=REVOKED))


def revoke_person(session: Session, sub: str) -> None:
    """Revoke every refresh token of the person `sub` (staff removed, volunteer withdrawn)."""
    session.execute(update(refresh_tokens_table).where(_r.sub == sub).values(state=REVOKED))


def forget_expired(session: Session, now: datetime) -> None:
    """Delete refresh tokens past their lifetime (every new login does: an indexed range)."""
    session.execute(delete(refresh_tokens_table).where(_r.expires_at < now))
