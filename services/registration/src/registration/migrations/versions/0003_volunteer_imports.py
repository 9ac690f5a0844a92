"""Add the reports of imported volunteer files

One row per uploaded file (`volunteer_imports`) and one per data row of its report
(`volunteer_import_rows`): row numbers, outcomes and reasons, never what a row held.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-05 05:25:35.682819
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import association.timestamps

revision: str = "0003"
down_revision: str | Sequence[str] | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "volunteer_import_rows",
        sa.Column("import_id", sa.String(length=36), nullable=False),
        sa.Column("row_number", sa.Integer(), nullable=False),
        sa.Column("outcome", sa.String(length=24), nullable=False),
        sa.Column("volunteer_id", sa.String(length=36), nullable=True),
        sa.Column("errors", sa.JSON(), nullable=True),
        sa.PrimaryKeyConstraint("import_id", "row_number"),
    )
    op.create_table(
        "volunteer_imports",
        sa.Column("import_id", sa.String(length=36), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("file_format", sa.String(length=8), nullable=False),
        sa.Column("total_rows", sa.Integer(), nullable=False),
        sa.Column("accepted", sa.Integer(), nullable=False),
        sa.Column("refused", sa.Integer(), nullable=False),
        sa.Column("already_registered", sa.Integer(), nullable=False),
        sa.Column("requested_by", sa.String(length=200), nullable=True),
        sa.Column("started_at", association.timestamps.UtcDateTime(timezone=True), nullable=False),
        sa.Column("finished_at", association.timestamps.UtcDateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("import_id"),
    )


def downgrade() -> None:
    op.drop_table("volunteer_imports")
    op.drop_table("volunteer_import_rows")
