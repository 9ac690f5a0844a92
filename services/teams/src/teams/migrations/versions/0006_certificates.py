"""Certificates of volunteer service, and what volunteers' certificates print of them

The `certificates` table (the projection of CertificateIssued: the number unique, by volunteer),
and the volunteers' masked ID number and whether they are minors (from VolunteerRegistered
version 2; volunteers known before read as unknown until registration tells again).

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-05 08:50:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import association.timestamps

revision: str = "0006"
down_revision: str | Sequence[str] | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "certificates",
        sa.Column("certificate_id", sa.String(length=36), nullable=False),
        sa.Column("number", sa.String(length=32), nullable=False),
        sa.Column("volunteer_id", sa.String(length=36), nullable=False),
        sa.Column("name_masked", sa.String(length=50), nullable=False),
        sa.Column("period_from", sa.Date(), nullable=True),
        sa.Column("period_to", sa.Date(), nullable=True),
        sa.Column("hundredths", sa.BigInteger(), nullable=False),
        sa.Column("activity_count", sa.Integer(), nullable=False),
        sa.Column("issued_at", association.timestamps.UtcDateTime(timezone=True), nullable=False),
        sa.Column("issuer", sa.String(length=100), nullable=False),
        sa.Column("signature", sa.String(length=200), nullable=False),
        sa.Column("activities", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("certificate_id"),
        sa.UniqueConstraint("number"),
    )
    with op.batch_alter_table("certificates", schema=None) as batch_op:
        batch_op.create_index("ix_certificates_volunteer", ["volunteer_id"], unique=False)
    with op.batch_alter_table("volunteers", schema=None) as batch_op:
        batch_op.add_column(sa.Column("id_number_masked", sa.String(length=18), nullable=True))
        batch_op.add_column(sa.Column("minor", sa.Boolean(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("volunteers", schema=None) as batch_op:
        batch_op.drop_column("minor")
        batch_op.drop_column("id_number_masked")
    with op.batch_alter_table("certificates", schema=None) as batch_op:
        batch_op.drop_index("ix_certificates_volunteer")
    op.drop_table("certificates")
