"""The recruitment part of the volunteer journey: an open activity, an application from the
volunteer's own token, the code shown on site, a check-in with it, a roll-call check-out, a
cancellation, and the volunteer told of the acceptance and the cancellation."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import requests

from support.journey_http import ok
from support.polling import wait_for
from support.tokens import role_bearer

# Told to applicants; none of these events is ever given to partners.
PRIVATE = {"ApplicationAccepted", "ApplicationWaitlisted", "CheckedIn", "CheckedOut"}


def apply_and_check_in(
    teams: str, notifications: str, coordinator: dict[str, str], volunteer_id: str, team_id: str
) -> None:
    """Open an activity starting in half an hour to all, with one slot; the volunteer finds it
    among their open activities, applies (accepted), checks in with the code shown on site, is
    checked out at a roll call; the activity is called off and the volunteer is told of both."""
    own = role_bearer("volunteer", volunteer_id)
    starts = datetime.now(UTC) + timedelta(minutes=30)
    activity = ok(
        requests.post(
            f"{teams}/activities",
            json={
                "team_id": team_id,
                "title": "周末河道巡查",
                "kind": "river_patrol",
                "location": "城南河浦珠路段",
                "starts_at": starts.isoformat(),
                "ends_at": (starts + timedelta(hours=2)).isoformat(),
                "content": "巡查河道，劝导垂钓",
                "organising_unit": "浦口区城市治理志愿者协会",
                "person_in_charge": "王队长",
                "slots": 1,
                "open_to": "all",
            },
            headers=coordinator,
            timeout=10,
        )
    )
    activity_id = activity["activity_id"]
    listed = ok(requests.get(f"{teams}/activities", headers=own, timeout=10), 200)
    assert activity_id in {a["activity_id"] for a in listed}
    applied = ok(
        requests.post(
            f"{teams}/activities/{activity_id}/applications",
            json={"volunteer_id": volunteer_id},
            headers=own,
            timeout=10,
        )
    )
    assert applied["status"] == "accepted"

    shown = ok(
        requests.get(
            f"{teams}/activities/{activity_id}/check-in-code", headers=coordinator, timeout=10
        ),
        200,
    )
    image = requests.get(
        f"{teams}/activities/{activity_id}/check-in-code.png", headers=coordinator, timeout=10
    )
    assert (image.status_code, image.headers["Content-Type"]) == (200, "image/png")
    wrong = "000000" if shown["code"] != "000000" else "111111"
    refused = requests.post(
        f"{teams}/activities/{activity_id}/check-ins",
        json={"volunteer_id": volunteer_id, "code": wrong},
        headers=own,
        timeout=10,
    )
    assert refused.status_code == 422 and "code" in refused.json()["errors"]["json"], refused.text
    for route, body, headers in (
        ("check-ins", {"volunteer_id": volunteer_id, "code": shown["code"]}, own),
        ("check-outs", {"volunteer_id": volunteer_id}, coordinator),
    ):
        ok(
            requests.post(
                f"{teams}/activities/{activity_id}/{route}", json=body, headers=headers, timeout=10
            )
        )
    [presence] = ok(
        requests.get(f"{teams}/activities/{activity_id}/presences", headers=coordinator), 200
    )
    assert (presence["check_in_method"], presence["check_out_method"]) == ("code", "roll_call")
    ok(
        requests.post(
            f"{teams}/activities/{activity_id}/cancellation",
            json={"reason": "暴雨预警"},
            headers=coordinator,
            timeout=10,
        )
    )

    def told() -> list[dict] | None:
        response = requests.get(
            f"{notifications}/volunteers/{volunteer_id}/notifications", headers=own, timeout=10
        )
        found = response.json().get("notifications", []) if response.ok else []
        kinds = {n["kind"] for n in found}
        return found if {"application_accepted", "activity_cancelled"} <= kinds else None

    messages = wait_for(told, timeout=30, what="the applicant told of acceptance and cancellation")
    cancelled = next(n for n in messages if n["kind"] == "activity_cancelled")
    assert "暴雨预警" in cancelled["body"]
    assert "activity_reminder" not in {n["kind"] for n in messages}  # it starts within 24 h
