"""Create the tables as the release before the histories made them

Revision ID: 0001
Revises:
Create Date: 2026-12-04 16:44:42.160746
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
        "organisations",
        sa.Column("organisation_id", sa.String(length=36), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("joined_at", association.timestamps.UtcDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("organisation_id"),
        sa.UniqueConstraint("name"),
    )
    op.create_table(
        "personal_data_keys",
        sa.Column("volunteer_id", sa.String(length=36), nullable=False),
        sa.Column("key", sa.LargeBinary(length=32), nullable=False),
        sa.PrimaryKeyConstraint("volunteer_id"),
    )
    op.create_table(
        "volunteer_identities",
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("digest", sa.String(length=64), nullable=False),
        sa.Column("volunteer_id", sa.String(length=36), nullable=False),
        sa.PrimaryKeyConstraint("kind", "digest"),
    )
    with op.batch_alter_table("volunteer_identities", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_volunteer_identities_volunteer_id"), ["volunteer_id"], unique=False
        )

    op.create_table(
        "volunteer_skills",
        sa.Column("skill", sa.String(length=64), nullable=False),
        sa.Column("volunteer_id", sa.String(length=36), nullable=False),
        sa.PrimaryKeyConstraint("skill", "volunteer_id"),
    )
    op.create_table(
        "volunteers",
        sa.Column("volunteer_id", sa.String(length=36), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("street", sa.String(length=64), nullable=True),
        sa.Column("skills", sa.JSON(), nullable=False),
        sa.Column("organisation_id", sa.String(length=36), nullable=True),
        sa.Column("id_verified", sa.Boolean(), nullable=False),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column(
            "registered_at", association.timestamps.UtcDateTime(timezone=True), nullable=False
        ),
        sa.Column("updated_at", association.timestamps.UtcDateTime(timezone=True), nullable=False),
        sa.Column("sealed", sa.LargeBinary(), nullable=True),
        sa.PrimaryKeyConstraint("volunteer_id"),
    )
    with op.batch_alter_table("volunteers", schema=None) as batch_op:
        batch_op.create_index("ix_volunteers_active_street", ["active", "street"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_volunteers_organisation_id"), ["organisation_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("volunteers", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_volunteers_organisation_id"))
        batch_op.drop_index("ix_volunteers_active_street")

    op.drop_table("volunteers")
    op.drop_table("volunteer_skills")
    with op.batch_alter_table("volunteer_identities", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_volunteer_identities_volunteer_id"))

    op.drop_table("volunteer_identities")
    op.drop_table("personal_data_keys")
    op.drop_table("organisations")
    revisions.drop_store_tables()
