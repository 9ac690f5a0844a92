"""The notifications service's migration environment: the event store's tables and its own."""

from association.migrations import run_environment
from association.store import metadata as store_metadata
from notifications.adapters.tables import metadata

run_environment(store_metadata, metadata)
