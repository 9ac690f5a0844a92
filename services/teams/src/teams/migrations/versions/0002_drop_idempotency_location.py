"""Drop idempotency_keys.location, which databases made before the erasure work still hold

Stored answers naming an erased person are found by their body since then; the column and its
index stayed behind in those databases, as `create_all` never drops. Databases made later lack
both, and this revision leaves them as they are.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-04 16:50:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | Sequence[str] | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    columns = sa.inspect(op.get_bind()).get_columns("idempotency_keys")
    if not any(column["name"] == "location" for column in columns):
        return
    with op.batch_alter_table("idempotency_keys") as batch_op:
        batch_op.drop_index("ix_idempotency_keys_location")
        batch_op.drop_column("location")


def downgrade() -> None:
    with op.batch_alter_table("idempotency_keys") as batch_op:
        batch_op.add_column(sa.Column("location", sa.String(length=255), nullable=True))
        batch_op.create_index("ix_idempotency_keys_location", ["location"], unique=False)
