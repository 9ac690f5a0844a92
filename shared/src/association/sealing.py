"""Crypto-shredding: personal fields sealed (AES-256-GCM) under a key per person, in the service's
own database; destroying the key leaves what was sealed under it unreadable wherever it is stored.

`seal_fields` / `open_fields` turn a dict of fields into one blob and back; `keys_table` declares a
service's table of keys and `Keyring` creates, reads and destroys them.
"""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from typing import Any

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from sqlalchemy import Table, delete, insert, select
from sqlalchemy.orm import Session
from sqlalchemy.schema import MetaData
from sqlalchemy.types import LargeBinary

from association import columns
from association.transaction_memo import transaction_memo

_NONCE_BYTES = 12


def seal_fields(key: bytes, fields: dict[str, Any], context: str) -> bytes:
    """Encrypt a dict of JSON values; `context` (an event or row id) is bound to the ciphertext."""
    nonce = os.urandom(_NONCE_BYTES)
    plaintext = json.dumps(fields, ensure_ascii=False).encode()
    return nonce + AESGCM(key).encrypt(nonce, plaintext, context.encode())


def open_fields(key: bytes, sealed: bytes, context: str) -> dict[str, Any]:
    """Decrypt what `seal_fields` made; raises cryptography's InvalidTag on tampering."""
    nonce, ciphertext = sealed[:_NONCE_BYTES], sealed[_NONCE_BYTES:]
    return json.loads(AESGCM(key).decrypt(nonce, ciphertext, context.encode()))


def keys_table(metadata: MetaData, name: str = "personal_data_keys") -> Table:
    """A table of keys, one per person (`volunteer_id`), in `metadata`."""
    return Table(
        name, metadata, columns.key("volunteer_id"), columns.required("key", LargeBinary(32))
    )


class Keyring:
    """The per-person keys of one `keys_table`.

    Keys read, made or destroyed in a transaction are kept for the rest of it (a
    `transaction_memo`), so a command that seals an event, a read table and its answer reads each
    key once.
    """

    def __init__(self, table: Table) -> None:
        self.table = table
        self._insert = insert(table)  # built once, executed with parameters
        self._memo = f"keyring:{table.name}"

    def create(self, session: Session, volunteer_id: str) -> bytes:
        """A new key for the person, stored."""
        new = AESGCM.generate_key(bit_length=256)
        session.execute(self._insert, {"volunteer_id": volunteer_id, "key": new})
        self._known(session)[volunteer_id] = new
        return new

    def get(self, session: Session, volunteer_id: str) -> bytes | None:
        """The person's key, None when they have none (never had, or destroyed)."""
        return self.get_many(session, [volunteer_id]).get(volunteer_id)

    def get_many(self, session: Session, volunteer_ids: Sequence[str]) -> dict[str, bytes]:
        """The keys of those of these people who have one, read in one query."""
        known = self._known(session)
        missing = sorted(set(volunteer_ids) - known.keys())
        if missing:
            rows = session.execute(
                select(self.table.c.volunteer_id, self.table.c.key).where(
                    self.table.c.volunteer_id.in_(missing)
                )
            )
            found = {row.volunteer_id: row.key for row in rows}
            known.update({v: found.get(v) for v in missing})
        return {v: known[v] for v in volunteer_ids if known.get(v) is not None}

    def destroy(self, session: Session, volunteer_id: str) -> None:
        """Delete the person's key: what was sealed under it can no longer be opened."""
        session.execute(delete(self.table).where(self.table.c.volunteer_id == volunteer_id))
        self._known(session)[volunteer_id] = None

    def _known(self, session: Session) -> dict[str, bytes | None]:
        return transaction_memo(session, self._memo)
