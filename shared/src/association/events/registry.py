"""The registry from (event type, schema version) to payload schema, and the upcaster chain."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from marshmallow import Schema, ValidationError

from association.events import payloads, recruitment
from association.events.envelope import Envelope

Upcaster = Callable[[dict[str, Any]], dict[str, Any]]


class InvalidEvent(Exception):
    """An event whose type, version or payload the registry does not accept."""

    def __init__(self, message: str, errors: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.errors = errors or {}


class EventRegistry:
    """Knows every event type's schemas by version and how to upcast old versions to the latest.

    An upcaster registered for (type, v) turns a version-v payload into a version v+1 payload; a
    payload is upcast one step at a time until it reaches the latest registered version.
    """

    def __init__(self) -> None:
        self._schemas: dict[tuple[str, int], Schema] = {}
        self._upcasters: dict[tuple[str, int], Upcaster] = {}
        self._latest: dict[str, int] = {}

    def register(self, event_type: str, version: int, schema: Schema | type[Schema]) -> None:
        self._schemas[(event_type, version)] = schema() if isinstance(schema, type) else schema
        self._latest[event_type] = max(version, self._latest.get(event_type, 0))

    def register_upcaster(self, event_type: str, from_version: int, upcaster: Upcaster) -> None:
        self._upcasters[(event_type, from_version)] = upcaster

    def copy(self) -> EventRegistry:
        """A registry with the same entries, for a service to extend with its own events."""
        other = EventRegistry()
        other._schemas = dict(self._schemas)
        other._upcasters = dict(self._upcasters)
        other._latest = dict(self._latest)
        return other

    def knows(self, event_type: str) -> bool:
        return event_type in self._latest

    def latest_version(self, event_type: str) -> int:
        if event_type not in self._latest:
            raise InvalidEvent(f"unknown event type {event_type!r}")
        return self._latest[event_type]

    @property
    def event_types(self) -> list[str]:
        return sorted(self._latest)

    def validate(self, envelope: Envelope) -> Envelope:
        """Check the payload against its schema; return the envelope with the payload normalised."""
        schema = self._schemas.get((envelope.event_type, envelope.schema_version))
        if schema is None:
            raise InvalidEvent(
                f"no schema for {envelope.event_type} version {envelope.schema_version}"
            )
        try:
            loaded = schema.load(envelope.payload)
        except ValidationError as error:
            messages = (
                error.messages if isinstance(error.messages, dict) else {"_schema": error.messages}
            )
            raise InvalidEvent(f"invalid {envelope.event_type} payload", messages) from error
        return envelope.with_payload(schema.dump(loaded))

    def upcast_all(self, envelopes: Sequence[Envelope]) -> list[Envelope | InvalidEvent]:
        """`upcast` of each envelope: the envelope upcast, or the InvalidEvent it raised.

        Marshmallow costs less per payload loading many at once than one at a time, and a
        consumer validates batches of a few event types: the payloads of each type at its latest
        version are loaded and dumped with `many=True`. A group with an invalid payload among
        them is checked again one by one, so each event gets its own verdict and messages. Older
        versions, and schemas with hooks that take the whole collection (which would see the
        batch instead of one payload), go through `upcast` one by one.
        """
        results: list[Envelope | InvalidEvent | None] = [None] * len(envelopes)
        groups: dict[tuple[str, int], list[int]] = {}
        for index, envelope in enumerate(envelopes):
            key = (envelope.event_type, envelope.schema_version)
            schema = self._schemas.get(key)
            if schema is not None and self._latest[envelope.event_type] == envelope.schema_version:
                groups.setdefault(key, []).append(index)
            else:
                results[index] = self._upcast_or_error(envelope)
        for key, indexes in groups.items():
            for index, result in zip(
                indexes, self._validate_group(key, [envelopes[i] for i in indexes]), strict=True
            ):
                results[index] = result
        return results  # type: ignore[return-value]

    def _validate_group(
        self, key: tuple[str, int], envelopes: list[Envelope]
    ) -> list[Envelope | InvalidEvent]:
        schema = self._schemas[key]
        if _takes_collections(schema):
            return [self._upcast_or_error(e) for e in envelopes]
        try:
            loaded = schema.load([e.payload for e in envelopes], many=True)
        except ValidationError:
            return [self._upcast_or_error(e) for e in envelopes]
        dumped = schema.dump(loaded, many=True)
        return [e.with_payload(p) for e, p in zip(envelopes, dumped, strict=True)]

    def _upcast_or_error(self, envelope: Envelope) -> Envelope | InvalidEvent:
        try:
            return self.upcast(envelope)
        except InvalidEvent as error:
            return error

    def upcast(self, envelope: Envelope, *, validated: bool = False) -> Envelope:
        """Validate, then upcast step by step to the latest version, validating each step.

        `validated=True` takes the envelope's payload as already checked at its version (the
        store validated it when it was appended): only the upcasters' results are checked.
        """
        if not validated:
            envelope = self.validate(envelope)
        latest = self.latest_version(envelope.event_type)
        while envelope.schema_version < latest:
            step = self._upcasters.get((envelope.event_type, envelope.schema_version))
            if step is None:
                raise InvalidEvent(
                    f"no upcaster for {envelope.event_type} from version {envelope.schema_version}"
                )
            envelope = self.validate(
                envelope.with_payload(step(dict(envelope.payload)), envelope.schema_version + 1)
            )
        return envelope


def _takes_collections(schema: Schema) -> bool:
    """Whether a hook of the schema (a processor or validator) is given the whole collection."""
    hooks = getattr(schema, "_hooks", None)
    if hooks is None:
        return True
    return any(pass_collection for found in hooks.values() for _, pass_collection, _ in found)


# Every event that crosses a service boundary: (type, schema version, payload schema).
INTEGRATION_EVENTS: tuple[tuple[str, int, type[Schema]], ...] = (
    ("VolunteerRegistered", 1, payloads.VolunteerRegisteredV1),
    ("VolunteerRegistered", 2, payloads.VolunteerRegisteredV2),
    ("VolunteerProfileUpdated", 1, payloads.VolunteerProfileUpdatedV1),
    ("VolunteerWithdrawn", 1, payloads.VolunteerWithdrawnV1),
    ("OrganisationJoined", 1, payloads.OrganisationJoinedV1),
    ("TeamCreated", 1, payloads.TeamCreatedV1),
    ("TeamCreated", 2, payloads.TeamCreatedV2),
    ("TeamAssigned", 1, payloads.TeamAssignedV1),
    ("TeamMemberRemoved", 1, payloads.TeamMemberRemovedV1),
    ("ActivityScheduled", 1, payloads.ActivityScheduledV1),
    ("ActivityScheduled", 2, recruitment.ActivityScheduledV2),
    ("ActivityCompleted", 1, payloads.ActivityCompletedV1),
    ("ActivityCompleted", 2, payloads.ActivityCompletedV2),
    ("ActivityCompleted", 3, payloads.ActivityCompletedV3),
    ("ActivityCancelled", 1, payloads.ActivityCancelledV1),
    ("HoursCorrected", 1, payloads.HoursCorrectedV1),
    ("CertificateIssued", 1, payloads.CertificateIssuedV1),
    ("ApplicationAccepted", 1, recruitment.ApplicationAcceptedV1),
    ("ApplicationWaitlisted", 1, recruitment.ApplicationWaitlistedV1),
    ("ApplicationPromoted", 1, recruitment.ApplicationPromotedV1),
    ("ApplicationCancelled", 1, recruitment.ApplicationCancelledV1),
    ("CheckedIn", 1, recruitment.CheckedInV1),
    ("CheckedOut", 1, recruitment.CheckedOutV1),
    ("AttendanceRecorded", 1, recruitment.AttendanceRecordedV1),
)


def _build_default_registry() -> EventRegistry:
    registry = EventRegistry()
    for event_type, version, schema in INTEGRATION_EVENTS:
        registry.register(event_type, version, schema)
    registry.register_upcaster("ActivityCompleted", 1, payloads.activity_completed_v1_to_v2)
    registry.register_upcaster("ActivityCompleted", 2, payloads.activity_completed_v2_to_v3)
    registry.register_upcaster("ActivityScheduled", 1, recruitment.activity_scheduled_v1_to_v2)
    registry.register_upcaster("TeamCreated", 1, payloads.team_created_v1_to_v2)
    registry.register_upcaster("VolunteerRegistered", 1, payloads.volunteer_registered_v1_to_v2)
    return registry


def default_registry() -> EventRegistry:
    """A fresh registry holding the integration events of the contract (docs/contract.md)."""
    return _build_default_registry()
