"""What partners see of an event: personal data removed, and the names of people masked."""

from __future__ import annotations

import json

import pytest

from association.events import Envelope
from notifications.domain.redaction import about_volunteer, erase_person, redact


def registered() -> Envelope:
    payload = {
        "volunteer_id": "5b0c8a8e-4b0a-4a55-9d51-2f4c3e0f9a11",
        "name": "刘丽珠",
        "phone": "13812345678",
        "email": "liu@example.com",
        "street": "五四路街道",
        "skills": ["垃圾分类", "急救"],
        "organisation_id": None,
        "registered_at": "2026-08-09T09:30:00+00:00",
        "source": "web",
        "id_verified": True,
    }
    return Envelope(
        event_type="VolunteerRegistered",
        aggregate_id=payload["volunteer_id"],
        aggregate_version=1,
        payload=payload,
        producer="registration",
        sequence=7,
    )


def test_volunteer_registered_loses_phone_email_and_id_verified_and_masks_the_name() -> None:
    event = registered()
    public = redact(event)
    assert public.payload == {
        "volunteer_id": event.payload["volunteer_id"],
        "name": "刘*珠",
        "street": "五四路街道",
        "skills": ["垃圾分类", "急救"],
        "organisation_id": None,
        "registered_at": "2026-08-09T09:30:00+00:00",
        "source": "web",
    }
    assert "13812345678" not in public.to_json().decode()
    assert event.payload["phone"] == "13812345678"  # the original is untouched
    assert (public.event_id, public.event_type, public.producer) == (
        event.event_id,
        event.event_type,
        event.producer,
    )


def test_a_profile_update_loses_phone_and_email_and_masks_a_new_name() -> None:
    event = Envelope(
        event_type="VolunteerProfileUpdated",
        aggregate_id="v1",
        aggregate_version=2,
        payload={
            "volunteer_id": "v1",
            "updated_at": "2026-08-10T09:30:00+00:00",
            "name": "王五",
            "phone": "13900000000",
            "email": None,
            "street": "八一七路街道",
        },
    )
    assert redact(event).payload == {
        "volunteer_id": "v1",
        "updated_at": "2026-08-10T09:30:00+00:00",
        "name": "王*",
        "street": "八一七路街道",
    }


def test_a_profile_update_without_a_name_has_none_added() -> None:
    event = Envelope(
        "VolunteerProfileUpdated",
        "v1",
        2,
        {"volunteer_id": "v1", "updated_at": "2026-08-10T09:30:00+00:00", "phone": "13900000000"},
    )
    assert redact(event).payload == {
        "volunteer_id": "v1",
        "updated_at": "2026-08-10T09:30:00+00:00",
    }


@pytest.mark.parametrize("event_type", ["TeamAssigned", "ActivityCancelled", "VolunteerWithdrawn"])
def test_other_events_pass_unchanged(event_type: str) -> None:
    event = Envelope(event_type, "a", 1, {"team_id": "t", "volunteer_id": "v", "hours": "2.00"})
    assert redact(event) == event


@pytest.mark.parametrize("event_type", ["ActivityScheduled", "ActivityCompleted"])
def test_the_person_in_charge_of_an_activity_is_masked(event_type: str) -> None:
    event = Envelope(event_type, "a", 1, {"activity_id": "a", "person_in_charge": "王建国"})
    assert redact(event).payload == {"activity_id": "a", "person_in_charge": "王*国"}


def test_minor_and_the_masked_id_number_of_version_2_never_reach_partners() -> None:
    event = registered()
    event = event.with_payload(
        {**event.payload, "minor": True, "id_number_masked": "3201**********123X"}, 2
    )
    public = redact(event)
    assert not {"minor", "id_number_masked"} & public.payload.keys()
    assert public.payload == redact(registered()).payload
    assert "3201" not in public.to_json().decode()


ACTIVITY = {
    "activity_id": "a-1",
    "team_id": "t-1",
    "title": "垃圾分类督导",
    "kind": "垃圾分类督导",
    "location": "五四广场",
    "started_at": "2026-08-09T09:00:00+00:00",
    "ended_at": "2026-08-09T12:00:00+00:00",
    "completed_at": "2026-08-09T13:00:00+00:00",
    "attendance": [{"volunteer_id": "v-1", "hours": "3.00"}],
    "content": "督导垃圾分类",
    "organising_unit": "五四路街道",
    "person_in_charge": "王建国",
    "late_reason": "刘丽珠住院，补录",
}


def test_activity_completed_loses_its_late_reason_only() -> None:
    public = redact(Envelope("ActivityCompleted", "a-1", 1, ACTIVITY, schema_version=3))
    expected = {k: v for k, v in ACTIVITY.items() if k != "late_reason"}
    assert public.payload == expected | {"person_in_charge": "王*国"}


def test_hours_corrected_loses_its_reason_only() -> None:
    payload = {
        "activity_id": "a-1",
        "team_id": "t-1",
        "title": "垃圾分类督导",
        "volunteer_id": "v-1",
        "previous_hours": "3.00",
        "hours": "1.50",
        "reason": "刘丽珠提前离开",
        "corrected_at": "2026-08-10T09:00:00+00:00",
    }
    public = redact(Envelope("HoursCorrected", "a-1", 2, payload))
    assert public.payload == {k: v for k, v in payload.items() if k != "reason"}


def test_certificate_issued_loses_the_masked_name_only() -> None:
    payload = {
        "certificate_id": "c-1",
        "number": "ZM2026000001",
        "volunteer_id": "v-1",
        "name_masked": "刘*珠",
        "period_from": None,
        "period_to": "2026-08-31",
        "total_hours": "12.50",
        "activity_count": 4,
        "issued_at": "2026-09-01T09:00:00+00:00",
        "issuer": "城市治理志愿者协会",
        "signature": "c2lnbmF0dXJl",
        "activities": [{"activity_id": "a-1", "hours": "3.00"}],
    }
    public = redact(Envelope("CertificateIssued", "c-1", 1, payload))
    assert public.payload == {k: v for k, v in payload.items() if k != "name_masked"}


@pytest.mark.parametrize("event_type", ["ActivityCompleted", "HoursCorrected", "CertificateIssued"])
def test_a_field_a_later_schema_adds_to_a_teams_event_stays_private(event_type: str) -> None:
    event = Envelope(event_type, "a-1", 1, {"note": "刘丽珠"})
    assert redact(event).payload == {}


def test_a_field_a_later_schema_adds_to_a_volunteer_event_stays_private() -> None:
    event = registered()
    event = event.with_payload({**event.payload, "wechat_id": "liulizhu88"})
    assert "wechat_id" not in json.loads(redact(event).to_json())["payload"]


def test_erasure_keeps_ids_and_times_only() -> None:
    public = redact(registered())
    assert erase_person(public.payload) == {
        "volunteer_id": public.payload["volunteer_id"],
        "organisation_id": None,
        "registered_at": "2026-08-09T09:30:00+00:00",
        "source": "web",
    }


def test_only_registration_and_profile_events_are_about_a_volunteer_s_own_data() -> None:
    assert about_volunteer(registered()) == registered().payload["volunteer_id"]
    assert about_volunteer(Envelope("TeamAssigned", "t", 1, {"volunteer_id": "v"})) is None


@pytest.mark.parametrize(
    ("event_type", "payload"),
    [
        ("VolunteerRegistered", registered().payload),
        ("TeamCreated", {"team_id": "t-1", "name": "文明劝导队"}),
    ],
)
def test_partners_see_only_the_kind_of_the_actor_never_who(
    event_type: str, payload: dict[str, object]
) -> None:
    event = Envelope(
        event_type=event_type,
        aggregate_id="a-1",
        aggregate_version=1,
        payload=payload,
        producer="registration",
        actor={"kind": "staff", "id": "coordinator-42"},
    )
    public = redact(event)
    assert public.actor == {"kind": "staff"}
    assert "coordinator-42" not in public.to_json().decode()
    assert event.actor == {"kind": "staff", "id": "coordinator-42"}  # the original is untouched


def test_an_event_stored_before_actors_were_recorded_stays_without_one() -> None:
    assert redact(registered()).actor is None
