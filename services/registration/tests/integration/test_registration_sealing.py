"""Every personal field of a stored sign-up is sealed under the volunteer's key, gender, guardian
consent, `minor` and the masked ID number included; sign-ups stored with gender and guardian consent
in clear (as version 1) still read, and are erased alike."""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator

import pytest
from flask import Flask
from sqlalchemy import select, update

from association.sealing import seal_fields
from association.store.tables import events_table
from registration.adapters.codec import from_envelope
from registration.adapters.personal_data import volunteer_keyring
from registration.definition import SERVICE
from registration.domain.events import VolunteerRegistered
from support.apps import context_of, make_app
from support.sign_ups import sign_up_form
from support.tokens import bearer

WRITER = bearer("volunteers:write", "volunteers:read")
FEED = bearer("events:read")
MINOR = {"birth_date": "2010-05-01", "gender": "female", "guardian_consent": True}


@pytest.fixture
def app(database_url: str) -> Iterator[Flask]:
    app = make_app(SERVICE, database_url)
    yield app
    context_of(app).database.dispose()


def stored_sign_up(app: Flask, volunteer_id: str) -> dict:
    with context_of(app).database.reader() as session:
        return session.execute(
            select(events_table.c.payload).where(
                events_table.c.aggregate_id == volunteer_id, events_table.c.aggregate_version == 1
            )
        ).scalar_one()


def opened_sign_up(app: Flask, volunteer_id: str) -> VolunteerRegistered:
    context = context_of(app)
    with context.database.reader() as session:
        [first, *_] = context.store.load(session, volunteer_id, upcast=False)
    event = from_envelope(first)
    assert isinstance(event, VolunteerRegistered)
    return event


def test_gender_and_guardian_consent_are_sealed_and_erased_with_the_key(app: Flask) -> None:
    client = app.test_client()
    volunteer_id = client.post("/volunteers", json=sign_up_form(**MINOR)).get_json()["volunteer_id"]
    stored = stored_sign_up(app, volunteer_id)
    assert not {"name", "phone", "birth_date", "gender", "guardian_consent"} & stored.keys()
    opened = opened_sign_up(app, volunteer_id)
    assert (opened.gender, opened.guardian_consent) == ("female", True)
    assert client.delete(f"/volunteers/{volunteer_id}", headers=WRITER).status_code == 204
    erased = opened_sign_up(app, volunteer_id)
    assert (erased.name, erased.gender, erased.guardian_consent, erased.birth_date) == (None,) * 4


def test_a_sign_up_stored_with_gender_in_clear_still_reads_and_is_erased(app: Flask) -> None:
    client = app.test_client()
    volunteer_id = client.post("/volunteers", json=sign_up_form(**MINOR)).get_json()["volunteer_id"]
    context = context_of(app)
    with context.database.transaction() as session:  # as an earlier version stored it
        event_id, payload = session.execute(
            select(events_table.c.event_id, events_table.c.payload).where(
                events_table.c.aggregate_id == volunteer_id
            )
        ).one()
        key = volunteer_keyring().get(session, volunteer_id)
        assert key is not None
        old_fields = {"name": "刘明珠", "phone": "13812345678", "email": None}
        old_fields |= {"id_number": None, "birth_date": "2010-05-01"}
        sealed = base64.b64encode(seal_fields(key, old_fields, event_id)).decode()
        legacy = payload | {"gender": "female", "guardian_consent": True, "sealed": sealed}
        session.execute(
            update(events_table)
            .where(events_table.c.event_id == event_id)
            .values(payload=legacy, schema_version=1)
        )
    opened = opened_sign_up(app, volunteer_id)
    assert (opened.name, opened.gender, opened.guardian_consent) == ("刘明珠", "female", True)
    assert (opened.minor, opened.id_number_masked) == (True, None)  # read as version 2
    assert client.delete(f"/volunteers/{volunteer_id}", headers=WRITER).status_code == 204
    erased = opened_sign_up(app, volunteer_id)
    assert (erased.name, erased.gender, erased.guardian_consent) == (None, None, None)
    assert (erased.minor, erased.id_number_masked) == (None, None)


def test_minor_and_masked_id_number_are_sealed_and_erased_from_store_and_feed(app: Flask) -> None:
    client = app.test_client()
    form = sign_up_form(id_number="11010519491231002X")
    volunteer_id = client.post("/volunteers", json=form).get_json()["volunteer_id"]
    stored = stored_sign_up(app, volunteer_id)
    assert not {"minor", "id_number_masked"} & stored.keys()
    assert "1101**********002X" not in json.dumps(stored)
    opened = opened_sign_up(app, volunteer_id)
    assert (opened.minor, opened.id_number_masked) == (False, "1101**********002X")
    [served] = client.get("/events", headers=FEED).get_json()["events"]
    assert served["schema_version"] == 2
    assert (served["payload"]["minor"], served["payload"]["id_number_masked"]) == (
        False,
        "1101**********002X",
    )
    assert client.delete(f"/volunteers/{volunteer_id}", headers=WRITER).status_code == 204
    erased = opened_sign_up(app, volunteer_id)
    assert (erased.minor, erased.id_number_masked) == (None, None)
    feed = client.get("/events", headers=FEED).get_json()["events"]
    assert [e["event_type"] for e in feed] == ["VolunteerWithdrawn"]
    assert "002X" not in json.dumps(feed)
    with context_of(app).database.reader() as session:
        rows = session.execute(select(events_table.c.payload)).scalars().all()
    assert "002X" not in json.dumps(rows)
