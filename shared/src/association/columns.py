"""The kinds of column every service's tables are built of, and builders that say them once.

Ids, instants and log positions have one type each wherever they are stored; a column is a key,
required (NOT NULL) or optional (nullable), and says so by the builder that makes it.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import BigInteger, Column, Integer, String
from sqlalchemy.schema import SchemaItem
from sqlalchemy.types import TypeEngine

from association.timestamps import UtcDateTime

# An id as the association writes them: a UUID's 36 characters of text.
Id = String(36)

Instant = UtcDateTime()

# An event's type as its envelope names it, e.g. `VolunteerRegistered`.
EventType = String(64)

# A record's state, one word of its table's own vocabulary.
Status = String(16)

# Why something failed or was stopped, as people read it.
Reason = String(500)

# Who did something (association.actors): its kind, and the `sub` of the token that acted.
ActorKind = String(16)
ActorId = String(255)

# SQLite only auto-increments an INTEGER PRIMARY KEY; PostgreSQL gets a 64-bit identity.
Position = BigInteger().with_variant(Integer(), "sqlite")


def key(name: str, type_: TypeEngine[Any] = Id, *items: SchemaItem, **options: Any) -> Column[Any]:
    """A primary-key column (or one part of a composite key), an id unless `type_` says else."""
    return Column(name, type_, *items, primary_key=True, **options)


def numbered(name: str) -> Column[int]:
    """The key of a log's rows: the database numbers each new row, in the order they are written."""
    return Column(name, Position, primary_key=True, autoincrement=True)


def required(name: str, type_: TypeEngine[Any], *items: SchemaItem, **options: Any) -> Column[Any]:
    """A column that holds a value in every row (NOT NULL)."""
    return Column(name, type_, *items, nullable=False, **options)


def optional(name: str, type_: TypeEngine[Any], *items: SchemaItem, **options: Any) -> Column[Any]:
    """A column that may hold no value (NULL)."""
    return Column(name, type_, *items, nullable=True, **options)
