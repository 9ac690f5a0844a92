"""Recruitment's notices and reminders, on SQLite and PostgreSQL: each applicant told once of each
decision, accepted applicants told of a cancelled activity, reminders scheduled a day ahead and
written once by the scheduler, none of the application events republished.

Events are applied as the consumer applies them (validated, one transaction), without a broker;
"handled again" is as if the consumer's inbox had forgotten them.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from recruitment_envelopes import Recruitment
from sqlalchemy import select

from notifications.adapters.message_templates import MessageComposer
from notifications.adapters.notification_records import notifications_of
from notifications.adapters.public_log import PublicEventLog
from notifications.adapters.recruitment_tables import reminders_table
from notifications.adapters.volunteer_tables import notifications_table
from notifications.domain.reminders import REMINDER_LEAD
from notifications.service_layer.notifier import Notifier
from notifications.service_layer.reminders import ReminderScheduler
from support.polling import wait_for
from support.threads import running

IN_THREE_DAYS = datetime(2030, 8, 9, 1, 30, tzinfo=UTC)  # 09:30 China time


def notifications(service: Any, volunteer_id: str) -> list[dict[str, Any]]:
    with service.context.database.reader() as session:
        return notifications_of(session, volunteer_id, 0, 100)


def kinds(service: Any, volunteer_id: str) -> list[str]:
    return [n["kind"] for n in notifications(service, volunteer_id)]


def reminders(service: Any) -> list[dict[str, Any]]:
    with service.context.database.reader() as session:
        return [dict(r) for r in session.execute(select(reminders_table)).mappings()]


def scheduler(service: Any, now: datetime) -> ReminderScheduler:
    """The scheduler on the service's database, its clock stopped at `now`."""
    return ReminderScheduler(
        service.context.database, Notifier(MessageComposer("zh"), ["log"]), clock=lambda: now
    )


def volunteer(service: Any, events: Any, name: str = "刘丽珠") -> str:
    registered = events.registered(name=name)
    service.apply(registered)
    return registered.payload["volunteer_id"]


def test_each_decision_is_told_once_however_often_it_is_handled(service, events) -> None:
    volunteer_id = volunteer(service, events)
    activity = Recruitment(IN_THREE_DAYS)
    waitlisted = activity.waitlisted(volunteer_id, position=3)
    promoted = activity.promoted(volunteer_id)
    for event in (waitlisted, waitlisted, promoted, promoted, waitlisted):
        service.apply(event)
    assert kinds(service, volunteer_id) == [
        "welcome",
        "application_waitlisted",
        "application_promoted",
    ]
    waiting, promotion = notifications(service, volunteer_id)[1:]
    assert "第 3 位" in waiting["body"]
    assert "2030-08-09 09:30（北京时间）" in promotion["body"]
    assert "五四广场东门" in promotion["body"]
    assert promotion["language"] == "zh"
    assert [(r["volunteer_id"], r["due_at"]) for r in reminders(service)] == [
        (volunteer_id, IN_THREE_DAYS - REMINDER_LEAD)
    ]


def test_an_acceptance_is_told_once_with_title_start_and_place(service, events) -> None:
    volunteer_id = volunteer(service, events)
    activity = Recruitment(IN_THREE_DAYS)
    accepted = activity.accepted(volunteer_id)
    service.apply(accepted, accepted)
    service.apply_batch(accepted, accepted)
    notices = [n for n in notifications(service, volunteer_id) if n["kind"] != "welcome"]
    assert [n["kind"] for n in notices] == ["application_accepted"]
    assert "五四广场垃圾分类督导" in notices[0]["subject"]
    assert "2030-08-09 09:30" in notices[0]["body"] and "五四广场东门" in notices[0]["body"]
    assert len(reminders(service)) == 1


def test_no_reminder_when_accepted_less_than_a_day_before_the_start(service, events) -> None:
    volunteer_id = volunteer(service, events)
    activity = Recruitment(IN_THREE_DAYS)
    service.apply(activity.accepted(volunteer_id, at=IN_THREE_DAYS - timedelta(hours=23)))
    assert kinds(service, volunteer_id)[-1] == "application_accepted"
    assert reminders(service) == []


def test_a_cancelled_activity_is_told_to_its_accepted_applicants_only(service, events) -> None:
    accepted_id, waiting_id, withdrawn_id, cancelled_id, stranger_id, promoted_id = (
        volunteer(service, events, name)
        for name in ("刘丽珠", "王五", "欧阳娜娜", "张三", "李四", "赵六")
    )
    activity = Recruitment(IN_THREE_DAYS)
    other = Recruitment(IN_THREE_DAYS, title="汤泉街道护学岗")
    service.apply(
        activity.accepted(accepted_id),
        activity.waitlisted(waiting_id, position=1),
        activity.accepted(withdrawn_id),
        activity.accepted(cancelled_id),
        activity.application_cancelled(cancelled_id, "accepted"),
        other.accepted(stranger_id),
        events.withdrawn(withdrawn_id),
        activity.waitlisted(promoted_id, position=2),
        activity.promoted(promoted_id),
    )
    cancelled = activity.activity_cancelled("台风预警，活动取消")
    service.apply(cancelled, cancelled)
    assert kinds(service, accepted_id)[-1] == "activity_cancelled"
    notice = notifications(service, accepted_id)[-1]
    assert "台风预警，活动取消" in notice["body"] and "五四广场垃圾分类督导" in notice["subject"]
    assert kinds(service, promoted_id)[-1] == "activity_cancelled"
    assert kinds(service, accepted_id).count("activity_cancelled") == 1
    assert "activity_cancelled" not in kinds(service, waiting_id)
    assert "activity_cancelled" not in kinds(service, cancelled_id)
    assert "activity_cancelled" not in kinds(service, stranger_id)
    assert notifications(service, withdrawn_id) == []
    # Only the other activity's reminder is left; an acceptance arriving late schedules none.
    service.apply(activity.accepted(waiting_id))
    assert [r["activity_id"] for r in reminders(service)] == [other.activity_id]
    assert kinds(service, waiting_id)[-1] == "application_waitlisted"


def test_the_scheduler_writes_each_due_reminder_once(service, events) -> None:
    first, second, cancelled_id = (
        volunteer(service, events, name) for name in ("刘丽珠", "王五", "张三")
    )
    activity = Recruitment(IN_THREE_DAYS)
    service.apply(
        activity.accepted(first),
        activity.accepted(second),
        activity.accepted(cancelled_id),
        activity.application_cancelled(cancelled_id, "accepted"),
    )
    due_at = IN_THREE_DAYS - REMINDER_LEAD
    assert scheduler(service, due_at - timedelta(seconds=1)).work_once() == 0
    at_due = scheduler(service, due_at)
    assert at_due.work_once() == 2
    assert at_due.work_once() == 0
    assert scheduler(service, due_at + timedelta(minutes=5)).work_once() == 0
    for volunteer_id in (first, second):
        reminder = notifications(service, volunteer_id)[-1]
        assert reminder["kind"] == "activity_reminder"
        assert "2030-08-09 09:30（北京时间）" in reminder["body"]
    assert "activity_reminder" not in kinds(service, cancelled_id)
    assert all(r["sent_at"] == due_at for r in reminders(service))


def test_a_reminder_not_sent_before_the_start_is_dropped(service, events) -> None:
    volunteer_id = volunteer(service, events)
    activity = Recruitment(IN_THREE_DAYS)
    service.apply(activity.accepted(volunteer_id))
    assert scheduler(service, IN_THREE_DAYS).work_once() == 0
    assert reminders(service) == []
    assert "activity_reminder" not in kinds(service, volunteer_id)


def test_a_withdrawal_drops_the_volunteers_reminders(service, events) -> None:
    volunteer_id = volunteer(service, events)
    activity = Recruitment(IN_THREE_DAYS)
    service.apply(activity.accepted(volunteer_id), events.withdrawn(volunteer_id))
    assert reminders(service) == []
    service.apply(activity.promoted(volunteer_id))
    assert reminders(service) == [] and notifications(service, volunteer_id) == []


def test_application_events_are_not_republished_and_the_v2_schedule_is(service, events) -> None:
    volunteer_id = volunteer(service, events)
    activity = Recruitment(IN_THREE_DAYS)
    service.apply(
        activity.scheduled(),
        activity.accepted(volunteer_id),
        activity.waitlisted(volunteer_id, 1),
        activity.promoted(volunteer_id),
        activity.application_cancelled(volunteer_id, "accepted"),
        activity.activity_cancelled(),
    )
    with service.context.database.reader() as session:
        published = PublicEventLog().read_after(session, 0, 100)
    types = [e.event_type for e in published]
    assert types == ["VolunteerRegistered", "ActivityScheduled", "ActivityCancelled"]
    schedule = published[1]
    assert schedule.schema_version == 2
    assert schedule.payload["slots"] == 2 and schedule.payload["open_to"] == "all"
    assert schedule.payload["person_in_charge"] == "欧**娜"


def test_two_schedulers_at_once_claim_each_reminder_once(service, events) -> None:
    activity = Recruitment(IN_THREE_DAYS)
    volunteers = [str(uuid.uuid4()) for _ in range(300)]
    service.apply_batch(*(activity.accepted(v) for v in volunteers))
    due_at = IN_THREE_DAYS - REMINDER_LEAD
    schedulers = [scheduler(service, due_at) for _ in range(2)]
    for each in schedulers:
        each.batch_size = 20
    with running(schedulers):
        wait_for(lambda: sum(s.written for s in schedulers) >= len(volunteers), timeout=60)
    assert sum(s.written for s in schedulers) == len(volunteers)  # no reminder claimed twice
    with service.context.database.reader() as session:
        stored = session.execute(
            select(notifications_table.c.volunteer_id).where(
                notifications_table.c.kind == "activity_reminder"
            )
        ).scalars()
        assert sorted(stored) == sorted(volunteers)
