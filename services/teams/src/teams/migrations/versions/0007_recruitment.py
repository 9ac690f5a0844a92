"""Recruitment and presence on site

The activities' recruitment fields (ActivityScheduled version 2: slots, open_to, sign_up_until,
adults_only; activities scheduled before read as open to their team, without limit), and the
`applications`, `presences` and `recorded_attendance` tables.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-05 13:10:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import association.timestamps

revision: str = "0007"
down_revision: str | Sequence[str] | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

INSTANT = association.timestamps.UtcDateTime(timezone=True)


def upgrade() -> None:
    with op.batch_alter_table("activities", schema=None) as batch_op:
        batch_op.add_column(sa.Column("slots", sa.Integer(), nullable=True))
        batch_op.add_column(
            sa.Column("open_to", sa.String(length=8), server_default="team", nullable=False)
        )
        batch_op.add_column(sa.Column("sign_up_until", INSTANT, nullable=True))
        batch_op.add_column(
            sa.Column("adults_only", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
    op.create_table(
        "applications",
        sa.Column("activity_id", sa.String(length=36), nullable=False),
        sa.Column("volunteer_id", sa.String(length=36), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("applied_at", INSTANT, nullable=False),
        sa.Column("accepted_at", INSTANT, nullable=True),
        sa.Column("cancelled_at", INSTANT, nullable=True),
        sa.PrimaryKeyConstraint("activity_id", "volunteer_id"),
    )
    with op.batch_alter_table("applications", schema=None) as batch_op:
        batch_op.create_index(
            "ix_applications_activity_status_number",
            ["activity_id", "status", "number"],
            unique=False,
        )
        batch_op.create_index("ix_applications_volunteer", ["volunteer_id"], unique=False)
    op.create_table(
        "presences",
        sa.Column("activity_id", sa.String(length=36), nullable=False),
        sa.Column("volunteer_id", sa.String(length=36), nullable=False),
        sa.Column("checked_in_at", INSTANT, nullable=False),
        sa.Column("check_in_method", sa.String(length=16), nullable=False),
        sa.Column("checked_out_at", INSTANT, nullable=True),
        sa.Column("check_out_method", sa.String(length=16), nullable=True),
        sa.PrimaryKeyConstraint("activity_id", "volunteer_id"),
    )
    op.create_table(
        "recorded_attendance",
        sa.Column("activity_id", sa.String(length=36), nullable=False),
        sa.Column("volunteer_id", sa.String(length=36), nullable=False),
        sa.Column("hundredths", sa.Integer(), nullable=False),
        sa.Column("recorded_at", INSTANT, nullable=False),
        sa.PrimaryKeyConstraint("activity_id", "volunteer_id"),
    )


def downgrade() -> None:
    op.drop_table("recorded_attendance")
    op.drop_table("presences")
    with op.batch_alter_table("applications", schema=None) as batch_op:
        batch_op.drop_index("ix_applications_volunteer")
        batch_op.drop_index("ix_applications_activity_status_number")
    op.drop_table("applications")
    with op.batch_alter_table("activities", schema=None) as batch_op:
        batch_op.drop_column("adults_only")
        batch_op.drop_column("sign_up_until")
        batch_op.drop_column("open_to")
        batch_op.drop_column("slots")
