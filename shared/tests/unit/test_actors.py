"""Who did it: the actor a token speaks for, the actor of the work in hand, and their forms."""

from __future__ import annotations

import json
import threading

import jwt
import pytest
from marshmallow import ValidationError

from association.actors import (
    PUBLIC_ACTOR,
    SYSTEM_ACTOR,
    Actor,
    acting_as,
    actor_of,
    current_actor,
    public_form,
)
from association.auth import ROLE_SCOPES, Principal, TokenError, decode_token, issue_token
from association.events import ActorSchema, Envelope, new_event

SECRET = "s" * 32


@pytest.mark.parametrize(
    ("principal", "expected"),
    [
        (Principal("v-1", ROLE_SCOPES["volunteer"], role="volunteer"), Actor("volunteer", "v-1")),
        (
            Principal("c-1", ROLE_SCOPES["coordinator"], role="coordinator", org="o-1"),
            Actor("staff", "c-1"),
        ),
        (Principal("f-1", ROLE_SCOPES["office"], role="office"), Actor("staff", "f-1")),
        (Principal("acme", frozenset({"partner"})), Actor("partner", "acme")),
        (Principal("ops", frozenset({"admin"})), Actor("admin", "ops")),
        (Principal("seed", frozenset({"volunteers:write"})), Actor("admin", "seed")),
        (None, Actor("public")),
    ],
)
def test_each_token_speaks_for_its_kind_of_actor(
    principal: Principal | None, expected: Actor
) -> None:
    assert actor_of(principal) == expected


def test_outside_any_request_or_handler_the_system_acts() -> None:
    seen: list[Actor | None] = []
    thread = threading.Thread(target=lambda: seen.append(current_actor()))
    thread.start()
    thread.join()
    assert seen == [SYSTEM_ACTOR]
    assert current_actor() == SYSTEM_ACTOR


def test_new_events_record_the_actor_of_the_work_in_hand() -> None:
    with acting_as(Actor("staff", "c-1")):
        staffed = new_event("CounterTicked", "c", 1, {"counter_id": "c", "by": 1})
        with acting_as(None):
            unknown = new_event("CounterTicked", "c", 2, {"counter_id": "c", "by": 1})
    after = new_event("CounterTicked", "c", 3, {"counter_id": "c", "by": 1})
    assert staffed.actor == {"kind": "staff", "id": "c-1"}
    assert unknown.actor is None
    assert after.actor == {"kind": "system", "id": None}


def test_partners_see_only_the_kind() -> None:
    assert public_form({"kind": "volunteer", "id": "v-1"}) == {"kind": "volunteer"}
    assert public_form(PUBLIC_ACTOR.to_dict()) == {"kind": "public"}
    assert public_form(None) is None


def test_an_actor_is_one_of_the_kinds_and_the_anonymous_name_nobody() -> None:
    with pytest.raises(ValueError, match="unknown actor kind"):
        Actor("mayor", "m-1")
    with pytest.raises(ValueError, match="has no id"):
        Actor("public", "someone")
    assert Actor.from_dict({"kind": "partner", "id": "acme"}) == Actor("partner", "acme")
    assert Actor.from_dict({"kind": "staff"}) == Actor("staff")
    assert Actor.from_dict(None) is None


@pytest.mark.parametrize(
    ("actor", "field"),
    [
        ({"kind": "mayor", "id": "m-1"}, "kind"),
        ({"id": "m-1"}, "kind"),
        ({"kind": "system", "id": "worker-1"}, "id"),
        ({"kind": "staff", "id": ""}, "id"),
        ({"kind": "staff", "id": "x" * 256}, "id"),
        ({"kind": "staff", "id": 7}, "id"),
    ],
)
def test_the_envelope_refuses_an_actor_it_cannot_name(actor: dict, field: str) -> None:
    with pytest.raises(ValidationError) as refused:
        ActorSchema().load(actor)
    assert field in refused.value.messages


def test_the_envelope_reads_an_event_without_an_actor_as_unknown() -> None:
    event = new_event("CounterTicked", "c", 1, {"counter_id": "c", "by": 1})
    data = event.to_dict() | {"producer": "counting"}
    del data["actor"]
    assert Envelope.from_json(json.dumps(data)).actor is None


def test_a_token_whose_sub_is_too_long_to_name_an_actor_is_refused() -> None:
    with pytest.raises(ValueError, match="at most 255"):
        issue_token(SECRET, "x" * 256, ["admin"])
    forged = jwt.encode({"sub": "x" * 256, "scope": "admin", "exp": 2**40}, SECRET, "HS256")
    with pytest.raises(TokenError, match="sub must be 1 to 255"):
        decode_token(SECRET, forged)
    assert decode_token(SECRET, issue_token(SECRET, "x" * 255, ["admin"])).sub == "x" * 255
