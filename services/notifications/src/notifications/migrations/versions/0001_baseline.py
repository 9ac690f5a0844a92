"""Create the tables as the release before the histories made them

Revision ID: 0001
Revises:
Create Date: 2026-12-04 16:44:44.308072
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
        "contact_keys",
        sa.Column("volunteer_id", sa.String(length=36), nullable=False),
        sa.Column("key", sa.LargeBinary(length=32), nullable=False),
        sa.PrimaryKeyConstraint("volunteer_id"),
    )
    op.create_table(
        "contact_versions",
        sa.Column("volunteer_id", sa.String(length=36), nullable=False),
        sa.Column("name_version", sa.Integer(), nullable=False),
        sa.Column("email_version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("volunteer_id"),
    )
    op.create_table(
        "contacts",
        sa.Column("volunteer_id", sa.String(length=36), nullable=False),
        sa.Column("name", sa.String(length=50), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=True),
        sa.Column("updated_at", association.timestamps.UtcDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("volunteer_id"),
    )
    op.create_table(
        "hours_credits",
        sa.Column("activity_id", sa.String(length=36), nullable=False),
        sa.Column("volunteer_id", sa.String(length=36), nullable=False),
        sa.Column("centihours", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("activity_id", "volunteer_id"),
    )
    op.create_table(
        "notifications",
        sa.Column(
            "position",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("notification_id", sa.String(length=36), nullable=False),
        sa.Column("event_id", sa.String(length=36), nullable=False),
        sa.Column("volunteer_id", sa.String(length=36), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("language", sa.String(length=8), nullable=False),
        sa.Column("subject", sa.String(length=200), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("created_at", association.timestamps.UtcDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("position"),
        sa.UniqueConstraint(
            "event_id", "volunteer_id", "kind", name="uq_notifications_event_recipient_kind"
        ),
        sa.UniqueConstraint("notification_id"),
    )
    with op.batch_alter_table("notifications", schema=None) as batch_op:
        batch_op.create_index(
            "ix_notifications_volunteer", ["volunteer_id", "position"], unique=False
        )

    op.create_table(
        "public_events",
        sa.Column(
            "position",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("event_id", sa.String(length=36), nullable=False),
        sa.Column("event_type", sa.String(length=64), nullable=False),
        sa.Column("volunteer_id", sa.String(length=36), nullable=True),
        sa.Column("envelope", sa.JSON(), nullable=False),
        sa.Column("recorded_at", association.timestamps.UtcDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("position"),
        sa.UniqueConstraint("event_id"),
    )
    with op.batch_alter_table("public_events", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_public_events_volunteer_id"), ["volunteer_id"], unique=False
        )

    op.create_table(
        "sealed_contacts",
        sa.Column("volunteer_id", sa.String(length=36), nullable=False),
        sa.Column("sealed", sa.LargeBinary(), nullable=False),
        sa.Column("updated_at", association.timestamps.UtcDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("volunteer_id"),
    )
    op.create_table(
        "service_hours",
        sa.Column("volunteer_id", sa.String(length=36), nullable=False),
        sa.Column("total_centihours", sa.BigInteger(), nullable=False),
        sa.Column("star_level", sa.SmallInteger(), nullable=False),
        sa.PrimaryKeyConstraint("volunteer_id"),
    )
    op.create_table(
        "subscriptions",
        sa.Column("subscription_id", sa.String(length=36), nullable=False),
        sa.Column("owner", sa.String(length=255), nullable=False),
        sa.Column("url", sa.String(length=2048), nullable=False),
        sa.Column("event_types", sa.JSON(), nullable=False),
        sa.Column("secret", sa.String(length=128), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("status_reason", sa.String(length=500), nullable=True),
        sa.Column("paused_at", association.timestamps.UtcDateTime(timezone=True), nullable=True),
        sa.Column("consecutive_failures", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", association.timestamps.UtcDateTime(timezone=True), nullable=False),
        sa.Column("lease_owner", sa.String(length=64), nullable=True),
        sa.Column("lease_until", association.timestamps.UtcDateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("subscription_id"),
    )
    with op.batch_alter_table("subscriptions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_subscriptions_owner"), ["owner"], unique=False)

    op.create_table(
        "team_names",
        sa.Column("team_id", sa.String(length=36), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.PrimaryKeyConstraint("team_id"),
    )
    op.create_table(
        "withdrawn_volunteers",
        sa.Column("volunteer_id", sa.String(length=36), nullable=False),
        sa.Column(
            "withdrawn_at", association.timestamps.UtcDateTime(timezone=True), nullable=False
        ),
        sa.PrimaryKeyConstraint("volunteer_id"),
    )
    op.create_table(
        "message_deliveries",
        sa.Column("notification_id", sa.String(length=36), nullable=False),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column(
            "next_attempt_at", association.timestamps.UtcDateTime(timezone=True), nullable=True
        ),
        sa.Column("lease_until", association.timestamps.UtcDateTime(timezone=True), nullable=True),
        sa.Column("last_error", sa.String(length=500), nullable=True),
        sa.Column("sent_at", association.timestamps.UtcDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["notification_id"], ["notifications.notification_id"], ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("notification_id", "channel"),
    )
    with op.batch_alter_table("message_deliveries", schema=None) as batch_op:
        batch_op.create_index(
            "ix_message_deliveries_due", ["status", "next_attempt_at"], unique=False
        )

    op.create_table(
        "public_outbox",
        sa.Column("position", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.ForeignKeyConstraint(
            ["position"],
            ["public_events.position"],
        ),
        sa.PrimaryKeyConstraint("position"),
    )
    op.create_table(
        "webhook_deliveries",
        sa.Column(
            "position",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("delivery_id", sa.String(length=36), nullable=False),
        sa.Column("subscription_id", sa.String(length=36), nullable=False),
        sa.Column(
            "public_position", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("event_type", sa.String(length=64), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column(
            "next_attempt_at", association.timestamps.UtcDateTime(timezone=True), nullable=False
        ),
        sa.Column(
            "last_attempt_at", association.timestamps.UtcDateTime(timezone=True), nullable=True
        ),
        sa.Column("last_status_code", sa.SmallInteger(), nullable=True),
        sa.Column("last_error", sa.String(length=500), nullable=True),
        sa.Column("delivered_at", association.timestamps.UtcDateTime(timezone=True), nullable=True),
        sa.Column("created_at", association.timestamps.UtcDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["public_position"],
            ["public_events.position"],
        ),
        sa.ForeignKeyConstraint(
            ["subscription_id"], ["subscriptions.subscription_id"], ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("position"),
        sa.UniqueConstraint("delivery_id"),
        sa.UniqueConstraint(
            "subscription_id", "public_position", name="uq_webhook_deliveries_event"
        ),
    )
    with op.batch_alter_table("webhook_deliveries", schema=None) as batch_op:
        batch_op.create_index(
            "ix_webhook_deliveries_queue", ["subscription_id", "status", "position"], unique=False
        )


def downgrade() -> None:
    # Dropping a table drops its indexes.
    op.drop_table("webhook_deliveries")
    op.drop_table("public_outbox")
    op.drop_table("message_deliveries")
    op.drop_table("withdrawn_volunteers")
    op.drop_table("team_names")
    op.drop_table("subscriptions")
    op.drop_table("service_hours")
    op.drop_table("sealed_contacts")
    op.drop_table("public_events")
    op.drop_table("notifications")
    op.drop_table("hours_credits")
    op.drop_table("contacts")
    op.drop_table("contact_versions")
    op.drop_table("contact_keys")
    revisions.drop_store_tables()
