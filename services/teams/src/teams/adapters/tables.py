"""The teams service's read models (projections), on a MetaData of their own.

Hours are kept as integer hundredths: exact on SQLite too, which has no decimal type. Times are
stored as UTC instants.
"""

from __future__ import annotations

from sqlalchemy import false
from sqlalchemy.schema import Index, MetaData, Table
from sqlalchemy.types import JSON, BigInteger, Boolean, Date, Integer, String, Text

from association.columns import (
    ActorId,
    ActorKind,
    Id,
    Instant,
    Reason,
    Status,
    key,
    optional,
    required,
)

metadata = MetaData()

# Volunteers as registration's events described them; the name and the masked ID number are
# erased on withdrawal. The masked ID number is printed on certificates and answered by no route.
volunteers_table = Table(
    "volunteers",
    metadata,
    key("volunteer_id"),
    optional("name", String(50)),
    optional("street", String(64)),
    required("skills", JSON),
    required("active", Boolean),
    required("version", Integer),
    required("updated_at", Instant),
    optional("organisation_id", Id),
    optional("id_number_masked", String(18)),
    optional("minor", Boolean),
    Index("ix_volunteers_organisation", "organisation_id"),
)

teams_table = Table(
    "teams",
    metadata,
    key("team_id"),
    required("name", String(100), unique=True),
    required("kind", String(32)),
    required("description", Text),
    required("required_skills", JSON),
    optional("capacity", Integer),
    required("created_at", Instant),
    optional("organisation_id", Id),
    Index("ix_teams_organisation", "organisation_id"),
)

team_members_table = Table(
    "team_members",
    metadata,
    key("team_id"),
    key("volunteer_id"),
    required("role", String(16)),
    required("assigned_at", Instant),
    Index("ix_team_members_volunteer", "volunteer_id"),
)

activities_table = Table(
    "activities",
    metadata,
    key("activity_id"),
    required("team_id", Id),
    required("title", String(200)),
    required("kind", String(64)),
    required("location", String(200)),
    required("starts_at", Instant),
    required("ends_at", Instant),
    required("content", Text),
    required("organising_unit", String(100)),
    required("person_in_charge", String(50)),
    required("status", Status),
    required("scheduled_at", Instant),
    optional("completed_at", Instant),
    optional("cancelled_at", Instant),
    optional("cancel_reason", Reason),
    # Who recorded the completion, and with it the hours (association.actors); none before it
    # was recorded, or for completions recorded before actors were.
    optional("recorded_by_kind", ActorKind),
    optional("recorded_by_id", ActorId),
    # Why the hours were recorded more than 10 working days after the end (None when on time).
    optional("late_reason", Reason),
    # Recruitment (ActivityScheduled version 2): accepted applicants at most (None: no limit),
    # who may apply (`team` | `all`), until when (None: until the start), minors refused.
    optional("slots", Integer),
    required("open_to", String(8), server_default="team"),
    optional("sign_up_until", Instant),
    required("adults_only", Boolean, server_default=false()),
    Index("ix_activities_team_starts", "team_id", "starts_at"),
    Index("ix_activities_status_ends", "status", "ends_at"),
)

attendance_table = Table(
    "attendance",
    metadata,
    key("activity_id"),
    key("volunteer_id"),
    required("hundredths", Integer),
    Index("ix_attendance_volunteer", "volunteer_id"),
)

# The ledger's running totals per volunteer, so reading them costs one row however long it gets.
service_hours_table = Table(
    "service_hours",
    metadata,
    key("volunteer_id"),
    required("hundredths", BigInteger),
    required("activity_count", Integer),
)

# Each correction of an attendee's hours at a completed activity, numbered within the activity
# (1, 2, … in the order of its events), with who made it (association.actors).
hours_corrections_table = Table(
    "hours_corrections",
    metadata,
    key("activity_id"),
    key("number", Integer, autoincrement=False),
    required("volunteer_id", Id),
    required("previous_hundredths", Integer),
    required("hundredths", Integer),
    required("reason", Reason),
    required("corrected_at", Instant),
    optional("corrected_by_kind", ActorKind),
    optional("corrected_by_id", ActorId),
)

# Certificates of volunteer service (志愿服务证明) as issued: what each states, its signature, and
# the activities it counted with the hours they credited then. Only the masked name is kept, so
# that a certificate stays verifiable after its volunteer withdraws.
certificates_table = Table(
    "certificates",
    metadata,
    key("certificate_id"),
    required("number", String(32), unique=True),
    required("volunteer_id", Id),
    required("name_masked", String(50)),
    optional("period_from", Date),
    optional("period_to", Date),
    required("hundredths", BigInteger),
    required("activity_count", Integer),
    required("issued_at", Instant),
    required("issuer", String(100)),
    required("signature", String(200)),
    required("activities", JSON),
    Index("ix_certificates_volunteer", "volunteer_id"),
)

# Applications for activities, one per (activity, volunteer): `number` orders them within the
# activity (1, 2, … as they came; a new application after a cancellation takes a new number),
# so the waiting list is the waitlisted rows by number.
applications_table = Table(
    "applications",
    metadata,
    key("activity_id"),
    key("volunteer_id"),
    required("status", Status),
    required("number", Integer),
    required("applied_at", Instant),
    optional("accepted_at", Instant),
    optional("cancelled_at", Instant),
    Index("ix_applications_activity_status_number", "activity_id", "status", "number"),
    Index("ix_applications_volunteer", "volunteer_id"),
)

# Who arrived on site and left, one row per (activity, volunteer), with how each was recorded.
presences_table = Table(
    "presences",
    metadata,
    key("activity_id"),
    key("volunteer_id"),
    required("checked_in_at", Instant),
    required("check_in_method", String(16)),
    optional("checked_out_at", Instant),
    optional("check_out_method", String(16)),
)

# Attendance recorded in batches ahead of an activity's completion (AttendanceRecorded), which
# counts it; replaced entry by entry when recorded again.
recorded_attendance_table = Table(
    "recorded_attendance",
    metadata,
    key("activity_id"),
    key("volunteer_id"),
    required("hundredths", Integer),
    required("recorded_at", Instant),
)

# The hours reports' read model: one row per attendance entry (activity, volunteer), with what the
# reports group and filter by copied in when the hours were recorded — the team and its
# organisation, the activity's start date in China (and its month) and the volunteer's street
# then — so that a report reads this table alone through one of its indexes, never joining the
# attendance, activities and volunteers tables. `hundredths` follows the corrections.
HOURS_REPORT_COLUMNS = (
    "team_id",
    "street",
    "month",
    "volunteer_id",
    "activity_id",
    "hundredths",
)
hours_report_table = Table(
    "hours_report",
    metadata,
    key("activity_id"),
    key("volunteer_id"),
    required("team_id", Id),
    optional("organisation_id", Id),
    required("day", Date),
    required("month", String(7)),
    optional("street", String(64)),
    required("hundredths", Integer),
    # Covering: a period (optionally of one organisation) is answered from the index alone.
    Index("ix_hours_report_day", "day", "organisation_id", *HOURS_REPORT_COLUMNS),
    Index("ix_hours_report_organisation_day", "organisation_id", "day", *HOURS_REPORT_COLUMNS),
    Index("ix_hours_report_team_day", "team_id", "day"),
)
