"""Record who recorded an activity's completion (and with it the hours)

`activities.recorded_by_kind` and `recorded_by_id`, the actor of the ActivityCompleted event. The
activities completed before stay without one: their events name no actor, and a rebuild leaves
them so too.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-05 05:23:53
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | Sequence[str] | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("activities", schema=None) as batch_op:
        batch_op.add_column(sa.Column("recorded_by_kind", sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column("recorded_by_id", sa.String(length=255), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("activities", schema=None) as batch_op:
        batch_op.drop_column("recorded_by_id")
        batch_op.drop_column("recorded_by_kind")
