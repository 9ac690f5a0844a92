"""Corrected hours and issued certificates, on SQLite and PostgreSQL: the volunteer's credited
hours, running total and star level follow a correction exactly once, and they are told.

Events are applied as the consumer applies them (validated, one transaction), without a broker;
"handled again" is as if the consumer's inbox had forgotten them.
"""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import func, select

from association.settings import Settings
from notifications.adapters import volunteer_records
from notifications.adapters.notification_records import notifications_of
from notifications.adapters.volunteer_tables import hours_credits_table, service_hours_table
from notifications.entrypoints import forget_volunteers_and_teams


@pytest.fixture
def service(make_service, offline_settings: Settings, monkeypatch: pytest.MonkeyPatch) -> Any:
    monkeypatch.setenv("STAR_THRESHOLDS", "5,10,20,30,40")
    return make_service(offline_settings)


def notifications(service: Any, volunteer_id: str) -> list[dict[str, Any]]:
    with service.context.database.reader() as session:
        return notifications_of(session, volunteer_id, 0, 100)


def kinds(service: Any, volunteer_id: str) -> list[str]:
    return [n["kind"] for n in notifications(service, volunteer_id)]


def hours_of(service: Any, volunteer_id: str) -> tuple[Decimal, int]:
    """The volunteer's running total and stored star level."""
    with service.context.database.reader() as session:
        row = session.execute(
            select(service_hours_table.c.total_centihours, service_hours_table.c.star_level).where(
                service_hours_table.c.volunteer_id == volunteer_id
            )
        ).one()
    return Decimal(row.total_centihours) / 100, row.star_level


def credited(service: Any, activity_id: str, volunteer_id: str) -> int | None:
    with service.context.database.reader() as session:
        return volunteer_records.credited_hours(session, activity_id, volunteer_id)


def test_a_correction_up_across_a_threshold_announces_the_level_and_down_lowers_it(
    service, events
) -> None:
    volunteer = events.registered(name="刘丽珠")
    volunteer_id = volunteer.payload["volunteer_id"]
    team_id = str(uuid.uuid4())
    activity = events.completed(team_id, [(volunteer_id, "4")], title="垃圾分类督导")
    service.apply(volunteer, activity)
    assert hours_of(service, volunteer_id) == (Decimal(4), 0)
    up = events.hours_corrected(activity, volunteer_id, "4.00", "6.00", reason="签到漏记两小时")
    service.apply(up)
    assert hours_of(service, volunteer_id) == (Decimal(6), 1)
    assert kinds(service, volunteer_id)[-2:] == ["hours_corrected", "star_level_1"]
    down = events.hours_corrected(activity, volunteer_id, "6.00", "3.00", reason="提前离开")
    service.apply(down)
    assert hours_of(service, volunteer_id) == (Decimal(3), 0)  # below 5: the level is lowered
    assert credited(service, activity.payload["activity_id"], volunteer_id) == 300
    assert kinds(service, volunteer_id)[-1] == "hours_corrected"  # no milestone going down
    again = events.completed(team_id, [(volunteer_id, "2.5")], title="共享单车整理")
    service.apply(again)  # 5.5: the first star reached again is announced again
    assert hours_of(service, volunteer_id) == (Decimal("5.5"), 1)
    assert kinds(service, volunteer_id) == [
        "welcome",
        "activity_thanks",
        "hours_corrected",
        "star_level_1",
        "hours_corrected",
        "activity_thanks",
        "star_level_1",
    ]
    milestones = [n for n in notifications(service, volunteer_id) if n["kind"] == "star_level_1"]
    assert [n["event_id"] for n in milestones] == [up.event_id, again.event_id]


def test_a_correction_over_two_thresholds_announces_both_levels(service, events) -> None:
    volunteer = events.registered()
    volunteer_id = volunteer.payload["volunteer_id"]
    activity = events.completed(str(uuid.uuid4()), [(volunteer_id, "2")])
    service.apply(volunteer, activity)
    service.apply(events.hours_corrected(activity, volunteer_id, "2.00", "12.00"))
    assert hours_of(service, volunteer_id) == (Decimal(12), 2)
    assert kinds(service, volunteer_id)[-3:] == ["hours_corrected", "star_level_1", "star_level_2"]


def test_a_correction_handled_again_changes_nothing(service, events) -> None:
    volunteer = events.registered()
    volunteer_id = volunteer.payload["volunteer_id"]
    activity = events.completed(str(uuid.uuid4()), [(volunteer_id, "4")])
    up = events.hours_corrected(activity, volunteer_id, "4.00", "7.50")
    down = events.hours_corrected(activity, volunteer_id, "7.50", "1.00")
    service.apply(volunteer, activity, up)
    for _ in range(3):
        service.apply(up)
        service.apply_batch(activity, up, up)
    assert hours_of(service, volunteer_id) == (Decimal("7.5"), 1)
    service.apply(down, down)
    service.apply_batch(down, activity, down)
    assert hours_of(service, volunteer_id) == (Decimal(1), 0)
    for _ in range(2):  # every event again, in order, as if the inbox had forgotten them
        service.apply(volunteer, activity, up, down)
    service.apply_batch(volunteer, activity, up, down)
    assert hours_of(service, volunteer_id) == (Decimal(1), 0)
    assert credited(service, activity.payload["activity_id"], volunteer_id) == 100
    assert kinds(service, volunteer_id) == [
        "welcome",
        "activity_thanks",
        "hours_corrected",
        "star_level_1",
        "hours_corrected",
    ]


def test_rebuilt_hours_count_the_corrections_and_send_nothing_again(service, events) -> None:
    volunteer = events.registered()
    volunteer_id = volunteer.payload["volunteer_id"]
    team_id = str(uuid.uuid4())
    first = events.completed(team_id, [(volunteer_id, "4")])
    second = events.completed(team_id, [(volunteer_id, "3")])
    sent = [
        volunteer,
        first,
        events.hours_corrected(first, volunteer_id, "4.00", "6.00"),
        second,
        events.hours_corrected(second, volunteer_id, "3.00", "0.00"),
    ]
    service.apply(*sent)
    live = hours_of(service, volunteer_id), kinds(service, volunteer_id)
    assert live[0] == (Decimal(6), 1)
    with service.context.database.transaction() as session:
        forget_volunteers_and_teams(session)  # what rebuild-projections does before replaying
    service.apply(*sent)
    assert (hours_of(service, volunteer_id), kinds(service, volunteer_id)) == live


def test_an_attendee_the_completion_left_out_is_credited_once(service, events) -> None:
    volunteer = events.registered()
    volunteer_id = volunteer.payload["volunteer_id"]
    other = events.registered(phone="13900000001")
    activity = events.completed(str(uuid.uuid4()), [(other.payload["volunteer_id"], "2")])
    added = events.hours_corrected(activity, volunteer_id, "0.00", "2.00", reason="漏记")
    service.apply(volunteer, other, activity, added, added)
    assert hours_of(service, volunteer_id) == (Decimal(2), 0)
    [notice] = [n for n in notifications(service, volunteer_id) if n["kind"] == "hours_corrected"]
    assert "由 0 小时更正为 2 小时" in notice["body"]


def test_the_notice_names_the_activity_the_hours_the_reason_and_the_new_total(
    service, events
) -> None:
    volunteer = events.registered(name="王五")
    volunteer_id = volunteer.payload["volunteer_id"]
    team_id = str(uuid.uuid4())
    first = events.completed(team_id, [(volunteer_id, "3")], title="文明劝导")
    second = events.completed(team_id, [(volunteer_id, "1.25")], title="垃圾分类督导")
    service.apply(volunteer, first, second)
    service.apply(events.hours_corrected(first, volunteer_id, "3.00", "2.50", reason="迟到半小时"))
    notice = notifications(service, volunteer_id)[-1]
    assert notice["kind"] == "hours_corrected"
    assert notice["subject"] == "「文明劝导」的服务时长已更正"
    assert notice["body"].startswith("王五，您好！")
    assert "您在活动「文明劝导」的服务时长已由 3 小时更正为 2.5 小时。" in notice["body"]
    assert "更正原因：迟到半小时" in notice["body"]
    assert "您的累计服务时长现为 3.75 小时。" in notice["body"]
    assert [c["channel"] for c in notice["channels"]] == ["log"]


def test_a_withdrawn_volunteer_is_skipped(service, events) -> None:
    volunteer = events.registered()
    volunteer_id = volunteer.payload["volunteer_id"]
    activity = events.completed(str(uuid.uuid4()), [(volunteer_id, "4")])
    service.apply(volunteer, activity, events.withdrawn(volunteer_id))
    service.apply(
        events.hours_corrected(activity, volunteer_id, "4.00", "9.00"),
        events.certificate_issued(volunteer_id, activities=((activity.aggregate_id, "4.00"),)),
    )
    assert notifications(service, volunteer_id) == []
    with service.context.database.reader() as session:
        for table in (hours_credits_table, service_hours_table):
            found = session.execute(
                select(func.count()).select_from(table).where(table.c.volunteer_id == volunteer_id)
            ).scalar_one()
            assert found == 0


def test_a_certificate_is_announced_once_with_number_hours_activities_and_period(
    service, events
) -> None:
    volunteer = events.registered(name="刘丽珠")
    volunteer_id = volunteer.payload["volunteer_id"]
    certificate = events.certificate_issued(
        volunteer_id,
        number="ZM2026000042",
        period=("2026-03-01", None),
        activities=((str(uuid.uuid4()), "3.00"), (str(uuid.uuid4()), "9.50")),
    )
    service.apply(volunteer, certificate, certificate)
    service.apply_batch(certificate)
    notices = [n for n in notifications(service, volunteer_id) if n["kind"] != "welcome"]
    assert [n["kind"] for n in notices] == ["certificate_issued"]
    assert notices[0]["subject"] == "您的志愿服务证明已出具（编号 ZM2026000042）"
    body = notices[0]["body"]
    assert "编号 ZM2026000042" in body
    assert "证明期间：2026-03-01 至 出具之日" in body
    assert "共参加活动 2 次，累计服务时长 12.5 小时" in body


def test_notices_are_written_in_english_when_the_service_speaks_it(
    make_service, offline_settings: Settings, events, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NOTIFICATION_LANGUAGE", "en")
    service = make_service(offline_settings)
    volunteer = events.registered(name="Liu Lizhu")
    volunteer_id = volunteer.payload["volunteer_id"]
    activity = events.completed(str(uuid.uuid4()), [(volunteer_id, "2")], title="Litter picking")
    service.apply(volunteer, activity)
    service.apply(events.hours_corrected(activity, volunteer_id, "2.00", "2.50", reason="late"))
    service.apply(events.certificate_issued(volunteer_id, number="ZM1", period=(None, None)))
    correction, certificate = notifications(service, volunteer_id)[-2:]
    assert "Litter picking were corrected from 2 to 2.5 hours" in correction["body"]
    assert "Reason: late" in correction["body"] and "total is now 2.5 hours" in correction["body"]
    assert certificate["subject"] == "Your certificate of volunteer service (ZM1)"
    assert "0 activities and 0 hours of service" in certificate["body"]


def test_a_correction_of_an_activity_with_the_longest_title_is_stored(service, events) -> None:
    """An activity's title may be 200 characters: the subject is cut to what the table keeps."""
    volunteer = events.registered()
    volunteer_id = volunteer.payload["volunteer_id"]
    title = "长" * 200
    activity = events.completed(str(uuid.uuid4()), [(volunteer_id, "1")], title=title)
    service.apply(volunteer, activity, events.hours_corrected(activity, volunteer_id, "1", "2"))
    thanks, correction = notifications(service, volunteer_id)[1:]
    for notice in (thanks, correction):
        assert len(notice["subject"]) == 200 and notice["subject"].endswith("…")
        assert title in notice["body"]
