"""The registration service's own tables: projections, personal-data keys, identity digests.

Personal data (name, phone, e-mail, birth date, gender, masked ID number) is only ever stored
encrypted under the volunteer's key (`personal_data_keys`); withdrawal deletes that key. The
reports of imported files keep row numbers, outcomes and reasons, never what a row held.
"""

from __future__ import annotations

from sqlalchemy.schema import Index, MetaData, Table
from sqlalchemy.types import JSON, Boolean, Integer, LargeBinary, String

from association.columns import Id, Instant, Status, key, optional, required
from association.sealing import keys_table

metadata = MetaData()

volunteers_table = Table(
    "volunteers",
    metadata,
    key("volunteer_id"),
    required("version", Integer),
    required("active", Boolean),
    optional("street", String(64)),
    required("skills", JSON),
    optional("organisation_id", Id, index=True),
    required("id_verified", Boolean),
    required("source", String(16)),
    required("registered_at", Instant),
    required("updated_at", Instant),
    optional("sealed", LargeBinary),
    Index("ix_volunteers_active_street", "active", "street"),
)

# One row per (volunteer, skill) so that `?skill=` is an indexed lookup on every database.
volunteer_skills_table = Table(
    "volunteer_skills",
    metadata,
    key("skill", String(64)),
    key("volunteer_id"),
)

# Keyed hashes (HMAC) of active volunteers' phones and ID numbers: uniqueness without plain text.
identities_table = Table(
    "volunteer_identities",
    metadata,
    key("kind", String(16)),
    key("digest", String(64)),
    required("volunteer_id", Id, index=True),
)

personal_data_keys_table = keys_table(metadata)

organisations_table = Table(
    "organisations",
    metadata,
    key("organisation_id"),
    required("name", String(100), unique=True),
    required("kind", String(32)),
    required("joined_at", Instant),
)

# One row per uploaded file of volunteers (`POST /volunteers/imports`), its counts kept as it runs.
volunteer_imports_table = Table(
    "volunteer_imports",
    metadata,
    key("import_id"),
    required("status", Status),
    required("file_format", String(8)),
    required("total_rows", Integer),
    required("accepted", Integer),
    required("refused", Integer),
    required("already_registered", Integer),
    optional("requested_by", String(200)),
    required("started_at", Instant),
    optional("finished_at", Instant),
)

# The outcome of each data row of an import: the volunteer made, or the reasons per field.
volunteer_import_rows_table = Table(
    "volunteer_import_rows",
    metadata,
    key("import_id"),
    key("row_number", Integer),
    required("outcome", String(24)),
    optional("volunteer_id", Id),
    optional("errors", JSON),
)

# Logins. A one-time code per (audience, phone digest): only its keyed hash is kept, with when it
# was asked for (one a minute), when it expires and how many wrong tries it has had.
login_codes_table = Table(
    "login_codes",
    metadata,
    key("audience", String(16)),
    key("phone_digest", String(64)),
    optional("code_digest", String(64)),
    required("tries", Integer),
    required("requested_at", Instant),
    required("expires_at", Instant),
)

# Refresh tokens by the sha256 of the token; `sid` names the login (the family of its rotations).
refresh_tokens_table = Table(
    "refresh_tokens",
    metadata,
    key("token_digest", String(64)),
    required("sid", Id, index=True),
    required("sub", Id, index=True),
    required("role", String(16)),
    optional("org", Id),
    required("state", String(8)),
    required("issued_at", Instant),
    required("expires_at", Instant, index=True),
)

# Coordinators and the office: name and phone sealed under the person's key in `staff_keys`,
# found by the keyed hash of the phone.
staff_table = Table(
    "staff",
    metadata,
    key("staff_id"),
    required("role", String(16)),
    optional("organisation_id", Id, index=True),
    required("phone_digest", String(64), unique=True),
    required("sealed", LargeBinary),
    required("created_at", Instant),
)

staff_keys_table = keys_table(metadata, "staff_keys")
