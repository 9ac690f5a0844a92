"""Crypto-shredding of registration's stored events: the personal fields of a volunteer's events
are sealed (AES-256-GCM, `association.sealing`) under the volunteer's key.

Stored events keep their other fields in clear and the personal ones in `sealed`; the projection
keeps its personal columns the same way. Destroying the key (withdrawal) leaves nothing of the
person readable anywhere in the database. Events stored before gender and guardian consent were
sealed hold them in clear beside `sealed`: they open as they are, and read as None once the key
is gone like the rest.
"""

from __future__ import annotations

import base64
from collections.abc import Sequence

from sqlalchemy.orm import Session

from association.events import Envelope
from association.sealing import Keyring, open_fields, seal_fields
from registration.adapters.tables import personal_data_keys_table

PERSONAL_FIELDS_V1 = (
    "name",
    "phone",
    "email",
    "id_number",
    "birth_date",
    "gender",
    "guardian_consent",
)
# What version 2 of VolunteerRegistered adds: derived from the birth date and ID number, personal
# alike.
PERSONAL_FIELDS_V2 = ("minor", "id_number_masked")
PERSONAL_FIELDS = (*PERSONAL_FIELDS_V1, *PERSONAL_FIELDS_V2)
SEALED = "sealed"


def volunteer_keyring() -> Keyring:
    """The keyring of registration's per-volunteer keys."""
    return Keyring(personal_data_keys_table)


class PersonalDataCodec:
    """The store codec of registration: seals personal fields of volunteer events at rest.

    When the key is gone (withdrawn volunteer) an opened VolunteerRegistered carries None in
    every personal field, and an opened VolunteerProfileUpdated only its non-personal changes.
    """

    def __init__(self, keyring: Keyring | None = None) -> None:
        self.keyring = keyring or volunteer_keyring()

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
                erased = PERSONAL_FIELDS_V1 if event.schema_version == 1 else PERSONAL_FIELDS
                rest |= dict.fromkeys(erased)
            opened.append(event.with_payload(rest))
        return opened


def _personal(event: Envelope) -> bool:
    return any(k in event.payload for k in PERSONAL_FIELDS)
