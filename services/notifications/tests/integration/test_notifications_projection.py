"""The handlers on SQLite and PostgreSQL: contacts, messages, hours, stars, erasure, public log.

Events are applied as the consumer applies them (validated, one transaction), without a broker.
"""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from sqlalchemy import func, insert, select
from sqlalchemy.exc import IntegrityError

from association.settings import Settings
from notifications.adapters import volunteer_records
from notifications.adapters.notification_records import notifications_of
from notifications.adapters.partner_tables import public_events_table, webhook_deliveries_table
from notifications.adapters.public_log import PublicEventLog
from notifications.adapters.volunteer_tables import notifications_table
from notifications.service_layer import subscriptions
from notifications.service_layer.volunteers import VolunteerEventOutOfOrder


def notifications(service: Any, volunteer_id: str) -> list[dict[str, Any]]:
    with service.context.database.reader() as session:
        return notifications_of(session, volunteer_id, 0, 100)


def kinds(service: Any, volunteer_id: str) -> list[str]:
    return [n["kind"] for n in notifications(service, volunteer_id)]


def count(service: Any, table: Any) -> int:
    with service.context.database.reader() as session:
        return session.execute(select(func.count()).select_from(table)).scalar_one()


def test_a_registration_is_welcomed_in_chinese_and_queued_on_the_log(service, events) -> None:
    event = events.registered(name="刘丽珠")
    service.apply(event)
    [welcome] = notifications(service, event.payload["volunteer_id"])
    assert welcome["kind"] == "welcome"
    assert welcome["event_id"] == event.event_id
    assert welcome["language"] == "zh"
    assert welcome["body"].startswith("刘丽珠，您好！")
    assert [(c["channel"], c["status"]) for c in welcome["channels"]] == [("log", "pending")]


def test_e_mail_is_queued_when_smtp_is_set_and_the_volunteer_gave_an_address(
    make_service, offline_settings: Settings, events
) -> None:
    service = make_service(Settings(**{**vars(offline_settings), "smtp_url": "smtp://127.0.0.1:1"}))
    with_email, without = events.registered(), events.registered(phone="13900000000", email=None)
    service.apply(with_email, without)
    [first] = notifications(service, with_email.payload["volunteer_id"])
    [second] = notifications(service, without.payload["volunteer_id"])
    assert [c["channel"] for c in first["channels"]] == ["email", "log"]
    assert [c["channel"] for c in second["channels"]] == ["log"]


def test_one_notification_per_event_recipient_and_kind_even_without_the_inbox(
    service, events
) -> None:
    volunteer = events.registered()
    volunteer_id = volunteer.payload["volunteer_id"]
    team_id = str(uuid.uuid4())
    assignment = events.assigned(volunteer_id, team_id)
    activity = events.completed(team_id, [(volunteer_id, "120.00")])
    for _ in range(3):  # the same events handled again, as if the inbox had forgotten them
        service.apply(volunteer, assignment, activity)
    assert kinds(service, volunteer_id) == [
        "welcome",
        "team_assigned",
        "activity_thanks",
        "star_level_1",
    ]
    with service.context.database.reader() as session:
        assert volunteer_records.add_to_total(session, volunteer_id, 0)[0] == 12000


def test_the_database_refuses_a_second_notification_for_the_same_event_recipient_and_kind(
    service, events
) -> None:
    event = events.registered()
    service.apply(event)
    [existing] = notifications(service, event.payload["volunteer_id"])
    row = {k: existing[k] for k in ("event_id", "volunteer_id", "kind", "language", "subject")}
    row |= {
        "notification_id": str(uuid.uuid4()),
        "body": "again",
        "created_at": existing["created_at"],
    }
    with pytest.raises(IntegrityError), service.context.database.transaction() as session:
        session.execute(insert(notifications_table).values(**row))


def test_team_assignment_and_activity_thanks_carry_team_hours_and_running_total(
    service, events
) -> None:
    volunteer = events.registered(name="王五")
    volunteer_id = volunteer.payload["volunteer_id"]
    team_id = str(uuid.uuid4())
    service.apply(
        volunteer,
        events.team_created(team_id, "五四路文明劝导队"),
        events.assigned(volunteer_id, team_id, "五四路文明劝导队", role="leader"),
        events.completed(team_id, [(volunteer_id, "2.50")], title="文明劝导"),
        events.completed(team_id, [(volunteer_id, "3.25")], title="共享单车整理"),
    )
    found = notifications(service, volunteer_id)
    assert found[1]["subject"] == "您已加入「五四路文明劝导队」"
    assert "作为队长加入" in found[1]["body"]
    assert "本次记录服务时长 2.5 小时，您的累计服务时长为 2.5 小时" in found[2]["body"]
    assert "「五四路文明劝导队」的活动「共享单车整理」" in found[3]["body"]
    assert "本次记录服务时长 3.25 小时，您的累计服务时长为 5.75 小时" in found[3]["body"]


def test_each_star_level_is_announced_once_the_first_time_it_is_reached(service, events) -> None:
    volunteer = events.registered()
    volunteer_id = volunteer.payload["volunteer_id"]
    team_id = str(uuid.uuid4())
    service.apply(volunteer)
    service.apply(events.completed(team_id, [(volunteer_id, "99.99")]))
    service.apply(events.completed(team_id, [(volunteer_id, "250.01")]))  # 350: levels 1 and 2
    service.apply(events.completed(team_id, [(volunteer_id, "10")]))
    service.apply(events.completed(team_id, [(volunteer_id, "250")]))  # 610: level 3
    milestones = [n for n in notifications(service, volunteer_id) if n["kind"].startswith("star")]
    assert [n["kind"] for n in milestones] == ["star_level_1", "star_level_2", "star_level_3"]
    assert milestones[2]["subject"] == "恭喜您成为3星级志愿者"
    assert "累计服务时长已达 610 小时，超过 600 小时" in milestones[2]["body"]


def test_star_thresholds_come_from_the_environment(
    make_service, offline_settings: Settings, events, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("STAR_THRESHOLDS", "5,10,20,30,40")
    monkeypatch.setenv("NOTIFICATION_LANGUAGE", "en")
    service = make_service(offline_settings)
    volunteer = events.registered(name="Liu Lizhu")
    volunteer_id = volunteer.payload["volunteer_id"]
    service.apply(volunteer, events.completed(str(uuid.uuid4()), [(volunteer_id, "6")]))
    found = notifications(service, volunteer_id)
    assert [n["kind"] for n in found] == ["welcome", "activity_thanks", "star_level_1"]
    assert found[2]["subject"] == "Congratulations: you are now a 1-star volunteer"


def test_a_withdrawal_erases_the_volunteer_and_nothing_is_written_for_them_afterwards(
    service, events
) -> None:
    volunteer = events.registered(name="刘丽珠")
    volunteer_id = volunteer.payload["volunteer_id"]
    other = events.registered(name="王五", phone="13900000000")
    team_id = str(uuid.uuid4())
    service.apply(volunteer, other, events.completed(team_id, [(volunteer_id, "5")]))
    service.apply(events.withdrawn(volunteer_id))
    service.apply(
        events.assigned(volunteer_id, team_id),
        events.completed(team_id, [(volunteer_id, "200"), (other.payload["volunteer_id"], "1")]),
        volunteer,  # a late redelivery of the registration
    )
    assert notifications(service, volunteer_id) == []
    with service.context.database.reader() as session:
        assert volunteer_records.contact_of(session, volunteer_id) is None
        assert volunteer_records.is_withdrawn(session, volunteer_id)
        public = PublicEventLog().read_after(session, 0, 100)
    assert kinds(service, other.payload["volunteer_id"]) == ["welcome", "activity_thanks"]
    about_them = [e for e in public if e.payload.get("volunteer_id") == volunteer_id]
    assert about_them and all("name" not in e.payload for e in about_them)
    assert all("street" not in e.payload for e in about_them)


def test_a_profile_update_changes_the_contact(service, events) -> None:
    volunteer = events.registered(name="刘丽珠", email="old@example.com")
    volunteer_id = volunteer.payload["volunteer_id"]
    service.apply(volunteer, events.profile_updated(volunteer_id, email="new@example.com"))
    with service.context.database.reader() as session:
        contact = volunteer_records.contact_of(session, volunteer_id)
    assert contact is not None
    assert (contact.name, contact.email) == ("刘丽珠", "new@example.com")


def test_changes_of_profile_out_of_order_leave_each_field_at_its_latest_change(
    service, events
) -> None:
    """Found by tests/faults: a change arriving before the sign-up, or a later change before an
    earlier one, was lost (the contact kept the older name)."""
    volunteer = events.registered(name="刘丽珠", email="first@example.com")
    volunteer_id = volunteer.payload["volunteer_id"]
    renamed = events.profile_updated(volunteer_id, name="刘丽")
    new_address = events.profile_updated(volunteer_id, email="third@example.com")
    renamed_again = events.profile_updated(volunteer_id, name="刘小丽", street="jiangpu")
    with pytest.raises(VolunteerEventOutOfOrder):  # the consumer hands it back, to retry
        service.apply(renamed)
    service.apply(volunteer, renamed_again, new_address, renamed, renamed_again)
    with service.context.database.reader() as session:
        contact = volunteer_records.contact_of(session, volunteer_id)
    assert contact is not None
    assert (contact.name, contact.email) == ("刘小丽", "third@example.com")
    service.apply(events.withdrawn(volunteer_id), renamed)  # after a withdrawal: nothing, no error


def test_every_consumed_event_is_republished_redacted_in_order(service, events) -> None:
    volunteer = events.registered(name="刘丽珠", phone="13812345678", email="liu@example.com")
    volunteer_id = volunteer.payload["volunteer_id"]
    team_id = str(uuid.uuid4())
    sent = [
        volunteer,
        events.profile_updated(volunteer_id, name="刘丽", phone="13700000000"),
        events.team_created(team_id),
        events.assigned(volunteer_id, team_id),
        events.completed(team_id, [(volunteer_id, "1.5")]),
    ]
    service.apply(*sent)
    service.apply(sent[0])  # a duplicate is not republished
    with service.context.database.reader() as session:
        public = PublicEventLog().read_after(session, 0, 100)
        assert PublicEventLog().unpublished(session, 0, 100) == public
    assert [e.event_id for e in public] == [e.event_id for e in sent]
    assert [e.sequence for e in public] == sorted(e.sequence for e in public)
    text = "".join(e.to_json().decode() for e in public)
    assert "13812345678" not in text and "13700000000" not in text and "@" not in text
    assert public[0].payload["name"] == "刘*珠" and public[1].payload["name"] == "刘*"
    assert public[3].payload == service.context.definition.registry.upcast(sent[3]).payload


def test_deliveries_are_queued_for_the_subscriptions_to_each_event_type(service, events) -> None:
    with service.context.database.transaction() as session:
        wants_teams, _ = subscriptions.subscribe(
            session,
            service.context.store,
            owner="uni",
            url="http://127.0.0.1:1/",
            event_types=["TeamAssigned", "ActivityCompleted"],
            limit=service.context.config.webhook_max_subscriptions,
        )
    volunteer = events.registered()
    volunteer_id = volunteer.payload["volunteer_id"]
    team_id = str(uuid.uuid4())
    service.apply(volunteer, events.assigned(volunteer_id, team_id))
    service.apply(events.completed(team_id, [(volunteer_id, "1")]))
    with service.context.database.reader() as session:
        queued = session.execute(
            select(
                webhook_deliveries_table.c.subscription_id, webhook_deliveries_table.c.event_type
            ).order_by(webhook_deliveries_table.c.position)
        ).all()
    assert queued == [
        (wants_teams["subscription_id"], "TeamAssigned"),
        (wants_teams["subscription_id"], "ActivityCompleted"),
    ]
    assert count(service, public_events_table) == 3
