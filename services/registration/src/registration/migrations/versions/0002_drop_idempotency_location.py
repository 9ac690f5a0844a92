"""Drop idempotency_keys.location, which databases made before the erasure work still hold

Stored answers naming an erased person are found by their body since then; the column and its
index stayed behind in those databases, as `create_all` never drops. Databases made later lack
both, and this revision leaves them as they are.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-04 16:50:00
"""

from collections.abc import Sequence

from association.store import revisions

revision: str = "0002"
down_revision: str | Sequence[str] | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    revisions.drop_idempotency_location()


def downgrade() -> None:
    revisions.restore_idempotency_location()
