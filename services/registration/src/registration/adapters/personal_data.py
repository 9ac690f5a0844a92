"""Crypto-shredding: personal fields are encrypted (AES-256-GCM) under a per-volunteer key.

Stored events keep their other fields in clear and the personal ones in `sealed`; the projection
keeps its personal columns the same way. Destroying the key (withdrawal) leaves nothing of the
person readable anywhere in the database.
"""

from __future__ import annotations

import base64
import json
import os
from collections.abc import Sequence
from typing import Any

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from sqlalchemy import delete, insert, select
from sqlalchemy import event as orm_events
from sqlalchemy.orm import Session, SessionTransaction

from association.events import Envelope
from registration.adapters.tables import personal_data_keys_table as keys_table

PERSONAL_FIELDS = ("name", "phone", "email", "id_number", "birth_date")
SEALED = "sealed"
_NONCE_BYTES = 12
_INSERT_KEY = insert(keys_table)  # built once, executed with parameters


def seal_fields(key: bytes, fields: dict[str, Any], context: str) -> bytes:
    """Encrypt a dict of fields; `context` (an event or row id) is bound to the ciphertext."""
    nonce = os.urandom(_NONCE_BYTES)
    plaintext = json.dumps(fields, ensure_ascii=False).encode()
    return nonce + AESGCM(key).encrypt(nonce, plaintext, context.encode())


def open_fields(key: bytes, sealed: bytes, context: str) -> dict[str, Any]:
    """Decrypt what `seal_fields` made; raises cryptography's InvalidTag on tampering."""
    nonce, ciphertext = sealed[:_NONCE_BYTES], sealed[_NONCE_BYTES:]
    return json.loads(AESGCM(key).decrypt(nonce, ciphertext, context.encode()))


class Keyring:
    """The per-volunteer keys, in the service's database.

    Keys read or made in a transaction are kept in the session for the rest of it, so a command
    that seals the event, the read table and its answer reads each key once.
    """

    def create(self, session: Session, volunteer_id: str) -> bytes:
        key = AESGCM.generate_key(bit_length=256)
        session.execute(_INSERT_KEY, {"volunteer_id": volunteer_id, "key": key})
        _known(session)[volunteer_id] = key
        return key

    def get(self, session: Session, volunteer_id: str) -> bytes | None:
        return self.get_many(session, [volunteer_id]).get(volunteer_id)

    def get_many(self, session: Session, volunteer_ids: Sequence[str]) -> dict[str, bytes]:
        known = _known(session)
        missing = sorted(set(volunteer_ids) - known.keys())
        if missing:
            rows = session.execute(
                select(keys_table.c.volunteer_id, keys_table.c.key).where(
                    keys_table.c.volunteer_id.in_(missing)
                )
            )
            known.update({row.volunteer_id: row.key for row in rows})
        return {v: known[v] for v in volunteer_ids if known.get(v) is not None}

    def destroy(self, session: Session, volunteer_id: str) -> None:
        session.execute(delete(keys_table).where(keys_table.c.volunteer_id == volunteer_id))
        _known(session)[volunteer_id] = None


_KNOWN_KEYS = "personal_data_keys"


def _known(session: Session) -> dict[str, bytes | None]:
    """This transaction's keys (None: destroyed); forgotten when the transaction ends."""
    return session.info.setdefault(_KNOWN_KEYS, {})


@orm_events.listens_for(Session, "after_transaction_end")
def _forget_keys(session: Session, transaction: SessionTransaction) -> None:
    if transaction.parent is None:
        session.info.pop(_KNOWN_KEYS, None)


class PersonalDataCodec:
    """The store codec of registration: seals personal fields of volunteer events at rest.

    When the key is gone (withdrawn volunteer) an opened VolunteerRegistered carries None in
    every personal field, and an opened VolunteerProfileUpdated only its non-personal changes.
    """

    def __init__(self, keyring: Keyring | None = None) -> None:
        self.keyring = keyring or Keyring()

    def seal(self, session: Session, events: Sequence[Envelope]) -> list[Envelope]:
        keys = self.keyring.get_many(session, [e.aggregate_id for e in events if _personal(e)])
        sealed: list[Envelope] = []
        for event in events:
            personal = {k: event.payload[k] for k in PERSONAL_FIELDS if k in event.payload}
            if not personal:
                sealed.append(event)
                continue
            key = keys.get(event.aggregate_id)
            if key is None:
                key = keys[event.aggregate_id] = self.keyring.create(session, event.aggregate_id)
            rest = {k: v for k, v in event.payload.items() if k not in PERSONAL_FIELDS}
            blob = seal_fields(key, personal, event.event_id)
            sealed.append(event.with_payload({**rest, SEALED: base64.b64encode(blob).decode()}))
        return sealed

    def open(self, session: Session, events: Sequence[Envelope]) -> list[Envelope]:
        keys = self.keyring.get_many(
            session, [e.aggregate_id for e in events if SEALED in e.payload]
        )
        opened: list[Envelope] = []
        for event in events:
            if SEALED not in event.payload:
                opened.append(event)
                continue
            rest = {k: v for k, v in event.payload.items() if k != SEALED}
            key = keys.get(event.aggregate_id)
            if key is not None:
                blob = base64.b64decode(event.payload[SEALED])
                rest |= open_fields(key, blob, event.event_id)
            elif event.event_type == "VolunteerRegistered":
                rest |= dict.fromkeys(PERSONAL_FIELDS)
            opened.append(event.with_payload(rest))
        return opened


def _personal(event: Envelope) -> bool:
    return any(k in event.payload for k in PERSONAL_FIELDS)
