"""The store's own tables (events, outbox, inbox, stored answers) as every service's schema
history creates and changes them, written once for the three histories.

These are revision steps: once released, a step stays as it is; a later change to the store's
tables is a new step, called from a new revision of each service.
"""

import sqlalchemy as sa
from alembic import op

import association.timestamps


def create_store_tables() -> None:
    """The store's tables as the first revision of each history creates them."""
    op.create_table(
        "events",
        sa.Column(
            "sequence",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("event_id", sa.String(length=36), nullable=False),
        sa.Column("aggregate_id", sa.String(length=64), nullable=False),
        sa.Column("aggregate_version", sa.Integer(), nullable=False),
        sa.Column("event_type", sa.String(length=64), nullable=False),
        sa.Column("schema_version", sa.SmallInteger(), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("metadata", sa.JSON(), nullable=False),
        sa.Column("occurred_at", association.timestamps.UtcDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("sequence"),
        sa.UniqueConstraint(
            "aggregate_id", "aggregate_version", name="uq_events_aggregate_version"
        ),
        sa.UniqueConstraint("event_id"),
    )
    op.create_table(
        "idempotency_keys",
        sa.Column("key", sa.String(length=255), nullable=False),
        sa.Column("fingerprint", sa.String(length=64), nullable=False),
        sa.Column("status", sa.SmallInteger(), nullable=True),
        sa.Column("headers", sa.JSON(), nullable=True),
        sa.Column("body", sa.LargeBinary(), nullable=True),
        sa.Column("created_at", association.timestamps.UtcDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("key"),
    )
    op.create_table(
        "inbox",
        sa.Column("event_id", sa.String(length=36), nullable=False),
        sa.Column("event_type", sa.String(length=64), nullable=False),
        sa.Column(
            "processed_at", association.timestamps.UtcDateTime(timezone=True), nullable=False
        ),
        sa.PrimaryKeyConstraint("event_id"),
    )
    op.create_table(
        "outbox",
        sa.Column("sequence", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.ForeignKeyConstraint(
            ["sequence"],
            ["events.sequence"],
        ),
        sa.PrimaryKeyConstraint("sequence"),
    )


def drop_store_tables() -> None:
    """Undo `create_store_tables`."""
    for table in ("outbox", "inbox", "idempotency_keys", "events"):
        op.drop_table(table)


def drop_idempotency_location() -> None:
    """Drop idempotency_keys.location where a database made before the erasure work still
    holds it (`create_all` never drops); databases made later lack it and are left as they are."""
    columns = sa.inspect(op.get_bind()).get_columns("idempotency_keys")
    if not any(column["name"] == "location" for column in columns):
        return
    with op.batch_alter_table("idempotency_keys") as batch_op:
        batch_op.drop_index("ix_idempotency_keys_location")
        batch_op.drop_column("location")


def restore_idempotency_location() -> None:
    """Undo `drop_idempotency_location`."""
    with op.batch_alter_table("idempotency_keys") as batch_op:
        batch_op.add_column(sa.Column("location", sa.String(length=255), nullable=True))
        batch_op.create_index("ix_idempotency_keys_location", ["location"], unique=False)
