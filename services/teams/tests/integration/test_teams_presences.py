"""Check-in codes, check-ins and check-outs over HTTP: a volunteer with the code shown on site,
a coordinator at a roll call, and every refusal changing nothing."""

from __future__ import annotations

import io
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import zxingcpp
from PIL import Image
from presence_testkit import (
    ORG,
    OTHER_ORG,
    accept,
    coordinator,
    event_count,
    volunteer_token,
)

from support.tokens import SECRET
from teams.domain.check_in_codes import check_in_key, code_for, window_of
from teams_testkit import WRITER, Kit

WINDOW = 300


def crew(kit: Kit, hours_ago: float = 1, length: float = 2) -> tuple[dict[str, Any], uuid.UUID]:
    """A team of the organisation with one member, and an activity of it."""
    team = kit.team(organisation_id=ORG)
    member = kit.volunteer()
    assert kit.assign(team["team_id"], member).status_code == 201
    activity = kit.activity(team["team_id"], hours_ago=hours_ago, length=length).get_json()
    return activity, member


def mark(kit: Kit, activity_id: str, route: str, body: dict[str, Any], headers: Any) -> Any:
    return kit.client.post(f"/activities/{activity_id}/{route}", json=body, headers=headers)


def refused(kit: Kit, answer: Any, status: int, field: str | None = None) -> None:
    assert answer.status_code == status, answer.get_json()
    if field is not None:
        assert field in answer.get_json()["errors"]["json"], answer.get_json()


def test_a_volunteer_checks_in_with_the_current_code_and_not_a_rotated_one(kit: Kit) -> None:
    activity, member = crew(kit)
    activity_id = activity["activity_id"]
    shown = kit.client.get(f"/activities/{activity_id}/check-in-code", headers=WRITER)
    assert shown.status_code == 200
    code = shown.get_json()
    assert len(code["code"]) == 6 and code["code"].isdigit() and code["rotates_every"] == WINDOW
    expires_at = datetime.fromisoformat(code["expires_at"])
    assert timedelta(seconds=WINDOW - 5) < expires_at - datetime.now(UTC) <= timedelta(seconds=600)

    own = volunteer_token(member)
    window = window_of(datetime.now(UTC), WINDOW)
    rotated = code_for(check_in_key(SECRET), uuid.UUID(activity_id), window - 2)
    before = event_count(kit)
    for body in ({"volunteer_id": str(member), "code": rotated}, {"volunteer_id": str(member)}):
        refused(kit, mark(kit, activity_id, "check-ins", body, own), 422, "code")
    assert event_count(kit) == before

    body = {"volunteer_id": str(member), "code": code["code"]}
    arrived = mark(kit, activity_id, "check-ins", body, own)
    assert arrived.status_code == 201, arrived.get_json()
    assert arrived.get_json()["check_in_method"] == "code"
    assert arrived.get_json()["checked_out_at"] is None and arrived.get_json()["hours"] is None
    refused(kit, mark(kit, activity_id, "check-ins", body, own), 409)
    left = mark(kit, activity_id, "check-outs", body, own)
    assert left.status_code == 201, left.get_json()
    assert left.get_json()["check_out_method"] == "code"
    refused(kit, mark(kit, activity_id, "check-outs", body, own), 409)
    assert kit.event_types()[-2:] == ["CheckedIn", "CheckedOut"]

    listed = kit.client.get(f"/activities/{activity_id}/presences", headers=WRITER).get_json()
    assert [p["volunteer_id"] for p in listed] == [str(member)]
    assert listed[0]["check_in_method"] == "code" and listed[0]["hours"] is None  # a few seconds


def test_a_volunteer_reaches_only_their_own_presence(kit: Kit) -> None:
    activity, member = crew(kit)
    other = kit.volunteer()
    assert kit.assign(activity["team_id"], other).status_code == 201
    activity_id = activity["activity_id"]
    code = kit.client.get(f"/activities/{activity_id}/check-in-code", headers=WRITER)
    body = {"volunteer_id": str(other), "code": code.get_json()["code"]}
    before = event_count(kit)
    refused(kit, mark(kit, activity_id, "check-ins", body, volunteer_token(member)), 404)
    # A volunteer reaches no code and no list.
    for path in ("check-in-code", "check-in-code.png", "presences"):
        answer = kit.client.get(
            f"/activities/{activity_id}/{path}", headers=volunteer_token(member)
        )
        assert answer.status_code == 403
    assert event_count(kit) == before


def test_a_coordinator_checks_in_members_and_accepted_applicants_at_a_roll_call(kit: Kit) -> None:
    activity, member = crew(kit)
    activity_id = activity["activity_id"]
    applicant, outsider = kit.volunteer(), kit.volunteer()
    accept(kit, activity_id, [applicant])
    before = event_count(kit)
    body = {"volunteer_id": str(member)}
    refused(kit, mark(kit, activity_id, "check-ins", body, coordinator(OTHER_ORG)), 404)
    refused(kit, mark(kit, activity_id, "check-outs", body, coordinator()), 409)  # not checked in
    outside = {"volunteer_id": str(outsider)}
    refused(kit, mark(kit, activity_id, "check-ins", outside, coordinator()), 422, "volunteer_id")
    unknown = {"volunteer_id": str(uuid.uuid4())}
    refused(kit, mark(kit, activity_id, "check-ins", unknown, coordinator()), 422, "volunteer_id")
    refused(
        kit,
        kit.client.get(f"/activities/{activity_id}/presences", headers=coordinator(OTHER_ORG)),
        404,
    )
    assert event_count(kit) == before

    for volunteer in (member, applicant):
        body = {"volunteer_id": str(volunteer), "code": "ignored"}
        arrived = mark(kit, activity_id, "check-ins", body, coordinator())
        assert arrived.status_code == 201, arrived.get_json()
        assert arrived.get_json()["check_in_method"] == "roll_call"
    left = mark(kit, activity_id, "check-outs", {"volunteer_id": str(member)}, coordinator())
    assert left.status_code == 201 and left.get_json()["check_out_method"] == "roll_call"
    listed = kit.client.get(f"/activities/{activity_id}/presences", headers=coordinator())
    assert {p["volunteer_id"] for p in listed.get_json()} == {str(member), str(applicant)}


def test_check_ins_only_in_the_activity_s_hours_and_while_it_is_scheduled(kit: Kit) -> None:
    later, member = crew(kit, hours_ago=-3)  # starts in three hours
    team_id = later["team_id"]
    ended = kit.activity(team_id, hours_ago=3, length=1).get_json()  # ended two hours ago
    cancelled = kit.activity(team_id, hours_ago=1).get_json()
    reason = {"reason": "暴雨"}
    path = f"/activities/{cancelled['activity_id']}/cancellation"
    assert kit.client.post(path, json=reason, headers=WRITER).status_code == 201
    body = {"volunteer_id": str(member)}
    before = event_count(kit)
    refused(kit, mark(kit, later["activity_id"], "check-ins", body, WRITER), 422, "starts_at")
    refused(kit, mark(kit, ended["activity_id"], "check-ins", body, WRITER), 422, "ends_at")
    refused(kit, mark(kit, cancelled["activity_id"], "check-ins", body, WRITER), 409)
    refused(kit, mark(kit, str(uuid.uuid4()), "check-ins", body, WRITER), 404)
    code_path = f"/activities/{cancelled['activity_id']}/check-in-code"
    refused(kit, kit.client.get(code_path, headers=WRITER), 409)
    refused(kit, kit.client.get(code_path + ".png", headers=WRITER), 409)
    assert event_count(kit) == before


def test_the_code_as_a_qr_image_leads_to_the_check_in_page(kit: Kit) -> None:
    activity, _member = crew(kit)
    activity_id = activity["activity_id"]
    path = f"/activities/{activity_id}/check-in-code"
    codes = [kit.client.get(path, headers=coordinator()).get_json()["code"]]
    image = kit.client.get(f"{path}.png", headers=coordinator())
    codes.append(kit.client.get(path, headers=coordinator()).get_json()["code"])
    assert image.status_code == 200 and image.content_type == "image/png"
    texts = [found.text for found in zxingcpp.read_barcodes(Image.open(io.BytesIO(image.data)))]
    # The code shown then (a window may have turned between the two reads).
    links = {f"http://localhost:8080/me?activity={activity_id}&code={code}" for code in codes}
    assert len(texts) == 1 and texts[0] in links
    other = kit.client.get(
        f"/activities/{activity_id}/check-in-code", headers=coordinator(OTHER_ORG)
    )
    assert other.status_code == 404
