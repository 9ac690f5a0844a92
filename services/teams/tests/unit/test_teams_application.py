"""The Application aggregate's decisions: slots, the waiting list, eligibility, cancellation and
promotion."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest

from teams.domain.activity import Activity
from teams.domain.application import (
    ActivityStarted,
    AlreadyApplied,
    Applicant,
    Application,
    NoActiveApplication,
    apply_for,
    cancel,
    frees_a_slot,
    promote,
)
from teams.domain.errors import ActivityClosed, Invalid
from teams.domain.events import ActivityCancelled, ActivityScheduled
from teams.domain.recruitment_events import (
    ApplicationAccepted,
    ApplicationCancelled,
    ApplicationPromoted,
    ApplicationWaitlisted,
)
from teams.domain.vocabularies import ActivityKind, ApplicationStatus, OpenTo
from teams.domain.volunteer import KnownVolunteer

START = datetime(2026, 12, 20, 8, 0, tzinfo=UTC)
BEFORE = START - timedelta(days=1)


def activity(**recruitment: object) -> Activity:
    return Activity.from_events(
        [
            ActivityScheduled(
                uuid.uuid4(),
                uuid.uuid4(),
                "护学岗",
                ActivityKind.SCHOOL_GUARD,
                "实验小学东门",
                START,
                START + timedelta(hours=1),
                "上学时段护学",
                "五一街道",
                "王建国",
                START - timedelta(days=7),
                **recruitment,  # type: ignore[arg-type]
            )
        ]
    )


def applicant(member: bool = True, minor: bool | None = False, active: bool = True) -> Applicant:
    volunteer_id = uuid.uuid4()
    known = KnownVolunteer(volunteer_id, "刘玉珠", "五一街道", (), active, 1, None, None, minor)
    return Applicant(volunteer_id, known, member)


def test_accepted_while_slots_are_free_then_waitlisted_after_those_waiting() -> None:
    planned = activity(slots=2)
    first = apply_for(planned, applicant(), Application(), 1, 0, BEFORE)
    assert isinstance(first, ApplicationAccepted) and first.accepted_at == BEFORE
    waiting = apply_for(planned, applicant(), Application(), 2, 4, BEFORE)
    assert isinstance(waiting, ApplicationWaitlisted) and waiting.position == 5


def test_no_limit_accepts_everyone() -> None:
    event = apply_for(activity(), applicant(), Application(), 10_000, 0, BEFORE)
    assert isinstance(event, ApplicationAccepted)


def test_an_active_application_conflicts_and_a_cancelled_one_may_apply_again() -> None:
    planned, who = activity(slots=1), applicant()
    accepted = apply_for(planned, who, Application(), 0, 0, BEFORE)
    application = Application.from_events([accepted])
    with pytest.raises(AlreadyApplied):
        apply_for(planned, who, application, 1, 0, BEFORE)
    application.apply(cancel(planned, who.volunteer_id, application, BEFORE))
    assert application.status is ApplicationStatus.CANCELLED and application.version == 2
    assert isinstance(apply_for(planned, who, application, 0, 0, BEFORE), ApplicationAccepted)


@pytest.mark.parametrize(
    ("planned", "who", "now", "field", "reason"),
    [
        (activity(), applicant(member=False), BEFORE, "volunteer_id", "members of its team"),
        (activity(adults_only=True), applicant(minor=True), BEFORE, "volunteer_id", "a minor"),
        (activity(adults_only=True), applicant(minor=None), BEFORE, "volunteer_id", "not known"),
        (activity(), applicant(active=False), BEFORE, "volunteer_id", "withdrawn"),
        (activity(), Applicant(uuid.uuid4(), None, False), BEFORE, "volunteer_id", "not known"),
        (activity(), applicant(), START, "sign_up_until", "closed"),
        (activity(sign_up_until=BEFORE), applicant(), BEFORE, "sign_up_until", "closed"),
    ],
)
def test_each_ineligibility_names_its_field(
    planned: Activity, who: Applicant, now: datetime, field: str, reason: str
) -> None:
    with pytest.raises(Invalid) as refused:
        apply_for(planned, who, Application(), 0, 0, now)
    assert any(reason in message for message in refused.value.errors[field])


def test_open_to_all_takes_outsiders_and_adults_only_takes_known_adults() -> None:
    planned = activity(open_to=OpenTo.ALL, adults_only=True)
    event = apply_for(planned, applicant(member=False, minor=False), Application(), 0, 0, BEFORE)
    assert isinstance(event, ApplicationAccepted)


def test_a_cancelled_activity_is_refused_naming_the_activity() -> None:
    planned = activity()
    planned.apply(ActivityCancelled(planned.plan.activity_id, planned.plan.team_id, "雨", BEFORE))
    with pytest.raises(Invalid) as refused:
        apply_for(planned, applicant(), Application(), 0, 0, BEFORE)
    assert "activity" in refused.value.errors


def test_cancelling_frees_a_slot_only_when_accepted() -> None:
    planned, who = activity(slots=1), applicant()
    accepted = Application.from_events([apply_for(planned, who, Application(), 0, 0, BEFORE)])
    cancelled = cancel(planned, who.volunteer_id, accepted, BEFORE)
    assert cancelled.previous_status is ApplicationStatus.ACCEPTED and frees_a_slot(cancelled)
    waiting = Application.from_events([apply_for(planned, who, Application(), 1, 0, BEFORE)])
    assert not frees_a_slot(cancel(planned, who.volunteer_id, waiting, BEFORE))
    promoted = promote(planned, who.volunteer_id, BEFORE)
    assert isinstance(promoted, ApplicationPromoted)
    waiting.apply(promoted)
    assert waiting.status is ApplicationStatus.ACCEPTED


def test_cancelling_needs_an_active_application_before_the_start() -> None:
    planned, who = activity(), applicant()
    with pytest.raises(NoActiveApplication):
        cancel(planned, who.volunteer_id, Application(), BEFORE)
    accepted = Application.from_events([apply_for(planned, who, Application(), 0, 0, BEFORE)])
    with pytest.raises(ActivityStarted):
        cancel(planned, who.volunteer_id, accepted, START)
    planned.apply(ActivityCancelled(planned.plan.activity_id, planned.plan.team_id, "雨", BEFORE))
    with pytest.raises(ActivityClosed):
        cancel(planned, who.volunteer_id, accepted, BEFORE)


def test_an_application_folds_its_events() -> None:
    planned, who = activity(), applicant()
    cancelled = ApplicationCancelled(
        planned.plan.activity_id,
        planned.plan.team_id,
        who.volunteer_id,
        ApplicationStatus.ACCEPTED,
        BEFORE,
    )
    accepted = apply_for(planned, who, Application(), 0, 0, BEFORE)
    application = Application.from_events([accepted, cancelled])
    assert (application.status, application.version, application.active) == (
        ApplicationStatus.CANCELLED,
        2,
        False,
    )
