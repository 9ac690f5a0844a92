"""Teams and volunteers say which member organisation they belong to

A coordinator reaches only the teams and volunteers of their organisation. Teams made before have
none (they belong to the association itself); volunteers known before read as of none until a
later event of theirs names it.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-05 05:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | Sequence[str] | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_INDEXES = {"teams": "ix_teams_organisation", "volunteers": "ix_volunteers_organisation"}


def upgrade() -> None:
    for table, index in _INDEXES.items():
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column("organisation_id", sa.String(length=36), nullable=True))
            batch_op.create_index(index, ["organisation_id"], unique=False)


def downgrade() -> None:
    for table, index in _INDEXES.items():
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_index(index)
            batch_op.drop_column("organisation_id")
