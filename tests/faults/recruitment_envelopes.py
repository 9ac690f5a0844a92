"""Teams' recruitment events as teams publishes them (payloads of
association.events.recruitment), for the tests of notifications' notices and reminders."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from association.events import Envelope

APPLICATION_NAMESPACE = uuid.UUID("3f1c8e52-2a3b-5d0e-9c47-6b8a1d2e4f60")


def application_id(activity_id: str, volunteer_id: str) -> str:
    return str(uuid.uuid5(APPLICATION_NAMESPACE, f"{activity_id}/{volunteer_id}"))


class Recruitment:
    """One activity open to applicants, and the events of its applications and cancellation."""

    def __init__(self, starts_at: datetime, title: str = "五四广场垃圾分类督导") -> None:
        self.versions: dict[str, int] = {}
        self.sequence = 0
        self.activity_id = str(uuid.uuid4())
        self.team_id = str(uuid.uuid4())
        self.title = title
        self.location = "五四广场东门"
        self.starts_at = starts_at
        self.ends_at = starts_at + timedelta(hours=3)

    def _details(self, volunteer_id: str) -> dict[str, Any]:
        return {
            "activity_id": self.activity_id,
            "team_id": self.team_id,
            "volunteer_id": volunteer_id,
            "title": self.title,
            "location": self.location,
            "starts_at": self.starts_at.isoformat(),
            "ends_at": self.ends_at.isoformat(),
        }

    def envelope(self, event_type: str, aggregate_id: str, payload: dict[str, Any]) -> Envelope:
        """The event as teams' relay publishes it: the aggregate's next version, numbered."""
        self.sequence += 1
        self.versions[aggregate_id] = self.versions.get(aggregate_id, 0) + 1
        return Envelope(
            event_type=event_type,
            aggregate_id=aggregate_id,
            aggregate_version=self.versions[aggregate_id],
            payload=payload,
            producer="teams",
            sequence=self.sequence,
            correlation_id=str(uuid.uuid4()),
        )

    def _application(self, event_type: str, volunteer_id: str, payload: dict) -> Envelope:
        aggregate = application_id(self.activity_id, volunteer_id)
        return self.envelope(event_type, aggregate, payload)

    def accepted(self, volunteer_id: str, at: datetime | None = None) -> Envelope:
        payload = self._details(volunteer_id) | {"accepted_at": _at(at)}
        return self._application("ApplicationAccepted", volunteer_id, payload)

    def waitlisted(self, volunteer_id: str, position: int) -> Envelope:
        payload = self._details(volunteer_id) | {"position": position, "waitlisted_at": _at(None)}
        return self._application("ApplicationWaitlisted", volunteer_id, payload)

    def promoted(self, volunteer_id: str, at: datetime | None = None) -> Envelope:
        payload = self._details(volunteer_id) | {"promoted_at": _at(at)}
        return self._application("ApplicationPromoted", volunteer_id, payload)

    def application_cancelled(self, volunteer_id: str, previous_status: str) -> Envelope:
        payload = {
            "activity_id": self.activity_id,
            "team_id": self.team_id,
            "volunteer_id": volunteer_id,
            "previous_status": previous_status,
            "cancelled_at": _at(None),
        }
        return self._application("ApplicationCancelled", volunteer_id, payload)

    def scheduled(self) -> Envelope:
        """ActivityScheduled version 2, as teams publishes it."""
        payload = {
            "activity_id": self.activity_id,
            "team_id": self.team_id,
            "title": self.title,
            "kind": "垃圾分类督导",
            "location": self.location,
            "starts_at": self.starts_at.isoformat(),
            "ends_at": self.ends_at.isoformat(),
            "content": "督导居民分类投放",
            "organising_unit": "五四路街道",
            "person_in_charge": "欧阳娜娜",
            "scheduled_at": _at(None),
            "slots": 2,
            "open_to": "all",
            "sign_up_until": (self.starts_at - timedelta(hours=2)).isoformat(),
            "adults_only": True,
        }
        envelope = self.envelope("ActivityScheduled", self.activity_id, payload)
        return envelope.with_payload(payload, schema_version=2)

    def activity_cancelled(self, reason: str = "台风预警，活动取消") -> Envelope:
        payload = {
            "activity_id": self.activity_id,
            "team_id": self.team_id,
            "reason": reason,
            "cancelled_at": _at(None),
        }
        return self.envelope("ActivityCancelled", self.activity_id, payload)


def _at(at: datetime | None) -> str:
    return (at or datetime.now(UTC)).isoformat()
