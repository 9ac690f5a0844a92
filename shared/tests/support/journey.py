"""The volunteer journey over HTTP and AMQP, walked on any running stack (processes or compose)."""

from __future__ import annotations

import base64
import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pika
import requests
from cryptography.hazmat.primitives.serialization import load_pem_public_key

from support.journey_http import ok
from support.polling import wait_for
from support.recruitment_journey import PRIVATE, apply_and_check_in
from support.webhook_receiver import WebhookReceiver

PERSONAL = ("13812345678", "liu@example.cn", "刘明珠")


def walk_the_journey(
    urls: dict[str, str],
    token: Callable[..., dict[str, str]],
    amqp_url: str,
    stream_queue: str,
    partner_endpoint: WebhookReceiver | None,
) -> None:
    """Drive the journey over HTTP and AMQP; a webhook is checked when an endpoint is given.

    The stack must reach a star level at 2.5 hours (STAR_THRESHOLDS starting at 2 or less).
    """
    registration, teams = urls["registration"], urls["teams"]
    notifications = urls["notifications"]
    coordinator = token("teams:write", "volunteers:read")
    partner = token("partner")
    if partner_endpoint is not None:
        subscription = ok(
            requests.post(
                f"{notifications}/subscriptions",
                json={
                    "url": partner_endpoint.url,
                    "event_types": ["VolunteerRegistered", "TeamAssigned", "ActivityCompleted"],
                },
                headers=partner,
                timeout=10,
            )
        )

    volunteer = ok(
        requests.post(
            f"{registration}/volunteers",
            json={
                "name": "刘明珠",
                "phone": "+86 138 1234 5678",
                "email": "liu@example.cn",
                "street": "jiangpu",
                "skills": ["first_aid"],
                "consent": True,
            },
            timeout=10,
        )
    )
    volunteer_id = volunteer["volunteer_id"]

    team = ok(
        requests.post(
            f"{teams}/teams",
            json={
                "name": "江浦街道文明劝导队",
                "kind": "community",
                "description": "路口文明交通劝导",
                "required_skills": [],
                "capacity": 10,
            },
            headers=coordinator,
            timeout=10,
        )
    )

    def assigned() -> dict | None:
        response = requests.post(
            f"{teams}/teams/{team['team_id']}/members",
            json={"volunteer_id": volunteer_id, "role": "member"},
            headers=coordinator,
            timeout=10,
        )
        return response.json() if response.status_code == 201 else None

    wait_for(assigned, timeout=30)  # 422 until the sign-up has reached teams

    now = datetime.now(UTC)
    activity = ok(
        requests.post(
            f"{teams}/activities",
            json={
                "team_id": team["team_id"],
                "title": "早高峰文明交通劝导",
                "kind": "civilised_traffic",
                "location": "江浦街道浦珠路口",
                "starts_at": (now - timedelta(hours=3)).isoformat(),
                "ends_at": (now - timedelta(minutes=30)).isoformat(),
                "content": "劝导行人遵守信号灯",
                "organising_unit": "浦口区城市治理志愿者协会",
                "person_in_charge": "王队长",
            },
            headers=coordinator,
            timeout=10,
        )
    )
    ok(
        requests.post(
            f"{teams}/activities/{activity['activity_id']}/completion",
            json={"attendance": [{"volunteer_id": volunteer_id, "hours": "2.5"}]},
            headers=coordinator,
            timeout=10,
        )
    )
    hours = ok(
        requests.get(f"{teams}/volunteers/{volunteer_id}/hours", headers=coordinator, timeout=10),
        200,
    )
    assert hours["total_hours"] == "2.50"
    assert hours["activity_count"] == 1
    assert hours["star_level"] == 1

    kinds = {"welcome", "team_assigned", "activity_thanks", "star_level_1"}

    def notified() -> list[dict] | None:
        response = requests.get(
            f"{notifications}/volunteers/{volunteer_id}/notifications",
            headers=coordinator,
            timeout=10,
        )
        found = response.json().get("notifications", []) if response.ok else []
        return found if {n["kind"] for n in found} >= kinds else None

    messages = wait_for(notified, timeout=30)
    assert sorted(n["kind"] for n in messages) == sorted(kinds)
    thanks = next(n for n in messages if n["kind"] == "activity_thanks")
    assert "2.5" in thanks["body"]

    correct_and_certify(teams, notifications, coordinator, volunteer_id, activity["activity_id"])
    apply_and_check_in(teams, notifications, coordinator, volunteer_id, team["team_id"])

    if partner_endpoint is not None:  # each subscribed event once, in order, signed, redacted
        wait_for(lambda: len(partner_endpoint.received) >= 3, timeout=30)
        hooked = partner_endpoint.events(subscription["secret"])
        assert [e["event_type"] for e in hooked] == [
            "VolunteerRegistered",
            "TeamAssigned",
            "ActivityCompleted",
        ]
        assert hooked[0]["payload"]["name"] == "刘*珠"
        assert not [p for p in PERSONAL if p in json.dumps(hooked, ensure_ascii=False)]

    # The public feed and the stream a plain AMQP client replays from the first offset.
    feed = ok(
        requests.get(f"{notifications}/public/events?limit=100", headers=partner, timeout=10),
        200,
    )
    assert "VolunteerRegistered" in {e["event_type"] for e in feed["events"]}
    assert not PRIVATE & {e["event_type"] for e in feed["events"]}
    public = {e["event_type"]: e["payload"] for e in feed["events"]}
    assert "reason" not in public["HoursCorrected"]
    assert "name_masked" not in public["CertificateIssued"]
    streamed = read_stream(amqp_url, stream_queue, 5)
    assert {"VolunteerRegistered", "TeamCreated", "ActivityCompleted"} <= {
        e["event_type"] for e in streamed
    }
    assert not PRIVATE & {e["event_type"] for e in streamed}
    assert not [p for p in PERSONAL if p in json.dumps(streamed, ensure_ascii=False)]
    assert not [p for p in PERSONAL if p in json.dumps(feed, ensure_ascii=False)]


def correct_and_certify(
    teams: str, notifications: str, coordinator: dict[str, str], volunteer_id: str, activity: str
) -> None:
    """Correct the volunteer's 2.5 hours down to 1.5 (below the first star), certify them, check
    the certificate offline as a school would, and find the volunteer told of both."""
    corrected = ok(
        requests.post(
            f"{teams}/activities/{activity}/corrections",
            json={"volunteer_id": volunteer_id, "hours": "1.5", "reason": "提前一小时离开"},
            headers=coordinator,
            timeout=10,
        )
    )
    assert corrected["attendance"] == [{"volunteer_id": volunteer_id, "hours": "1.50"}]
    hours = ok(
        requests.get(f"{teams}/volunteers/{volunteer_id}/hours", headers=coordinator, timeout=10),
        200,
    )
    assert (hours["total_hours"], hours["star_level"]) == ("1.50", 0)
    records = ok(
        requests.get(f"{teams}/volunteers/{volunteer_id}/records", headers=coordinator, timeout=10),
        200,
    )
    [record] = records
    assert record["hours"] == "1.50"
    assert [c["previous_hours"] for c in record["corrections"]] == ["2.50"]

    certificate = ok(
        requests.post(
            f"{teams}/volunteers/{volunteer_id}/certificates",
            json={},
            headers=coordinator,
            timeout=10,
        )
    )
    assert (certificate["total_hours"], certificate["activity_count"]) == ("1.50", 1)
    checked = ok(requests.get(certificate["verification_url"], timeout=10), 200)
    key = requests.get(f"{teams}/certificates/public-key", timeout=10)
    signed = {
        k: checked[k]
        for k in (
            "number",
            "name",
            "total_hours",
            "activity_count",
            "period",
            "issued_at",
            "issuer",
        )
    }
    message = json.dumps(signed, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    public_key = load_pem_public_key(key.content)
    public_key.verify(base64.b64decode(checked["signature"]), message.encode())  # type: ignore[union-attr]
    assert (checked["valid"], checked["name"]) == (True, "刘*珠")

    def told() -> list[dict] | None:
        response = requests.get(
            f"{notifications}/volunteers/{volunteer_id}/notifications",
            headers=coordinator,
            timeout=10,
        )
        found = response.json().get("notifications", []) if response.ok else []
        kinds = {n["kind"] for n in found}
        return found if {"hours_corrected", "certificate_issued"} <= kinds else None

    messages = wait_for(
        told, timeout=30, what="the volunteer told of the correction and certificate"
    )
    correction = next(n for n in messages if n["kind"] == "hours_corrected")
    assert "1.5" in correction["body"]
    issued = next(n for n in messages if n["kind"] == "certificate_issued")
    assert certificate["number"] in issued["body"]


def read_stream(amqp_url: str, queue: str, at_least: int) -> list[dict]:
    """Replay a stream queue from its first offset with a plain pika consumer."""
    connection = pika.BlockingConnection(pika.URLParameters(amqp_url))
    try:
        channel = connection.channel()
        channel.basic_qos(prefetch_count=100)
        seen: list[dict] = []
        for method, _properties, body in channel.consume(
            queue, arguments={"x-stream-offset": "first"}, inactivity_timeout=5
        ):
            if method is None:
                break
            seen.append(json.loads(body))
            channel.basic_ack(method.delivery_tag)
        channel.cancel()
        assert len(seen) >= at_least, seen
        return seen
    finally:
        connection.close()
