"""Each volunteer's member organisation, so that coordinators reach only their own volunteers

Volunteers known before read as of no organisation until a later event of theirs names it.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-05 05:50:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | Sequence[str] | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "volunteer_organisations",
        sa.Column("volunteer_id", sa.String(length=36), nullable=False),
        sa.Column("organisation_id", sa.String(length=36), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("volunteer_id"),
    )


def downgrade() -> None:
    op.drop_table("volunteer_organisations")
