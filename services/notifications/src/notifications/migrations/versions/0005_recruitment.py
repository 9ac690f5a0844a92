"""Recruitment as notifications follows it: applications, cancelled activities and reminders

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-05 13:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import association.timestamps

revision: str = "0005"
down_revision: str | Sequence[str] | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _instant(name: str, nullable: bool = False) -> sa.Column:
    return sa.Column(name, association.timestamps.UtcDateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "applications",
        sa.Column("activity_id", sa.String(length=36), nullable=False),
        sa.Column("volunteer_id", sa.String(length=36), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("location", sa.String(length=200), nullable=False),
        _instant("starts_at"),
        sa.PrimaryKeyConstraint("activity_id", "volunteer_id"),
    )
    op.create_index(
        "ix_applications_activity_status", "applications", ["activity_id", "status"], unique=False
    )
    op.create_table(
        "cancelled_activities",
        sa.Column("activity_id", sa.String(length=36), nullable=False),
        _instant("cancelled_at"),
        sa.PrimaryKeyConstraint("activity_id"),
    )
    op.create_table(
        "reminders",
        sa.Column("activity_id", sa.String(length=36), nullable=False),
        sa.Column("volunteer_id", sa.String(length=36), nullable=False),
        _instant("due_at"),
        _instant("starts_at"),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("location", sa.String(length=200), nullable=False),
        _instant("sent_at", nullable=True),
        sa.PrimaryKeyConstraint("activity_id", "volunteer_id"),
    )
    op.create_index("ix_reminders_unsent_due", "reminders", ["sent_at", "due_at"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_reminders_unsent_due", table_name="reminders")
    op.drop_table("reminders")
    op.drop_table("cancelled_activities")
    op.drop_index("ix_applications_activity_status", table_name="applications")
    op.drop_table("applications")
