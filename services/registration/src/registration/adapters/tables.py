"""The registration service's own tables: projections, personal-data keys, identity digests.

Personal data (name, phone, e-mail, birth date, gender, masked ID number) is only ever stored
encrypted under the volunteer's key (`personal_data_keys`); withdrawal deletes that key.
"""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
)

from association.timestamps import UtcDateTime

metadata = MetaData()

volunteers_table = Table(
    "volunteers",
    metadata,
    Column("volunteer_id", String(36), primary_key=True),
    Column("version", Integer, nullable=False),
    Column("active", Boolean, nullable=False),
    Column("street", String(64), nullable=True),
    Column("skills", JSON, nullable=False),
    Column("organisation_id", String(36), nullable=True, index=True),
    Column("id_verified", Boolean, nullable=False),
    Column("source", String(16), nullable=False),
    Column("registered_at", UtcDateTime(), nullable=False),
    Column("updated_at", UtcDateTime(), nullable=False),
    Column("sealed", LargeBinary, nullable=True),
    Index("ix_volunteers_active_street", "active", "street"),
)

# One row per (volunteer, skill) so that `?skill=` is an indexed lookup on every database.
volunteer_skills_table = Table(
    "volunteer_skills",
    metadata,
    Column("skill", String(64), primary_key=True),
    Column("volunteer_id", String(36), primary_key=True),
)

# Keyed hashes (HMAC) of active volunteers' phones and ID numbers: uniqueness without plain text.
identities_table = Table(
    "volunteer_identities",
    metadata,
    Column("kind", String(16), primary_key=True),
    Column("digest", String(64), primary_key=True),
    Column("volunteer_id", String(36), nullable=False, index=True),
)

personal_data_keys_table = Table(
    "personal_data_keys",
    metadata,
    Column("volunteer_id", String(36), primary_key=True),
    Column("key", LargeBinary(32), nullable=False),
)

organisations_table = Table(
    "organisations",
    metadata,
    Column("organisation_id", String(36), primary_key=True),
    Column("name", String(100), nullable=False, unique=True),
    Column("kind", String(32), nullable=False),
    Column("joined_at", UtcDateTime(), nullable=False),
)
