"""Service records: why hours were recorded late, and the corrections of hours

`activities.late_reason` (the reason given for hours recorded more than 10 working days after the
end; null when on time, and for every completion before), an index of activities by status and
end (the overdue ones), and the `hours_corrections` table, each correction of an attendee's hours
numbered within its activity with who made it. Rows before stay as they were: no correction was
possible before.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-05 08:55:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import association.timestamps

revision: str = "0005"
down_revision: str | Sequence[str] | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "hours_corrections",
        sa.Column("activity_id", sa.String(length=36), nullable=False),
        sa.Column("number", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("volunteer_id", sa.String(length=36), nullable=False),
        sa.Column("previous_hundredths", sa.Integer(), nullable=False),
        sa.Column("hundredths", sa.Integer(), nullable=False),
        sa.Column("reason", sa.String(length=500), nullable=False),
        sa.Column(
            "corrected_at", association.timestamps.UtcDateTime(timezone=True), nullable=False
        ),
        sa.Column("corrected_by_kind", sa.String(length=16), nullable=True),
        sa.Column("corrected_by_id", sa.String(length=255), nullable=True),
        sa.PrimaryKeyConstraint("activity_id", "number"),
    )
    with op.batch_alter_table("activities", schema=None) as batch_op:
        batch_op.add_column(sa.Column("late_reason", sa.String(length=500), nullable=True))
        batch_op.create_index("ix_activities_status_ends", ["status", "ends_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("activities", schema=None) as batch_op:
        batch_op.drop_index("ix_activities_status_ends")
        batch_op.drop_column("late_reason")
    op.drop_table("hours_corrections")
