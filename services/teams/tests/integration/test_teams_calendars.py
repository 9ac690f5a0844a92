"""A team's calendar (iCalendar) on SQLite and PostgreSQL: every activity an event, cancelled ones
marked so, and only for those who reach the team."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from icalendar import Calendar
from reports_testkit import OFFICE, ORG_A, ORG_B, coordinator_of

from teams_testkit import WRITER, Kit


def test_the_calendar_holds_each_activity_of_the_team(kit: Kit) -> None:
    team = kit.team(name="江浦街道文明劝导队 =日历", organisation_id=ORG_A)
    other = kit.team(organisation_id=ORG_A)
    held = kit.activity(
        team["team_id"],
        title="早高峰文明交通劝导",
        location="浦珠路口",
        content="劝导行人遵守信号灯\n注意安全",
        starts_at="2026-11-28T07:00:00+08:00",
        ends_at="2026-11-28T09:30:00+08:00",
    ).get_json()
    called_off = kit.activity(team["team_id"], hours_ago=-48).get_json()
    cancel = {"reason": "暴雨"}
    path = f"/activities/{called_off['activity_id']}/cancellation"
    assert kit.client.post(path, json=cancel, headers=WRITER).status_code in (200, 201)
    kit.activity(other["team_id"])

    answer = kit.client.get(f"/teams/{team['team_id']}/calendar.ics", headers=OFFICE)
    assert answer.status_code == 200
    assert answer.headers["Content-Type"] == "text/calendar; charset=utf-8"
    calendar = Calendar.from_ical(answer.get_data())
    assert str(calendar["X-WR-CALNAME"]) == "江浦街道文明劝导队 =日历"
    assert str(calendar["VERSION"]) == "2.0"
    events = {str(event["UID"]): event for event in calendar.walk("VEVENT")}
    assert set(events) == {
        f"{held['activity_id']}@association",
        f"{called_off['activity_id']}@association",
    }
    first = events[f"{held['activity_id']}@association"]
    assert first.decoded("DTSTART") == datetime(2026, 11, 27, 23, 0, tzinfo=UTC)
    assert first.decoded("DTEND") == datetime(2026, 11, 28, 1, 30, tzinfo=UTC)
    assert str(first["SUMMARY"]) == "早高峰文明交通劝导"
    assert str(first["LOCATION"]) == "浦珠路口"
    assert str(first["DESCRIPTION"]) == "劝导行人遵守信号灯\n注意安全"
    assert str(first["STATUS"]) == "CONFIRMED"
    assert str(events[f"{called_off['activity_id']}@association"]["STATUS"]) == "CANCELLED"


def test_only_those_who_reach_the_team_read_its_calendar(kit: Kit) -> None:
    team = kit.team(organisation_id=ORG_A)
    kit.activity(team["team_id"])
    path = f"/teams/{team['team_id']}/calendar.ics"
    own = kit.client.get(path, headers=coordinator_of(ORG_A))
    assert own.status_code == 200 and b"BEGIN:VEVENT" in own.get_data()
    assert kit.client.get(path, headers=coordinator_of(ORG_B)).status_code == 404
    assert kit.client.get(f"/teams/{uuid.uuid4()}/calendar.ics", headers=OFFICE).status_code == 404
    assert kit.client.get(path).status_code == 401
