"""The envelope's fast check against EnvelopeSchema: never accepts more, never loads differently.

`Envelope.from_json` loads envelopes in the form producers write without marshmallow, and leaves
everything else to the schema. These tests generate envelopes near and far from that form and
compare both ways of loading them.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from marshmallow import ValidationError

from association.actors import KINDS
from association.events import Envelope, EnvelopeSchema, new_event
from association.events.envelope import _plainly_valid

SCHEMA = EnvelopeSchema()
FIELDS = tuple(SCHEMA.fields)  # every field of the envelope, in order


def template() -> dict[str, Any]:
    event = new_event("CounterTicked", "c-1", 3, {"counter_id": "c-1", "by": 1})
    return event.to_dict() | {
        "producer": "counting",
        "sequence": 12,
        "correlation_id": "req-1",
        "actor": {"kind": "staff", "id": "coordinator-1"},
    }


def _actors() -> st.SearchStrategy[Any]:
    """Actors as producers and partners' copies write them, and near them."""
    kinds = st.sampled_from([*KINDS, "Staff", "robot", ""]) | ANY_VALUE
    ids = st.none() | _texts() | st.sampled_from(["x" * 255, "x" * 256]) | ANY_VALUE
    return st.one_of(
        st.none(),
        st.builds(lambda kind, id_: {"kind": kind, "id": id_}, kinds, ids),
        st.builds(lambda kind: {"kind": kind}, kinds),
        st.builds(lambda id_: {"id": id_}, ids),
        st.builds(
            lambda kind, id_, extra: {"kind": kind, "id": id_, "org": extra}, kinds, ids, ANY_VALUE
        ),
        ANY_VALUE,
    )


def _uuid_texts() -> st.SearchStrategy[str]:
    return st.uuids().flatmap(
        lambda u: st.sampled_from(
            [str(u), str(u).upper(), u.hex, f"{{{u}}}", f"urn:uuid:{u}", f" {u}", f"{u}\n"]
        )
    )


def _times() -> st.SearchStrategy[str]:
    offsets = st.one_of(
        st.none(),
        st.just(UTC),
        st.integers(-23 * 60, 23 * 60).map(lambda m: timezone(timedelta(minutes=m))),
    )
    formats = st.sampled_from(["auto", "seconds", "milliseconds", "microseconds", "minutes"])
    return st.one_of(
        st.builds(
            lambda moment, tz, spec, sep: moment.replace(tzinfo=tz).isoformat(sep, spec),
            st.datetimes(),
            offsets,
            formats,
            st.sampled_from(["T", " ", "t"]),
        ),
        st.datetimes().map(lambda m: m.isoformat() + "Z"),
        st.dates().map(str),
        st.text(alphabet="0123456789-:T+Z. ", max_size=32),
    )


def _texts() -> st.SearchStrategy[str]:
    lengths = st.sampled_from([0, 1, 31, 32, 33, 63, 64, 65])
    return st.one_of(
        st.text(max_size=70),
        lengths.map(lambda n: "a" * n),
        st.sampled_from(["counting", "CounterTicked", "Counting", "9x", "Counter\n", "a-b_c"]),
    )


ANY_VALUE = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.sampled_from([0, 1, -1, 2**64]),
    st.floats(allow_nan=False),
    _texts(),
    _uuid_texts(),
    _times(),
    st.lists(st.integers(), max_size=2),
    st.dictionaries(st.text(max_size=3), st.integers(), max_size=2),
    st.dictionaries(st.integers(), st.integers(), min_size=1, max_size=2),
)


SMALL_INTEGERS = st.one_of(st.integers(-2, 3), st.booleans(), st.just(1.0))
NEAR_VALUES: dict[str, st.SearchStrategy[Any]] = {
    "event_id": _uuid_texts(),
    "event_type": _texts(),
    "schema_version": SMALL_INTEGERS,
    "producer": _texts(),
    "aggregate_id": _texts(),
    "aggregate_version": SMALL_INTEGERS,
    "sequence": SMALL_INTEGERS | st.none(),
    "occurred_at": _times(),
    "correlation_id": _texts() | st.none(),
    "causation_id": _texts() | st.none(),
    "payload": st.dictionaries(st.text(max_size=3), ANY_VALUE, max_size=3),
    "actor": _actors(),
}


@st.composite
def envelopes(draw: st.DrawFn) -> dict[str, Any]:
    """A valid envelope with some fields removed, replaced (by a value near or far) or added."""
    data = template()
    for name in draw(st.lists(st.sampled_from(FIELDS), unique=True, max_size=4)):
        how = draw(st.sampled_from(["delete", "near", "near", "any"]))
        if how == "delete":
            del data[name]
        else:
            data[name] = draw(NEAR_VALUES[name] if how == "near" else ANY_VALUE)
    if draw(st.booleans()):
        data[draw(st.text(max_size=8))] = draw(ANY_VALUE)
    return data


def _schema_load(data: dict[str, Any]) -> dict[str, Any]:
    """{'loaded': what the schema loads} or {'refused': its messages}."""
    try:
        return {"loaded": SCHEMA.load(data)}
    except ValidationError as error:
        return {"refused": error.messages}


@settings(max_examples=2000, deadline=None)
@given(envelopes())
def test_the_fast_check_accepts_only_what_the_schema_accepts_and_loads_it_alike(
    data: dict[str, Any],
) -> None:
    fast = _plainly_valid(data)
    if fast is not None:
        assert _schema_load(data) == {"loaded": fast}


@settings(max_examples=1000, deadline=None)
@given(envelopes())
def test_from_json_refuses_and_loads_exactly_as_the_schema(data: dict[str, Any]) -> None:
    body = json.dumps(data, default=str)
    expected = _schema_load(json.loads(body))
    try:
        got = {"loaded": Envelope.from_json(body).to_dict()}
    except ValidationError as error:
        got = {"refused": error.messages}
    if "loaded" in expected:
        expected = {"loaded": Envelope(**expected["loaded"]).to_dict()}
    assert got == expected


@pytest.mark.parametrize(
    "changes",
    [
        {},
        {"sequence": None, "correlation_id": None, "causation_id": None},
        {"occurred_at": "2026-08-09T09:30:00+08:00"},
        {"occurred_at": datetime.now(UTC).isoformat(timespec="seconds")},
        {"aggregate_id": "x" * 64, "correlation_id": "c" * 64, "payload": {}},
        {"actor": None},
        {"actor": {"kind": "system", "id": None}},
        {"actor": {"kind": "public"}},
        {"actor": {"kind": "volunteer", "id": "v" * 255}},
    ],
)
def test_envelopes_as_producers_write_them_take_the_fast_check(changes: dict[str, Any]) -> None:
    data = json.loads(Envelope(**(template() | changes)).to_json())
    assert _plainly_valid(data) == SCHEMA.load(data)


def test_the_fast_check_leaves_other_forms_to_the_schema() -> None:
    data = template()
    for changes in (
        {"event_id": data["event_id"].upper()},
        {"occurred_at": "2026-08-09T09:30:00"},
        {"schema_version": True},
        {"sequence": "1"},
        {"actor": {"kind": "staff", "id": "c-1", "org": "o-1"}},
        {"actor": {"kind": "public", "id": "someone"}},
    ):
        assert _plainly_valid(data | changes) is None
    upper = data | {"event_id": data["event_id"].upper()}
    assert Envelope.from_json(json.dumps(upper)).event_id == data["event_id"]
