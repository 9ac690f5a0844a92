"""Create the tables as the release before the histories made them

Revision ID: 0001
Revises:
Create Date: 2026-12-04 16:44:43.221898
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import association.timestamps
from association.store import revisions

revision: str = "0001"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    revisions.create_store_tables()
    op.create_table(
        "activities",
        sa.Column("activity_id", sa.String(length=36), nullable=False),
        sa.Column("team_id", sa.String(length=36), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=64), nullable=False),
        sa.Column("location", sa.String(length=200), nullable=False),
        sa.Column("starts_at", association.timestamps.UtcDateTime(timezone=True), nullable=False),
        sa.Column("ends_at", association.timestamps.UtcDateTime(timezone=True), nullable=False),
        sa.Column("content", sa.Text(), nullable=False),
        sa.Column("organising_unit", sa.String(length=100), nullable=False),
        sa.Column("person_in_charge", sa.String(length=50), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column(
            "scheduled_at", association.timestamps.UtcDateTime(timezone=True), nullable=False
        ),
        sa.Column("completed_at", association.timestamps.UtcDateTime(timezone=True), nullable=True),
        sa.Column("cancelled_at", association.timestamps.UtcDateTime(timezone=True), nullable=True),
        sa.Column("cancel_reason", sa.String(length=500), nullable=True),
        sa.PrimaryKeyConstraint("activity_id"),
    )
    with op.batch_alter_table("activities", schema=None) as batch_op:
        batch_op.create_index("ix_activities_team_starts", ["team_id", "starts_at"], unique=False)

    op.create_table(
        "attendance",
        sa.Column("activity_id", sa.String(length=36), nullable=False),
        sa.Column("volunteer_id", sa.String(length=36), nullable=False),
        sa.Column("hundredths", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("activity_id", "volunteer_id"),
    )
    with op.batch_alter_table("attendance", schema=None) as batch_op:
        batch_op.create_index("ix_attendance_volunteer", ["volunteer_id"], unique=False)

    op.create_table(
        "service_hours",
        sa.Column("volunteer_id", sa.String(length=36), nullable=False),
        sa.Column("hundredths", sa.BigInteger(), nullable=False),
        sa.Column("activity_count", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("volunteer_id"),
    )
    op.create_table(
        "team_members",
        sa.Column("team_id", sa.String(length=36), nullable=False),
        sa.Column("volunteer_id", sa.String(length=36), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("assigned_at", association.timestamps.UtcDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("team_id", "volunteer_id"),
    )
    with op.batch_alter_table("team_members", schema=None) as batch_op:
        batch_op.create_index("ix_team_members_volunteer", ["volunteer_id"], unique=False)

    op.create_table(
        "teams",
        sa.Column("team_id", sa.String(length=36), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("required_skills", sa.JSON(), nullable=False),
        sa.Column("capacity", sa.Integer(), nullable=True),
        sa.Column("created_at", association.timestamps.UtcDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("team_id"),
        sa.UniqueConstraint("name"),
    )
    op.create_table(
        "volunteers",
        sa.Column("volunteer_id", sa.String(length=36), nullable=False),
        sa.Column("name", sa.String(length=50), nullable=True),
        sa.Column("street", sa.String(length=64), nullable=True),
        sa.Column("skills", sa.JSON(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("updated_at", association.timestamps.UtcDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("volunteer_id"),
    )


def downgrade() -> None:
    op.drop_table("volunteers")
    op.drop_table("teams")
    with op.batch_alter_table("team_members", schema=None) as batch_op:
        batch_op.drop_index("ix_team_members_volunteer")

    op.drop_table("team_members")
    op.drop_table("service_hours")
    with op.batch_alter_table("attendance", schema=None) as batch_op:
        batch_op.drop_index("ix_attendance_volunteer")

    op.drop_table("attendance")
    with op.batch_alter_table("activities", schema=None) as batch_op:
        batch_op.drop_index("ix_activities_team_starts")

    op.drop_table("activities")
    revisions.drop_store_tables()
