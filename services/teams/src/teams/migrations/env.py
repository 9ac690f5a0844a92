"""The teams service's migration environment: the event store's tables and its read models."""

from association.migrations import run_environment
from association.store import metadata as store_metadata
from teams.adapters.tables import metadata

run_environment(store_metadata, metadata)
