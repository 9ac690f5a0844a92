"""The teams service's read models (projections), on a MetaData of their own.

Hours are kept as integer hundredths: exact on SQLite too, which has no decimal type. Times are
stored as UTC instants.
"""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
)

from association.timestamps import UtcDateTime

metadata = MetaData()

# Volunteers as registration's events described them; the name is erased on withdrawal.
volunteers_table = Table(
    "volunteers",
    metadata,
    Column("volunteer_id", String(36), primary_key=True),
    Column("name", String(50), nullable=True),
    Column("street", String(64), nullable=True),
    Column("skills", JSON, nullable=False),
    Column("active", Boolean, nullable=False),
    Column("version", Integer, nullable=False),
    Column("updated_at", UtcDateTime(), nullable=False),
)

teams_table = Table(
    "teams",
    metadata,
    Column("team_id", String(36), primary_key=True),
    Column("name", String(100), nullable=False, unique=True),
    Column("kind", String(32), nullable=False),
    Column("description", Text, nullable=False),
    Column("required_skills", JSON, nullable=False),
    Column("capacity", Integer, nullable=True),
    Column("created_at", UtcDateTime(), nullable=False),
)

team_members_table = Table(
    "team_members",
    metadata,
    Column("team_id", String(36), primary_key=True),
    Column("volunteer_id", String(36), primary_key=True),
    Column("role", String(16), nullable=False),
    Column("assigned_at", UtcDateTime(), nullable=False),
    Index("ix_team_members_volunteer", "volunteer_id"),
)

activities_table = Table(
    "activities",
    metadata,
    Column("activity_id", String(36), primary_key=True),
    Column("team_id", String(36), nullable=False),
    Column("title", String(200), nullable=False),
    Column("kind", String(64), nullable=False),
    Column("location", String(200), nullable=False),
    Column("starts_at", UtcDateTime(), nullable=False),
    Column("ends_at", UtcDateTime(), nullable=False),
    Column("content", Text, nullable=False),
    Column("organising_unit", String(100), nullable=False),
    Column("person_in_charge", String(50), nullable=False),
    Column("status", String(16), nullable=False),
    Column("scheduled_at", UtcDateTime(), nullable=False),
    Column("completed_at", UtcDateTime(), nullable=True),
    Column("cancelled_at", UtcDateTime(), nullable=True),
    Column("cancel_reason", String(500), nullable=True),
    Index("ix_activities_team_starts", "team_id", "starts_at"),
)

attendance_table = Table(
    "attendance",
    metadata,
    Column("activity_id", String(36), primary_key=True),
    Column("volunteer_id", String(36), primary_key=True),
    Column("hundredths", Integer, nullable=False),
    Index("ix_attendance_volunteer", "volunteer_id"),
)

# The ledger's running totals per volunteer, so reading them costs one row however long it gets.
service_hours_table = Table(
    "service_hours",
    metadata,
    Column("volunteer_id", String(36), primary_key=True),
    Column("hundredths", BigInteger, nullable=False),
    Column("activity_count", Integer, nullable=False),
)
