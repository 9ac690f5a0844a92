"""The Volunteer aggregate: sign-up rules, folding events, profile changes, withdrawal."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime

import pytest

from association.events import Envelope
from registration.adapters.codec import from_envelope, outward, registry, to_envelope
from registration.domain.errors import RuleViolation
from registration.domain.events import VolunteerEvent
from registration.domain.volunteer import SignUp, Volunteer, register, update_profile, withdraw

TODAY = date(2026, 11, 28)
NOW = datetime(2026, 11, 28, 2, 0, tzinfo=UTC)


def signup(**overrides) -> SignUp:
    fields = {
        "name": "刘明珠",
        "phone": "13812345678",
        "street": "jiangpu",
        "skills": ["first_aid"],
        "consent": True,
    }
    return SignUp(**(fields | overrides))


def stored(event: VolunteerEvent, version: int = 1) -> Envelope:
    """The event as the store receives it."""
    return to_envelope(event, version)


def violations(**overrides) -> dict[str, list[str]]:
    with pytest.raises(RuleViolation) as raised:
        register(str(uuid.uuid4()), signup(**overrides), TODAY, NOW)
    return raised.value.errors


def test_a_valid_sign_up_becomes_a_registered_event_the_store_accepts() -> None:
    event = stored(
        register(
            "7b8c0c1e-8f43-4bde-9e9b-6d1f1d3c2a10",
            signup(id_number="11010519491231002X"),
            TODAY,
            NOW,
        )
    )
    assert event.event_type == "VolunteerRegistered"
    assert event.aggregate_version == 1
    assert event.payload["id_verified"] is True
    assert event.payload["birth_date"] == "1949-12-31"
    assert event.payload["gender"] == "female"
    registry.validate(event)


def test_outward_drops_the_private_fields_and_fits_the_integration_schema() -> None:
    from association.events import default_registry

    event = stored(register(str(uuid.uuid4()), signup(id_number="11010519491231002X"), TODAY, NOW))
    public = outward(event)
    assert "id_number" not in public.payload
    assert "birth_date" not in public.payload
    default_registry().validate(public)


def test_nothing_of_a_sign_up_erased_since_leaves() -> None:
    event = stored(register(str(uuid.uuid4()), signup(email="liu@example.cn"), TODAY, NOW))
    personal = ("name", "phone", "email", "id_number", "birth_date")
    erased = event.with_payload(event.payload | dict.fromkeys(personal))  # as the store opens it
    assert outward(erased) is None
    volunteer = Volunteer.from_events(event.aggregate_id, [from_envelope(event)])
    assert outward(stored(withdraw(volunteer, NOW), 2)) is not None


def test_consent_is_required() -> None:
    assert "consent" in violations(consent=False)


def test_birth_date_and_gender_must_agree_with_the_id_number() -> None:
    errors = violations(id_number="11010519491231002X", birth_date=date(1950, 1, 1), gender="male")
    assert set(errors) == {"birth_date", "gender"}


def test_a_bad_id_number_is_named() -> None:
    assert "id_number" in violations(id_number="110105194912310021")


def test_minors_need_a_guardians_consent() -> None:
    errors = violations(birth_date=date(2010, 1, 1))
    assert "under 18" in errors["guardian_consent"][0]
    register(
        str(uuid.uuid4()), signup(birth_date=date(2010, 1, 1), guardian_consent=True), TODAY, NOW
    )


def test_under_fourteen_the_error_says_the_data_is_sensitive() -> None:
    assert "sensitive" in violations(birth_date=date(2015, 6, 1))["guardian_consent"][0]


def test_a_future_birth_date_is_refused() -> None:
    assert "birth_date" in violations(birth_date=date(2027, 1, 1))


def test_state_is_a_fold_over_the_events() -> None:
    volunteer_id = str(uuid.uuid4())
    registered = register(volunteer_id, signup(), TODAY, NOW)
    volunteer = Volunteer.from_events(volunteer_id, [registered])
    assert (volunteer.version, volunteer.phone, volunteer.exists) == (1, "13812345678", True)
    update = update_profile(volunteer, {"phone": "13912345678", "street": "jiangpu"}, NOW)
    assert update is not None
    changed = stored(update, volunteer.version + 1)
    assert set(changed.payload) == {"volunteer_id", "updated_at", "phone"}
    assert changed.aggregate_version == 2
    volunteer = volunteer.apply(update)
    assert volunteer.phone == "13912345678"
    assert update_profile(volunteer, {"street": "jiangpu"}, NOW) is None
    gone = volunteer.apply(withdraw(volunteer, NOW))
    assert (gone.version, gone.exists) == (3, False)
