"""Storage of the registration service: projection tables, personal-data keys, identity hashes."""
