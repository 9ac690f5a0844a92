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
ID_2010 = "320111201005010022"
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
    assert event.schema_version == 2
    assert (event.payload["minor"], event.payload["id_number_masked"]) == (
        False,
        "1101**********002X",
    )
    registry.validate(event)


@pytest.mark.parametrize(
    ("born", "minor"),
    [(date(2008, 11, 28), False), (date(2008, 11, 29), True), (date(1990, 1, 1), False)],
)
def test_minor_is_under_18_on_the_day_of_the_sign_up(born: date, minor: bool) -> None:
    event = register(str(uuid.uuid4()), signup(birth_date=born, guardian_consent=True), TODAY, NOW)
    assert (event.minor, event.id_number_masked) == (minor, None)


def test_minor_is_told_by_the_id_number_and_unknown_without_a_birth_date() -> None:
    # born 2010-05-01 (a girl): a minor, her ID number masked to its first and last four
    by_id = register(
        str(uuid.uuid4()), signup(id_number=ID_2010, guardian_consent=True), TODAY, NOW
    )
    assert (by_id.minor, by_id.id_number_masked) == (True, f"{ID_2010[:4]}**********{ID_2010[-4:]}")
    unknown = register(str(uuid.uuid4()), signup(), TODAY, NOW)
    assert (unknown.minor, unknown.id_number_masked) == (None, None)


def test_a_sign_up_stored_as_version_1_reads_as_version_2_in_china_time() -> None:
    event = stored(register(str(uuid.uuid4()), signup(id_number="11010519491231002X"), TODAY, NOW))
    v1 = {k: v for k, v in event.payload.items() if k not in ("minor", "id_number_masked")}
    # 2026-11-28 00:30 in China, still the 27th in UTC: 18 that day, not a minor
    v1 |= {"registered_at": "2026-11-27T16:30:00+00:00", "birth_date": "2008-11-28"}
    v1 |= {"id_number": None, "id_verified": False, "guardian_consent": True}
    old = event.with_payload(v1, 1)
    upcast = registry.upcast(old)
    assert upcast.schema_version == 2
    assert (upcast.payload["minor"], upcast.payload["id_number_masked"]) == (False, None)
    read = from_envelope(old)
    assert (read.minor, read.id_number_masked) == (False, None)
    assert outward(old).schema_version == 1  # served as it was stored
    assert "minor" not in outward(old).payload


def test_outward_drops_the_private_fields_and_fits_the_integration_schema() -> None:
    from association.events import default_registry

    event = stored(register(str(uuid.uuid4()), signup(id_number="11010519491231002X"), TODAY, NOW))
    public = outward(event)
    assert "id_number" not in public.payload
    assert "birth_date" not in public.payload
    assert public.schema_version == 2
    assert public.payload["id_number_masked"] == "1101**********002X"
    default_registry().validate(public)


def test_nothing_of_a_sign_up_erased_since_leaves() -> None:
    event = stored(register(str(uuid.uuid4()), signup(email="liu@example.cn"), TODAY, NOW))
    personal = ("name", "phone", "email", "id_number", "birth_date", "minor", "id_number_masked")
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
