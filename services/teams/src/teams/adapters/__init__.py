"""Storage of the teams service: projection tables, the event codec, repositories and queries."""
