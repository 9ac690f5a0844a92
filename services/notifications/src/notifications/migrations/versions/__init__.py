"""The notifications service's schema revisions, oldest first (see association.migrations)."""
