"""Every table of the service on its own MetaData (what ServiceDefinition.metadata is given)."""

from notifications.adapters import partner_tables, recruitment_tables, volunteer_tables
from notifications.adapters.database import metadata

__all__ = ["metadata", "partner_tables", "recruitment_tables", "volunteer_tables"]
