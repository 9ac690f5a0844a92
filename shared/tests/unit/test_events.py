"""The envelope, the payload schemas of the services' published events, and the registry's
validation and upcasting."""

from __future__ import annotations

import json
import uuid
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st
from marshmallow import Schema, ValidationError, fields, pre_load

from association.events import Envelope, EventRegistry, InvalidEvent, default_registry, new_event
from association.logging_context import correlation
from support import payloads
from support.payloads import SERVICE_RECORD

VOLUNTEER_ID = str(uuid.uuid4())


def volunteer_registered(**overrides) -> dict:
    payload = {
        "volunteer_id": VOLUNTEER_ID,
        "name": "刘明珠",
        "phone": "13812345678",
        "email": None,
        "street": "江浦街道",
        "skills": ["first_aid"],
        "organisation_id": None,
        "registered_at": "2026-08-09T09:30:00+08:00",
        "source": "web",
        "id_verified": True,
    }
    return payload | overrides


def activity_completed(**overrides) -> dict:
    return payloads.activity_completed(volunteer_id=VOLUNTEER_ID, **overrides)


def test_envelope_round_trips_through_json() -> None:
    event = new_event("VolunteerRegistered", VOLUNTEER_ID, 1, volunteer_registered())
    stored = Envelope(**{**event.to_dict(), "producer": "registration", "sequence": 7})
    again = Envelope.from_json(stored.to_json())
    assert again == stored
    assert again.routing_key == "registration.VolunteerRegistered"
    assert json.loads(stored.to_json())["payload"]["name"] == "刘明珠"


def test_new_event_takes_the_correlation_id_in_hand() -> None:
    with correlation("req-42"):
        event = new_event("TeamAssigned", "t", 1, {})
    assert event.correlation_id == "req-42"
    assert uuid.UUID(event.event_id)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("event_id", "not-a-uuid"),
        ("event_type", "lowercase"),
        ("schema_version", 0),
        ("aggregate_version", "1"),
        ("occurred_at", "2026-08-09T09:30:00"),
        ("payload", []),
        ("producer", ""),
    ],
)
def test_envelope_rejects_each_bad_field_by_name(field: str, value: object) -> None:
    data = new_event("TeamAssigned", "t", 1, {}).to_dict() | {"producer": "teams"}
    data[field] = value
    with pytest.raises(ValidationError) as raised:
        Envelope.from_json(json.dumps(data))
    assert field in raised.value.messages


@pytest.mark.parametrize(
    "body",
    [b"", b"not json", b"[1, 2]", b"\xff\xfe", b"[" * 100_000 + b"]" * 100_000],
    ids=["empty", "text", "array", "bom", "nested-too-deep"],
)
def test_envelope_rejects_bodies_that_are_not_objects(body: bytes) -> None:
    with pytest.raises(ValidationError):
        Envelope.from_json(body)


def test_payload_schemas_accept_the_contract_examples() -> None:
    registry = default_registry()
    registered = registry.validate(
        new_event("VolunteerRegistered", VOLUNTEER_ID, 1, volunteer_registered())
    )
    assert registered.payload["skills"] == ["first_aid"]
    completed = registry.validate(new_event("ActivityCompleted", "a", 1, activity_completed()))
    assert completed.payload["attendance"][0]["hours"] == "2.50"
    assigned = {
        "team_id": str(uuid.uuid4()),
        "team_name": "江浦街道文明劝导队",
        "volunteer_id": VOLUNTEER_ID,
        "role": "leader",
        "assigned_at": "2026-08-09T10:00:00+08:00",
    }
    assert registry.validate(new_event("TeamAssigned", "t", 1, assigned)).payload == assigned


@pytest.mark.parametrize(
    ("event_type", "payload", "field"),
    [
        ("VolunteerRegistered", volunteer_registered(phone="12345"), "phone"),
        ("VolunteerRegistered", volunteer_registered(source="fax"), "source"),
        ("VolunteerRegistered", volunteer_registered(id_number="11010519491231002X"), "id_number"),
        ("ActivityCompleted", activity_completed(ended_at="2026-08-09T22:00:00+08:00"), "ended_at"),
        (
            "ActivityCompleted",
            activity_completed(attendance=[{"volunteer_id": VOLUNTEER_ID, "hours": "0"}]),
            "attendance",
        ),
    ],
)
def test_invalid_payloads_name_the_field(event_type: str, payload: dict, field: str) -> None:
    with pytest.raises(InvalidEvent) as raised:
        default_registry().validate(new_event(event_type, "x", 1, payload))
    assert field in raised.value.errors


def test_unknown_type_or_version_is_invalid() -> None:
    registry = default_registry()
    with pytest.raises(InvalidEvent):
        registry.validate(new_event("Unheard", "x", 1, {}))
    with pytest.raises(InvalidEvent):
        registry.validate(new_event("TeamAssigned", "x", 1, {}, schema_version=9))


class _GreetingV1(Schema):
    name = fields.String(required=True)


class _GreetingV2(Schema):
    given_name = fields.String(required=True)


class _GreetingV3(Schema):
    given_name = fields.String(required=True)
    language = fields.String(required=True)


def test_upcasting_runs_the_chain_one_version_at_a_time() -> None:
    registry = EventRegistry()
    registry.register("Greeting", 1, _GreetingV1)
    registry.register("Greeting", 2, _GreetingV2)
    registry.register("Greeting", 3, _GreetingV3)
    registry.register_upcaster("Greeting", 1, lambda p: {"given_name": p["name"]})
    registry.register_upcaster("Greeting", 2, lambda p: p | {"language": "zh"})
    upcast = registry.upcast(new_event("Greeting", "g", 1, {"name": "王"}))
    assert upcast.schema_version == 3
    assert upcast.payload == {"given_name": "王", "language": "zh"}


def test_a_stored_event_is_taken_as_valid_but_each_upcast_step_is_checked() -> None:
    registry = EventRegistry()
    registry.register("Greeting", 1, _GreetingV1)
    registry.register("Greeting", 2, _GreetingV2)
    registry.register_upcaster("Greeting", 1, lambda p: {"given_name": p["name"]})
    stored = new_event("Greeting", "g", 2, {"given_name": "王"}, schema_version=2)
    assert registry.upcast(stored, validated=True) is stored  # latest already: nothing to do
    older = new_event("Greeting", "g", 1, {"name": "王"})
    assert registry.upcast(older, validated=True).payload == {"given_name": "王"}
    broken_step = EventRegistry()
    broken_step.register("Greeting", 1, _GreetingV1)
    broken_step.register("Greeting", 2, _GreetingV2)
    broken_step.register_upcaster("Greeting", 1, lambda p: {"nickname": p["name"]})
    with pytest.raises(InvalidEvent):
        broken_step.upcast(older, validated=True)


def test_a_missing_upcaster_is_reported() -> None:
    registry = EventRegistry()
    registry.register("Greeting", 1, _GreetingV1)
    registry.register("Greeting", 2, _GreetingV2)
    with pytest.raises(InvalidEvent, match="no upcaster"):
        registry.upcast(new_event("Greeting", "g", 1, {"name": "王"}))


def test_a_service_extends_a_copy_not_the_default() -> None:
    mine = default_registry().copy()
    mine.register("Greeting", 1, _GreetingV1)
    assert mine.knows("Greeting")
    assert not default_registry().knows("Greeting")


def test_hours_beyond_two_decimal_places_are_refused_not_rounded() -> None:
    payload = activity_completed(attendance=[{"volunteer_id": VOLUNTEER_ID, "hours": "1.234"}])
    with pytest.raises(InvalidEvent) as raised:
        default_registry().validate(new_event("ActivityCompleted", "a", 1, payload))
    assert raised.value.errors["attendance"][0]["hours"] == ["At most two decimal places."]


def test_activity_completed_version_1_upcasts_with_empty_record_fields_and_no_lateness() -> None:
    upcast = default_registry().upcast(new_event("ActivityCompleted", "a", 1, activity_completed()))
    assert upcast.schema_version == 3
    assert (upcast.payload["content"], upcast.payload["person_in_charge"]) == ("", "")
    assert upcast.payload["late_reason"] is None


def test_volunteer_registered_version_1_upcasts_to_2_with_age_and_id_number_unknown() -> None:
    payload = {
        "volunteer_id": VOLUNTEER_ID,
        "name": "刘丽珠",
        "phone": "13812345678",
        "email": None,
        "street": "街道",
        "skills": [],
        "organisation_id": None,
        "registered_at": "2026-08-09T09:30:00+00:00",
        "source": "web",
        "id_verified": False,
    }
    upcast = default_registry().upcast(new_event("VolunteerRegistered", "v", 1, payload))
    assert upcast.schema_version == 2
    assert (upcast.payload["minor"], upcast.payload["id_number_masked"]) == (None, None)


V2 = {"schema_version": 2}


def _verdict(registry: EventRegistry, event: Envelope) -> object:
    try:
        return registry.upcast(event)
    except InvalidEvent as error:
        return (str(error), error.errors)


def test_upcast_all_gives_each_event_what_upcast_gives_it() -> None:
    registry = default_registry()
    events = [
        new_event("VolunteerRegistered", VOLUNTEER_ID, 1, volunteer_registered()),
        new_event("ActivityCompleted", "a", 1, activity_completed()),
        new_event("VolunteerRegistered", VOLUNTEER_ID, 2, volunteer_registered(phone="12345")),
        new_event("VolunteerRegistered", VOLUNTEER_ID, 3, volunteer_registered(source="partner")),
        new_event("ActivityCompleted", "a", 1, activity_completed(**SERVICE_RECORD), **V2),
        new_event("ActivityCompleted", "b", 1, activity_completed(title=""), **V2),
        new_event("Unheard", "x", 1, {}),
        new_event("TeamAssigned", "x", 1, {}, schema_version=9),
    ]
    results = registry.upcast_all(events)
    verdicts = [(str(r), r.errors) if isinstance(r, InvalidEvent) else r for r in results]
    assert verdicts == [_verdict(registry, e) for e in events]
    assert [isinstance(r, InvalidEvent) for r in results] == [
        False, False, True, False, False, True, True, True
    ]  # fmt: skip


def test_upcast_all_of_valid_events_of_one_type_loads_them_alike() -> None:
    registry = default_registry()
    events = [
        new_event("VolunteerRegistered", VOLUNTEER_ID, n, volunteer_registered(name=f"志愿者{n}"))
        for n in range(1, 6)
    ]
    assert registry.upcast_all(events) == [registry.upcast(e) for e in events]


class _Watched(Schema):
    """Notes whether each load was given one payload or a collection of them."""

    name = fields.String(required=True)

    def __init__(self) -> None:
        super().__init__()
        self.loads: list[bool] = []

    @pre_load(pass_collection=True)
    def _note(self, data, many, **_kwargs):  # type: ignore[no-untyped-def]
        self.loads.append(many)
        return data


def test_upcast_all_never_hands_a_batch_to_hooks_that_take_collections() -> None:
    registry, schema = EventRegistry(), _Watched()
    registry.register("Greeting", 1, schema)
    events = [new_event("Greeting", "g", 1, {"name": name}) for name in ("王", "李")]
    assert [e.payload for e in registry.upcast_all(events)] == [{"name": "王"}, {"name": "李"}]
    assert schema.loads == [False, False]


@pytest.mark.parametrize(
    "hours",
    ["1e30", "NaN", "Infinity", "-Infinity", "1E+5", "-0", "0", "0.001", "1e999999999", "10000"],
)
def test_hours_out_of_bounds_are_refused(hours: str) -> None:
    payload = activity_completed(attendance=[{"volunteer_id": VOLUNTEER_ID, "hours": hours}])
    with pytest.raises(InvalidEvent) as raised:
        default_registry().upcast(new_event("ActivityCompleted", "a", 1, payload))
    assert list(raised.value.errors["attendance"][0]) == ["hours"]


def test_hours_beyond_the_activity_s_length_are_refused() -> None:
    attendance = [
        {"volunteer_id": VOLUNTEER_ID, "hours": "2.5"},
        {"volunteer_id": str(uuid.uuid4()), "hours": "2.51"},
    ]
    payload = activity_completed(attendance=attendance)
    with pytest.raises(InvalidEvent) as raised:
        default_registry().validate(new_event("ActivityCompleted", "a", 1, payload))
    assert raised.value.errors["attendance"] == {
        1: {"hours": ["must not exceed the activity's length of 2.50 hours"]}
    }


hours_texts = st.one_of(
    st.decimals(allow_nan=True, allow_infinity=True).map(str),
    st.from_regex(r"\A-?[0-9]{1,6}(\.[0-9]{0,4})?([eE][+-]?[0-9]{1,12})?\Z"),
    st.floats().map(repr),
)


@given(hours_texts)
def test_hours_that_validate_also_serialise(hours: str) -> None:
    """Whatever hours load, the dump writes back (the issue: 1e30 loaded and then raised)."""
    payload = activity_completed(
        ended_at="2027-08-10T01:30:00+08:00",
        attendance=[{"volunteer_id": VOLUNTEER_ID, "hours": hours}],
    )
    registry = default_registry()
    events = [
        new_event("ActivityCompleted", "a", 1, payload),
        new_event("ActivityCompleted", "a", 1, payload | SERVICE_RECORD, **V2),
    ]
    for verdict in registry.upcast_all(events):
        if not isinstance(verdict, InvalidEvent):
            written = Decimal(verdict.payload["attendance"][0]["hours"])
            assert written == Decimal(hours) and Decimal(0) < written < 10_000


def test_an_envelope_with_half_a_surrogate_pair_is_refused_as_it_could_not_be_written_back() -> (
    None
):
    event = new_event("VolunteerRegistered", VOLUNTEER_ID, 1, volunteer_registered())
    body = json.loads(Envelope(**{**event.to_dict(), "producer": "registration"}).to_json())
    lone = json.dumps(body | {"payload": volunteer_registered(name="\ud800")}).encode()
    with pytest.raises(ValidationError, match="lone surrogate"):
        Envelope.from_json(lone)
    with pytest.raises(ValidationError, match="lone surrogate"):
        Envelope.from_json(lone.decode().encode().decode("unicode_escape"))
    paired = json.dumps(body | {"payload": volunteer_registered(name="刘😀")}).encode()
    assert b"\\ud83d" in paired
    assert Envelope.from_json(paired).payload["name"] == "刘😀"
